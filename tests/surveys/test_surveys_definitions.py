from pathlib import Path

import pytest

from surveys import (
    DIMENSION_IDS,
    DIMENSIONS,
    LocalizedText,
    SurveyDefinitionError,
    builtin_definition,
    builtin_definitions,
    load_definition,
)
from surveys.diagnostic import NO_WORKAROUNDS, NPS_ENPS_TOGETHER

POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")

HEADER = """
id = "test-pulse"
kind = "{kind}"
audience_hint = "everyone"
title = {{ pl = "Tytuł", en = "Title" }}
"""


def question(qid, qtype="likert", extra=""):
    return f"""
[[questions]]
id = "{qid}"
type = "{qtype}"
text = {{ pl = "Pytanie {qid}", en = "Question {qid}" }}
{extra}
"""


def survey(*questions, kind="pulse", header=None):
    return (header or HEADER.format(kind=kind)) + "".join(questions)


def maturity(items_per_dimension=None):
    counts = {d: 3 for d in DIMENSION_IDS} | (items_per_dimension or {})
    items = [
        question(f"{d}_{i}", extra=f'dimension = "{d}"')
        for d, count in counts.items()
        for i in range(count)
    ]
    return survey(*items, kind="maturity")


def problems_of(text, source="custom.toml"):
    with pytest.raises(SurveyDefinitionError) as caught:
        load_definition(text, source=source)
    return caught.value


# --- built-in definitions ------------------------------------------------------


def test_all_four_builtins_load_by_id():
    assert set(builtin_definitions()) == {"employee-pulse", "manager-pulse", "cx-maturity", "diagnostic", "enps", "conditions-pulse"}


def test_employee_pulse_has_enps_items_and_optional_comment():
    pulse = builtin_definition("employee-pulse")
    types = [q.type for q in pulse.questions]
    assert pulse.question("enps").type == "nps"
    assert pulse.question("enps").scale.low == 0 and pulse.question("enps").scale.high == 10
    assert 4 <= types.count("likert") <= 6
    assert pulse.question("comment").type == "text" and pulse.question("comment").optional
    assert pulse.audience_hint == "everyone"


def test_manager_pulse_is_for_managers():
    pulse = builtin_definition("manager-pulse")
    assert pulse.kind == "pulse" and pulse.audience_hint == "managers"
    assert sum(q.type == "likert" for q in pulse.questions) >= 4


def test_maturity_covers_every_dimension_with_three_items():
    survey_ = builtin_definition("cx-maturity")
    for dimension_id in DIMENSION_IDS:
        assert len(survey_.questions_in(dimension_id)) >= 3, dimension_id


def test_diagnostic_has_six_yes_no_and_data_question_ids():
    survey_ = builtin_definition("diagnostic")
    assert [q.type for q in survey_.questions] == ["yes_no"] * 6
    assert [q.id for q in survey_.questions[:2]] == [NPS_ENPS_TOGETHER, NO_WORKAROUNDS]


@pytest.mark.parametrize("survey_id", ["employee-pulse", "manager-pulse", "cx-maturity", "diagnostic"])
def test_builtin_texts_are_really_translated(survey_id):
    survey_ = builtin_definition(survey_id)
    texts = [survey_.title, survey_.intro] + [q.text for q in survey_.questions]
    assert all(text.pl != text.en for text in texts)
    assert POLISH_LETTERS & set("".join(text.pl for text in texts))


def test_unknown_builtin_names_the_known_ones():
    with pytest.raises(KeyError, match="employee-pulse"):
        builtin_definition("nope")


def test_dimension_table_has_polish_and_english_names():
    assert DIMENSIONS["change_management"].name == LocalizedText(pl="Zarządzanie zmianą", en="Change management")
    assert len(DIMENSIONS) == 6


@pytest.mark.parametrize("locale, expected", [("pl", "Tytuł"), ("pl-PL", "Tytuł"), ("pl_PL", "Tytuł"),
                                              ("en-GB", "Title"), ("de", "Title"), (None, "Title")])
def test_text_for_locale(locale, expected):
    assert LocalizedText(pl="Tytuł", en="Title").for_locale(locale) == expected


# --- loading -------------------------------------------------------------------


def test_loads_from_text_with_defaults():
    definition = load_definition(survey(question("q1"), question("q2", "text", "optional = true")))
    assert definition.id == "test-pulse" and definition.source == "<text>"
    assert [(q.id, q.optional) for q in definition.questions] == [("q1", False), ("q2", True)]
    assert definition.intro is None


def test_loads_from_a_path_and_names_the_file(tmp_path: Path):
    path = tmp_path / "mine.toml"
    path.write_text(survey(question("q1")), encoding="utf-8")
    assert load_definition(path).source == "mine.toml"
    assert load_definition(str(path)).id == "test-pulse"


def test_error_from_a_file_starts_with_its_name(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text(survey(), encoding="utf-8")
    with pytest.raises(SurveyDefinitionError) as caught:
        load_definition(path)
    assert str(caught.value).startswith("bad.toml: ")


def test_missing_file_is_a_definition_error(tmp_path: Path):
    with pytest.raises(SurveyDefinitionError, match="cannot read"):
        load_definition(tmp_path / "absent.toml")


# --- validation errors ---------------------------------------------------------


def test_missing_polish_translation_names_the_question():
    text = survey(question("q1"), '[[questions]]\nid = "q2"\ntype = "likert"\ntext = { en = "Only English" }\n')
    error = problems_of(text)
    assert error.problems == ("question 'q2': text is missing the Polish translation (pl)",)
    assert "custom.toml: question 'q2'" in str(error)


def test_empty_english_title():
    header = HEADER.format(kind="pulse").replace('en = "Title"', 'en = "  "')
    assert problems_of(survey(question("q1"), header=header)).problems == (
        "title is missing the English translation (en)",
    )


def test_intro_needs_both_languages_when_given():
    header = HEADER.format(kind="pulse") + 'intro = { pl = "Wstęp" }\n'
    assert "intro is missing the English translation (en)" in problems_of(survey(question("q1"), header=header)).problems


def test_duplicate_question_ids():
    error = problems_of(survey(question("q1"), question("q2"), question("q1")))
    assert error.problems == ("question id 'q1' is used 2 times; ids must be unique",)


def test_unknown_question_type():
    (problem,) = problems_of(survey(question("q1", "stars"))).problems
    assert problem.startswith("question 'q1': type: unknown question type 'stars'")
    assert "nps, likert, yes_no, text" in problem


def test_bad_scale():
    (problem,) = problems_of(survey(question("q1", extra="scale = [1, 7]"))).problems
    assert problem.startswith("question 'q1': bad scale [1, 7]")


def test_scale_on_yes_no_is_refused():
    (problem,) = problems_of(survey(question("q1", "yes_no", "scale = [0, 1]"))).problems
    assert "has no scale" in problem


def test_unknown_dimension():
    text = maturity() + question("extra", extra='dimension = "culture"')
    (problem,) = problems_of(text).problems
    assert problem.startswith("question 'extra': dimension: unknown dimension 'culture'")


def test_dimension_outside_maturity_survey():
    (problem,) = problems_of(survey(question("q1", extra='dimension = "change_management"'))).problems
    assert problem == "question 'q1': dimension is only used in maturity surveys"


def test_maturity_missing_a_dimension():
    (problem,) = problems_of(maturity({"measures_indicators": 0})).problems
    assert problem.startswith("dimension 'measures_indicators' has 0 item(s)")


def test_maturity_with_two_items_in_a_dimension():
    (problem,) = problems_of(maturity({"technology_tools": 2})).problems
    assert problem.startswith("dimension 'technology_tools' has 2 item(s)")


def test_maturity_item_must_be_likert_with_dimension():
    error = problems_of(maturity() + question("loose"))
    assert error.problems == ("question 'loose': a maturity item must be a likert (1-5) question with a dimension",)


def test_valid_maturity_with_exactly_three_items_loads():
    assert len(load_definition(maturity()).questions) == 18


def test_diagnostic_with_five_questions():
    text = survey(*[question(f"q{i}", "yes_no") for i in range(5)], kind="diagnostic")
    assert problems_of(text).problems == ("a diagnostic needs exactly 6 yes_no questions; found 5 yes_no",)


def test_diagnostic_with_a_likert_question():
    text = survey(*[question(f"q{i}", "yes_no") for i in range(5)], question("q5"), kind="diagnostic")
    (problem,) = problems_of(text).problems
    assert problem.endswith("found 5 yes_no and other types in: q5")


def test_empty_survey():
    assert problems_of(survey()).problems == ("the survey has no questions; add at least one [[questions]] table",)


def test_bad_survey_id():
    header = HEADER.format(kind="pulse").replace('"test-pulse"', '"Test Pulse"')
    (problem,) = problems_of(survey(question("q1"), header=header)).problems
    assert problem.startswith("survey id 'Test Pulse' is not valid")


def test_bad_question_id_is_reported_by_position():
    (problem,) = problems_of(survey(question("q1"), question("2nd"))).problems
    assert problem.startswith("question '2nd': id '2nd' is not valid")


def test_unknown_kind_and_key_and_bad_optional_are_all_listed():
    header = HEADER.format(kind="poll")
    text = survey(question("q1", extra='optinal = true\noptional = "yes"'), header=header)
    assert problems_of(text).problems == (
        "kind: 'poll' is not allowed (expected one of: pulse, maturity, diagnostic, custom)",
        "question 'q1': unknown key 'optinal' (allowed: dimension, id, optional, scale, text, type)",
        "question 'q1': optional must be true or false, not 'yes'",
    )


def test_missing_kind_and_type():
    text = 'id = "x"\ntitle = { pl = "a", en = "b" }\n[[questions]]\nid = "q"\ntext = { pl = "p", en = "e" }\n'
    assert problems_of(text).problems == (
        "kind is missing (expected one of: pulse, maturity, diagnostic, custom)",
        "question 'q': type is missing (expected one of: nps, likert, yes_no, text)",
    )


def test_invalid_toml():
    (problem,) = problems_of('id = "x"\ntitle = {').problems
    assert problem.startswith("not valid TOML")
