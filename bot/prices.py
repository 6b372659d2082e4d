"""API prices from the maintained `genai-prices` catalog, turned into the catalog scoring reads.

The catalog ships inside the package (no network). Each model is priced for one typical request
and scaled to 1M tokens, because the catalog applies long-context tiers per request. Building it
takes a few hundred milliseconds, so the result is kept in the data directory, keyed by the
catalog's version, the request size and the month (date-bound prices change with it).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pydantic import ValidationError

from scoring import CatalogModel, Policy, PriceCatalog, normalise

log = logging.getLogger(__name__)

FIRST = ("openai", "anthropic", "google", "mistral", "deepseek", "x-ai", "cohere", "groq",
         "together", "fireworks", "cerebras")
"""Providers whose prices win when several price a model of the same name: the model's maker
first, then the best-known hosts of open models."""
SKIPPED = ("openrouter", "github-copilot", "cursor", "openai-decisions", "elevenlabs", "voyageai")
"""Resellers, subscriptions and non-text models: no per-token list price of their own."""


def catalog_version() -> str:
    try:
        return f"genai-prices {version('genai-prices')}"
    except PackageNotFoundError:
        return "genai-prices (unknown version)"


def build_catalog(policy: Policy, now: datetime | None = None) -> PriceCatalog:
    """Every text model the catalog prices per token, for a typical request under `policy`."""
    from genai_prices import Usage
    from genai_prices.data_snapshot import get_snapshot

    when = now or datetime.now(tz=UTC)
    size = policy.cost.typical_request_tokens
    output = max(1, round(size * policy.cost.output_share))
    usage = Usage(input_tokens=size - output, output_tokens=output)
    providers = sorted(
        (p for p in get_snapshot().providers
         if p.id not in SKIPPED and not p.id.startswith("huggingface")),
        key=lambda p: FIRST.index(p.id) if p.id in FIRST else len(FIRST),
    )
    models: dict[str, CatalogModel] = {}
    for provider in providers:
        for info in provider.models:
            key = normalise(info.id)
            if key in models or info.deprecated:
                continue
            try:
                price = info.calc_price(usage, provider, genai_request_timestamp=when,
                                        auto_update_timestamp=None)
            except (LookupError, ValueError, TypeError):
                continue  # priced by something other than tokens (images, seconds)
            input_per_mtok = float(price.input_price) / (size - output) * 1_000_000
            output_per_mtok = float(price.output_price) / output * 1_000_000
            if input_per_mtok == 0 and output_per_mtok == 0:
                continue
            models[key] = CatalogModel(
                id=info.id, provider=provider.id, name=info.name or info.id,
                input_per_mtok=round(input_per_mtok, 6), output_per_mtok=round(output_per_mtok, 6))
    return PriceCatalog(source=catalog_version(), as_of=f"{when:%Y-%m}", typical_request_tokens=size,
                        models=models)


def load_catalog(policy: Policy, cache_dir: Path | None = None,
                 now: datetime | None = None) -> PriceCatalog:
    """The catalog for `policy`, from the cache in `cache_dir` when it is current."""
    when = now or datetime.now(tz=UTC)
    if cache_dir is None:
        return build_catalog(policy, when)
    name = (f"prices-{catalog_version().split()[-1]}-{policy.cost.typical_request_tokens}-"
            f"{policy.cost.output_share:g}-{when:%Y-%m}.json")
    path = cache_dir / name
    try:
        return PriceCatalog.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        pass
    except (OSError, ValidationError, ValueError):
        log.warning("price catalog cache unreadable; rebuilding it", extra={"path": str(path)})
    catalog = build_catalog(policy, when)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(catalog.model_dump_json(), encoding="utf-8")
        partial.replace(path)
    except OSError:
        log.warning("cannot keep the price catalog cache", extra={"path": str(path)})
    return catalog
