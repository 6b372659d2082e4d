"""`llm-advisor recommend`: facts from a JSON file in, explanation out."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.errors import UserError, describe_validation_error
from scoring import Portfolio, UnknownModel, WorkloadFacts, load_policy, recommend


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{source}: cannot read ({exc})") from None


def parse_facts(text: str, origin: str) -> WorkloadFacts | Portfolio:
    """Parse a facts document: a workload object, or an object with `use_cases`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{origin}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if not isinstance(data, dict):
        raise UserError(f"{origin}: expected a JSON object with the workload facts")
    model: type[WorkloadFacts] | type[Portfolio] = (
        Portfolio if "use_cases" in data else WorkloadFacts
    )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        allowed = list(WorkloadFacts.model_fields)
        raise UserError(f"{origin}: {describe_validation_error(exc, allowed)}") from None


def run_recommend(source: str, as_json: bool, policy_file: str | Path | None,
                  prices_dir: Path | None = None, guide_folders: Sequence[Path] = ()) -> str:
    """The explanation (or JSON) for the facts in `source`, with the guide sections behind each
    factor; raises UserError or PolicyError."""
    from bot.citations import recommendation_sources
    from bot.prices import load_catalog
    from bot.render.text import render_recommendation
    from knowledge import section_index

    origin = "stdin" if source == "-" else source
    facts = parse_facts(_read(source), origin)
    policy = load_policy(policy_file)
    try:
        result = recommend(facts, policy, load_catalog(policy, prices_dir))
    except UnknownModel as exc:
        raise UserError(f"{origin}: {exc}") from None
    sources = recommendation_sources(result, section_index(guide_folders))
    if as_json:
        document = result.model_dump(mode="json")
        document["sources"] = [s.model_dump(mode="json") for s in sources]
        return json.dumps(document, indent=2, ensure_ascii=False)
    return render_recommendation(result, sources)
