"""API prices as data: a catalog snapshot that the edge loads and passes into scoring.

Scoring never reads a price source itself. The product builds a `PriceCatalog` from the
maintained `genai-prices` catalog; tests pin a snapshot of one. Prices are per 1M tokens for a
typical request, because catalogs price long prompts at higher per-request tiers.
"""

from __future__ import annotations

import difflib
import re

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CatalogModel(_Frozen):
    """One model's list price at one provider."""

    id: str
    provider: str
    name: str
    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)

    def blended(self, output_share: float) -> float:
        """USD per 1M tokens with `output_share` of them output tokens."""
        return self.input_per_mtok * (1 - output_share) + self.output_per_mtok * output_share


class UnknownModel(ValueError):
    """A model name the catalog does not price; names the closest ones it does."""

    def __init__(self, name: str, closest: list[str], catalog: str) -> None:
        self.name, self.closest = name, closest
        hint = f"; closest known: {', '.join(closest)}" if closest else ""
        super().__init__(f"api_model {name!r} is not in the price catalog ({catalog}){hint}")


def normalise(name: str) -> str:
    """A model name as the catalog keys it: lower case, dashes for spaces and version dots."""
    text = name.strip().lower().replace("_", "-")
    text = re.sub(r"\s+", "-", text)
    return re.sub(r"(?<=\d)\.(?=\d)", "-", text)


class PriceCatalog(_Frozen):
    """The models a price source knows, keyed by their normalised id."""

    source: str
    """The catalog and its version, such as "genai-prices 0.2.3"."""
    as_of: str = ""
    """The month the prices were read for, such as "2026-12" (date-bound prices change)."""
    typical_request_tokens: int = Field(gt=0)
    models: dict[str, CatalogModel]

    @property
    def label(self) -> str:
        return f"{self.source}, {self.as_of}" if self.as_of else self.source

    def find(self, name: str) -> CatalogModel | None:
        """The model called `name` (its id, its id without a provider prefix, or its name)."""
        key = normalise(name)
        found = self.models.get(key)
        if found is not None:
            return found
        for model in self.models.values():
            if normalise(model.name) == key or normalise(model.id.rsplit("/", 1)[-1]) == key:
                return model
        return None

    def get(self, name: str) -> CatalogModel:
        """The model called `name`, or UnknownModel listing the closest known names."""
        found = self.find(name)
        if found is None:
            raise UnknownModel(name, self.closest(name), self.source)
        return found

    def closest(self, name: str, count: int = 5) -> list[str]:
        key = normalise(name)
        ids = list(self.models)
        close = difflib.get_close_matches(key, ids, n=count, cutoff=0.5)
        if len(close) < count:
            close += [i for i in ids if key and key in i and i not in close][: count - len(close)]
        return [self.models[i].id for i in close]

    def names(self) -> list[str]:
        return sorted(model.id for model in self.models.values())
