"""Monthly token volume: stated totals, and requests x tokens per request, converted to a month."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from bot.extraction import context, numbers, units
from bot.extraction import volume_hints as hints
from bot.extraction.context import FLAGS
from bot.extraction.model import CORRECTION_BONUS, HINT, STATED, Finding, PeriodCorrection, VolumeParts
from bot.extraction.quantities import Quantity, before, scan
from bot.extraction.units import PERIODS, Period
from scoring import MAX_MONTHLY_TOKENS

FACT = "monthly_tokens"
_MAX_EVIDENCE = 160
_DENIED = re.compile(r"\b(?:not|never|no longer|isn't|aren't|wasn't|nowhere near)\s+(?:\w+\s+)?$", FLAGS)
# "cheaper above 1B tokens/month", "break-even at 500M": a threshold someone quotes, not our volume.
_THRESHOLD = re.compile(
    r"\b(?:above|beyond|past|break[- ]?even(?:\s+(?:is|at|point))?|threshold(?:\s+(?:is|of|at))?)\s*~?\s*$",
    FLAGS,
)
_EACH_BETWEEN = re.compile(r"\b(?:each|every one|apiece)\b", FLAGS)
_EACH_AFTER = re.compile(r"\s*(?:each|apiece)\b", FLAGS)


@dataclass(frozen=True)
class _Volume:
    monthly: float
    start: int
    end: int
    derivation: str | None
    strength: int
    size: Quantity | None = None
    """The token figure, when it had no period: it may yet turn out to be a per-request size."""
    estimated: bool = False
    """Read from vague words ("a few hundred"): an estimate to confirm, not a stated fact."""
    low: float | None = None
    high: float | None = None
    """Both ends, per month, when a range was stated ("20-40M")."""
    parts: tuple[Quantity, Quantity] | None = None
    """The count and the size multiplied, when the volume is a product."""


def _derive(label: str, period: Period | None, note: str = "") -> str | None:
    if period is None:
        return f"{label}{note}, no period stated: read as per month"
    if period.name == "month":
        return f"{label}{note}/month" if note or "(" in label else None
    return f"{label}{note}/{period.name} {period.note}"


def _total(text: str, q: Quantity, strength: int, crowd: Quantity | None = None) -> list[_Volume]:
    period = q.period
    factor = (period.per_month if period else 1.0) * (crowd.value if crowd else 1.0)
    note = f" {q.io} tokens (only {q.io} stated)" if q.io else ""
    who = f"{crowd.label} {crowd.noun} x " if crowd else ""
    if q.range_from:  # "from 10M to 50M": two volumes, the conflict is left for people to settle
        return [
            _Volume(value * factor, q.start, q.end, _derive(numbers.compact(value), period, note), strength)
            for value in (q.low, q.high)
        ]
    sign = -1.0 if q.negative else 1.0
    derivation = _derive(q.label, period, note)
    if crowd:
        derivation = who + (derivation or f"{q.label}/month")
    start = min(q.start, crowd.start) if crowd else q.start
    ranged = q.low != q.high and not q.negative
    return [_Volume(sign * q.value * factor, start, q.end, derivation, strength,
                    estimated=q.vague or bool(crowd and crowd.vague),
                    low=q.low * factor if ranged else None, high=q.high * factor if ranged else None)]


def _crowd(text: str, people: list[Quantity], q: Quantity) -> Quantity | None:
    """The head count a per-person figure multiplies: "500 agents, each handling 40 tickets a day"."""
    crowd = next((p for p in reversed(people) if p.end <= q.start), None)
    if crowd is None:
        return None
    each = q.per_person or q.share in units.PERSON_SHARES or _EACH_BETWEEN.search(text, crowd.end, q.start)
    return crowd if each or _EACH_AFTER.match(text, q.end) else None


def _pair(requests: Quantity, item: Quantity, people: Quantity | None) -> _Volume:
    period = requests.period or PERIODS["month"]
    crowd = people.value if people else 1.0
    who = f"{people.label} {people.noun} x " if people else ""
    tail = f" {period.note}" if period.note else ""
    counted = f"{requests.label} {requests.noun}" if requests.noun else requests.label
    derivation = f"{who}{counted}/{period.name} x {item.label} tokens{tail}"
    parts = [requests, item] + ([people] if people else [])
    start, end = min(p.start for p in parts), max(p.end for p in parts)
    if end - start > _MAX_EVIDENCE:
        start, end = requests.start, requests.end
    monthly = crowd * requests.value * item.value * period.per_month
    ranged = requests.low != requests.high or item.low != item.high
    scale = crowd * period.per_month
    return _Volume(monthly, start, end, derivation, STATED,
                   estimated=requests.vague or item.vague or bool(people and people.vague),
                   low=scale * requests.low * item.low if ranged else None,
                   high=scale * requests.high * item.high if ranged else None,
                   parts=(requests, item))


def _merge_io(group: list[Quantity]) -> list[Quantity]:
    """Join "1k input + 500 output tokens" into one token quantity; drop an unpaired "1k in"."""
    merged: list[Quantity] = []
    pending: Quantity | None = None
    for q in group:
        if q.kind == "tokens" and q.io == "input" and pending is None:
            pending = q
            continue
        if q.kind == "tokens" and q.io == "output" and pending is not None:
            q = Quantity(
                pending.start, q.end, pending.value + q.value, f"({pending.label} in + {q.label} out)",
                kind="tokens", period=q.period or pending.period, per_item=q.per_item or pending.per_item,
            )  # fmt: skip
            pending = None
        merged.append(q)
    if pending is not None:
        merged.append(pending)
    return [q for q in merged if not (q.io_needs_partner and q.io)]


def _is_item(text: str, q: Quantity, group: list[Quantity]) -> bool:
    clause = context.clause_before(text, q.start)[-40:]
    rates_of_things = any(r.kind == "requests" or (r.kind == "counted" and r.period) for r in group)
    return rates_of_things or bool(units.PER_ITEM_BEFORE.search(clause))


def _bare_is_volume(text: str, q: Quantity, since: int) -> bool:
    if not (q.written_large or q.value >= 10_000):
        return False
    if units.MONEY_BEFORE.search(context.clause_before(text, q.start)[-40:]):
        return False
    if units.MONEY_AFTER.match(text, q.end):
        return False
    word = re.match(r"\s*([a-z]+)", text[q.number_end : q.number_end + 30])
    if word and word.group(1) not in units.BARE_FOLLOWERS:
        return False
    if q.period and q.value >= 1e6:
        return True
    if q.between and q.value >= 1e6:  # "between 20M and 40M": in this conversation, a token volume
        return True
    if not units.VOLUME_CUE.search(text, max(since, q.start - 60), q.start):
        return False
    if q.period is None and (found := before(text, q, since, units.PERIOD_BEFORE)):
        q.period = units.period_named(found["unit"] or found["adv"])  # "tokens per month: roughly 80M"
    return True


def _sentence_volumes(text: str, group: list[Quantity], since: int) -> tuple[list[_Volume], list[Quantity]]:
    """Volumes from one sentence, and its per-item token sizes and request rates left unpaired."""
    volumes: list[_Volume] = []
    items: list[Quantity] = []
    requests = [q for q in group if q.kind == "requests"]
    people = [q for q in group if q.kind == "people"]
    previous_end = since
    for q in group:
        strength = STATED
        if q.kind == "tokens":
            if q.per_item or (q.period is None and _is_item(text, q, group)):
                items.append(q)
            elif q.period is None and (found := before(text, q, previous_end, units.PERIOD_BEFORE)):
                q.period = units.period_named(found["unit"] or found["adv"])
                volumes += _total(text, q, strength)
            elif q.period is None and units.ONE_OFF_BEFORE.search(context.clause_before(text, q.start)):
                pass
            elif q.share is None and q.period:
                volumes += _total(text, q, strength, _crowd(text, people, q))
            elif q.share is None:
                volumes += [replace(v, size=q) for v in _total(text, q, HINT, _crowd(text, people, q))]
            elif q.share in units.PERSON_SHARES and (crowd := _crowd(text, people, q)):
                volumes += _total(text, q, strength if q.period else HINT, crowd)
        elif q.kind == "bare" and _bare_is_volume(text, q, since):
            volumes += _total(text, q, strength if q.period else HINT)
        previous_end = q.end
    if items and not requests:  # "each request is ~1.5k tokens and we get 20k a day"
        requests = [q for q in group if q.kind in {"bare", "counted"} and q.period and q.written_large]
        volumes = [v for v in volumes if not any(v.start == r.start for r in requests)]
        for r in requests:
            r.kind, r.noun = "requests", r.noun or "requests"
    spare: list[Quantity] = []
    for r in requests:
        if r.period is None:
            continue
        after = [i for i in items if i.start > r.start]
        item = after[0] if after else (items[-1] if items else None)
        if item is None:
            spare.append(r)
            continue
        items.remove(item)
        volumes.append(_pair(r, item, _crowd(text, people, r)))
    counted = [q for q in group if q.kind == "counted" and q not in requests]
    return volumes, spare + items + counted


def _sentence_starts(text: str) -> list[int]:
    return [0] + [mark.end() for mark in context.SENTENCE_EDGE.finditer(text)]


def _usable(text: str, q: Quantity) -> bool:
    if units.DENOMINATOR_BEFORE.search(text, max(0, q.start - 8), q.start):
        return False  # "$3 per 1M tokens" is a price unit, not a volume
    if _DENIED.search(text, max(0, q.start - 25), q.start):
        return False
    if _THRESHOLD.search(text, max(0, q.start - 25), q.start):
        return False
    return not context.read(text, q.start, q.end).hedged_number


@dataclass(frozen=True)
class VolumeReading:
    """What a message says about volume: findings, refused figures, and the count and size behind it."""

    findings: list[Finding]
    rejected: dict[str, str]
    parts: VolumeParts | None
    period_correction: PeriodCorrection | None


def find(text: str, original: str | None = None) -> VolumeReading:
    """Volume findings (tokens per month, rounded), the reason for any volume rejected as impossible,
    the count and size behind the volume (or the one half stated), and a correction of its period.

    `text` is the normalised message; `original` (same offsets) is where quoted words come from.
    """
    original = text if original is None else original
    starts = _sentence_starts(text)
    groups: dict[int, list[Quantity]] = {}
    for q in scan(text):
        if _usable(text, q):
            groups.setdefault(bisect_right(starts, q.start) - 1, []).append(q)
    volumes: list[_Volume] = []
    leftovers: list[Quantity] = []
    for index, group in groups.items():
        found, spare = _sentence_volumes(text, _merge_io(group), starts[index])
        volumes += found
        leftovers += spare
    requests = [q for q in leftovers if q.kind in {"requests", "counted"} and q.period]
    items = [q for q in leftovers if q.kind == "tokens"]
    if len(requests) == 1 and not items:  # "prompts are around 6k tokens; we expect ~40k queries a day"
        sizes = [v.size for v in volumes if v.size is not None]
        if len(sizes) == 1:
            items = sizes
            volumes = [v for v in volumes if v.size is None]
    if len(requests) == 1 and len(items) == 1:  # "20k tickets a day. Each is ~2k tokens."
        volumes.append(_pair(requests[0], items[0], None))
    elif not requests and len(items) == 1 and not volumes:
        # An unnamed count at a rate beside a size: "maybe 500 a week at ~3k tokens each".
        bare = hints.bare_counts(text, [q for group in groups.values() for q in group])
        if len(bare) == 1:
            volumes.append(_pair(bare[0], items[0], None))
    findings, rejected = _judge(text, volumes)
    if not volumes:
        counts = requests + hints.bare_counts(text, [q for group in groups.values() for q in group])
        parts = hints.half(original, counts, items)
        findings += hints.vague_volume(text)
    else:
        pairs = list({id(v.parts): v.parts for v in volumes if v.parts is not None}.values())
        parts = hints.whole(original, *pairs[0]) if len(pairs) == 1 else None
    corrected = hints.period_correction(text, original) if not groups else None
    return VolumeReading(findings, rejected, parts, corrected)


def _judge(text: str, volumes: list[_Volume]) -> tuple[list[Finding], dict[str, str]]:
    findings: list[Finding] = []
    rejected: dict[str, str] = {}
    for volume in volumes:
        strength = volume.strength
        if context.read(text, volume.start, volume.end).correction:
            strength += CORRECTION_BONUS
        if not math.isfinite(volume.monthly) or volume.monthly > MAX_MONTHLY_TOKENS:
            rejected[FACT] = (
                f"{numbers.scientific(volume.monthly)} tokens/month is beyond any plausible workload "
                f"(limit {numbers.scientific(MAX_MONTHLY_TOKENS)})"
            )
        elif volume.monthly < 0:
            rejected[FACT] = f"{numbers.compact(volume.monthly)} tokens/month: a volume cannot be negative"
        else:
            ranged = volume.low is not None and volume.high is not None
            findings.append(Finding(
                FACT, round(volume.monthly), strength, volume.start, volume.end, volume.derivation,
                kind="estimate" if volume.estimated else "fact",
                low=round(volume.low) if volume.low is not None and ranged else None,
                high=round(volume.high) if volume.high is not None and ranged else None,
            ))  # fmt: skip
    return findings, rejected
