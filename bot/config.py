"""Settings: one object built at start-up and passed down (env vars prefixed XGOV_)."""
from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LOCALES = ("pl", "en")


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
