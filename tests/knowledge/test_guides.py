"""Keeps the guidance corpus honest: front matter, structure, FACTS coverage, eval labels."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.documents import TOPICS
from knowledge.evaluate import packaged_eval_set

ROOT = Path(__file__).resolve().parents[2]
GUIDES_DIR = ROOT / "knowledge" / "guides"
EVAL_SET = packaged_eval_set()

ALLOWED_TOPICS = frozenset(TOPICS)
REQUIRED_KEYS = ("id", "title", "topics", "updated", "sources")
REQUIRED_GUIDES = (
    "decision-framework",
    "data-residency",
    "specialization-and-fine-tuning",
    "volume-and-break-even",
    "gpu-costs-and-throughput",
    "ml-talent-and-operations",
    "latency",
    "hybrid-patterns",
    "speed-to-market",
    "where-proprietary-leads",
    "cost-structures",
    "managed-open-model-hosting",
    "revisiting-decisions",
    "glossary",
)
HEADING = re.compile(r"^(#{2,3}) +(.+?)\s*$", re.MULTILINE)

# Each FACTS.md item, and the spellings any one of which must appear in the corpus.
FACTS_CHECKLIST: list[tuple[str, list[str]]] = [
    ("proprietary vendor: Anthropic", ["Anthropic"]),
    ("proprietary vendor: OpenAI", ["OpenAI"]),
    ("open-weight family: LLaMA", ["LLaMA"]),
    ("open-weight family: Mistral", ["Mistral"]),
    ("open-weight family: Qwen", ["Qwen"]),
    ("more than benchmarks and cost", ["leaderboard contest", "benchmark"]),
    ("volume rule of thumb", ["50 million", "50M"]),
    ("break-even depends on GPU availability", ["GPU availability", "which GPUs you can"]),
    ("regulated: healthcare", ["healthcare"]),
    ("regulated: finance", ["finance"]),
    ("regulated: government", ["government"]),
    ("data sovereignty", ["data sovereignty"]),
    ("in-house only means open source only", ["only option left", "only route"]),
    ("tuned small model size", ["7B"]),
    ("general large model size", ["400B"]),
    ("contract analysis example", ["contract"]),
    ("LoRA evidence", ["LoRA"]),
    ("can beat, not always beats", ["not *always*", "does not always"]),
    ("quality: complex reasoning", ["complex reasoning"]),
    ("quality: instruction following", ["instruction following"]),
    ("quality: multilingual", ["multilingual"]),
    ("example: legal analysis", ["legal analysis"]),
    ("example: medical summarisation", ["medical summarisation"]),
    ("example: complex code generation", ["complex code generation"]),
    ("speed: startups validating ideas", ["startups validating"]),
    ("speed: enterprises prototyping", ["enterprises prototyping", "enterprise teams prototyping"]),
    ("pay per token suits variable workloads", ["variable, unpredictable"]),
    ("no over-provisioning", ["over-provision"]),
    ("hybrid: document analysis", ["analysing long documents", "document analysis"]),
    ("hybrid: strategic planning", ["strategic planning"]),
    ("hybrid: classification", ["classification"]),
    ("hybrid: extraction", ["extraction"]),
    ("hybrid: customer support", ["customer-support", "customer support"]),
    ("gap closes in about 18 months", ["18 months"]),
    ("API cost formula", ["monthly tokens / 1,000,000 x blended price"]),
    ("hours in a month", ["730"]),
    ("break-even formula", ["/ blended API price per million x 1,000,000"]),
    ("cached input is cheaper", ["cached-input rate", "cached input"]),
    ("A10/A10G price", ["$0.75-1.00"]),
    ("L4 price", ["$0.70-1.10"]),
    ("A100 80GB price", ["$1.80"]),
    ("H100 price", ["$2.50-4.00"]),
    ("hyperscalers charge more", ["hyperscaler"]),
    ("8B on A10G throughput", ["300 output tokens"]),
    ("8B on A100 throughput", ["1,900-4,200"]),
    ("70B FP8 on two H100 throughput", ["2,000-4,000"]),
    ("whole GPUs, cost in steps", ["in steps"]),
    ("utilisation study low end", ["2.5x"]),
    ("utilisation study high end", ["24x"]),
    ("utilisation study attribution", ["one 2026 study"]),
    ("second replica for zero-downtime deploys", ["without downtime", "zero-downtime"]),
    ("operations effort", ["0.25-2 engineer-months"]),
    ("total cost multiple of GPU bill", ["3-5x"]),
    ("50M rule fails against cheapest tiers", ["cannot be reproduced from prices alone"]),
    ("50M rule holds against frontier prices", ["frontier-class prices"]),
    ("price decline per year", ["tenfold", "10x"]),
    ("price decline period", ["2021 and 2024", "2021-2024"]),
    ("frontier prices fall slower", ["fallen much more slowly", "fall more slowly"]),
    ("regional endpoint premium", ["+10%"]),
    ("government clouds cost more", ["government clouds"]),
    ("self-hosted TTFT", ["30-60 ms"]),
    ("hosted API TTFT", ["150-800 ms"]),
    ("sub-100 ms", ["sub-100 ms", "under 100 ms"]),
    ("sub-100 ms not at saturation", ["saturat"]),
    ("managed hosting not on-premise", ["not on-premise"]),
    ("musts and wants", ["Kepner-Tregoe"]),
    ("flip point", ["flip point"]),
    ("decision record", ["ADR"]),
    ("attribution: framework article", ["the framework article"]),
    ("attribution: public analyses", ["public analyses"]),
]


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split a guide into its YAML front matter and its Markdown body."""
    parts = re.split(r"^---[ \t]*$", text, maxsplit=2, flags=re.MULTILINE)
    if len(parts) != 3 or parts[0].strip():
        raise ValueError("guide must start with a front matter block fenced by --- lines")
    meta = yaml.safe_load(parts[1])
    if not isinstance(meta, dict):
        raise ValueError("front matter must be a mapping")
    return meta, parts[2]


def _guide_paths() -> list[Path]:
    return sorted(GUIDES_DIR.glob("*.md"))


def _guides() -> dict[str, tuple[dict[str, Any], str]]:
    return {path.stem: _split_front_matter(path.read_text(encoding="utf-8")) for path in _guide_paths()}


def _headings(body: str) -> list[str]:
    return [match.group(2) for match in HEADING.finditer(body)]


def _corpus() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in _guide_paths()).lower()


def test_guides_count_at_least_twelve() -> None:
    assert len(_guide_paths()) >= 12


def test_guides_required_documents_present() -> None:
    missing = sorted(set(REQUIRED_GUIDES) - {path.stem for path in _guide_paths()})
    assert not missing


@pytest.mark.parametrize("path", _guide_paths(), ids=lambda p: p.stem)
def test_guide_front_matter_parses(path: Path) -> None:
    meta, body = _split_front_matter(path.read_text(encoding="utf-8"))
    assert meta
    assert body.strip()


@pytest.mark.parametrize("path", _guide_paths(), ids=lambda p: p.stem)
def test_guide_front_matter_has_required_keys(path: Path) -> None:
    meta, _ = _split_front_matter(path.read_text(encoding="utf-8"))
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    assert not missing


@pytest.mark.parametrize("path", _guide_paths(), ids=lambda p: p.stem)
def test_guide_id_matches_file_stem(path: Path) -> None:
    meta, _ = _split_front_matter(path.read_text(encoding="utf-8"))
    assert meta["id"] == path.stem


@pytest.mark.parametrize("path", _guide_paths(), ids=lambda p: p.stem)
def test_guide_topics_nonempty_and_allowed(path: Path) -> None:
    meta, _ = _split_front_matter(path.read_text(encoding="utf-8"))
    topics = meta["topics"]
    assert isinstance(topics, list)
    assert topics
    assert set(topics) <= ALLOWED_TOPICS, set(topics) - ALLOWED_TOPICS


@pytest.mark.parametrize("path", _guide_paths(), ids=lambda p: p.stem)
def test_guide_sources_nonempty(path: Path) -> None:
    meta, _ = _split_front_matter(path.read_text(encoding="utf-8"))
    sources = meta["sources"]
    assert isinstance(sources, list)
    assert sources
    assert all(isinstance(source, str) and source.strip() for source in sources)


@pytest.mark.parametrize("path", _guide_paths(), ids=lambda p: p.stem)
def test_guide_title_matches_h1(path: Path) -> None:
    meta, body = _split_front_matter(path.read_text(encoding="utf-8"))
    assert isinstance(meta["title"], str)
    assert meta["title"].strip()
    assert f"# {meta['title']}" in body.splitlines()


@pytest.mark.parametrize("path", _guide_paths(), ids=lambda p: p.stem)
def test_guide_has_at_least_two_sections(path: Path) -> None:
    _, body = _split_front_matter(path.read_text(encoding="utf-8"))
    sections = [line for line in body.splitlines() if line.startswith("## ")]
    assert len(sections) >= 2


@pytest.mark.parametrize("path", _guide_paths(), ids=lambda p: p.stem)
def test_guide_headings_unique_within_guide(path: Path) -> None:
    _, body = _split_front_matter(path.read_text(encoding="utf-8"))
    headings = _headings(body)
    assert len(headings) == len(set(headings))


def test_guides_cover_every_allowed_topic() -> None:
    covered: set[str] = set()
    for meta, _ in _guides().values():
        covered.update(meta["topics"])
    assert covered >= ALLOWED_TOPICS, ALLOWED_TOPICS - covered


@pytest.mark.parametrize(("fact", "alternatives"), FACTS_CHECKLIST, ids=[fact for fact, _ in FACTS_CHECKLIST])
def test_corpus_carries_fact(fact: str, alternatives: list[str]) -> None:
    corpus = _corpus()
    assert any(alternative.lower() in corpus for alternative in alternatives), fact


def _eval_items() -> list[dict[str, Any]]:
    items = json.loads(EVAL_SET.read_text(encoding="utf-8"))
    assert isinstance(items, list)
    return items


def test_eval_set_has_at_least_forty_questions() -> None:
    assert len(_eval_items()) >= 40


def test_eval_set_items_well_formed() -> None:
    for item in _eval_items():
        assert isinstance(item["question"], str)
        assert item["question"].strip()
        assert 1 <= len(item["relevant"]) <= 3, item["question"]


def test_eval_set_questions_unique() -> None:
    questions = [item["question"].strip().lower() for item in _eval_items()]
    assert len(questions) == len(set(questions))


def test_eval_set_labels_exist_in_guides() -> None:
    headings = {stem: set(_headings(body)) for stem, (_, body) in _guides().items()}
    broken = [
        (label["doc"], label["section"])
        for item in _eval_items()
        for label in item["relevant"]
        if label["section"] not in headings.get(label["doc"], set())
    ]
    assert not broken


def test_eval_set_covers_every_guide_twice() -> None:
    counts = dict.fromkeys(_guides(), 0)
    for item in _eval_items():
        for doc in {label["doc"] for label in item["relevant"]}:
            counts[doc] = counts.get(doc, 0) + 1
    thin = {doc: count for doc, count in counts.items() if count < 2}
    assert not thin
