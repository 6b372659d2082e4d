"""Advice: a recommendation with the guidance passage behind each deciding factor, as data.

Nothing here is worded for display: the renderers word it (see bot/wording.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, Field

from scoring import Portfolio, Recommendation, WorkloadFacts

if TYPE_CHECKING:
    from knowledge import Answer, Passage

log = logging.getLogger(__name__)
DECIDING = 0.01
"""Factors contributing less than this are not deciding anything."""


COST_QUERY = "break-even volume: monthly self-hosting cost divided by the blended API price"
CITATION_QUERIES: dict[tuple[str, str], str] = {
    ("data_residency", "in_house_only"): "data may not leave our infrastructure: only open weights",
    ("data_residency", "approved_vendors"):
        "regional and government API endpoints as the middle ground for approved vendors",
    ("data_residency", "unrestricted"): "residency levels: unrestricted public data may go to any API",
    ("specialization", "general"): "general tasks favour large proprietary models",
    ("specialization", "moderate"): "moderate specialisation: try prompting and retrieval before fine-tuning",
    ("specialization", "niche"): "a small model fine-tuned on domain data beats a large general model",
    ("monthly_tokens", "above"): COST_QUERY,
    ("monthly_tokens", "below"): "volume question: below roughly 50 million tokens a month an API",
    ("ml_expertise", "none"): "a team with no ML engineers should not self-host alone",
    ("ml_expertise", "some"): "a team with some ML experience: what to watch when self-hosting",
    ("ml_expertise", "strong"): "what running your own model involves: deployment, monitoring, optimisation",
    ("latency", "critical"): "self-hosted first-token latency of 30-60 ms versus hosted API latency",
    ("latency", "interactive"): "interactive chat: how fast is fast enough",
    ("latency", "relaxed"): "batch and relaxed workloads where latency hardly matters",
    ("quality_bar", "peak"): "capabilities where proprietary frontier models are ahead",
    ("quality_bar", "standard"): "when standard quality is enough",
    ("time_to_market", "urgent"): "no infrastructure: sign up, get a key, first call in an afternoon",
    ("time_to_market", "normal"): "prototype on an API, then revisit",
}
"""What to look up for each factor value: the claim its rationale makes, in the guides' terms."""
HYBRID_QUERY = "which work goes to the API and which to a tuned open model"


_FIGURE = re.compile(r"\$?\d[\d,.]*(?:\s*(?:%|[kKMB]\b))?")


def without_figures(text: str) -> str:
    """`text` as a search query: the words make the claim that needs a source, while the figures
    are this workload's own (and would make every workload's query a new one to embed)."""
    return " ".join(_FIGURE.sub(" ", text).split())


def citation_query(fact: str, value: str, contribution: float, rationale: str) -> str:
    side = ("above" if contribution >= 0 else "below") if fact == "monthly_tokens" else value
    return CITATION_QUERIES.get((fact, side), rationale)


class Guidance(Protocol):
    """What the conversation needs from the knowledge base."""

    def search(self, query: str, k: int = 5, topics: Sequence[str] | None = None) -> list[Passage]: ...

    def ask(self, question: str, k: int = 3) -> Answer: ...


class SourceRef(BaseModel):
    number: int
    id: str
    title: str
    section: str
    source: str
    text: str


class CitedLine(BaseModel):
    """A constraint's rationale or a caveat, in scoring's own words, with its source number."""

    text: str
    citation: int | None = None


class FactorLine(BaseModel):
    """A deciding factor as scoring gave it (fact name and raw value), with its source number."""

    name: str
    value: str
    weight: float
    contribution: float
    rationale: str
    citation: int | None = None


class CitedAnswer(BaseModel):
    question: str
    text: str
    found: bool
    sources: list[SourceRef] = Field(default_factory=list)


class Advice(BaseModel):
    """Everything a recommendation message shows, as data: the result, its citations, the facts."""

    result: Recommendation
    facts: WorkloadFacts | Portfolio
    """The facts scored, a hypothetical's changes included."""
    factors: list[FactorLine]
    """Deciding factors, largest contribution first."""
    constraints: list[CitedLine]
    cost_citation: int | None = None
    caveats: list[CitedLine]
    unasked: list[str] = Field(default_factory=list)
    """Facts never asked because no answer to them could change the recommendation."""
    what_if: dict[str, str | int | float] | None = None
    """The facts a hypothetical changed, by name, in the order stated; None for the real facts."""
    sources: list[SourceRef]
    without_sources: bool = False
    index_version: str = ""


class _Citer:
    """Numbers passages in order of first use, retrieving each with a topic filter."""

    def __init__(self, guidance: Guidance | None) -> None:
        self.guidance = guidance
        self.sources: list[SourceRef] = []
        self.failed = guidance is None

    def cite(self, query: str, topic: str) -> int | None:
        if self.guidance is None or self.failed:
            return None
        try:
            passages = self.guidance.search(query, k=1, topics=[topic])
        except Exception:  # any index failure degrades to advice without sources
            log.warning("guidance search failed; continuing without sources", exc_info=True)
            self.failed = True
            return None
        if not passages:
            return None
        passage = passages[0]
        for source in self.sources:
            if source.id == passage.id:
                return source.number
        number = len(self.sources) + 1
        self.sources.append(SourceRef(number=number, id=passage.id, title=passage.title,
                                      section=passage.section, source=passage.source,
                                      text=passage.text))
        return number


def cited_answer(question: str, guidance: Guidance | None) -> CitedAnswer:
    if guidance is None:
        return CitedAnswer(question=question, found=False,
                           text="The guidance index is unavailable right now, so I can't answer "
                                "side questions with sources. The recommendation itself still works.")
    try:
        answer = guidance.ask(question)
    except Exception:  # any index failure degrades to an answer saying the guidance is away
        log.warning("guidance ask failed", exc_info=True)
        return cited_answer(question, None)
    sources = [SourceRef(number=c.number, id=c.passage.id, title=c.passage.title,
                         section=c.passage.section, source=c.passage.source, text=c.passage.text)
               for c in answer.citations]
    return CitedAnswer(question=question, text=answer.answer, found=answer.found, sources=sources)


def build_advice(result: Recommendation, facts: WorkloadFacts | Portfolio,
                 guidance: Guidance | None, what_if: Mapping[str, str | int | float] | None = None,
                 unasked: Sequence[str] = (), index_version: str = "") -> Advice:
    """`result` for `facts` with a numbered source for each deciding factor, constraint, caveat and
    the cost; without sources (and saying so) when the guidance is missing or fails."""
    citer = _Citer(guidance)
    factor_source = (result.factors if result.kind == "workload"
                     else [f for case in result.use_cases for f in case.factors])
    deciding = sorted((f for f in factor_source if abs(f.contribution) >= DECIDING),
                      key=lambda f: (-abs(f.contribution), f.name))
    factors = []
    for factor in deciding:
        factors.append(FactorLine(
            name=factor.name, value=factor.value, weight=factor.weight,
            contribution=factor.contribution, rationale=factor.rationale,
            citation=citer.cite(citation_query(factor.name, factor.value, factor.contribution,
                                               factor.rationale), factor.topic)))
    constraints = [CitedLine(text=c.rationale, citation=citer.cite(c.rationale, c.topic))
                   for c in result.constraints]
    cost_citation = citer.cite(COST_QUERY, "volume_cost")
    caveats = [CitedLine(text=c.text, citation=citer.cite(without_figures(c.text), c.topic))
               for c in result.caveats]
    if result.kind == "portfolio":
        citer.cite(HYBRID_QUERY, "hybrid")
    return Advice(
        result=result, facts=facts, factors=factors, constraints=constraints,
        cost_citation=cost_citation, caveats=caveats, unasked=list(unasked),
        what_if=dict(what_if) if what_if is not None else None, sources=citer.sources,
        without_sources=citer.failed, index_version=index_version)
