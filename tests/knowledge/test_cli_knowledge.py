from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.commands import register_all
from knowledge import KnowledgeBase
from knowledge.embeddings import MiniLMEmbedder
from tests import servers
from tests.helpers.knowledge import write_guide
from tests.helpers.paths import ROOT

register_all(app)
runner = CliRunner()


def test_ask_json_builds_missing_index_and_cites_best_first(tmp_path: Path) -> None:
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path / "fresh")}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "how much does an A100 cost per hour?", "--json"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    index = tmp_path / "fresh" / "index"
    assert done.stderr.count(f"Building the guidance index in {index}") == 1, done.stderr
    # Nothing from the libraries underneath: no weight-loading bar, no loss-type notice.
    assert "Loading weights" not in done.stderr and "ForCausalLMLoss" not in done.stderr
    assert (tmp_path / "fresh" / "encoder" / "query-encoder.pt").is_file()
    payload = json.loads(done.stdout)
    assert payload["question"] == "how much does an A100 cost per hour?"
    assert "[1]" in payload["answer"]
    first = payload["citations"][0]
    assert set(first) == {"id", "title", "source", "section", "text", "score"}
    assert "A100" in " ".join(c["text"] for c in payload["citations"])
    scores = [c["score"] for c in payload["citations"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_empty_question_is_refused() -> None:
    result = runner.invoke(app, ["ask", "   "])
    assert result.exit_code == 2
    assert "the question is empty" in result.stderr


def test_ingest_reports_bad_documents_and_summary(tmp_path: Path) -> None:
    folder = tmp_path / "ours"
    write_guide(folder, "rules", "## Rules\n\nNo customer data in prompts.")
    (folder / "broken.md").write_text("---\nid: x\n---\n\nno title", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 0, result.output
    assert "skipped:" in result.stderr and "broken.md: front matter lacks title" in result.stderr
    assert "15 added, 0 changed, 0 removed" in result.stdout
    # Servers started after an ingest find the query encoder compiled and saved.
    saved = MiniLMEmbedder(cache_dir=tmp_path / "data" / "encoder")
    assert saved.saved_encoder is not None and saved.saved_encoder.is_file()
    assert saved.compile_queries() and not saved.model_loaded


def test_ingest_unknown_folder_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "not a folder" in result.stderr


def test_eval_prints_all_three_modes(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:5] == ["mode", "recall@1", "recall@3", "recall@5", "MRR"]
    assert [line.split()[0] for line in lines[1:4]] == ["dense", "bm25", "hybrid"]


def test_eval_bad_set_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = runner.invoke(app, ["eval", "--set", str(bad)])
    assert result.exit_code == 2 and "not valid JSON" in result.stderr


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    with servers.chroma_server(tmp_path / "server") as url:
        yield url


def test_chroma_server_index_is_built_and_searched(
    chroma_server: str, tmp_path: Path, minilm: MiniLMEmbedder
) -> None:
    kb = KnowledgeBase.open(tmp_path / "unused", chroma_url=chroma_server, embedder=minilm)
    report = kb.ingest()
    assert report.added == 14 and report.chunks > 50
    again = KnowledgeBase.open(tmp_path / "unused", chroma_url=chroma_server, embedder=minilm)
    assert again.ingest().unchanged == 14
    hits = again.search("patient data cannot leave our data centre", k=3)
    assert hits[0].doc_id == "data-residency"
    assert not (tmp_path / "unused").exists(), "server mode keeps nothing on local disk"


def test_chroma_server_unreachable_is_a_clear_error(tmp_path: Path) -> None:
    from knowledge import IndexUnavailable

    with pytest.raises(IndexUnavailable, match="cannot reach the Chroma server"):
        KnowledgeBase.open(tmp_path, chroma_url=f"http://127.0.0.1:{servers.free_port()}")
