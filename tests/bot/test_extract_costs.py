"""Cost inputs read from what people type: prices, the API model, the GPU profile, effort."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from bot.cli import AdvisorGroup
from bot.commands.extract import register
from bot.extraction import extract
from scoring import WorkloadFacts
from tests.helpers.prices import pinned_prices


def _read(text: str) -> dict[str, str | int | float]:
    result = extract(text, pinned_prices())
    WorkloadFacts.model_validate(result.facts.model_dump())
    for words in result.evidence.values():
        assert words.lower() in text.lower()
    return result.stated()


@pytest.mark.parametrize(("message", "facts"), [
    ("we pay $2.50/M in and $10/M out",
     {"api_input_price_per_mtok": 2.5, "api_output_price_per_mtok": 10.0}),
    ("$3 per 1M input tokens and $15 per 1M output tokens",
     {"api_input_price_per_mtok": 3.0, "api_output_price_per_mtok": 15.0}),
    ("input is $0.15/M, output $0.60/M",
     {"api_input_price_per_mtok": 0.15, "api_output_price_per_mtok": 0.6}),
    ("about $2 per million blended", {"api_price_per_mtok": 2.0}),
    ("they charge 4 dollars per million tokens", {"api_price_per_mtok": 4.0}),
    ("$0.002 per 1k tokens", {"api_price_per_mtok": 2.0}),
    ("70% of tokens are output", {"output_share": 0.7}),
    ("80% input", {"output_share": 0.2}),
    ("3:1 input to output", {"output_share": 0.25}),
])
def test_extract_reads_prices_and_output_share(message: str, facts: dict[str, float]) -> None:
    assert _read(message) == facts


def test_extract_price_evidence_includes_the_side_named_before_it() -> None:
    result = extract("input is $3/M, output $15/M")
    assert result.evidence == {"api_input_price_per_mtok": "input is $3/M",
                               "api_output_price_per_mtok": "output $15/M"}


def test_extract_per_thousand_price_shows_its_conversion() -> None:
    assert extract("$0.002 per 1k tokens").derivations == {
        "api_price_per_mtok": "$0.002 per 1k tokens x 1,000"}


def test_extract_one_side_of_the_price_pair_is_refused_not_stored() -> None:
    result = extract("the input price is $3/M")
    assert result.stated() == {}
    assert "input and output prices go together" in result.rejected["api_input_price_per_mtok"]


def test_extract_implausible_price_is_refused() -> None:
    result = extract("we pay $5000 per 1M tokens")
    assert result.stated() == {}
    assert "not a plausible price" in result.rejected["api_price_per_mtok"]


@pytest.mark.parametrize(("message", "model"), [
    ("we'd use gpt-4o-mini", "gpt-4o-mini"),
    ("gpt-4o", "gpt-4o"),
    ("Claude 3.5 Sonnet for the summaries", "claude-3-5-sonnet"),
    ("sonnet 4.5 is what we use", "claude-sonnet-4-5"),
    ("gpt-5 mini please", "gpt-5-mini"),
])
def test_extract_named_model_resolves_to_the_catalog(message: str, model: str) -> None:
    assert _read(message) == {"api_model": model}


def test_extract_family_name_is_the_newest_of_the_family_and_says_so() -> None:
    result = extract("Claude Sonnet", pinned_prices())
    # The pinned catalog prices Claude Sonnet 3.5, 4 and 4.5.
    assert result.stated() == {"api_model": "claude-sonnet-4-5"}
    assert result.evidence == {"api_model": "Claude Sonnet"}
    assert result.derivations == {
        "api_model": "Claude Sonnet: the newest of that family in the price catalog"}


def test_extract_unknown_model_is_not_stored_and_names_the_closest() -> None:
    result = extract("we would use gpt-4o-mni", pinned_prices())
    assert result.stated() == {}
    reason = result.rejected["api_model"]
    assert reason.startswith("gpt-4o-mni is not in the price catalog (genai-prices 0.2.3)")
    assert "closest known: gpt-4o-mini" in reason


@pytest.mark.parametrize("message", [
    "we use GPT today",
    "comparing gpt-4o and gpt-4o-mini? not sure",
    "if we self-host Llama 3.1 8B on A100s it'd be fine",
])
def test_extract_reads_no_api_model_from_maker_names_questions_or_self_hosting(message: str) -> None:
    assert "api_model" not in extract(message, pinned_prices()).stated()


def test_extract_two_models_in_one_message_are_a_conflict() -> None:
    result = extract("gpt-4o for hard ones and gpt-4o-mini for easy ones", pinned_prices())
    assert result.conflicts == {"api_model": ["gpt-4o", "gpt-4o-mini"]}


def test_extract_without_a_catalog_reads_no_model() -> None:
    assert extract("we'd use gpt-4o-mini").stated() == {}


@pytest.mark.parametrize(("message", "profile", "evidence"), [
    ("if we self-host it'd be an 8B on A100s", "a100-8b", "8B on A100s"),
    ("70b on h100s", "h100x2-70b-fp8", "70b on h100s"),
    ("Llama 3.1 8B on an A10G", "a10g-8b", "8B on an A10G"),
    ("gpu profile a100-8b", "a100-8b", "a100-8b"),
])
def test_extract_gpu_profile_maps_to_the_policy_profiles(message: str, profile: str,
                                                         evidence: str) -> None:
    result = extract(message)
    assert result.stated() == {"gpu_profile": profile}
    assert result.evidence["gpu_profile"] == evidence


def test_extract_gpu_profile_the_policy_lacks_is_refused_with_the_known_ones() -> None:
    result = extract("it'd be a 70B on an A10G")
    assert result.stated() == {}
    assert result.rejected["gpu_profile"] == (
        "no GPU profile of the policy serves 70B on an A10G "
        "(profiles: a10g-8b, a100-8b, h100x2-70b-fp8)")


def test_extract_gpus_owned_without_a_model_size_state_no_profile() -> None:
    assert extract("We have 4 H100s and 30 engineers").stated() == {}


@pytest.mark.parametrize(("message", "fte"), [
    ("about half an engineer to run it", 0.5),
    ("0.5 FTE", 0.5),
    ("a quarter of an engineer to maintain it", 0.25),
    ("two engineers to operate it", 2.0),
    ("2 engineer-months per month", 2.0),
])
def test_extract_reads_engineering_effort(message: str, fte: float) -> None:
    assert _read(message) == {"engineering_fte": fte}


@pytest.mark.parametrize("message", ["3 ML engineers who run models in prod",
                                     "3 ML engineers running models in prod"])
def test_extract_team_size_is_not_engineering_effort(message: str) -> None:
    assert "engineering_fte" not in extract(message).stated()


def _app() -> typer.Typer:
    app = typer.Typer(cls=AdvisorGroup)

    @app.callback()
    def root() -> None:
        """Test root, so `extract` stays a subcommand."""

    register(app)
    return app


def test_extract_command_json_reports_every_cost_fact() -> None:
    message = ("we'd use gpt-4o-mini, we pay $0.15/M in and $0.60/M out, about $0.30 per million "
               "blended; 30% of tokens are output; if we self-host it'd be an 8B on A100s, "
               "about half an engineer to run it")
    result = CliRunner().invoke(_app(), ["extract", message, "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert list(document) == ["facts", "evidence", "derivations", "conflicts", "cues", "estimates",
                              "ranges", "volume_parts"]
    assert document["facts"] == {
        "api_model": "gpt-4o-mini", "api_input_price_per_mtok": 0.15,
        "api_output_price_per_mtok": 0.6, "api_price_per_mtok": 0.3, "output_share": 0.3,
        "gpu_profile": "a100-8b", "engineering_fte": 0.5}
    assert document["evidence"]["engineering_fte"] == "half an engineer to run it"
