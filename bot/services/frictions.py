"""The friction lifecycle: report -> triage -> assign -> accept/decline -> resolve.

Who reported a friction is kept in ``friction_reporters`` and read only by
:func:`reporter_emails` (to close the loop) and the reporter's own queries; the
owner-facing functions in :mod:`bot.services.friction_queries` never touch it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import N_, UserError
from bot.services.directory import PersonView, get_person, require_role
from bot.services.registry import get_policy
from bot.services.text_erasure import erase_report_text
from bot.text_rules import check_reason, check_report_text
from storage.models import Friction, FrictionEvent, FrictionReporter, Person

KINDS = ("workaround", "exception", "conflicting_kpis", "missing_decision", "other")
EXPERIENCES = ("cx", "ex", "px", "partner", "other")
FLAGS = ("emotions", "decision_needed", "procedure_gap")
OUTCOMES = ("policy_changed", "decision_made", "procedure_updated", "no_change")
TRIAGE_STATUSES = ("new", "declined", "triaged")
OPEN_ASSIGNMENT_STATUSES = ("assigned", "accepted")
_FLAG_COLUMNS = {"emotions": "flag_emotions", "decision_needed": "flag_decision_needed", "procedure_gap": "flag_procedure_gap"}


def parse_friction_ref(text: str) -> int:
    cleaned = text.strip().upper().removeprefix("F-")
    if not cleaned.isdigit():
        raise UserError(N_("{text} is not a report number; write it like F-12."), text=text)
    return int(cleaned)


def report(
    *,
    session: Session,
    reporter_email: str,
    text: str,
    now: datetime,
    kind: str | None = None,
    experience: str | None = None,
    flags: tuple[str, ...] = (),
    hidden_from_governance: bool = False,
    keep_text_on_erasure: bool = False,
) -> int:
    """File a report exactly as typed; return its number."""
    reporter = get_person(session=session, email=reporter_email)
    friction = Friction(text=check_report_text(text), status="new", created_at=now,
                        keep_text_on_erasure=keep_text_on_erasure)
    _apply_tags(friction, kind=kind, experience=experience, flags=flags)
    session.add(friction)
    session.flush()
    session.add(FrictionReporter(friction_id=friction.id, person_id=reporter.id, reported_at=now,
                                 hidden_from_governance=hidden_from_governance))
    _record(session, friction.id, now, "reported", actor=None)
    return friction.id


def _apply_tags(friction: Friction, *, kind: str | None, experience: str | None, flags: tuple[str, ...]) -> None:
    if kind is not None:
        friction.kind = _checked(kind, KINDS, N_("Unknown kind {value}; use one of: {allowed}."))
    if experience is not None:
        friction.experience = _checked(experience, EXPERIENCES, N_("Unknown experience {value}; use one of: {allowed}."))
    for flag in flags:
        setattr(friction, _FLAG_COLUMNS[_checked(flag, FLAGS, N_("Unknown flag {value}; use one of: {allowed}."))], True)


def _checked(value: str, allowed: tuple[str, ...], msgid: str) -> str:
    if value not in allowed:
        raise UserError(msgid, value=value, allowed=", ".join(allowed))
    return value


def _record(session: Session, friction_id: int, now: datetime, action: str, actor: PersonView | None, note: str | None = None) -> None:
    session.add(FrictionEvent(friction_id=friction_id, at=now, action=action, actor_id=actor.id if actor else None, note=note))


def _load(session: Session, friction_id: int) -> Friction:
    friction = session.get(Friction, friction_id)
    if friction is None:
        raise UserError(N_("There is no report F-{id}."), id=friction_id)
    return friction


def _is_reporter(session: Session, friction_id: int, person_id: int) -> bool:
    query = select(FrictionReporter.person_id).where(
        FrictionReporter.friction_id == friction_id, FrictionReporter.person_id == person_id
    )
    return session.scalar(query) is not None


def require_reporter(*, session: Session, friction_id: int, email: str) -> None:
    _load(session, friction_id)
    if not _is_reporter(session, friction_id, get_person(session=session, email=email).id):
        raise UserError(N_("Only the person who reported F-{id} can do that."), id=friction_id)


def tag_by_reporter(
    *, session: Session, friction_id: int, reporter_email: str, kind=None, experience=None, flag=None, hide_from_governance=False
) -> None:
    """The reporter adds optional tags (or asks for full anonymity) while the report is new."""
    require_reporter(session=session, friction_id=friction_id, email=reporter_email)
    friction = _load(session, friction_id)
    if friction.status != "new" and not hide_from_governance:
        raise UserError(N_("F-{id} has already been triaged; its tags are now set by the governance team."), id=friction_id)
    if flag is not None:
        column = _FLAG_COLUMNS[_checked(flag, FLAGS, N_("Unknown flag {value}; use one of: {allowed}."))]
        setattr(friction, column, not getattr(friction, column))
    _apply_tags(friction, kind=kind, experience=experience, flags=())
    if hide_from_governance:
        reporter = get_person(session=session, email=reporter_email)
        session.get(FrictionReporter, (friction_id, reporter.id)).hidden_from_governance = True


ADMINS_ONLY = N_("Only the governance team can triage and assign reports. Ask a governance admin.")


def require_admin(*, session: Session, email: str, refusal: str = ADMINS_ONLY) -> PersonView:
    return require_role(session=session, email=email, role="governance_admin", refusal=refusal)


def triage_and_assign(
    *,
    session: Session,
    friction_id: int,
    admin_email: str,
    policy_id: int,
    now: datetime,
    due_days: int,
    owner_email: str | None = None,
    kind: str | None = None,
    experience: str | None = None,
) -> PersonView:
    """Link a report to a policy and its owner (or another owner) and hand it over; return the owner."""
    admin = require_admin(session=session, email=admin_email)
    friction = _load(session, friction_id)
    if friction.status not in TRIAGE_STATUSES:
        raise UserError(N_("F-{id} is {status}, not waiting for triage."), id=friction_id, status=friction.status)
    policy = get_policy(session=session, policy_id=policy_id)
    owner = get_person(session=session, email=owner_email or policy.owner_email)
    if not owner.active:
        raise UserError(N_("{name} has left (deactivated in the directory); name another owner: "
                           "/xgov assign F-{id} P-{policy} EMAIL"), name=owner.name, id=friction_id, policy=policy.id)
    _apply_tags(friction, kind=kind, experience=experience, flags=())
    friction.policy_id = policy.id
    friction.owner_id = owner.id
    friction.status = "assigned"
    friction.assigned_at = now
    friction.due_at = now + timedelta(days=due_days)
    friction.decline_reason = None
    _record(session, friction.id, now, "triaged", admin, note=policy.ref)
    _record(session, friction.id, now, "assigned", admin, note=owner.email)
    return owner


def require_owner(*, session: Session, friction_id: int, email: str) -> PersonView:
    """The person may act on this assignment: it is theirs and still open."""
    return _require_owner(session, _load(session, friction_id), email)


def _require_owner(session: Session, friction: Friction, email: str) -> PersonView:
    person = get_person(session=session, email=email)
    if friction.owner_id != person.id:
        raise UserError(N_("F-{id} is not assigned to you, so you cannot act on it. Only its owner can."), id=friction.id)
    if friction.status not in OPEN_ASSIGNMENT_STATUSES:
        raise UserError(N_("F-{id} is {status}; there is nothing to act on."), id=friction.id, status=friction.status)
    return person


def accept(*, session: Session, friction_id: int, owner_email: str, now: datetime) -> None:
    friction = _load(session, friction_id)
    owner = _require_owner(session, friction, owner_email)
    if friction.status == "accepted":
        raise UserError(N_("You have already accepted F-{id}."), id=friction_id)
    friction.status = "accepted"
    _record(session, friction.id, now, "accepted", owner)


def decline(*, session: Session, friction_id: int, owner_email: str, reason: str, now: datetime) -> None:
    """The owner hands it back: it returns to the triage queue with the reason."""
    friction = _load(session, friction_id)
    owner = _require_owner(session, friction, owner_email)
    friction.decline_reason = check_reason(reason)
    friction.status = "declined"
    friction.owner_id = None
    friction.assigned_at = None
    friction.due_at = None
    _record(session, friction.id, now, "declined", owner, note=reason)


def resolve(*, session: Session, friction_id: int, owner_email: str, outcome: str, note: str, now: datetime) -> None:
    friction = _load(session, friction_id)
    owner = _require_owner(session, friction, owner_email)
    outcome = _checked(outcome, OUTCOMES, N_("Unknown outcome {value}; use one of: {allowed}."))
    if outcome == "no_change" or note.strip():
        note = check_reason(note)
    friction.status = "resolved"
    friction.outcome = outcome
    friction.outcome_note = note
    friction.resolved_at = now
    _record(session, friction.id, now, "resolved", owner, note=outcome)


def redirect_to_whistleblowing(*, session: Session, friction_id: int, admin_email: str, now: datetime) -> None:
    """A breach of law reported here by mistake: it leaves xgov's lifecycle and its text is erased."""
    admin = require_admin(session=session, email=admin_email)
    friction = _load(session, friction_id)
    if friction.status == "redirected":
        raise UserError(N_("F-{id} was already sent to the whistleblowing channel."), id=friction_id)
    erase_report_text(session=session, friction=friction, why="whistleblowing")
    friction.status, friction.owner_id, friction.assigned_at, friction.due_at = "redirected", None, None, None
    _record(session, friction.id, now, "redirected", admin)


def reporter_emails(*, session: Session, friction_id: int) -> list[str]:
    """Everyone who reported this friction: used only to tell them what happened."""
    query = (
        select(Person.email)
        .join(FrictionReporter, FrictionReporter.person_id == Person.id)
        .where(FrictionReporter.friction_id == friction_id)
        .order_by(Person.email)
    )
    return list(session.scalars(query))
