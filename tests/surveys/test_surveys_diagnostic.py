import pytest

from surveys import builtin_definition, data_answers, diagnostic_verdict
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
    (1, -1, False), (1, 0, True), (0, -1, True), (-1, -1, True), (1, 1, True), (None, -1, None), (1, None, None),
])
def test_data_answer_nps_and_enps_together(nps_direction, enps_direction, expected):
    assert data_answers(nps_direction, enps_direction, None)["nps_enps_together"] is expected


@pytest.mark.parametrize("share, expected", [(0.0, True), (0.099, True), (0.10, False), (0.5, False), (None, None)])
def test_data_answer_workarounds(share, expected):
    assert data_answers(None, None, share)["no_workarounds"] is expected


def test_workaround_threshold_is_adjustable_and_share_checked():
    assert data_answers(None, None, 0.15, workaround_threshold=0.2)["no_workarounds"] is True
    with pytest.raises(ValueError):
        data_answers(None, None, 15.0)


def test_data_answers_feed_the_verdict():
    from_data = data_answers(1, -1, 0.3)
    verdict = diagnostic_verdict({**answers(True, True, False, True, True, True), **from_data})
    assert verdict.no_count == 3 and verdict.missing_governance
