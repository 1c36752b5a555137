"""The append-only audit trail of governance actions, written at one seam: every flush of every unit of
work (storage/db.py installs :func:`install` on its sessions). A change to a watched model becomes an
entry in the same transaction, whichever path made it (chat, command line, scheduler, a later module).

Entries are chained: each carries the previous entry's hash and its own, over its fields; `verify` walks
the chain. People appear only as pseudonyms; ``audit_people`` maps them back until the person is erased.
Who acts is read from ``session.info[ACTOR]``: a person's id, or a word (scheduler, command line).
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection, func, insert, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from storage.models import (
    AuditEntry,
    AuditPerson,
    ConversationRef,
    Friction,
    GovernanceChannel,
    Person,
    PersonRole,
    Policy,
    SurveyRecord,
    SurveySchedule,
    SurveyWave,
)

ACTOR = "xgov.audit_actor"  # session.info key: a person id (int) or a word
NOW = "xgov.audit_now"  # session.info key: the turn's time (a simulated clock in tests and the demo)
GENESIS = "0" * 64
PERSONS_OWN_SETTINGS = {"locale", "locale_chosen", "timezone"}  # a person's own choices: not governance actions
# PostgreSQL advisory lock serialising appends across processes: "xaud", not the leader's "xgov" (app/leader.py),
# which the leading process holds for as long as it leads (one key for both made the leader's own jobs wait forever)
_LOCK_ID = 0x78617564


@dataclass(frozen=True)
class Change:
    action: str
    subject: str
    details: dict


def install(sessions: sessionmaker) -> None:
    from sqlalchemy import event

    event.listen(sessions, "before_flush", _refuse_edits)
    event.listen(sessions, "after_flush", _capture)


def _refuse_edits(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise PermissionError("audit entries cannot be changed or deleted")


def _capture(session: Session, _context) -> None:
    changes = [change for obj in _ordered(session.new) for change in _inserted(obj)]
    changes += [change for obj in _ordered(session.dirty) for change in _updated(obj)]
    changes += [change for obj in _ordered(session.deleted) for change in _deleted(obj)]
    if changes:
        connection = session.connection()
        append(connection, actor=session.info.get(ACTOR), changes=changes, now=session.info.get(NOW))


def _ordered(objects) -> list:
    return sorted(objects, key=lambda obj: (type(obj).__name__, str(inspect(obj).identity or "")))


def record(session: Session, action: str, subject: str, details: dict | None = None) -> None:
    """An action no model change shows (an export, an erasure request), in the session's transaction."""
    session.flush()
    append(session.connection(), actor=session.info.get(ACTOR), changes=[Change(action, subject, details or {})],
           now=session.info.get(NOW))


# -- which changes are governance actions ---------------------------------------------------------------
def _inserted(obj) -> list[Change]:
    if isinstance(obj, Policy):
        return [Change("policy.added", f"P-{obj.id}", {"kind": obj.kind, "owner": person_ref(obj.owner_id)})]
    if isinstance(obj, SurveyRecord):
        return [Change("survey.added", obj.key, {"anonymity": obj.anonymity})]
    if isinstance(obj, SurveyWave):
        return [Change("survey.sent", f"wave {obj.id}", {"survey": obj.survey_id, "audience": obj.audience,
                                                          "unit": obj.audience_unit_id, "k": obj.k,
                                                          "closes_at": obj.closes_at.isoformat()})]
    if isinstance(obj, SurveySchedule):
        return [Change("survey.scheduled", f"schedule {obj.id}", {"survey": obj.survey_id, "cadence": obj.cadence,
                                                                   "audience": obj.audience, "k": obj.k})]
    if isinstance(obj, GovernanceChannel):
        return [Change("channel.set", f"#{obj.name}", _channel(obj))]
    if isinstance(obj, ConversationRef) and obj.kind == "channel":
        return [Change("channel.bound", f"{obj.platform}:{obj.key}", {})]
    if isinstance(obj, Person):
        return [Change("person.added", person_ref(obj.id), {"unit": obj.org_unit_id, "manager": person_ref(obj.manager_id)})]
    if isinstance(obj, PersonRole):
        return [Change("role.granted", person_ref(obj.person_id), {"role": obj.role})]
    return []


def _updated(obj) -> list[Change]:
    changed = _changed_columns(obj)
    if isinstance(obj, Friction):
        return _friction_changes(obj, changed)
    if isinstance(obj, Policy) and changed.keys() & {"owner_id", "title", "kind"}:
        return [Change("policy.changed", f"P-{obj.id}", {"fields": sorted(changed), "owner": person_ref(obj.owner_id)})]
    if isinstance(obj, SurveyRecord) and "anonymity" in changed:
        return [Change("survey.anonymity", obj.key, {"from": changed["anonymity"], "to": obj.anonymity})]
    if isinstance(obj, SurveyWave) and "closed_at" in changed and obj.closed_at is not None:
        return [Change("survey.closed", f"wave {obj.id}", {"survey": obj.survey_id})]
    if isinstance(obj, (SurveyWave, SurveySchedule)) and "k" in changed:
        return [Change("survey.k_changed", f"{type(obj).__tablename__} {obj.id}", {"from": changed["k"], "to": obj.k})]
    if isinstance(obj, GovernanceChannel) and changed:
        return [Change("channel.set", f"#{obj.name}", _channel(obj))]
    if isinstance(obj, ConversationRef) and obj.kind == "channel" and "reference" in changed:
        return [Change("channel.bound", f"{obj.platform}:{obj.key}", {})]
    if isinstance(obj, Person) and changed.keys() - PERSONS_OWN_SETTINGS:
        return [Change("person.changed", person_ref(obj.id), {"fields": sorted(changed.keys() - PERSONS_OWN_SETTINGS)})]
    return []


def _friction_changes(obj: Friction, changed: dict) -> list[Change]:
    """Triage (the policy link), the lifecycle (status) and erased text; never who reported, never the text."""
    found = []
    if "policy_id" in changed and obj.policy_id is not None:
        found.append(Change("friction.triaged", f"F-{obj.id}", {"policy": obj.policy_id}))
    if "status" in changed:
        found.append(Change(f"friction.{obj.status}", f"F-{obj.id}", {"from": changed["status"],
                                                                       "owner": person_ref(obj.owner_id)}))
    if "text_erased" in changed and obj.text_erased:
        found.append(Change("friction.text_erased", f"F-{obj.id}", {"why": obj.text_erased}))
    return found


def _deleted(obj) -> list[Change]:
    if isinstance(obj, Policy):
        return [Change("policy.removed", f"P-{obj.id}", {})]
    if isinstance(obj, SurveySchedule):
        return [Change("survey.unscheduled", f"schedule {obj.id}", {})]
    if isinstance(obj, GovernanceChannel):
        return [Change("channel.removed", f"#{obj.name}", {})]
    if isinstance(obj, PersonRole):
        return [Change("role.revoked", person_ref(obj.person_id), {"role": obj.role})]
    return []


def _changed_columns(obj) -> dict:
    """Column name -> its value before the flush, for every column the flush changed."""
    state = inspect(obj)
    changed = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.added and history.deleted != history.added:
            before = history.deleted[0] if history.deleted else None
            changed[attr.key] = before.isoformat() if isinstance(before, datetime) else before
    return changed


def _channel(obj: GovernanceChannel) -> dict:
    return {"locale": obj.locale, "weekday": obj.digest_weekday, "hour": obj.digest_hour, "timezone": obj.timezone}


class _PersonRef(int):
    """A person id in an entry's details, turned into a pseudonym when the entry is written."""


def person_ref(person_id: int | None):
    """A person in an entry's subject or details: written as their pseudonym."""
    return None if person_id is None else _PersonRef(person_id)


# -- writing the chain ----------------------------------------------------------------------------------
def append(connection: Connection, *, actor, changes: list[Change], now: datetime | None = None) -> None:
    """Append entries after the last one, holding the chain's lock until the transaction ends."""
    table = AuditEntry.__table__
    tail = _tail(connection)
    if tail.seq is None:  # the first append of this transaction: lock the chain, then read its end
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        last = connection.execute(select(table.c.seq, table.c.hash).order_by(table.c.seq.desc()).limit(1)).first()
        tail.seq, tail.hash = (last[0], last[1]) if last else (0, GENESIS)
    seq, prev_hash = tail.seq, tail.hash
    at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    actor_name = _actor(connection, actor)
    rows = []
    for change in changes:
        seq += 1
        row = {"seq": seq, "at": at, "actor": actor_name, "action": change.action,
               "subject": _subject(connection, change.subject), "details": _canonical(connection, change.details),
               "prev_hash": prev_hash}
        row["hash"] = prev_hash = entry_hash(row)
        rows.append(row)
    connection.execute(insert(table), rows)
    tail.seq, tail.hash = seq, prev_hash


class _Tail:
    """The chain's end as this transaction left it, and the pseudonyms it looked up. Valid while the
    transaction lasts: from its first append it holds the chain (PostgreSQL's advisory lock until the
    transaction ends; SQLite's write lock), so nobody else appends meanwhile."""

    def __init__(self, transaction) -> None:
        self.transaction = transaction
        self.seq: int | None = None
        self.hash = GENESIS
        self.pseudonyms: dict[int, str] = {}


def _tail(connection: Connection) -> _Tail:
    transaction = connection.get_transaction()
    tail = connection.info.get("xgov.audit_tail")
    if tail is None or tail.transaction is not transaction:
        tail = connection.info["xgov.audit_tail"] = _Tail(transaction)
    return tail


def entry_hash(row: dict) -> str:
    at = row["at"].astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [str(row["seq"]), at, row["actor"], row["action"], row["subject"], row["details"], row["prev_hash"]]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def _actor(connection: Connection, actor) -> str:
    if isinstance(actor, int):
        return pseudonym(connection, actor)
    return actor or "system"


def _subject(connection: Connection, subject) -> str:
    return pseudonym(connection, subject) if isinstance(subject, _PersonRef) else subject


def _canonical(connection: Connection, details: dict) -> str:
    resolved = {key: pseudonym(connection, value) if isinstance(value, _PersonRef) else value
                for key, value in details.items()}
    return json.dumps(resolved, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def pseudonym(connection: Connection, person_id: int) -> str:
    """The person's audit pseudonym, made on first use."""
    known = _tail(connection).pseudonyms
    if person_id in known:
        return known[person_id]
    table = AuditPerson.__table__
    found = connection.execute(select(table.c.pseudonym).where(table.c.person_id == person_id)).scalar()
    if found is None:
        found = "p:" + secrets.token_hex(8)
        connection.execute(insert(table).values(person_id=person_id, pseudonym=found))
    known[person_id] = found
    return found


def forget_pseudonym(connection: Connection, person_id: int) -> None:
    """Delete the link from a pseudonym to the person: their entries, unchanged, then name nobody."""
    _tail(connection).pseudonyms.pop(person_id, None)
    connection.execute(AuditPerson.__table__.delete().where(AuditPerson.__table__.c.person_id == person_id))


# -- checking the chain -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    entries: int
    head: str  # the last entry's hash: note it outside the database to detect a cut-off tail later
    broken_at: int | None  # the first seq whose link or hash does not hold
    problem: str = ""


def verify(connection: Connection) -> Verdict:
    table = AuditEntry.__table__
    expected_seq, prev_hash, count = 1, GENESIS, 0
    rows = connection.execute(select(table).order_by(table.c.seq)).mappings()
    for row in rows:
        if row["seq"] != expected_seq:
            return Verdict(count, prev_hash, expected_seq, f"entry {expected_seq} is missing")
        if row["prev_hash"] != prev_hash:
            return Verdict(count, prev_hash, row["seq"], f"entry {row['seq']} does not follow entry {row['seq'] - 1}")
        if entry_hash(dict(row)) != row["hash"]:
            return Verdict(count, prev_hash, row["seq"], f"entry {row['seq']} was changed after it was written")
        expected_seq, prev_hash, count = expected_seq + 1, row["hash"], count + 1
    return Verdict(count, prev_hash, None)


def entries_count(connection: Connection) -> int:
    return connection.execute(select(func.count()).select_from(AuditEntry.__table__)).scalar_one()
