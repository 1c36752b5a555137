"""Wave results from hand-built answer frames: figures, anonymity, maturity, diagnostic, changes."""

import json
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import AnonymityError, GroupTooSmall, ThresholdTooLow, builtin_definition, load_definition
from surveys.diagnostic import VERDICT_INCOMPLETE, VERDICT_MISSING_GOVERNANCE, VERDICT_STRENGTHEN_EX_CX_LINK
from bot.i18n import normalise_locale, translator
from bot.survey_results_table import results_to_table as table_in
from surveys.results import compute_wave_results, results_to_dict
from surveys.scopes import ScopeAudit

COLUMNS = ["response_id", "org_unit", "question_id", "value_int", "value_text"]

DEFINITION = load_definition("""
id = "test-pulse"
kind = "custom"
title = { pl = "Puls próbny", en = "Trial pulse" }
[[questions]]
id = "enps"
type = "nps"
text = { pl = "Czy polecisz nas jako pracodawcę?", en = "Would you recommend us as an employer?" }
[[questions]]
id = "tools"
type = "likert"
text = { pl = "Mam potrzebne narzędzia.", en = "I have the tools I need." }
[[questions]]
id = "clarity"
type = "likert"
optional = true
text = { pl = "Wiem, kto decyduje.", en = "I know who decides." }
[[questions]]
id = "stay"
type = "yes_no"
text = { pl = "Czy zostaniesz z nami rok?", en = "Will you stay a year?" }
[[questions]]
id = "comment"
type = "text"
optional = true
text = { pl = "Co zmienić?", en = "What should change?" }
""")


def frame(respondents):
    """respondents: [(response_id, org_unit, {question_id: value or None})]; None = skipped (row with <NA>)."""
    rows = []
    for response_id, unit, given in respondents:
        for question_id, value in given.items():
            text = value if isinstance(value, str) else None
            number = value if isinstance(value, int) else pd.NA
            rows.append((response_id, unit, question_id, number, text))
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.astype({"value_int": "Int64", "value_text": object})


def people(unit, count, prefix=None, **given):
    """`count` respondents of `unit`; each keyword is a value for all or a list (one per person)."""
    prefix = prefix or unit
    out = []
    for i in range(count):
        answers = {q: (v[i] if isinstance(v, list) else v) for q, v in given.items()}
        out.append((f"{prefix}-{i}", unit, answers))
    return out


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


# --- overall figures ----------------------------------------------------------

OPS = people(
    "Ops", 10,
    enps=[10, 9, 9, 8, 7, 6, 5, 3, 10, None],        # n 9: 4 promoters, 2 passives, 3 detractors
    tools=[5, 4, 4, 3, 2, 5, 4, None, None, 1],       # n 8: mean 28/8 = 3.5, 4-5 share 5/8
    stay=[1, 1, 0, 1, 0, 1, None, None, None, None],  # n 6: 4 yes
    comment=["a", "b", "c", "d", None, None, None, None, None, None],  # 4 comments < k
)


def results_to_table(results, definition, locale: str) -> str:
    """The terminal table in the language a person gives (pl, pl-PL, en)."""
    return table_in(results, definition, translator(normalise_locale(locale) or "en"))


def test_overall_enps_likert_and_yes_no_by_hand():
    results = compute_wave_results(frame(OPS), DEFINITION, k=5)
    assert results.respondents == 10 and not results.suppressed
    enps = results.question("enps")
    assert (enps.n, enps.result.promoters, enps.result.passives, enps.result.detractors) == (9, 4, 2, 3)
    assert enps.result.score == pytest.approx(100 / 9)
    tools = results.question("tools")
    assert (tools.n, tools.result.mean, tools.result.top2_box) == (8, 3.5, 62.5)
    # squares 14; with Rocks's pseudo-answers (0.75 at 1, 1.5 at 3, 0.75 at 5): n' = 11, mean' = 37/11 = 3.3636,
    # squares 20.5455, s'^2 / n' = 0.186777, t(0.975, 10) = 2.228139: 3.3636 ± 0.9630
    assert (tools.result.ci_low, tools.result.ci_high) == (pytest.approx(2.4007, abs=1e-4),
                                                           pytest.approx(4.3266, abs=1e-4))

    as_dict = results_to_dict(results)
    questions = {q["question_id"]: q for q in as_dict["questions"]}
    assert questions["enps"] == {
        "question_id": "enps", "type": "nps", "suppressed": False, "n": 9, "score": 11.1,
        "promoters": 4, "passives": 2, "detractors": 3, "ci_low": -44.9, "ci_high": 61.5,  # adjusted Wald: 8.33 ± t(0.975, 11) 2.201 * 24.18
    }
    assert questions["tools"]["mean"] == 3.5 and questions["tools"]["n"] == 8
    # Wilson with continuity correction for 5 of 8 agreeing: 25.9% to 89.8%
    assert (questions["tools"]["top2_ci_low"], questions["tools"]["top2_ci_high"]) == (25.9, 89.8)
    assert questions["tools"]["distribution"] == {"1": 1, "2": 1, "3": 1, "4": 3, "5": 2}
    assert questions["stay"] == {"question_id": "stay", "type": "yes_no", "suppressed": False, "n": 6,
                                 "yes": 4, "no": 2, "yes_share": 66.7}
    assert questions["clarity"] == {"question_id": "clarity", "suppressed": True}  # nobody answered
    assert questions["comment"] == {"question_id": "comment", "suppressed": True}  # 4 < 5
    json.dumps(as_dict)


def test_table_shows_each_figure_with_its_n_in_both_languages():
    results = compute_wave_results(frame(OPS), DEFINITION, k=5)
    english = results_to_table(results, DEFINITION, "en")
    polish = results_to_table(results, DEFINITION, "pl-PL")
    enps_row = next(line for line in english.splitlines() if "Would you recommend" in line)
    assert re.search(r"\s9\s+NPS \+11\.1 \(promoters 4, passives 2, detractors 3", enps_row)
    assert "hidden (fewer respondents than k = 5)" in english
    assert "Czy polecisz nas jako pracodawcę?" in polish and "średnia 3,50" in polish
    assert "ukryte (mniej respondentów niż k = 5)" in polish and "Would you" not in polish


def test_k_below_three_is_refused():
    with pytest.raises(ThresholdTooLow):
        compute_wave_results(frame(OPS), DEFINITION, k=2)


def test_a_whole_wave_below_k_shows_nothing():
    results = compute_wave_results(frame(OPS[:4]), DEFINITION, k=5)
    assert results.suppressed and results.respondents is None and results.questions == () == results.by_unit
    assert results_to_dict(results) == {"survey_id": "test-pulse", "unit": None, "k": 5, "suppressed": True}
    table = results_to_table(results, DEFINITION, "en")
    assert "hidden" in table and "4" not in table


# --- units ----------------------------------------------------------------------


def test_a_unit_below_k_is_hidden_without_its_n():
    data = frame(people("A", 10, enps=9, tools=4) + people("B", 3, enps=3, tools=2) + people("C", 2, enps=0, tools=1))
    results = compute_wave_results(data, DEFINITION, k=5)
    as_dict = results_to_dict(results)
    by_unit = {u["unit"]: u for u in as_dict["by_unit"]}
    assert by_unit["B"] == {"unit": "B", "suppressed": True}
    assert by_unit["C"] == {"unit": "C", "suppressed": True}
    assert by_unit["A"]["respondents"] == 10 and by_unit["A"]["questions"][0]["n"] == 10
    assert as_dict["respondents"] == 15  # B and C together are 5 = k: total minus A reveals no one
    table = results_to_table(results, DEFINITION, "en")
    for name, n in (("B", "3"), ("C", "2")):
        line = next(line for line in table.splitlines() if line.startswith(f"Unit: {name}"))
        assert "hidden (here, or in its difference from another group shown, fewer respondents than k = 5)" in line
        assert n not in line
    block_a = table.split("Unit: A")[1].split("Unit: B")[0]
    assert "Respondents: 10" in block_a


def test_unit_filter_below_k_is_refused_not_hidden():
    data = frame(people("Sales", 2, enps=9) + people("Ops", 8, enps=9))
    with pytest.raises(AnonymityError) as caught:
        compute_wave_results(data, DEFINITION, k=5, unit="Sales")
    assert "2" not in str(caught.value)
    with pytest.raises(GroupTooSmall):
        compute_wave_results(data, DEFINITION, k=5, unit="Nowhere")  # zero is refused too


def test_unit_filter_includes_sub_units():
    data = frame(people("Sales", 2, enps=10) + people("Sales North", 2, enps=10)
                 + people("Sales South", 2, enps=0) + people("Ops", 8, enps=0))
    parents = {"Sales": None, "Sales North": "Sales", "Sales South": "Sales", "Ops": None}
    results = compute_wave_results(data, DEFINITION, k=5, unit="Sales", parents=parents)
    assert results.respondents == 6 and results.unit == "Sales"
    assert results.question("enps").result.promoters == 4 and results.question("enps").n == 6
    assert [(u.unit, u.suppressed) for u in results.by_unit] == [("Sales North", True), ("Sales South", True)]
    assert "Sales and its sub-units" in results_to_table(results, DEFINITION, "en")
    overall = compute_wave_results(data, DEFINITION, k=5, parents=parents)
    assert overall.unit_result("Sales").respondents == 6  # a by-unit row is the unit with its sub-units
    with pytest.raises(AnonymityError):  # without the tree, only "Sales" itself (2 people)
        compute_wave_results(data, DEFINITION, k=5, unit="Sales")


def test_complementary_suppression_hides_the_smallest_shown_unit():
    # k = 5, A = 10, B = 6, C = 2: C is below k, and total - A - B would give C's 2 people away
    data = frame(people("A", 10, enps=10) + people("B", 6, enps=0) + people("C", 2, enps=5))
    results = compute_wave_results(data, DEFINITION, k=5)
    shown = {u.unit: u.suppressed for u in results.by_unit}
    assert shown == {"A": False, "B": True, "C": True}
    assert results.unit_result("A").respondents == 10
    assert results_to_dict(results)["by_unit"][1] == {"unit": "B", "suppressed": True}


def test_complementary_suppression_not_needed_when_hidden_units_reach_k():
    data = frame(people("A", 10, enps=10) + people("B", 6, enps=0) + people("C", 3, enps=5) + people("D", 2, enps=5))
    results = compute_wave_results(data, DEFINITION, k=5)
    assert {u.unit: u.suppressed for u in results.by_unit} == {"A": False, "B": False, "C": True, "D": True}


def test_a_filter_whose_difference_from_the_whole_would_be_below_k_is_refused():
    # the minimal case: A has 5 people, B 1, both under Org; k = 5
    data = frame(people("A", 5, enps=10) + people("B", 1, enps=0))
    parents = {"Org": None, "A": "Org", "B": "Org"}
    overall = compute_wave_results(data, DEFINITION, k=5, parents=parents)
    assert overall.respondents == 6 and overall.unit_result("A").suppressed and overall.unit_result("B").suppressed
    with pytest.raises(AnonymityError) as caught:
        compute_wave_results(data, DEFINITION, k=5, unit="A", parents=parents)
    assert "1" not in str(caught.value) and "6" not in str(caught.value)


def test_units_are_listed_whether_or_not_anyone_answered():
    data = frame(people("A", 6, enps=9) + people("B", 5, enps=3))
    audience = {"A": 8, "B": 5, "C": 1, "D": 6}
    results = compute_wave_results(data, DEFINITION, k=5, parents={u: None for u in audience}, audience=audience)
    assert [(u.unit, u.suppressed) for u in results.by_unit] == [("A", False), ("B", False), ("C", True), ("D", True)]


def test_cells_along_a_tree_are_each_zero_or_at_least_k():
    parents = {"Org": None, "A": "Org", "A1": "A", "A2": "A", "B": "Org"}
    respondents = {"A1": 6, "A2": 2, "A": 0, "B": 1, "Org": 4}
    audit = ScopeAudit(k=5, k_comments=10, parents=parents, members={**respondents, "A": 6}, respondents=respondents,
                       answered={}, text_questions=())
    sizes = sorted(sum(respondents[a] for a in region) for region in audit.cells.regions.values())
    assert sizes == [6, 7] and all(size == 0 or size >= 5 for size in sizes)
    assert audit.scope_shown(audit.atoms_of("A1")) and audit.scope_shown(audit.atoms_of(None))
    assert not audit.scope_shown(audit.atoms_of("A"))  # A minus A1 would be A2's 2 and A's 6 who did not answer


def test_complementary_suppression_per_question_across_units():
    # B has 6 respondents but only 3 answered "clarity": A's clarity would give those 3 away
    data = frame(people("A", 10, enps=9, clarity=4)
                 + people("B", 6, enps=9, clarity=[2, 2, 2, None, None, None]))
    results = compute_wave_results(data, DEFINITION, k=5)
    assert results.question("clarity").n == 13
    cells = {(u.unit, q.question_id): q for u in results.by_unit for q in u.questions}
    assert cells[("A", "clarity")].suppressed and cells[("B", "clarity")].suppressed
    assert cells[("A", "enps")].n == 10 and cells[("B", "enps")].n == 6
    block_a = results_to_table(results, DEFINITION, "en").split("Unit: A")[1].split("Unit: B")[0]
    assert "hidden (here, or in its difference from another group shown, fewer respondents than k = 5)" in block_a


# --- comments -----------------------------------------------------------------


def test_comments_hidden_below_k():
    data = frame(people("A", 6, enps=9, comment=["x", "y", "z", "w", None, None]))
    results = compute_wave_results(data, DEFINITION, k=5)
    assert results_to_dict(results)["comments"] == [{"question_id": "comment", "suppressed": True}]
    table = results_to_table(results, DEFINITION, "en")
    assert not any(line.strip() in {"- x", "- y", "- z", "- w"} for line in table.splitlines())


def test_comments_need_k_comments_and_come_in_a_random_order():
    written = ["more time", "better tools", "fewer meetings", "clear owners", "  agile budget ", "a", "b", "c", "d"]
    nine = frame(people("A", 9, enps=9, comment=written))
    assert compute_wave_results(nine, DEFINITION, k=5).comments[0].suppressed  # 9 < k_comments = 10
    assert not compute_wave_results(nine, DEFINITION, k=5, k_comments=9).comments[0].suppressed
    with_ten = frame(people("A", 10, enps=9, comment=written + ["e"]))
    orders = {compute_wave_results(with_ten, DEFINITION, k=5).comments[0].texts for _ in range(20)}
    expected = sorted(["more time", "better tools", "fewer meetings", "clear owners", "agile budget",
                       "a", "b", "c", "d", "e"])
    assert all(sorted(order) == expected for order in orders) and len(orders) > 1
    six = frame(people("A", 6, enps=9, comment=written[:6]))
    assert not compute_wave_results(six, DEFINITION, k=5, k_comments=3).comments[0].suppressed  # max(k, 3) = 5 <= 6
    assert results_to_dict(compute_wave_results(with_ten, DEFINITION, k=5))["comments"][0]["n"] == 10


# --- maturity -----------------------------------------------------------------


def test_maturity_per_dimension_with_levels_for_the_builtin_survey():
    definition = builtin_definition("cx-maturity")
    per_dimension = {"strategic_importance": [5, 4, 3], "structures_processes": 1, "change_management": 2,
                     "technology_tools": 3, "skills_competencies": 5, "measures_indicators": 2}
    given = {}
    for dimension, values in per_dimension.items():
        items = definition.questions_in(dimension)
        for position, question in enumerate(items):
            given[question.id] = values[position % len(values)] if isinstance(values, list) else values
    last_measure = definition.questions_in("measures_indicators")[-1].id
    respondents = people("Board", 5, **given)
    for i in range(1, 5):  # an item answered by 4 (< k) must not move its dimension
        respondents[i][2][last_measure] = 5
    respondents[0][2][last_measure] = None
    results = compute_wave_results(frame(respondents), definition, k=5)
    maturity = results_to_dict(results)["maturity"]
    dimensions = {d["dimension"]: (d["score"], d["level"], d["n"]) for d in maturity["dimensions"]}
    assert dimensions == {
        "strategic_importance": (4.0, 4, 5),  # item means 5, 4, 3
        "structures_processes": (1.0, 1, 5), "change_management": (2.0, 2, 5), "technology_tools": (3.0, 3, 5),
        "skills_competencies": (5.0, 5, 5),
        "measures_indicators": (2.0, 2, 5),  # with the hidden item (four 5s) it would be 3.0, level 3
    }
    # (4 + 1 + 2 + 3 + 5 + 2) / 6 = 2.833 -> level 3
    # every answer to an item is the same here: no spread, so the interval is the score itself
    assert maturity["overall"] == {"n": 5, "score": 2.83, "level": 3, "ci_low": 2.83, "ci_high": 2.83,
                                   "near_boundary": False}
    english = results_to_table(results, definition, "en")
    polish = results_to_table(results, definition, "pl")
    assert "Connected" in english and "Scattered" in english and "Maturity overall" in english
    assert "Strategiczne znaczenie CX" in polish and "Połączony" in polish and "Uporządkowany" in polish


def test_no_maturity_or_diagnostic_for_a_pulse():
    results = compute_wave_results(frame(OPS), DEFINITION, k=5)
    assert results.maturity is None and results.diagnostic is None
    assert results_to_dict(results)["maturity"] is None


# --- diagnostic ---------------------------------------------------------------


def _diagnostic_frame(yes_counts, respondents=6):
    definition = builtin_definition("diagnostic")
    ids = [q.id for q in definition.questions]
    given = {qid: [1] * yes + [0] * (respondents - yes) for qid, yes in zip(ids, yes_counts)}
    return definition, frame(people("Mgmt", respondents, **given))


def test_diagnostic_three_majority_no_is_missing_governance():
    # yes out of 6: 1, 2, 0 -> majority "no"; 6, 4, 5 -> "yes"
    definition, data = _diagnostic_frame([1, 2, 0, 6, 4, 5])
    results = compute_wave_results(data, definition, k=5)
    diagnostic = results_to_dict(results)["diagnostic"]
    assert [q["answer"] for q in diagnostic["questions"]] == ["no", "no", "no", "yes", "yes", "yes"]
    assert (diagnostic["questions"][0]["yes"], diagnostic["questions"][0]["no"], diagnostic["questions"][0]["n"]) == (1, 5, 6)
    assert (diagnostic["no_count"], diagnostic["missing_governance"]) == (3, True)
    assert diagnostic["verdict"] == VERDICT_MISSING_GOVERNANCE
    assert ("the problem is missing Experience Governance, not the link between EX and CX"
            in results_to_table(results, definition, "en"))
    assert "problemem jest brak Experience Governance" in results_to_table(results, definition, "pl")


def test_diagnostic_tie_is_undecided_not_yes():
    definition, data = _diagnostic_frame([6, 6, 6, 6, 6, 3])  # 3 yes, 3 no on the sixth question
    results = compute_wave_results(data, definition, k=5)
    assert results_to_dict(results)["diagnostic"]["questions"][5]["answer"] == "undecided"
    assert results.diagnostic.verdict.verdict_key == VERDICT_INCOMPLETE  # a "no" there would change the verdict
    assert "undecided (tie)" in results_to_table(results, definition, "en")
    assert "nierozstrzygnięte (remis)" in results_to_table(results, definition, "pl")


def test_diagnostic_two_majority_no_is_not_missing_governance():
    definition, data = _diagnostic_frame([1, 2, 6, 6, 4, 5])
    results = compute_wave_results(data, definition, k=5)
    assert results.diagnostic.verdict.verdict_key == VERDICT_STRENGTHEN_EX_CX_LINK
    assert "strengthen the link between EX and CX" in results_to_table(results, definition, "en")


# --- changes ------------------------------------------------------------------


def test_changes_are_significant_only_beyond_noise():
    previous_data = frame(people("A", 10, enps=[0, 1, 2, 3, 4, 5, 6, 7, 8, 9],  # 1 P, 7 D: -60
                                 tools=[3, 4] * 5, clarity=[4, 4, 4] + [None] * 7))
    current_data = frame(people("A", 10, enps=[10, 10, 9, 9, 9, 10, 8, 7, 9, 10],  # 8 P, 0 D: +80
                                tools=[4, 3] * 4 + [4, 4], clarity=4))
    previous = compute_wave_results(previous_data, DEFINITION, k=5)
    current = compute_wave_results(current_data, DEFINITION, k=5, previous=previous)
    changes = {c["question_id"]: c for c in results_to_dict(current)["changes"]}
    assert set(changes) == {"enps", "tools"}  # clarity was hidden before (3 < 5): no comparison
    assert (changes["enps"]["delta"], changes["enps"]["significant"], changes["enps"]["direction"]) == (140.0, True, 1)
    # 3.5 -> 3.6 with 10 answers each: exact permutation test (n < 30), far from significant
    assert (changes["tools"]["delta"], changes["tools"]["significant"]) == (0.1, False)
    assert changes["tools"]["method"] == "permutation" and changes["tools"]["p"] > 0.5
    assert (changes["tools"]["n"], changes["tools"]["previous_n"]) == (10, 10)
    table = results_to_table(current, DEFINITION, "pl")
    assert "istotna" in table and "w granicach szumu" in table


def test_changes_refuse_another_survey_or_scope():
    previous = compute_wave_results(frame(OPS), DEFINITION, k=5)
    with pytest.raises(ValueError):
        compute_wave_results(_diagnostic_frame([6] * 6)[1], builtin_definition("diagnostic"), previous=previous)
    with pytest.raises(ValueError):
        compute_wave_results(frame(OPS), DEFINITION, k=5, unit="Ops", previous=previous)


def test_out_of_scale_values_are_refused():
    with pytest.raises(ValueError, match="tools"):
        compute_wave_results(frame(people("A", 5, tools=7)), DEFINITION)


# --- property: never figures for fewer than k -----------------------------------

ANSWER = st.fixed_dictionaries({
    "enps": st.one_of(st.none(), st.integers(0, 10)),
    "tools": st.one_of(st.none(), st.integers(1, 5)),
    "clarity": st.one_of(st.none(), st.integers(1, 5)),
    "stay": st.one_of(st.none(), st.integers(0, 1)),
    "comment": st.one_of(st.none(), st.sampled_from(["ok", "meh", "great"])),
})
RESPONDENT = st.tuples(st.sampled_from(["A", "B", "C", "D", ""]), ANSWER)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RESPONDENT, max_size=40), st.sampled_from([3, 4, 5]))
def test_no_figures_for_fewer_than_k_and_hidden_units_total_zero_or_k(respondents, k):
    data = frame([(f"r{i}", unit, answers) for i, (unit, answers) in enumerate(respondents)])
    results = compute_wave_results(data, DEFINITION, k=k)
    as_dict = results_to_dict(results)
    json.dumps(as_dict)
    for node in walk(as_dict):
        for key in ("n", "respondents", "previous_n"):
            if node.get(key) is not None:
                assert node[key] >= k, node
        if node.get("suppressed") is True and node is not as_dict:
            assert set(node) <= {"question_id", "unit", "dimension", "suppressed"} and len(node) == 2, node

    sizes = {}
    for unit, answers in respondents:
        if any(value is not None for value in answers.values()):
            sizes[unit] = sizes.get(unit, 0) + 1
    if as_dict["suppressed"]:
        assert sum(sizes.values()) < k and "by_unit" not in as_dict
        return
    assert as_dict["respondents"] == sum(sizes.values())
    shown_units = [u["unit"] for u in as_dict["by_unit"] if not u["suppressed"]]
    hidden_total = sum(sizes.values()) - sum(sizes[name] for name in shown_units)
    assert hidden_total == 0 or hidden_total >= k
    assert {u["unit"] for u in as_dict["by_unit"]} == set(sizes) - {""}  # "" is no unit
    for index, question in enumerate(as_dict["questions"]):
        if question["suppressed"]:
            continue
        shown = sum(u["questions"][index].get("n", 0) for u in as_dict["by_unit"] if not u["suppressed"])
        assert question["n"] - shown == 0 or question["n"] - shown >= k
