"""`xgov export`: everything xgov holds about one person (GDPR art. 15 and 20), as plain data for JSON.

Nothing anonymous by design is in it: anonymous survey answers carry no person, and the per-person
"asked / finished" state of a wave is theirs and is included. The layout is docs/privacy.md's.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.audit_trail import entries_about
from bot.services.directory import get_person
from bot.services.erasure import addressed_to
from storage import audit
from storage.models import (
    ConversationRef,
    Friction,
    FrictionEvent,
    FrictionReporter,
    OrgUnit,
    OutboxMessage,
    Person,
    Policy,
    SurveyAnswer,
    SurveyRecord,
    SurveyResponse,
    SurveyWave,
    WaveRecipient,
)

FORMAT = "xgov-personal-export/1"


def export_person(*, session: Session, email: str, now: datetime) -> dict:
    view = get_person(session=session, email=email)
    person = session.get(Person, view.id)
    data = {
        "format": FORMAT,
        "exported_at": now.isoformat(),
        "person": _profile(session, person, sorted(view.roles)),
        "reports_filed": _reports(session, person.id),
        "assignments_owned": _assignments(session, person.id),
        "actions_taken": _actions(session, person.id),
        "policies_owned": [{"ref": f"P-{p.id}", "kind": p.kind, "title": p.title}
                           for p in session.scalars(select(Policy).where(Policy.owner_id == person.id))],
        "survey_invitations": _invitations(session, person.id),
        "identified_survey_answers": _identified_answers(session, person.id),
        "conversation_references": _references(session, person),
        "messages_to_them": _messages(session, person.email),
        "audit_entries": entries_about(session=session, person_id=person.id),
    }
    audit.record(session, "person.exported", audit.person_ref(person.id))
    return data


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _profile(session: Session, person: Person, roles: list[str]) -> dict:
    manager = session.get(Person, person.manager_id) if person.manager_id else None
    unit = session.get(OrgUnit, person.org_unit_id) if person.org_unit_id else None
    return {"email": person.email, "name": person.name, "locale": person.locale,
            "locale_chosen": bool(person.locale_chosen), "timezone": person.timezone,
            "org_unit": unit.name if unit else None, "manager_email": manager.email if manager else None,
            "roles": roles}


def _reports(session: Session, person_id: int) -> list[dict]:
    query = (select(Friction, FrictionReporter.reported_at, FrictionReporter.hidden_from_governance)
             .join(FrictionReporter, FrictionReporter.friction_id == Friction.id)
             .where(FrictionReporter.person_id == person_id).order_by(Friction.id))
    found = []
    for friction, reported_at, hidden in session.execute(query):
        history = session.execute(select(FrictionEvent.at, FrictionEvent.action)
                                  .where(FrictionEvent.friction_id == friction.id).order_by(FrictionEvent.id))
        found.append({"ref": f"F-{friction.id}", "text": friction.text, "reported_at": _iso(reported_at),
                      "kind": friction.kind, "experience": friction.experience, "status": friction.status,
                      "hidden_from_governance": hidden,
                      "keep_text_on_erasure": friction.keep_text_on_erasure,
                      "policy": f"P-{friction.policy_id}" if friction.policy_id else None,
                      "outcome": friction.outcome, "outcome_note": friction.outcome_note,
                      "resolved_at": _iso(friction.resolved_at),
                      "history": [{"at": _iso(at), "action": action} for at, action in history]})
    return found


def _assignments(session: Session, person_id: int) -> list[dict]:
    query = select(Friction).where(Friction.owner_id == person_id).order_by(Friction.id)
    return [{"ref": f"F-{f.id}", "text": f.text, "status": f.status, "assigned_at": _iso(f.assigned_at),
             "due_at": _iso(f.due_at), "resolved_at": _iso(f.resolved_at), "outcome": f.outcome,
             "outcome_note": f.outcome_note} for f in session.scalars(query)]


def _actions(session: Session, person_id: int) -> list[dict]:
    query = select(FrictionEvent).where(FrictionEvent.actor_id == person_id).order_by(FrictionEvent.id)
    return [{"report": f"F-{e.friction_id}", "at": _iso(e.at), "action": e.action, "note": e.note}
            for e in session.scalars(query)]


def _invitations(session: Session, person_id: int) -> list[dict]:
    query = (select(WaveRecipient, SurveyRecord.key).join(SurveyWave, SurveyWave.id == WaveRecipient.wave_id)
             .join(SurveyRecord, SurveyRecord.id == SurveyWave.survey_id)
             .where(WaveRecipient.person_id == person_id).order_by(WaveRecipient.wave_id))
    return [{"wave": r.wave_id, "survey": key, "started": r.started, "completed": r.completed,
             "reminders_sent": r.reminders_sent} for r, key in session.execute(query)]


def _identified_answers(session: Session, person_id: int) -> list[dict]:
    """Answers to identified surveys only: anonymous answers carry no person and cannot be found."""
    found = []
    for response in session.scalars(select(SurveyResponse).where(SurveyResponse.person_id == person_id)):
        answers = session.scalars(select(SurveyAnswer).where(SurveyAnswer.response_id == response.id))
        found.append({"wave": response.wave_id, "completed": response.completed,
                      "answers": {a.question_id: a.value_int if a.value_text is None else a.value_text
                                  for a in answers}})
    return found


def _references(session: Session, person: Person) -> list[dict]:
    query = select(ConversationRef).where(ConversationRef.kind == "person", ConversationRef.key == person.email)
    return [{"platform": r.platform, "platform_user_id": r.platform_user_id, "reachable": r.reachable,
             "updated_at": _iso(r.updated_at), "reference": json.loads(r.reference)} for r in session.scalars(query)]


def _messages(session: Session, email: str) -> list[dict]:
    query = select(OutboxMessage).where(addressed_to(email)).order_by(OutboxMessage.id)
    return [{"created_at": _iso(m.created_at), "status": m.status, "sent_at": _iso(m.sent_at),
             "message": _message(m.payload)} for m in session.scalars(query)]


def _message(payload: str) -> dict | None:
    """The message as sent; None once its content was erased (survey content after sending, retention)."""
    try:
        return json.loads(payload) if payload else None
    except ValueError:
        return None
