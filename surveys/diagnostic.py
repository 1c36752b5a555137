"""The operating-model diagnostic: six yes/no questions where "yes" is healthy.

More than two "no" answers mean the problem is missing Experience Governance, not the
EX-CX link. A tie among the people's answers is "undecided". Questions 1 to 5 can also be
answered from the bot's own data; the helpers here take plain numbers (DiagnosticData) so
that the caller decides where they come from. A data answer is yes, no, undecided (the
evidence does not point either way at 95%) or "not enough data" (fewer than MIN_DATA_N).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from surveys.definition_rules import DIAGNOSTIC_QUESTION_COUNT
from surveys.inference import share_interval

# The question ids of the built-in diagnostic.toml (a test keeps them in step).
NPS_ENPS_TOGETHER = "nps_enps_together"
NO_WORKAROUNDS = "no_workarounds"
MANAGERS_ACCOUNTABLE = "managers_accountable"
DECISIONS_ALL_EXPERIENCES = "decisions_all_experiences"
VOC_CHANGES_POLICIES = "voc_changes_policies"
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


# --- the data's answers ------------------------------------------------------------------

MIN_DATA_N = 10  # answers (per wave) or reports behind a data answer; below it: "not enough data"
AGREEMENT_MIDPOINT = 3.0  # a 1-5 item says "yes" when its whole 95% interval lies above this, "no" below
MAX_OVERDUE_SHARE = 0.20  # question 3: at most this share of owners' open items overdue
MIN_POLICY_CHANGE_SHARE = 0.50  # question 5: at least this share of resolved reports changed something


@dataclass(frozen=True)
class DataAnswer:
    """The data's answer: yes / no, None when undecided (the evidence points neither way), or not enough data."""

    answer: bool | None
    n: int
    enough: bool = True

    @property
    def key(self) -> str:
        if not self.enough:
            return "not_enough_data"
        return {True: "yes", False: "no", None: "undecided"}[self.answer]


@dataclass(frozen=True)
class ItemReading:
    """The latest shown figure of a 1-5 item: its n and 95% interval (None without one)."""

    n: int
    ci: tuple[float, float] | None


@dataclass(frozen=True)
class DiagnosticData:
    """Plain numbers behind the data's answers to questions 1 to 5 (None: not measured)."""

    nps_direction: int | None = None  # +1 / -1 / 0 beyond noise, as Change.direction
    nps_n: int | None = None  # the smaller n of the two NPS readings compared
    enps_direction: int | None = None
    enps_n: int | None = None  # the smaller n of the two eNPS waves compared
    workarounds: int = 0
    tagged_reports: int = 0
    accountable_item: ItemReading | None = None  # manager-pulse accountable_for_conditions
    overdue: int = 0
    open_assignments: int = 0
    impact_items: tuple[ItemReading | None, ...] = ()  # cx-maturity decisions_weigh_experience, changes_checked_...
    changed_something: int = 0  # resolved with a policy change, a decision or an updated procedure
    resolved: int = 0
    loop_item: ItemReading | None = None  # cx-maturity loop_changes_policies


def nps_enps_answer(data: DiagnosticData) -> DataAnswer:
    """Question 1: "no" when NPS rose and eNPS fell, both beyond noise; "yes" when both moved beyond noise
    the same way; undecided when either change is within noise (no evidence is not health)."""
    n = min(data.nps_n or 0, data.enps_n or 0)
    if data.nps_direction is None or data.enps_direction is None or n < MIN_DATA_N:
        return DataAnswer(None, n, enough=False)
    if data.nps_direction > 0 and data.enps_direction < 0:
        return DataAnswer(False, n)
    if data.nps_direction != 0 and data.nps_direction == data.enps_direction:
        return DataAnswer(True, n)
    return DataAnswer(None, n)


def share_answer(count: int, n: int, limit: float, *, healthy_below: bool) -> DataAnswer:
    """A share against a limit, decided on its corrected Wilson 95% interval: wholly on the healthy side -> yes."""
    if n < MIN_DATA_N:
        return DataAnswer(None, n, enough=False)
    low, high = (bound / 100 for bound in share_interval(count, n))
    if high < limit or low > limit:
        return DataAnswer((high < limit) == healthy_below, n)
    return DataAnswer(None, n)


def agreement_answer(item: ItemReading | None) -> DataAnswer:
    """A 1-5 item where agreeing is healthy: its 95% interval wholly above 3 -> yes, wholly below -> no."""
    if item is None or item.ci is None or item.n < MIN_DATA_N:
        return DataAnswer(None, item.n if item else 0, enough=False)
    low, high = item.ci
    if low > AGREEMENT_MIDPOINT or high < AGREEMENT_MIDPOINT:
        return DataAnswer(low > AGREEMENT_MIDPOINT, item.n)
    return DataAnswer(None, item.n)


def combined(*answers: DataAnswer) -> DataAnswer:
    """Several sources on one question: any "no" is no; yes only when every source with enough data says yes."""
    usable = [a for a in answers if a.enough]
    n = sum(a.n for a in usable) if usable else sum(a.n for a in answers)
    if not usable:
        return DataAnswer(None, n, enough=False)
    if any(a.answer is False for a in usable):
        return DataAnswer(False, n)
    return DataAnswer(True if all(a.answer for a in usable) else None, n)


def data_answers(data: DiagnosticData) -> dict[str, DataAnswer]:
    """The data's answers to questions 1 to 5, keyed by question id (rules in docs/surveys.md)."""
    return {
        NPS_ENPS_TOGETHER: nps_enps_answer(data),
        NO_WORKAROUNDS: share_answer(data.workarounds, data.tagged_reports, DEFAULT_WORKAROUND_THRESHOLD,
                                     healthy_below=True),
        MANAGERS_ACCOUNTABLE: combined(agreement_answer(data.accountable_item),
                                       share_answer(data.overdue, data.open_assignments, MAX_OVERDUE_SHARE,
                                                    healthy_below=True)),
        DECISIONS_ALL_EXPERIENCES: combined(*(agreement_answer(item) for item in data.impact_items))
        if data.impact_items else DataAnswer(None, 0, enough=False),
        VOC_CHANGES_POLICIES: combined(share_answer(data.changed_something, data.resolved, MIN_POLICY_CHANGE_SHARE,
                                                    healthy_below=False), agreement_answer(data.loop_item)),
    }


def answers_for_verdict(answers: Mapping[str, DataAnswer]) -> dict[str, bool | None]:
    """The data's answers as the verdict counts them: undecided and not enough data are unanswered."""
    return {question_id: answer.answer if answer.enough else None for question_id, answer in answers.items()}
