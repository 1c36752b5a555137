"""Reading the audit trail (for governance admins): entries with pseudonyms shown as e-mails while the
person is known, as "erased person" after `xgov forget`. Writing happens in storage/audit.py only."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import N_, UserError
from bot.services.directory import normalise_email
from storage import audit
from storage.models import AuditEntry, AuditPerson, Person

ERASED = "erased person"
_PSEUDONYM = re.compile(r"p:[0-9a-f]{16}")


@dataclass(frozen=True)
class AuditLine:
    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    details: str


def entries(*, session: Session, since: datetime | None = None, actor_email: str | None = None,
            limit: int = 1000, newest_first: bool = False) -> list[AuditLine]:
    query = select(AuditEntry).order_by(AuditEntry.seq.desc() if newest_first else AuditEntry.seq)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if actor_email:
        query = query.where(AuditEntry.actor == _pseudonym_of(session, actor_email))
    rows = session.scalars(query.limit(limit)).all()
    names = _names(session)
    show = lambda text: _PSEUDONYM.sub(lambda m: names.get(m.group(0), ERASED), text)  # noqa: E731
    return [AuditLine(r.seq, r.at, show(r.actor), r.action, show(r.subject), show(r.details)) for r in rows]


def entries_about(*, session: Session, person_id: int) -> list[dict]:
    """Every entry that names this person (as actor, subject or in its details), as stored."""
    pseudonym = session.scalar(select(AuditPerson.pseudonym).where(AuditPerson.person_id == person_id))
    if pseudonym is None:
        return []
    query = (select(AuditEntry).where((AuditEntry.actor == pseudonym) | (AuditEntry.subject == pseudonym)
                                      | AuditEntry.details.contains(pseudonym)).order_by(AuditEntry.seq))
    return [{"seq": r.seq, "at": r.at.isoformat(), "actor": "you" if r.actor == pseudonym else r.actor,
             "action": r.action, "subject": "you" if r.subject == pseudonym else r.subject,
             "details": json.loads(r.details)} for r in session.scalars(query)]


def _pseudonym_of(session: Session, email: str) -> str:
    found = session.scalar(select(AuditPerson.pseudonym).join(Person, Person.id == AuditPerson.person_id)
                           .where(Person.email == normalise_email(email)))
    if found is None:
        raise UserError(N_("The audit trail names nobody with the e-mail {email}."), email=email)
    return found


def _names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(AuditPerson.pseudonym, Person.email)
                                .join(Person, Person.id == AuditPerson.person_id)).all())


def verify(*, session: Session) -> audit.Verdict:
    return audit.verify(session.connection())
