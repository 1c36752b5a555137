"""The Slack app's credentials and API address, from the environment (the names Slack's docs use)."""
from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SlackSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    bot_token: str = Field(default="", validation_alias=AliasChoices("SLACK_BOT_TOKEN", "bot_token"),
                           description="The bot user's OAuth token, xoxb-…")
    signing_secret: str = Field(default="", validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "signing_secret"),
                                description="Verifies that HTTP requests come from Slack (HTTP mode).")
    app_token: str = Field(default="", validation_alias=AliasChoices("SLACK_APP_TOKEN", "app_token"),
                           description="An app-level token, xapp-…: switches to Socket Mode.")
    api_url: str = Field(default="", validation_alias=AliasChoices("XGOV_SLACK_API_URL", "api_url"),
                         description="Another Web API base URL (tests, proxies); empty: Slack's own.")
    send_rate: float = Field(default=20.0, ge=0, validation_alias=AliasChoices("XGOV_SLACK_SEND_RATE", "send_rate"),
                             description="Messages a second each process posts or updates at most; a 429 holds "
                                         "all its sending threads, then the refused message queues at the pace; "
                                         "0: no pacing (429s are still waited out).")
    work_process: bool = Field(default=True, validation_alias=AliasChoices("XGOV_SLACK_WORK_PROCESS", "work_process"),
                               description="The work after acks in a worker process (fast acks); false: in "
                                           "threads of the web process.")

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    def problems(self) -> list[str]:
        """What is missing to start, in words for the operator."""
        missing = []
        if not self.bot_token:
            missing.append("SLACK_BOT_TOKEN is not set (the bot token, xoxb-…, from the app's OAuth & Permissions page)")
        elif not self.bot_token.startswith("xoxb-"):
            missing.append("SLACK_BOT_TOKEN must be the bot token, starting with xoxb-")
        if self.app_token and not self.app_token.startswith("xapp-"):
            missing.append("SLACK_APP_TOKEN must be an app-level token, starting with xapp- "
                           "(Basic Information → App-Level Tokens, scope connections:write)")
        if not self.socket_mode and not self.signing_secret:
            missing.append("SLACK_SIGNING_SECRET is not set (Basic Information → App Credentials), "
                           "or set SLACK_APP_TOKEN for Socket Mode")
        return missing

    def base_url(self) -> str | None:
        """slack_sdk wants the base URL to end with a slash."""
        if not self.api_url:
            return None
        return self.api_url if self.api_url.endswith("/") else self.api_url + "/"
