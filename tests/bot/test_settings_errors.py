"""A bad setting ends any command with one line per setting (the variable, its value and what it
may be) and exit status 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.commands import register_all
from tests.helpers.paths import ROOT

if not any(command.name == "eval" for command in app.registered_commands):
    register_all(app)

EXAMPLE = ROOT / "bot" / "examples" / "support-triage.json"


def _file(tmp_path: Path) -> str:
    path = tmp_path / "not-a-folder"
    path.write_text("x")
    return str(path)


BAD = [
    ("ADVISOR_RETENTION_DAYS", lambda _: "abc", "whole number"),
    ("ADVISOR_RETENTION_DAYS", lambda _: "-3", "0 or more"),
    ("ADVISOR_LOG_FORMAT", lambda _: "yaml", "json or text"),
    ("ADVISOR_LOG_LEVEL", lambda _: "LOUD", "DEBUG, INFO"),
    ("DATABASE_URL", lambda _: "postgres//nohost", "postgresql+psycopg://"),
    ("DATABASE_URL", lambda _: "mysql://u@h/db", "sqlite:///"),
    ("CHROMA_URL", lambda _: "localhost:8000", "http(s) URL"),
    ("SLACK_API_URL", lambda _: "slack.com/api", "http(s) URL"),
    ("ADVISOR_DATA_DIR", _file, "a folder"),
    ("ADVISOR_GUIDES", _file, "folders"),
]


@pytest.mark.parametrize(("variable", "value", "allowed"), BAD,
                         ids=[f"{v}-{i}" for i, (v, _, _) in enumerate(BAD)])
def test_bad_setting_is_one_line_with_status_2(
        variable: str, value: object, allowed: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    bad = value(tmp_path)  # type: ignore[operator]
    monkeypatch.setenv(variable, bad)
    result = CliRunner().invoke(app, ["recommend", "--facts", str(EXAMPLE)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {variable}=")
    assert repr(bad) in lines[0] and allowed in lines[0]
    assert "Traceback" not in result.output and "pydantic" not in result.output


def test_two_bad_settings_are_two_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_RETENTION_DAYS", "soon")
    monkeypatch.setenv("ADVISOR_LOG_FORMAT", "xml")
    result = CliRunner().invoke(app, ["recommend", "--facts", str(EXAMPLE)])
    assert result.exit_code == 2
    assert sorted(line.split("=")[0] for line in result.stderr.splitlines()) == [
        "error: ADVISOR_LOG_FORMAT", "error: ADVISOR_RETENTION_DAYS"]


@pytest.mark.parametrize("url", ["sqlite:///tmp/x.sqlite3", "postgres://u@db:5432/advisor",
                                 "postgresql+psycopg://u:p@127.0.0.1:5432/test"])
def test_good_database_urls_are_accepted(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import Settings

    monkeypatch.setenv("DATABASE_URL", url)
    assert Settings().database_url == url


def test_a_boolean_is_not_a_token_count(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text('{"monthly_tokens": true}')
    result = CliRunner().invoke(app, ["recommend", "--facts", str(facts)])
    assert result.exit_code == 2
    assert "monthly_tokens" in result.stderr and "not true" in result.stderr
    assert "Value error" not in result.stderr


def test_eval_names_the_missing_field_in_words(tmp_path: Path) -> None:
    labelled = tmp_path / "set.json"
    labelled.write_text('[{"question": "q", "relevant": [{"doc": "latency"}]}]')
    result = CliRunner().invoke(app, ["eval", "--set", str(labelled)])
    assert result.exit_code == 2, result.output
    assert 'field "section" is missing' in result.stderr
    assert "('section')" not in result.stderr and "KeyError" not in result.stderr
