"""Surveys and waves: register definitions, send a wave to an audience, remind, close."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import exists, func, insert, select
from sqlalchemy.orm import Session

from bot.errors import N_, NP_, UserError
from bot.services.directory import unit_and_descendants
from storage.models import OrgUnit, Person, PersonRole, SurveyRecord, SurveyResponse, SurveyWave, WaveRecipient
from surveys import SurveyDefinition, SurveyDefinitionError, ThresholdTooLow, load_definition, validate_k
from surveys.loader import builtin_texts

AUDIENCES = ("everyone", "unit", "managers")
ANONYMITY_MODES = ("anonymous", "identified")  # strongest first


@dataclass(frozen=True)
class WaveView:
    id: int
    survey_key: str
    definition: SurveyDefinition
    anonymity: str
    opens_at: datetime
    closes_at: datetime
    closed: bool
    k: int
    max_reminders: int

    def is_open(self, now: datetime) -> bool:
        return not self.closed and self.opens_at <= now < self.closes_at


def add_survey(*, session: Session, toml_text: str, source: str, now: datetime) -> SurveyDefinition:
    """Validate a definition and store it; refuses an id that already exists."""
    try:
        definition = load_definition(toml_text, source=source)
    except SurveyDefinitionError as problem:
        raise UserError(N_("The survey file was refused: {problems}"), problems=str(problem).replace("\n", "; ")) from problem
    if session.scalar(select(SurveyRecord.id).where(SurveyRecord.key == definition.id)) is not None:
        raise UserError(N_("A survey with the id {id} exists already; give the new one another id."), id=definition.id)
    session.add(SurveyRecord(key=definition.id, kind=definition.kind, definition_toml=toml_text, created_at=now))
    session.flush()
    return definition


def ensure_builtin_surveys(*, session: Session, now: datetime) -> None:
    known = set(session.scalars(select(SurveyRecord.key)))
    for key, text in sorted(builtin_texts().items()):
        if key not in known:
            add_survey(session=session, toml_text=text, source=f"{key}.toml", now=now)


def _record(session: Session, key: str) -> SurveyRecord:
    record = session.scalar(select(SurveyRecord).where(SurveyRecord.key == key))
    if record is None:
        raise UserError(N_("There is no survey {key}. See xgov survey list."), key=key)
    return record


def definition_of(record: SurveyRecord) -> SurveyDefinition:
    return _parsed(record.key, record.definition_toml)


@lru_cache(maxsize=64)
def _parsed(key: str, toml_text: str) -> SurveyDefinition:
    """Definitions are immutable once stored, so each text is parsed once per process."""
    return load_definition(toml_text, source=f"{key}.toml")


def list_surveys(*, session: Session) -> list[tuple[SurveyDefinition, str, list[tuple[int, bool]]]]:
    """(definition, anonymity, its waves as (wave id, closed), oldest first) of every survey."""
    waves: dict[int, list[tuple[int, bool]]] = {}
    for survey_id, wave_id, closed_at in session.execute(
            select(SurveyWave.survey_id, SurveyWave.id, SurveyWave.closed_at).order_by(SurveyWave.id)):
        waves.setdefault(survey_id, []).append((wave_id, closed_at is not None))
    records = session.scalars(select(SurveyRecord).order_by(SurveyRecord.key))
    return [(definition_of(record), record.anonymity, waves.get(record.id, [])) for record in records]


def set_anonymity(*, session: Session, key: str, mode: str) -> None:
    """Strengthening is always allowed; weakening only while the survey has no answers."""
    if mode not in ANONYMITY_MODES:
        raise UserError(N_("Anonymity is anonymous or identified, not {mode}."), mode=mode)
    record = _record(session, key)
    weakening = ANONYMITY_MODES.index(mode) > ANONYMITY_MODES.index(record.anonymity)
    if weakening and _has_answers(session, record.id):
        raise UserError(N_("{key} already has answers given anonymously; its anonymity cannot be weakened."), key=key)
    record.anonymity = mode


def _has_answers(session: Session, survey_id: int) -> bool:
    query = select(exists().where(SurveyResponse.wave_id == SurveyWave.id, SurveyWave.survey_id == survey_id))
    return bool(session.scalar(query))


def audience_emails(*, session: Session, audience: str, unit: str | None = None) -> list[tuple[int, str]]:
    query = select(Person.id, Person.email).where(Person.active.is_(True)).order_by(Person.email)
    if audience == "unit":
        if not unit:
            raise UserError(N_("Name the org unit for a unit audience."))
        query = query.where(Person.org_unit_id.in_(unit_and_descendants(session=session, unit_name=unit)))
    elif audience == "managers":
        query = query.join(PersonRole, PersonRole.person_id == Person.id).where(PersonRole.role == "manager")
    elif audience != "everyone":
        raise UserError(N_("The audience is everyone, unit or managers, not {audience}."), audience=audience)
    return list(session.execute(query))


def check_wave_settings(*, days: int, k: int) -> None:
    """An answer window and an anonymity threshold as a person gives them (a wave now or on a cadence)."""
    try:
        validate_k(k)
    except ThresholdTooLow as problem:
        raise UserError(N_("k must be at least 3 so that answers stay anonymous; it was {k}."), k=k) from problem
    if days < 1:
        raise UserError(N_("The answer window must be at least one day."))


def send_wave(*, session: Session, key: str, audience: str, now: datetime, days: int, unit: str | None = None,
              k: int = 5, max_reminders: int = 2) -> tuple[int, list[str]]:
    """Create a wave and its recipients; return the wave id and whom to invite."""
    check_wave_settings(days=days, k=k)
    record = _record(session, key)
    people = audience_emails(session=session, audience=audience, unit=unit)
    if len(people) < k:
        raise UserError(NP_("That audience has {n} person, fewer than k = {k}; nobody's answers could be shown.",
                            "That audience has {n} people, fewer than k = {k}; nobody's answers could be shown."),
                        n=len(people), k=k)
    unit_id = session.scalar(select(OrgUnit.id).where(OrgUnit.name == unit)) if unit else None
    wave = SurveyWave(survey_id=record.id, audience=audience, audience_unit_id=unit_id, opens_at=now,
                      closes_at=now + timedelta(days=days), k=k, max_reminders=max_reminders)
    session.add(wave)
    session.flush()
    # in one executemany on the table, not as ORM objects: a wave to 10,000 people is flushed in ~0.1 s
    session.execute(insert(WaveRecipient.__table__),
                    [{"wave_id": wave.id, "person_id": person_id} for person_id, _email in people])
    wave.audience_units = json.dumps({"parents": unit_parents(session=session),
                                      "members": wave_audience(session=session, wave_id=wave.id)}, ensure_ascii=False)
    return wave.id, [email for _id, email in people]


def get_wave(*, session: Session, wave_id: int) -> WaveView:
    row = session.execute(
        select(SurveyWave, SurveyRecord).join(SurveyRecord, SurveyRecord.id == SurveyWave.survey_id).where(SurveyWave.id == wave_id)
    ).first()
    if row is None:
        raise UserError(N_("There is no wave {id}."), id=wave_id)
    wave, record = row
    return WaveView(id=wave.id, survey_key=record.key, definition=definition_of(record), anonymity=record.anonymity,
                    opens_at=wave.opens_at, closes_at=wave.closes_at, closed=wave.closed_at is not None, k=wave.k,
                    max_reminders=wave.max_reminders)


def close_wave(*, session: Session, wave_id: int, now: datetime) -> WaveView:
    wave = session.get(SurveyWave, wave_id)
    if wave is None:
        raise UserError(N_("There is no wave {id}."), id=wave_id)
    if wave.closed_at is None:
        wave.closed_at = now
    return get_wave(session=session, wave_id=wave_id)


def due_reminders(*, session: Session, wave_id: int, now: datetime) -> list[str]:
    """People who have not finished and were reminded fewer than the cap; counts the reminder."""
    wave = get_wave(session=session, wave_id=wave_id)
    if not wave.is_open(now):
        return []
    query = (
        select(WaveRecipient, Person.email)
        .join(Person, Person.id == WaveRecipient.person_id)
        .where(WaveRecipient.wave_id == wave_id, WaveRecipient.completed.is_(False),
               WaveRecipient.reminders_sent < wave.max_reminders, Person.active.is_(True))
        .order_by(Person.email)
    )
    emails = []
    for recipient, email in session.execute(query):
        recipient.reminders_sent += 1
        emails.append(email)
    return emails


def previous_wave_id(*, session: Session, wave_id: int) -> int | None:
    wave = session.get(SurveyWave, wave_id)
    query = (select(SurveyWave.id).where(SurveyWave.survey_id == wave.survey_id, SurveyWave.id < wave_id)
             .order_by(SurveyWave.id.desc()).limit(1))
    return session.scalar(query)


def open_waves_for(*, session: Session, email: str, now: datetime) -> list[tuple[WaveView, bool]]:
    """Open waves sent to a person and not finished by them, each with whether they started it."""
    query = (
        select(WaveRecipient.wave_id, WaveRecipient.started)
        .join(Person, Person.id == WaveRecipient.person_id)
        .join(SurveyWave, SurveyWave.id == WaveRecipient.wave_id)
        .where(Person.email == email, WaveRecipient.completed.is_(False), SurveyWave.closed_at.is_(None),
               SurveyWave.opens_at <= now, SurveyWave.closes_at > now)
        .order_by(SurveyWave.closes_at, SurveyWave.id)
    )
    return [(get_wave(session=session, wave_id=wave_id), started) for wave_id, started in session.execute(query)]


def unit_parents(*, session: Session) -> dict[str, str | None]:
    """The org tree: every unit's name -> its parent's name (None at the top)."""
    rows = session.execute(select(OrgUnit.id, OrgUnit.name, OrgUnit.parent_id)).all()
    names = {unit_id: name for unit_id, name, _parent in rows}
    return {name: names.get(parent_id) for _id, name, parent_id in rows}


def wave_audience(*, session: Session, wave_id: int) -> dict[str, int]:
    """How many people the wave was sent to, by the unit they sit in ("" for people without one)."""
    query = (select(OrgUnit.name, func.count()).select_from(WaveRecipient)
             .join(Person, Person.id == WaveRecipient.person_id)
             .outerjoin(OrgUnit, OrgUnit.id == Person.org_unit_id)
             .where(WaveRecipient.wave_id == wave_id).group_by(OrgUnit.name))
    return {name or "": int(count) for name, count in session.execute(query)}


def wave_scope_tree(*, session: Session, wave_id: int) -> tuple[dict[str, str | None], dict[str, int]]:
    """(org tree, audience by unit) as they were when the wave was sent; read live for a wave sent
    before xgov kept them."""
    stored = session.scalar(select(SurveyWave.audience_units).where(SurveyWave.id == wave_id))
    if stored:
        data = json.loads(stored)
        return data["parents"], {unit: int(n) for unit, n in data["members"].items()}
    return unit_parents(session=session), wave_audience(session=session, wave_id=wave_id)
