"""Settings: one object built at start-up and passed down (env vars prefixed XGOV_)."""
from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.calendar_text import parse_days_off, parse_quiet_hours, parse_workdays

SUPPORTED_LOCALES = ("pl", "en")


CHOICES = {"log_format": ("text", "json"), "platform": ("console", "slack", "teams"), "enrol": ("ask", "auto", "off")}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XGOV_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///xgov.db",
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://... in production.",
    )
    default_locale: str = Field(default="pl", description="Workspace language when a person has none: pl or en.")
    governance_channel: str = Field(default="governance", description="Channel that receives assignments and the digest.")
    console_mailbox: str | None = Field(
        default=None, description="File the console chat keeps messages in; default: beside the SQLite file."
    )
    assignment_due_days: int = Field(default=14, ge=1, description="Days an owner has to resolve an assignment.")

    http_port: int = Field(default=8080, description="Port of the bot's web server (dashboard, Slack, Teams).")
    public_url: str = Field(default="http://127.0.0.1:8080", description="How people reach the web server.")
    web_secret: str = Field(default="", description="Signs dashboard links; the dashboard is off while empty.")
    dashboard_link_days: int = Field(default=7, ge=1, description="Days a dashboard link stays valid.")

    platform: str = Field(default="console", description="Where scheduled and command-line messages go: console, slack "
                                                         "or teams (xgov run --platform defaults to it).")
    timezone: str = Field(default="Europe/Warsaw", description="The workspace's time zone: daily jobs run in it.")
    quiet_hours: str = Field(default="20-8", description="Local hours when nobody is written to unasked; none for none.")
    workdays: str = Field(default="mon,tue,wed,thu,fri", description="Days people are written to unasked.")
    holidays: str = Field(default="PL", description="Country whose public holidays are days off (python-holidays); "
                                                    "empty for none.")
    days_off: str = Field(default="", description="More days off, ISO dates separated by commas.")
    daily_hour: int = Field(default=9, ge=0, le=23, description="Local hour of the daily jobs: owners' nudges, "
                                                                "escalations, the owners' weekly list on Mondays.")
    nudge_after_days: int = Field(default=3, ge=1, description="An owner is nudged when an assignment waits this long.")
    send_threads: int = Field(default=8, ge=1, le=64, description="Threads sending the outbox in xgov run.")
    process_silent_seconds: float = Field(default=30.0, gt=0, description="A process silent this long is taken "
                                                                          "for dead: its messages in flight are checked.")
    enrol: str = Field(default="ask", description="Someone who writes to the bot but is not in the directory: ask "
                                                  "(offered a button to join as an employee without a unit), auto "
                                                  "(joins at once, the message goes through) or off (told to ask "
                                                  "the governance team). Governance is told of each who joins.")
    scim_token: str = Field(default="", description="Bearer token of SCIM 2.0 provisioning at /scim/v2 (Entra ID, "
                                                    "Okta); SCIM is off while empty. A long random value.")
    scim_group_roles: str = Field(default="xgov-governance-admins=governance_admin;xgov-managers=manager;"
                                          "xgov-owners=owner",
                                  description="SCIM groups that give a role, as NAME=ROLE separated by ';' (a group "
                                              "named like a role, e.g. manager, always gives it).")
    leader_poll_seconds: float = Field(default=5.0, gt=0, description="How often a follower tries to become the "
                                                                      "scheduler.")

    retention_days: int = Field(default=0, ge=0, description="Days after which the free text of resolved reports "
                                "and the payloads of settled outbox messages are erased by the housekeeping job; "
                                "0 keeps them (docs/privacy.md).")
    whistleblowing_url: str = Field(default="", description="The organisation's own channel for reports of breaches "
                                                            "of law; the report form and the help point to it.")
    whistleblowing_text_pl: str = Field(default="", description="What that channel is, in Polish (shown beside the "
                                                                "link).")
    whistleblowing_text_en: str = Field(default="", description="What that channel is, in English.")
    log_format: str = Field(default="text", description="Log lines as text or json (one JSON object a line).")

    @field_validator("log_format", "platform", "enrol")
    @classmethod
    def _one_of(cls, value: str, info) -> str:
        allowed = CHOICES[info.field_name]
        if value not in allowed:
            raise ValueError(f"XGOV_{info.field_name.upper()} must be {', '.join(allowed[:-1])} or {allowed[-1]}, "
                             f"not {value!r}")
        return value

    @field_validator("quiet_hours", "workdays", "days_off")
    @classmethod
    def _readable_calendar(cls, value: str, info) -> str:
        parse = {"quiet_hours": parse_quiet_hours, "workdays": parse_workdays,
                 "days_off": parse_days_off}[info.field_name]
        try:
            parse(value)
        except ValueError as problem:
            raise ValueError(f"XGOV_{info.field_name.upper()}: {problem}") from problem
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"XGOV_DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}, not {value!r}")
        return value


def console_mailbox_path(settings: Settings) -> str:
    """Where console sessions share their messages: beside the SQLite file by default."""
    if settings.console_mailbox:
        return settings.console_mailbox
    prefix = "sqlite:///"
    if settings.database_url.startswith(prefix) and settings.database_url != prefix + ":memory:":
        return settings.database_url[len(prefix):] + ".console.jsonl"
    return "xgov-console.jsonl"
