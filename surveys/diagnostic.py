"""The operating-model diagnostic: six yes/no questions where "yes" is healthy.

More than two "no" answers mean the problem is missing Experience Governance, not the
EX-CX link. Questions 1 and 2 can also be answered from the bot's own data; the helpers
here take plain numbers so that the caller decides where they come from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from surveys.definition_rules import DIAGNOSTIC_QUESTION_COUNT

# The question ids of the built-in diagnostic.toml (a test keeps them in step).
NPS_ENPS_TOGETHER = "nps_enps_together"
NO_WORKAROUNDS = "no_workarounds"
MAX_NO_WITH_GOVERNANCE = 2
DEFAULT_WORKAROUND_THRESHOLD = 0.10

VERDICT_MISSING_GOVERNANCE = "diagnostic.verdict.missing_governance"
VERDICT_STRENGTHEN_EX_CX_LINK = "diagnostic.verdict.strengthen_ex_cx_link"
VERDICT_HEALTHY = "diagnostic.verdict.healthy"
VERDICT_INCOMPLETE = "diagnostic.verdict.incomplete"


@dataclass(frozen=True)
class DiagnosticVerdict:
    yes_count: int
    no_count: int
    unanswered: int
    missing_governance: bool
    verdict_key: str


def diagnostic_verdict(answers: Mapping[str, bool | None]) -> DiagnosticVerdict:
    """Count the answers and name the verdict (keys VERDICT_* above).

    Unanswered questions (absent or None) make the verdict "incomplete" only when their
    answers could still change it.
    """
    if len(answers) > DIAGNOSTIC_QUESTION_COUNT:
        raise ValueError(f"the diagnostic has {DIAGNOSTIC_QUESTION_COUNT} questions, got {len(answers)} answers")
    yes_count = sum(1 for answer in answers.values() if answer is True)
    no_count = sum(1 for answer in answers.values() if answer is False)
    unanswered = DIAGNOSTIC_QUESTION_COUNT - yes_count - no_count
    if no_count > MAX_NO_WITH_GOVERNANCE:
        key = VERDICT_MISSING_GOVERNANCE
    elif no_count + unanswered > MAX_NO_WITH_GOVERNANCE or (unanswered and not no_count):
        key = VERDICT_INCOMPLETE
    elif no_count:
        key = VERDICT_STRENGTHEN_EX_CX_LINK
    else:
        key = VERDICT_HEALTHY
    return DiagnosticVerdict(yes_count, no_count, unanswered, no_count > MAX_NO_WITH_GOVERNANCE, key)


def nps_enps_move_together(nps_direction: int | None, enps_direction: int | None) -> bool | None:
    """Question 1 from data: "no" only when NPS rose significantly while eNPS fell significantly.

    Directions are +1 / -1 / 0 as given by `Change.direction`; None means no data.
    """
    if nps_direction is None or enps_direction is None:
        return None
    return not (nps_direction > 0 and enps_direction < 0)


def workarounds_below_threshold(
    workaround_share: float | None, threshold: float = DEFAULT_WORKAROUND_THRESHOLD
) -> bool | None:
    """Question 2 from data: the share (0-1) of friction reports that are manual workarounds."""
    if workaround_share is None:
        return None
    if not 0.0 <= workaround_share <= 1.0:
        raise ValueError(f"a share lies in [0, 1], not {workaround_share!r}")
    return workaround_share < threshold


def data_answers(
    nps_direction: int | None,
    enps_direction: int | None,
    workaround_share: float | None,
    *,
    workaround_threshold: float = DEFAULT_WORKAROUND_THRESHOLD,
) -> dict[str, bool | None]:
    """The data's answers to questions 1 and 2, keyed by question id (None = no data)."""
    return {
        NPS_ENPS_TOGETHER: nps_enps_move_together(nps_direction, enps_direction),
        NO_WORKAROUNDS: workarounds_below_threshold(workaround_share, workaround_threshold),
    }

