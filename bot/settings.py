"""Runtime settings, read once at the entry point from the environment and an optional .env."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Per-user data directory, following the XDG convention."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "llm-advisor"


_DATABASE_URL = re.compile(r"^(sqlite(\+\w+)?:///.*|postgres(ql)?(\+\w+)?://[^/\s]+/\S*)$")

ALLOWED = {
    "data_dir": "a folder (created when missing)",
    "policy_file": "a policy TOML file",
    "extra_guides": "folders separated by the OS path separator",
    "llm_model": 'a LangChain chat model, "provider:model"',
    "retention_days": "a whole number of days, 0 or more",
    "database_url": "sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE",
    "chroma_url": "an http(s) URL of a Chroma server, e.g. http://127.0.0.1:8000",
    "slack_api_url": "an http(s) URL, e.g. https://slack.com/api/",
    "log_format": "json or text",
    "log_level": "DEBUG, INFO, WARNING, ERROR or CRITICAL",
}
"""What each setting accepts, in the words its error gives."""
_REASONS = {"int_parsing": "not a whole number", "greater_than_equal": "too small",
            "literal_error": "not a known value"}


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

    @field_validator("data_dir")
    @classmethod
    def _a_folder(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise ValueError("is a file, not a folder")
        return value

    @field_validator("extra_guides")
    @classmethod
    def _guide_folders(cls, value: str) -> str:
        for part in value.split(os.pathsep):
            if part.strip() and Path(part).exists() and not Path(part).is_dir():
                raise ValueError(f"{part} is a file, not a folder")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is not None and not _DATABASE_URL.match(value.strip()):
            raise ValueError("is not a database URL")
        return value.strip() if value is not None else None

    @field_validator("chroma_url", "slack_api_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = urlparse(value.strip())
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("is not an http(s) URL")
        return value.strip()

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


def settings_problems(error: ValidationError) -> list[str]:
    """One line per bad setting: the variable, the value it has and what it may be."""
    by_alias = {str(field.validation_alias): name for name, field in Settings.model_fields.items()}
    lines = []
    for problem in error.errors():
        where = str(problem["loc"][0]) if problem["loc"] else ""
        name = by_alias.get(where, where)
        field = Settings.model_fields.get(name)
        variable = str(field.validation_alias) if field is not None else where
        reason = (_REASONS.get(problem["type"]) or str(problem.get("ctx", {}).get("error", ""))
                  or problem["msg"])
        allowed = ALLOWED.get(name, "")
        lines.append(f"{variable}={problem.get('input')!r}: {reason}"
                     + (f"; allowed: {allowed}" if allowed else ""))
    return lines
