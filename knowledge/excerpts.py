"""Excerpts: the units of a passage an answer quotes, each with what it needs to be read alone.

A sentence that leans on the one before it ('But...', 'It...') brings that sentence; a sentence
announcing a list or table brings it; a list item or table row brings its lead-in. Lists come
out as list items and tables as readable rows, never flattened into one line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.blocks import Unit, announces, refers_back

MAX_BACK = 4
"""How many sentences back a sentence may reach for its antecedent."""
MAX_ROWS = 8
"""A table or list up to this many rows is quoted whole; a longer one by the rows asked about."""
MAX_WHOLE = 800
"""A list longer than this many characters is quoted by the items asked about."""
_QUANTITY = re.compile(
    r"\bhow (?:much|many|long|fast|big|large|expensive|cheap)\b|\bcosts?\b|\bprices?d?\b"
    r"|\bper (?:hour|month|token|gpu)\b|\bnumbers?\b|\bfigures?\b|\bbreak[- ]?even\b"
    r"|\bthroughput\b|\bbudget\b", re.IGNORECASE)
_FIGURE = re.compile(r"\d")


def asks_for_figures(question: str) -> bool:
    """Whether a question asks how much or how many, so the answer should carry numbers."""
    return bool(_QUANTITY.search(question))


def has_figures(text: str) -> bool:
    return bool(_FIGURE.search(text))


def _block(units: Sequence[Unit], block: int) -> set[int]:
    return {index for index, unit in enumerate(units) if unit.block == block}


def _lead_in(units: Sequence[Unit], block: int) -> int | None:
    """The sentence introducing the list or table `block`: the last sentence right before it,
    when it announces what follows."""
    first = min(_block(units, block))
    before = first - 1
    if before >= 0 and units[before].kind == "sentence" and units[before].block == block - 1 \
            and announces(units[before].text):
        return before
    return None


def _structure(units: Sequence[Unit], position: int) -> set[int]:
    """A list item or table row with its lead-in; a list or table small enough is quoted whole."""
    unit = units[position]
    chosen = {position}
    block = _block(units, unit.block)
    if len(block) <= MAX_ROWS and (unit.kind == "row"
                                   or sum(len(units[i].text) for i in block) <= MAX_WHOLE):
        chosen |= block
    lead = _lead_in(units, unit.block)
    if lead is not None:
        chosen |= _antecedents(units, lead) or {lead}
    return chosen


def _antecedents(units: Sequence[Unit], position: int) -> set[int] | None:
    """`position` and the sentences before it that it leans on; None when it leans on
    something outside the passage."""
    chosen = {position}
    current = position
    for _ in range(MAX_BACK):
        if not refers_back(units[current].text):
            return chosen
        before = current - 1
        if before < 0:
            return None
        if units[before].kind != "sentence":
            return chosen | _structure(units, before) | _block(units, units[before].block)
        chosen.add(before)
        current = before
    return chosen


def context(units: Sequence[Unit], position: int) -> set[int] | None:
    """The unit at `position` with everything it needs to stand on its own, as unit positions;
    None when it cannot stand on its own within the passage."""
    unit = units[position]
    if unit.kind != "sentence":
        return _structure(units, position)
    chosen = _antecedents(units, position)
    if chosen is None:
        return None
    after = position + 1
    if (after < len(units) and units[after].kind != "sentence"
            and units[after].block == unit.block + 1 and announces(unit.text)):
        chosen |= _block(units, units[after].block)
    return chosen


def render(units: Sequence[Unit], chosen: set[int]) -> list[str]:
    """The chosen units in reading order: prose on one line per run of sentences, one line
    per list item or table row."""
    lines: list[str] = []
    previous: Unit | None = None
    for position in sorted(chosen):
        unit = units[position]
        if unit.kind != "sentence":
            lines.append(f"- {unit.shown}")
        elif previous is not None and previous.kind == "sentence":
            lines[-1] = f"{lines[-1]} {unit.text}"
        else:
            lines.append(unit.text)
        previous = unit
    return lines
