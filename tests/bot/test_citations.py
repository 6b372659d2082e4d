"""The factor-to-section table and the heading index it is checked against."""

from __future__ import annotations

import pytest

from bot.citations import ANY, FACTOR_SECTIONS, factor_sources, mapped_sections
from knowledge import GuideSection, SectionIndex, section_index
from scoring import Factor, load_policy


def test_every_mapped_section_exists_in_the_guides() -> None:
    index = section_index()
    missing = [(factor, value, guide, heading)
               for factor, by_value in FACTOR_SECTIONS.items()
               for value, refs in by_value.items() for guide, heading in refs
               if index.find(guide, heading) is None]
    assert missing == []


def test_every_factor_and_value_of_the_policy_has_sections() -> None:
    policy = load_policy(None)
    for name, factor in policy.factors.items():
        for value in factor.levels:
            assert mapped_sections(name, value), (name, value)
        assert ANY in FACTOR_SECTIONS[name], name
    assert mapped_sections("monthly_tokens", "400000000")
    assert mapped_sections("monthly_tokens", "unknown")


def test_index_reads_headings_and_topics_from_the_guides() -> None:
    index = section_index()
    section = index.find("latency", "Batch and relaxed workloads")
    assert section is not None and section.source == "guides/latency.md"
    assert "latency" in section.topics
    assert all("latency" in s.topics for s in index.for_topic("latency"))


def _factor(name: str, value: str, topic: str) -> Factor:
    return Factor(name=name, value=value, weight=1.0, level=0.0, contribution=0.0,
                  rationale="", topic=topic)


def test_a_renamed_heading_falls_back_to_a_section_on_the_factor_topic() -> None:
    renamed = SectionIndex((
        GuideSection(guide="latency", guide_title="Latency", heading="Renamed",
                     source="guides/latency.md", topics=("latency",)),
    ))
    sources = factor_sources(_factor("latency", "critical", "latency"), renamed)
    assert [(s.guide, s.section) for s in sources] == [("latency", "Renamed")]


@pytest.mark.parametrize("value", ["in_house_only", "approved_vendors", "unknown"])
def test_factor_sources_follow_the_value(value: str) -> None:
    sources = factor_sources(_factor("data_residency", value, "data_residency"), section_index())
    assert sources and all(s.guide == "data-residency" and s.value == value for s in sources)
    assert [(s.guide, s.section) for s in sources] == list(mapped_sections("data_residency", value))
