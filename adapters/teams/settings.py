"""The Teams bot's registration, from the environment (the names botbuilder's samples use)."""
from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TeamsSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    app_id: str = Field(default="", validation_alias=AliasChoices("MICROSOFT_APP_ID", "app_id"),
                        description="The bot's Microsoft App ID (Azure Bot registration).")
    app_password: str = Field(default="", validation_alias=AliasChoices("MICROSOFT_APP_PASSWORD", "app_password"),
                              description="The client secret of that App ID.")
    tenant_id: str = Field(default="", validation_alias=AliasChoices("MICROSOFT_APP_TENANT_ID", "tenant_id"),
                           description="The Entra ID tenant of a single-tenant bot.")
    app_type: str = Field(default="SingleTenant", validation_alias=AliasChoices("MICROSOFT_APP_TYPE", "app_type"),
                          description="SingleTenant, MultiTenant or UserAssignedMSI.")
    development: bool = Field(default=False, validation_alias=AliasChoices("XGOV_TEAMS_DEVELOPMENT", "development"),
                              description="Allow running without credentials: no request is authenticated.")

    @property
    def has_credentials(self) -> bool:
        return bool(self.app_id and self.app_password)

    def problems(self) -> list[str]:
        """What is missing to start, in words for the operator (nothing in development mode)."""
        if self.development:
            return []
        missing = []
        if not self.app_id:
            missing.append("MICROSOFT_APP_ID is not set (the Azure Bot's Microsoft App ID)")
        if not self.app_password:
            missing.append("MICROSOFT_APP_PASSWORD is not set (a client secret of that App ID)")
        if self.app_type == "SingleTenant" and not self.tenant_id:
            missing.append("MICROSOFT_APP_TENANT_ID is not set (required for a single-tenant bot)")
        return missing
