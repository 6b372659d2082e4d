from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.helpers.paths import ROOT

runner = CliRunner()
EXAMPLE = ROOT / "bot" / "examples" / "support-triage.json"
# The example's niche task (+2.0), approved vendors (+0.5) and interactive latency (+0.3) meet
# 400M tokens/month, far below the 1.6B break-even of the paired models (-2.5): +0.3, hybrid.


def test_recommend_prints_explanation_with_policy_values() -> None:
    result = runner.invoke(app, ["recommend", "--facts", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Recommendation: Hybrid: API and open models side by side" in result.output
    assert "Cost comparison" in result.output
    assert "weights: data_residency 1" in result.output


def test_recommend_json_round_trips_to_recommendation() -> None:
    from scoring import Recommendation

    result = runner.invoke(app, ["recommend", "--facts", str(EXAMPLE), "--json"])
    assert result.exit_code == 0
    parsed = Recommendation.model_validate_json(result.stdout)
    assert parsed.recommendation == "hybrid"
    assert {"factors", "cost", "flip_points"} <= json.loads(result.stdout).keys()


def test_recommend_reads_portfolio_from_stdin() -> None:
    text = (ROOT / "bot" / "examples" / "portfolio.json").read_text()
    result = runner.invoke(app, ["recommend", "--facts", "-", "--json"], input=text)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["recommendation"] == "hybrid"


@pytest.mark.parametrize(("payload", "expected"), [
    ('{"latency": "fast"', "not valid JSON (line 1"),
    ("[1, 2]", "expected a JSON object"),
    ('{"latency": "fast"}', "latency: Input should be 'critical', 'interactive' or 'relaxed'"),
    ('{"colour": "red"}', "colour: unknown field (known fields: name, data_residency"),
    ('{"monthly_tokens": -3}', "monthly_tokens: Input should be greater than or equal to 0"),
    ('{"gpu_profile": "tpu"}', "unknown gpu_profile 'tpu'"),
    ('{"api_model": "gpt-4o-mni"}',
     "not in the price catalog (genai-prices 0.2.3); closest known: gpt-4o-mini"),
])
def test_recommend_bad_input_exits_2_with_one_line(payload: str, expected: str) -> None:
    result = runner.invoke(app, ["recommend", "--facts", "-"], input=payload)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]


def test_recommend_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["recommend", "--facts", str(tmp_path / "none.json")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_recommend_uses_policy_file_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVISOR_POLICY_FILE", str(tmp_path / "missing.toml"))
    result = runner.invoke(app, ["recommend", "--facts", str(EXAMPLE)])
    assert result.exit_code == 2
    assert "missing.toml: cannot read policy file" in result.stderr


def test_recommend_process_does_not_load_heavy_libraries() -> None:
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        f"sys.argv = ['llm-advisor', 'recommend', '--facts', {str(EXAMPLE)!r}, '--json']\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    assert not stop.code, stop.code\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'torch', 'langchain', 'langchain_core', 'chromadb', 'sentence_transformers', "
        "'slack_bolt', 'sqlalchemy'})\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert "HEAVY []" in done.stderr
    assert json.loads(done.stdout)["recommendation"] == "hybrid"


def test_recommend_json_names_both_models_and_the_managed_open_cost() -> None:
    payload = json.dumps({"data_residency": "unrestricted", "specialization": "moderate",
                          "monthly_tokens": 80_000_000, "ml_expertise": "some",
                          "latency": "interactive", "api_model": "gpt-4o-mini"})
    result = runner.invoke(app, ["recommend", "--facts", "-", "--json"], input=payload)
    assert result.exit_code == 0, result.stderr
    cost = json.loads(result.stdout)["cost"]
    assert cost["api_model"] == "gpt-4o-mini"
    assert cost["self_host_model"] == "fine-tuned 8B open model"
    assert cost["blended_api_price_per_mtok"] == 0.285  # 0.15 x 0.7 + 0.60 x 0.3
    assert cost["monthly_managed_open_cost"] == 4.72  # llama-3.1-8b-instant at $0.059 per 1M
    assert cost["break_even_basis"] == "computed"
    assert cost["cheaper_at_this_volume"] == "api"
    volume = next(f for f in json.loads(result.stdout)["factors"] if f["name"] == "monthly_tokens")
    assert volume["contribution"] < 0


def test_recommend_lists_the_guide_sections_behind_each_factor() -> None:
    text = runner.invoke(app, ["recommend", "--facts", str(EXAMPLE)])
    data = runner.invoke(app, ["recommend", "--facts", str(EXAMPLE), "--json"])
    assert text.exit_code == 0 and data.exit_code == 0, text.output + data.stderr
    document = json.loads(data.stdout)
    sources = document["sources"]
    factors = {factor["name"] for factor in document["factors"]}
    assert {source["factor"] for source in sources} == factors
    for source in sources:
        assert f"guide: {source['source']} - {source['section']}" in text.output
    table = text.output.split("Factors (positive favours self-hosting):\n")[1].split("\n\n")[0]
    groups: list[list[str]] = []
    for line in table.splitlines():
        if re.match(r"^ +[+-]\d", line):
            groups.append([])
        groups[-1].append(line)
    assert len(groups) == len(factors)
    assert all(any("guide: guides/" in line for line in group) for group in groups)


def test_recommend_json_keeps_every_recommendation_field_and_adds_sources() -> None:
    from scoring import Recommendation

    result = runner.invoke(app, ["recommend", "--facts", str(EXAMPLE), "--json"])
    document = json.loads(result.stdout)
    assert set(document) == set(Recommendation.model_fields) | {"sources"}
    assert {"factor", "value", "guide", "section", "source"} <= set(document["sources"][0])


def test_recommend_portfolio_sources_name_their_use_case() -> None:
    text = (ROOT / "bot" / "examples" / "portfolio.json").read_text()
    result = runner.invoke(app, ["recommend", "--facts", "-", "--json"], input=text)
    document = json.loads(result.stdout)
    names = {case["name"] for case in document["use_cases"]}
    assert {source["use_case"] for source in document["sources"]} == names


def test_recommend_module_run_imports_no_retrieval_machinery() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot.cli", "recommend", "--facts", str(EXAMPLE)],
        capture_output=True, text=True, check=True, cwd=ROOT)
    imported = {line.split("|")[-1].strip().split(".")[0]
                for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert imported, "no import timings read"
    assert imported & {"torch", "chromadb", "langchain", "langchain_core",
                       "sentence_transformers"} == set()
    assert "guide: guides/volume-and-break-even.md" in done.stdout
