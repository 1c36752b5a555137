import pytest

from surveys import builtin_definition, diagnostic_verdict
from surveys.diagnostic import DiagnosticData, ItemReading, answers_for_verdict, data_answers
from surveys.diagnostic import (
    VERDICT_HEALTHY,
    VERDICT_INCOMPLETE,
    VERDICT_MISSING_GOVERNANCE,
    VERDICT_STRENGTHEN_EX_CX_LINK,
)

IDS = [q.id for q in builtin_definition("diagnostic").questions]


def answers(*values):
    return dict(zip(IDS, values))


def test_two_no_is_not_missing_governance():
    verdict = diagnostic_verdict(answers(True, False, True, False, True, True))
    assert (verdict.yes_count, verdict.no_count, verdict.unanswered) == (4, 2, 0)
    assert not verdict.missing_governance
    assert verdict.verdict_key == VERDICT_STRENGTHEN_EX_CX_LINK


def test_three_no_is_missing_governance():
    verdict = diagnostic_verdict(answers(False, False, True, False, True, True))
    assert verdict.no_count == 3 and verdict.missing_governance
    assert verdict.verdict_key == VERDICT_MISSING_GOVERNANCE


def test_all_yes_is_healthy():
    assert diagnostic_verdict(answers(*[True] * 6)).verdict_key == VERDICT_HEALTHY


@pytest.mark.parametrize("values, key", [
    ((False, False, None, True, True, True), VERDICT_INCOMPLETE),          # could still reach 3
    ((True, True, True, True, True, None), VERDICT_INCOMPLETE),            # healthy or not
    ((False, None, True, True, True, True), VERDICT_STRENGTHEN_EX_CX_LINK),  # at most 2 no
    ((False, False, False, None, None, None), VERDICT_MISSING_GOVERNANCE),
])
def test_unanswered_questions(values, key):
    verdict = diagnostic_verdict(answers(*values))
    assert verdict.verdict_key == key
    assert verdict.unanswered == values.count(None)


def test_absent_questions_count_as_unanswered():
    assert diagnostic_verdict({}).unanswered == 6


def test_more_than_six_answers_refused():
    with pytest.raises(ValueError):
        diagnostic_verdict({f"q{i}": True for i in range(7)})


@pytest.mark.parametrize("nps_direction, enps_direction, expected", [
    (1, -1, "no"), (1, 1, "yes"), (-1, -1, "yes"),
    (1, 0, "undecided"), (0, -1, "undecided"), (0, 0, "undecided"),  # within noise is no evidence of health
    (None, -1, "not_enough_data"), (1, None, "not_enough_data"),
])
def test_data_answer_nps_and_enps_together(nps_direction, enps_direction, expected):
    data = DiagnosticData(nps_direction=nps_direction, nps_n=500, enps_direction=enps_direction, enps_n=12)
    assert data_answers(data)["nps_enps_together"].key == expected


def test_question_one_needs_ten_answers_per_wave():
    answer = data_answers(DiagnosticData(nps_direction=1, nps_n=500, enps_direction=-1, enps_n=9))["nps_enps_together"]
    assert (answer.key, answer.n) == ("not_enough_data", 9)


@pytest.mark.parametrize("workarounds, tagged, expected", [
    # Wilson 95% with continuity correction (Newcombe 1998): 0 of 50 -> 0% to 8.9% (below 10%: yes);
    # 0 of 40 -> 0% to 10.9% (straddles 10%: undecided); 12 of 40 -> 17.1% to 46.7% (above: no);
    # 2 of 20 -> 1.8% to 33.1% (straddles: undecided); 9 tagged reports: not enough data
    (0, 50, "yes"), (0, 40, "undecided"), (12, 40, "no"), (2, 20, "undecided"), (0, 9, "not_enough_data"),
])
def test_data_answer_workarounds(workarounds, tagged, expected):
    data = DiagnosticData(workarounds=workarounds, tagged_reports=tagged)
    assert data_answers(data)["no_workarounds"].key == expected


def test_one_tagged_report_does_not_decide():
    assert data_answers(DiagnosticData(workarounds=1, tagged_reports=1))["no_workarounds"].key == "not_enough_data"


def test_questions_three_to_five_from_data():
    agree = ItemReading(12, (3.4, 4.4))
    disagree = ItemReading(12, (1.8, 2.7))
    data = DiagnosticData(accountable_item=agree, overdue=1, open_assignments=30,  # 1 of 30: 0.6% to 16.7% < 20%
                          impact_items=(agree, disagree), changed_something=25, resolved=30, loop_item=agree)
    answers = data_answers(data)
    assert answers["managers_accountable"].key == "yes"
    assert answers["decisions_all_experiences"].key == "no"  # one item clearly below the midpoint
    assert answers["voc_changes_policies"].key == "yes"  # 25 of 30: 66.4% to 92.7% > 50%, and the item agrees


def test_overdue_items_turn_question_three_to_no():
    data = DiagnosticData(accountable_item=ItemReading(12, (3.4, 4.4)), overdue=20, open_assignments=30)
    assert data_answers(data)["managers_accountable"].key == "no"  # 20 of 30 overdue: 48.8% to 80.8%


def test_without_data_questions_three_to_five_say_not_enough_data():
    answers = data_answers(DiagnosticData())
    assert {answers[q].key for q in ("managers_accountable", "decisions_all_experiences", "voc_changes_policies")} \
        == {"not_enough_data"}


def test_data_answers_feed_the_verdict():
    from_data = answers_for_verdict(data_answers(DiagnosticData(nps_direction=1, nps_n=50, enps_direction=-1,
                                                                 enps_n=10)))
    assert from_data["nps_enps_together"] is False
    assert from_data["no_workarounds"] is None  # not enough data counts as unanswered
    people = answers(True, True, False, False, True, True)
    assert diagnostic_verdict({**people, "nps_enps_together": from_data["nps_enps_together"]}).missing_governance
