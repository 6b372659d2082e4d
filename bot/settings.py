"""Runtime settings, read once at the entry point from the environment and an optional .env."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Per-user data directory, following the XDG convention."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "llm-advisor"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, validation_alias="ADVISOR_DATA_DIR")
    """Where the index and the SQLite database live."""
    policy_file: Path | None = Field(default=None, validation_alias="ADVISOR_POLICY_FILE")
    """An organisation's own policy TOML; the shipped default when unset."""
    extra_guides: str = Field(default="", validation_alias="ADVISOR_GUIDES")
    """Extra folders of the organisation's own guidance, separated by the OS path separator."""
    llm_model: str | None = Field(default=None, validation_alias="ADVISOR_LLM_MODEL")
    """Optional LangChain chat model ("provider:model") used only when the rules read nothing."""
    retention_days: int = Field(default=30, ge=0, validation_alias="ADVISOR_RETENTION_DAYS")
    """`llm-advisor prune` deletes conversations idle for longer than this; decisions stay."""
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    chroma_url: str | None = Field(default=None, validation_alias="CHROMA_URL")
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(
        default="https://slack.com/api/", validation_alias="SLACK_API_URL"
    )
    log_format: Literal["json", "text"] | None = Field(
        default=None, validation_alias="ADVISOR_LOG_FORMAT"
    )
    """json (one object per line) or text; unset: json for `serve`, text for the other commands."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", validation_alias="ADVISOR_LOG_LEVEL"
    )
    lease_seconds: float = Field(default=60.0, gt=0, validation_alias="ADVISOR_LEASE_SECONDS")
    """How long a replica holds a conversation while it answers, renewed message by message: a
    replica that stops is taken over by another's sweep (which runs every half of this) within
    about one and a half leases. Keep it well above the slowest turn."""

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return (value.strip().lower() or None) if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return (value.strip().upper() or "INFO") if isinstance(value, str) else value

    @property
    def secrets(self) -> list[str]:
        """The configured tokens and signing secret, for log redaction."""
        values = (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token)
        return [value.get_secret_value() for value in values if value is not None]

    @property
    def guide_folders(self) -> list[Path]:
        return [Path(part) for part in self.extra_guides.split(os.pathsep) if part.strip()]

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def encoder_dir(self) -> Path:
        """Where the compiled query encoder is kept, so a server need not load the model."""
        return self.data_dir / "encoder"

    @property
    def prices_dir(self) -> Path:
        """Where the API price catalog, built from the installed catalog package, is kept."""
        return self.data_dir / "prices"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "llm-advisor.sqlite3"
