"""`xgov forget`: erase a person (GDPR art. 17) without touching anonymous answers or aggregates.

The person's row stays as a tombstone (every reference to it keeps working, so counts and response
rates do not move) but holds nothing of them; their links are cut (reports they filed, roles, the
audit pseudonym, conversation references, messages to them); reports they filed keep their text only
if they chose so when filing; their open assignments go back to triage. Last, every text column of every
table in the metadata is swept for their e-mail and name, so a table added later is covered too.
The sweep finds words, not meanings: a report about them that does not name them stays as written.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import String, Text, delete, func, select, update
from sqlalchemy.orm import Session

from bot.services.directory import get_person
from bot.services.frictions import OPEN_ASSIGNMENT_STATUSES
from bot.services.text_erasure import erase_report_text
from storage import audit
from storage.models import (
    Base,
    ConversationRef,
    Friction,
    FrictionReporter,
    OutboxMessage,
    Person,
    PersonRole,
    SurveyResponse,
)

ERASED_MARK = "[erased]"
ERASED_NAME = "Erased person"
_SWEPT_APART = {"people", "audit_entries", "audit_people"}  # handled by name below, or holding no identity


@dataclass
class ErasurePlan:
    """What `forget` changes (or, in a dry run, would change), counted per kind."""

    reports_text_erased: int = 0
    reports_text_kept: int = 0
    assignments_to_triage: int = 0
    identified_answers_unlinked: int = 0
    conversation_refs: int = 0
    messages_to_them: int = 0
    roles: int = 0
    mentions: dict[str, int] = field(default_factory=dict)  # "table.column" -> rows naming them


def forget(*, session: Session, email: str, dry_run: bool = False) -> ErasurePlan:
    person = session.get(Person, get_person(session=session, email=email).id)
    plan = _plan(session, person)
    if dry_run:
        return plan
    audit.record(session, "person.erased", audit.person_ref(person.id), _summary(plan))
    _erase_reports(session, person.id)
    _return_assignments(session, person.id)
    session.execute(update(SurveyResponse).where(SurveyResponse.person_id == person.id).values(person_id=None))
    session.execute(delete(ConversationRef).where(_refs_of(person)))
    session.execute(delete(OutboxMessage).where(addressed_to(person.email)))
    _sweep(session, person.email, person.name)
    session.execute(update(Person).where(Person.manager_id == person.id).values(manager_id=None))
    for role in session.scalars(select(PersonRole).where(PersonRole.person_id == person.id)).all():
        session.delete(role)
    _tombstone(person)
    session.flush()  # the last changes that name the person are audited under their pseudonym ...
    audit.forget_pseudonym(session.connection(), person.id)  # ... which now names nobody
    return plan


def _plan(session: Session, person: Person) -> ErasurePlan:
    filed = select(FrictionReporter.friction_id).where(FrictionReporter.person_id == person.id)
    count = lambda query: session.scalar(select(func.count()).select_from(query.subquery()))  # noqa: E731
    return ErasurePlan(
        reports_text_erased=count(select(Friction.id).where(Friction.id.in_(filed), ~Friction.keep_text_on_erasure)),
        reports_text_kept=count(select(Friction.id).where(Friction.id.in_(filed), Friction.keep_text_on_erasure)),
        assignments_to_triage=count(select(Friction.id).where(Friction.owner_id == person.id,
                                                              Friction.status.in_(OPEN_ASSIGNMENT_STATUSES))),
        identified_answers_unlinked=count(select(SurveyResponse.id).where(SurveyResponse.person_id == person.id)),
        conversation_refs=count(select(ConversationRef.key).where(_refs_of(person))),
        messages_to_them=count(select(OutboxMessage.id).where(addressed_to(person.email))),
        roles=count(select(PersonRole.role).where(PersonRole.person_id == person.id)),
        mentions={name: n for name, n in _mentions(session, person.email, person.name).items() if n},
    )


def _summary(plan: ErasurePlan) -> dict:
    return {"reports_text_erased": plan.reports_text_erased, "assignments_to_triage": plan.assignments_to_triage}


def addressed_to(email: str):
    """Outbox rows to the person: messages to them, and updates of messages in their conversation."""
    return ((OutboxMessage.target == email)
            | ((OutboxMessage.operation == "update") & OutboxMessage.target.contains(f'"{email}"', autoescape=True)))


def _refs_of(person: Person):
    return ((ConversationRef.kind == "person") & (ConversationRef.key == person.email))


def _erase_reports(session: Session, person_id: int) -> None:
    filed = select(FrictionReporter.friction_id).where(FrictionReporter.person_id == person_id)
    for friction in session.scalars(select(Friction).where(Friction.id.in_(filed))).all():
        if not friction.keep_text_on_erasure:
            erase_report_text(session=session, friction=friction, why="erasure")
    session.execute(delete(FrictionReporter).where(FrictionReporter.person_id == person_id))


def _return_assignments(session: Session, person_id: int) -> None:
    """Their open assignments wait for a new owner in the triage queue (the policy link stays)."""
    query = select(Friction).where(Friction.owner_id == person_id, Friction.status.in_(OPEN_ASSIGNMENT_STATUSES))
    for friction in session.scalars(query).all():
        friction.status, friction.owner_id, friction.assigned_at, friction.due_at = "triaged", None, None, None


def _text_columns(table):
    return [c for c in table.columns if isinstance(c.type, (String, Text)) and not c.foreign_keys]


def _needles(email: str, name: str) -> list[str]:
    return [email] + ([name] if len(name.strip()) >= 3 else [])


def _mentions(session: Session, email: str, name: str) -> dict[str, int]:
    found = {}
    for table in Base.metadata.sorted_tables:
        if table.name in _SWEPT_APART:
            continue
        for column in _text_columns(table):
            hits = [column.contains(needle, autoescape=True) for needle in _needles(email, name)]
            found[f"{table.name}.{column.name}"] = session.scalar(
                select(func.count()).select_from(table).where(hits[0] if len(hits) == 1 else hits[0] | hits[1]))
    return found


def _sweep(session: Session, email: str, name: str) -> None:
    """Every text column of every table: their e-mail and name become [erased]. A key column (a unit's or a
    channel's name) cannot be rewritten here: the dry run's mentions show it, for an admin to rename."""
    session.flush()
    for table in Base.metadata.sorted_tables:
        if table.name in _SWEPT_APART:
            continue
        for column in _text_columns(table):
            if column.primary_key or column.unique:
                continue
            for needle in _needles(email, name):
                session.execute(update(table).where(column.contains(needle, autoescape=True))
                                .values({column.name: func.replace(column, needle, ERASED_MARK)}))
    session.expire_all()


def _tombstone(person: Person) -> None:
    person.email = f"erased-{secrets.token_hex(8)}@erased.invalid"
    person.name, person.locale, person.locale_chosen = ERASED_NAME, None, False
    person.org_unit_id, person.manager_id = None, None

