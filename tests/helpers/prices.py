"""A pinned snapshot of the API price catalog, so tests do not move when the catalog does."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from scoring import PriceCatalog

SNAPSHOT = Path(__file__).resolve().parents[1] / "fixtures" / "prices_snapshot.json"


@cache
def pinned_prices() -> PriceCatalog:
    """genai-prices 0.2.3, priced for the default policy's typical request."""
    return PriceCatalog.model_validate_json(SNAPSHOT.read_text(encoding="utf-8"))
