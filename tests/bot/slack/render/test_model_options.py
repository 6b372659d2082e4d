"""The API model field's options, built from the price catalog for what the user typed."""

from __future__ import annotations

from bot.slack import ids
from bot.slack.render import facts_modal, model_options, parse_facts_submission
from scoring import CatalogModel, PriceCatalog, load_policy
from tests.bot.slack.fakes.block_kit_limits import check_options
from tests.helpers.prices import pinned_prices
from tests.helpers.render import SlackApi


def _catalog(count: int) -> PriceCatalog:
    models = {f"model-{n}": CatalogModel(id=f"model-{n}", provider="p", name=f"Model {n}",
                                         input_per_mtok=1.0, output_per_mtok=2.0)
              for n in range(count)}
    return PriceCatalog(source="test", typical_request_tokens=2000, models=models)


def test_model_options_match_every_typed_word() -> None:
    values = [o["value"] for o in model_options(pinned_prices(), "sonnet 4.5")]
    assert values == ["claude-sonnet-4-5"]


def test_model_options_put_names_starting_with_the_query_first() -> None:
    values = [o["value"] for o in model_options(pinned_prices(), "gpt-4o")]
    assert values == ["gpt-4o", "gpt-4o-mini"]


def test_model_options_are_at_most_100_and_fit_slack() -> None:
    options = model_options(_catalog(300), "model")
    assert len(options) == 100
    assert check_options({"options": options}) == []


def test_facts_modal_api_model_field_passes_the_fake_slack(slack_api: SlackApi) -> None:
    view = facts_modal("{}", load_policy())
    slack_api.open(view)
    block = next(b for b in view["blocks"] if b.get("block_id") == ids.INPUT_API_MODEL)
    assert block["element"]["type"] == "external_select" and block["optional"]


def test_parse_facts_submission_reads_the_chosen_model() -> None:
    values = {ids.INPUT_API_MODEL: {ids.INPUT_API_MODEL: {
        "type": "external_select", "selected_option": {"value": "gpt-4o-mini"}}}}
    facts, _ = parse_facts_submission(values)
    assert facts["api_model"] == "gpt-4o-mini"
