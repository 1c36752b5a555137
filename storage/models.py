"""SQLAlchemy 2 ORM models. Only storage/ and the core services see these classes."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, on SQLite (which drops the zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("xgov stores aware datetimes only")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)  # PostgreSQL answers in the session's time zone


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class OrgUnit(Base):
    __tablename__ = "org_units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(8))
    locale_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # by /xgov language
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Warsaw")
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # false: left the organisation
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    external_id: Mapped[str | None] = mapped_column(String(200))  # the identity provider's id (SCIM externalId)
    scim_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # SCIM DELETE: hidden, kept
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # by SCIM writes (meta.lastModified)
    scim_resource: Mapped[str | None] = mapped_column(Text)  # the other attributes the provider sent (JSON)


class DirectoryChange(Base):
    """Who changed the directory, how and when (a CSV sync, a command, chat, SCIM): one row per change."""

    __tablename__ = "directory_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(320))  # an admin's e-mail, or the tool: "csv-sync", "cli", "scim"
    source: Mapped[str] = mapped_column(String(16))  # csv | cli | chat | scim | enrol
    action: Mapped[str] = mapped_column(String(32))  # added | changed | grant | revoke | move | deactivated | ...
    person_email: Mapped[str] = mapped_column(String(320), index=True)
    detail: Mapped[str | None] = mapped_column(Text)


class ScimGroup(Base):
    """A group pushed by the identity provider (SCIM); a group whose name maps to a role gives its members
    that role (XGOV_SCIM_GROUP_ROLES)."""

    __tablename__ = "scim_groups"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(32))
    scim_resource: Mapped[str | None] = mapped_column(Text)  # the other attributes the provider sent (JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ScimGroupMember(Base):
    __tablename__ = "scim_group_members"
    group_id: Mapped[str] = mapped_column(ForeignKey("scim_groups.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)


class PersonRole(Base):
    __tablename__ = "person_roles"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class Policy(Base):
    """A policy, decision or process that can cause frictions, with its owner."""

    __tablename__ = "policies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Friction(Base):
    """A friction report. Who reported it lives in ``friction_reporters`` only."""

    __tablename__ = "frictions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(32))
    experience: Mapped[str | None] = mapped_column(String(16))
    flag_emotions: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_decision_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_procedure_gap: Mapped[bool] = mapped_column(Boolean, default=False)
    # the reporter's choice at filing: if they are erased (xgov forget), the text stays; otherwise a note replaces it
    keep_text_on_erasure: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    text_erased: Mapped[str | None] = mapped_column(String(16))  # why the text was replaced: erasure | retention | whistleblowing
    status: Mapped[str] = mapped_column(String(16), index=True)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("policies.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)


class FrictionReporter(Base):
    """The only link between a friction and the people who reported it.

    Read by reporter-facing queries (my reports, closing the loop) and, for each reporter who
    did not choose full anonymity, by the governance team; never by owner-facing ones.
    """

    __tablename__ = "friction_reporters"
    friction_id: Mapped[int] = mapped_column(ForeignKey("frictions.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    hidden_from_governance: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class FrictionEvent(Base):
    """The audit trail of a friction's lifecycle (never records who reported)."""

    __tablename__ = "friction_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    friction_id: Mapped[int] = mapped_column(ForeignKey("frictions.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    note: Mapped[str | None] = mapped_column(Text)


Index("ix_friction_events_friction", FrictionEvent.friction_id, FrictionEvent.at)
Index("ix_friction_reporters_person", FrictionReporter.person_id)


class SurveyRecord(Base):
    """A survey definition (TOML text, PL and EN) and its anonymity mode."""

    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    definition_toml: Mapped[str] = mapped_column(Text)
    anonymity: Mapped[str] = mapped_column(String(16), default="anonymous")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SurveyWave(Base):
    """One sending of a survey to an audience, with an answer window."""

    __tablename__ = "survey_waves"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    audience: Mapped[str] = mapped_column(String(16))
    audience_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    k: Mapped[int] = mapped_column(Integer, default=5)
    max_reminders: Mapped[int] = mapped_column(Integer, default=2)
    # The org tree and how many of the audience sat in each unit, as JSON, taken when the wave was sent:
    # where responses are stored and what the anonymity audit shows never move with later org changes.
    audience_units: Mapped[str | None] = mapped_column(Text)


class WaveRecipient(Base):
    """Who was asked and whether they finished: for reminders only.

    Holds no timestamp of completion and no link to a response, so it cannot be
    joined to the anonymous answers.
    """

    __tablename__ = "wave_recipients"
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    started: Mapped[bool] = mapped_column(Boolean, default=False)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)


class SurveyResponse(Base):
    """One respondent's answers to a wave. Random id, no timestamps; a person id only
    when the survey is identified. Reached through a token the person holds in chat."""

    __tablename__ = "survey_responses"
    __table_args__ = (Index("ix_survey_responses_wave_id_id", "wave_id", "id"),)  # the digest's per-wave sums
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The state of the one chat message of this response: its buttons carry it, a stale one changes nothing.
    step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SurveyAnswer(Base):
    """The latest answer of a response to one question (changing it overwrites)."""

    __tablename__ = "survey_answers"
    # Covers the digest's sums, so that they are read from the index alone.
    __table_args__ = (Index("ix_survey_answers_response_value", "response_id", "question_id", "value_int"),)
    response_id: Mapped[str] = mapped_column(ForeignKey("survey_responses.id"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    value_int: Mapped[int | None] = mapped_column(Integer)
    value_text: Mapped[str | None] = mapped_column(Text)


class KpiValue(Base):
    """One imported reading of a customer or business KPI, for the organisation (no unit) or a unit."""

    __tablename__ = "kpi_values"
    __table_args__ = (Index("ix_kpi_values_kpi_on_date", "kpi", "on_date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi: Mapped[str] = mapped_column(String(64))
    on_date: Mapped[date] = mapped_column(Date)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    value: Mapped[float] = mapped_column(Float)
    n: Mapped[int | None] = mapped_column(Integer)  # respondents behind a score such as NPS, if known
    kind: Mapped[str | None] = mapped_column(String(16))  # count | rate | share | amount | score (bot/digest/noise.py)
    span: Mapped[str | None] = mapped_column(String(16))  # day | week | month | quarter | year: what one reading covers
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GovernanceChannel(Base):
    """A channel that receives the weekly digest, in its language, at its own hour. Bound by the
    platform's channel id (`/xgov channel here`, `xgov channel set --id`); rows with a name only are
    the older form, resolved by name inside a Slack workspace."""

    __tablename__ = "governance_channels"
    __table_args__ = (UniqueConstraint("platform", "channel_id", name="uq_governance_channels_platform_channel"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    platform: Mapped[str | None] = mapped_column(String(16))
    channel_id: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8))
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0)  # 0 = Monday
    digest_hour: Mapped[int] = mapped_column(Integer, default=9)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Warsaw")
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None: set up before 0009 recorded it


class InboundDelivery(Base):
    """An inbound platform event already taken (Slack event_id, Teams activity id): a retried
    delivery of the same event finds its row and is not handled again, on any replica."""

    __tablename__ = "inbound_deliveries"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ConversationRef(Base):
    """Where a platform lets the bot write first (a Teams conversation reference, as JSON): one per
    person (key = e-mail) or channel (key = channel name). Unreachable after the person blocked the bot."""

    __tablename__ = "conversation_refs"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # person | channel
    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    reference: Mapped[str] = mapped_column(Text)
    platform_user_id: Mapped[str | None] = mapped_column(String(200), index=True)
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxMessage(Base):
    """One outbound message, stored before it is sent (in the transaction that decided it), then
    sent by whichever process claims it. `key` is its idempotency key: a second row with the same
    key is never made, and after a crash the platform is asked whether the key arrived."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_drain", "platform", "status", "not_before", "id"),
                      Index("ix_outbox_messages_sent_to", "platform", "target"))  # who may update a message
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    batch: Mapped[str] = mapped_column(String(120), index=True)  # the turn or job that made it
    operation: Mapped[str] = mapped_column(String(16))  # user | channel | update | upload
    target: Mapped[str] = mapped_column(String(320))  # e-mail, channel name, or a message reference (JSON)
    payload: Mapped[str] = mapped_column(Text)  # the neutral message as JSON (bot/outbox/codec.py)
    status: Mapped[str] = mapped_column(String(16))  # pending | sending | sent | failed | unreachable
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_ref: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    request_id: Mapped[str | None] = mapped_column(String(32))  # the inbound request that made it (bot/logs.py)


class XgovProcess(Base):
    """A running `xgov` process: it claims outbox rows under its id and says it is alive; rows claimed
    by a process that stopped saying so are in doubt and are checked, then sent or settled."""

    __tablename__ = "xgov_processes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    platforms: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    leader: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ScheduledRun(Base):
    """A scheduled job's slot that has run: a second run of the same slot (a restart, a second
    leader, a catch-up) finds it and does nothing."""

    __tablename__ = "scheduled_runs"
    job: Mapped[str] = mapped_column(String(120), primary_key=True)
    slot: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ran_by: Mapped[str] = mapped_column(String(64))


class Installation(Base):
    """One row: when this installation's scheduler first ran. No scheduled slot before it is caught up
    (a new installation never posts "last week's" digest for a week in which it did not exist)."""

    __tablename__ = "installation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    first_scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SurveySchedule(Base):
    """A survey sent on a cadence: each slot opens a wave to the audience for `window_days`."""

    __tablename__ = "survey_schedules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    audience: Mapped[str] = mapped_column(String(16))
    audience_unit: Mapped[str | None] = mapped_column(String(200))
    cadence: Mapped[str] = mapped_column(String(16))  # weekly | biweekly | monthly | quarterly
    weekday: Mapped[int] = mapped_column(Integer, default=0)  # 0 = Monday
    hour: Mapped[int] = mapped_column(Integer, default=10)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Warsaw")
    window_days: Mapped[int] = mapped_column(Integer, default=7)
    k: Mapped[int] = mapped_column(Integer, default=5)
    max_reminders: Mapped[int] = mapped_column(Integer, default=2)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PublishedImage(Base):
    """An image served at ``/images/{id}.png`` on the public URL, for chat clients that only show
    images from an https address (Teams cards). ``id`` is an unguessable random token."""

    __tablename__ = "published_images"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class AuditEntry(Base):
    """One governance action, appended and never changed (storage/audit.py). `seq` counts from 1 with no
    gap; `hash` covers this entry's fields and the previous entry's hash, so an edited, removed or inserted
    row breaks the chain (`xgov audit verify`). People appear only as pseudonyms (audit_people)."""

    __tablename__ = "audit_entries"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(40), index=True)  # a pseudonym (p:...), scheduler, command line or system
    action: Mapped[str] = mapped_column(String(48))
    subject: Mapped[str] = mapped_column(String(120))
    details: Mapped[str] = mapped_column(Text)  # canonical JSON; never free text, names or e-mails
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditPerson(Base):
    """The only link from an audit pseudonym to a person: erasing a person deletes this row, and the
    entries (unchanged, their chain intact) then name nobody."""

    __tablename__ = "audit_people"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(40), unique=True)
