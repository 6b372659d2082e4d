"""From many findings to one value per fact, or a conflict when the message disagrees with itself."""

from __future__ import annotations

from bot.extraction import prices, team
from bot.extraction.model import CORRECTION_BONUS, Estimate, Extraction, Finding, ValueRange
from scoring import WorkloadFacts

VOLUME_TOLERANCE = 0.15
"""Volumes within 15% of each other are one statement ("3M a day, so ~100M a month")."""


def _strongest(findings: list[Finding]) -> list[Finding]:
    top = max(finding.strength for finding in findings)
    return [finding for finding in findings if finding.strength == top]


def _same_volume(a: int, b: int) -> bool:
    return abs(a - b) <= VOLUME_TOLERANCE * max(a, b, 1)


def _volume_groups(findings: list[Finding]) -> list[list[Finding]]:
    groups: list[list[Finding]] = []
    for finding in findings:
        value = int(finding.value)
        home = next((g for g in groups if _same_volume(int(g[0].value), value)), None)
        if home is None:
            groups.append([finding])
        else:
            home.append(finding)
    return groups


def _choose(fact: str, findings: list[Finding]) -> Finding | list[str]:
    """The finding that settles `fact`, or the distinct values in conflict."""
    best = _strongest(findings)
    if fact == "monthly_tokens":
        groups = _volume_groups(best)
        if len(groups) > 1:
            return [str(group[0].value) for group in groups]
        # A figure stated per month needs no conversion, so it beats one derived from a rate.
        return next((f for f in groups[0] if f.derivation is None), groups[0][0])
    if fact == team.FACT:
        value = team.strongest([str(f.value) for f in best])
        return next(f for f in best if f.value == value)
    values = list(dict.fromkeys(str(f.value) for f in best))
    return best[0] if len(values) == 1 else values


def _cues(text: str, findings: list[Finding]) -> dict[str, str]:
    """Fact -> "label: words, more words" from the cue findings (value is the label), one per fact."""
    label: dict[str, str] = {}
    words: dict[str, dict[str, str]] = {}
    for finding in findings:
        said = text[finding.start : finding.end].strip()
        label.setdefault(finding.fact, str(finding.value))
        words.setdefault(finding.fact, {}).setdefault(said.lower(), said)
    return {fact: f"{label[fact]}: {', '.join(said.values())}" for fact, said in words.items()}


def resolve(text: str, findings: list[Finding], rejected: dict[str, str]) -> Extraction:
    """Settle every fact the findings mention, citing the words that settled it.

    Estimates and cues are kept only for facts the message does not otherwise state.
    """
    by_fact: dict[str, list[Finding]] = {}
    estimates: dict[str, list[Finding]] = {}
    cue_findings: list[Finding] = []
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.kind == "cue":
            cue_findings.append(finding)
        else:
            home = estimates if finding.kind == "estimate" else by_fact
            home.setdefault(finding.fact, []).append(finding)
    values: dict[str, str | int | float] = {}
    result = Extraction(rejected=dict(rejected))
    for fact, candidates in by_fact.items():
        chosen = _choose(fact, candidates)
        if isinstance(chosen, list):
            result.conflicts[fact] = chosen
            continue
        values[fact] = chosen.value
        words = text[chosen.start : chosen.end].strip()
        result.evidence[fact] = words
        if chosen.derivation:
            result.derivations[fact] = chosen.derivation
        if chosen.low is not None and chosen.high is not None:
            result.ranges[fact] = ValueRange(low=chosen.low, high=chosen.high, words=words,
                                             derivation=chosen.derivation or "")
        if chosen.strength >= CORRECTION_BONUS:
            result.corrected.append(fact)
    settled = set(values) | set(result.conflicts) | set(rejected)
    for fact, candidates in estimates.items():
        if fact not in settled:
            best = _strongest(candidates)[0]
            result.estimates[fact] = Estimate(value=best.value, words=text[best.start : best.end].strip(),
                                              derivation=best.derivation or "")
    result.cues = {fact: cue for fact, cue in _cues(text, cue_findings).items()
                   if fact not in settled and fact not in result.estimates}
    lone = prices.lone_half(values)
    if lone is not None:  # scoring takes the pair together; a conflict on the other half is asked
        del values[lone]
        result.evidence.pop(lone, None)
        result.derivations.pop(lone, None)
        if not set(prices.PAIR) & set(result.conflicts):
            result.rejected[lone] = prices.LONE_HALF_REASON
    # Values come only from enum values and bounded volumes, so this cannot fail unless a rule is
    # itself wrong; then it should fail here, in tests, not in the scoring downstream.
    result.facts = WorkloadFacts.model_validate(values)
    return result
