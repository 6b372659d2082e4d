from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    section: str
    measure: str
    value: str
    target: str = ""


def timed(func: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def print_table(rows: list[Row]) -> None:
    headers = ("section", "measure", "value", "target")
    cells = [headers, *((r.section, r.measure, r.value, r.target) for r in rows)]
    widths = [max(len(str(row[i])) for row in cells) for i in range(4)]
    line = "+".join("-" * (w + 2) for w in widths)
    print(f"+{line}+")
    for index, row in enumerate(cells):
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if index == 0:
            print(f"+{line}+")
    print(f"+{line}+")
