"""The registry of policies, decisions and processes, each with an accountable owner."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import N_, UserError
from bot.services.directory import get_person
from bot.text_rules import check_title
from storage.models import Person, Policy

POLICY_KINDS = ("policy", "decision", "process")


@dataclass(frozen=True)
class PolicyView:
    id: int
    kind: str
    title: str
    owner_email: str
    owner_name: str

    @property
    def ref(self) -> str:
        return f"P-{self.id}"


def parse_policy_ref(text: str) -> int:
    cleaned = text.strip().upper().removeprefix("P-")
    if not cleaned.isdigit():
        raise UserError(N_("{text} is not a policy reference; write it like P-3."), text=text)
    return int(cleaned)


def add_policy(*, session: Session, kind: str, title: str, owner_email: str, now: datetime) -> PolicyView:
    if kind not in POLICY_KINDS:
        raise UserError(N_("Unknown kind {kind}; use one of: {kinds}."), kind=kind, kinds=", ".join(POLICY_KINDS))
    owner = get_person(session=session, email=owner_email)
    policy = Policy(kind=kind, title=check_title(title), owner_id=owner.id, created_at=now)
    session.add(policy)
    session.flush()
    return get_policy(session=session, policy_id=policy.id)


def get_policy(*, session: Session, policy_id: int) -> PolicyView:
    row = session.execute(
        select(Policy, Person).join(Person, Person.id == Policy.owner_id).where(Policy.id == policy_id)
    ).first()
    if row is None:
        raise UserError(N_("There is no policy P-{id}. List them with /xgov policy list."), id=policy_id)
    return _view(*row)


def list_policies(*, session: Session) -> list[PolicyView]:
    rows = session.execute(select(Policy, Person).join(Person, Person.id == Policy.owner_id).order_by(Policy.id))
    return [_view(policy, owner) for policy, owner in rows]


def _view(policy: Policy, owner: Person) -> PolicyView:
    return PolicyView(id=policy.id, kind=policy.kind, title=policy.title, owner_email=owner.email, owner_name=owner.name)
