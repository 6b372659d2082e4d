"""`make bench`: run every benchmark section and print one table."""

from __future__ import annotations

import sys

from tests.bench import (
    conversation_bench,
    knowledge_bench,
    load_bench,
    scoring_bench,
    store_bench,
    terminal_bench,
)
from tests.bench.table import Row, print_table

SECTIONS = {"scoring": scoring_bench.run, "knowledge": knowledge_bench.run,
            "store": store_bench.run, "conversation": conversation_bench.run,
            "terminal": terminal_bench.run, "load": load_bench.run}


def main(selected: list[str]) -> None:
    rows: list[Row] = []
    for name, run in SECTIONS.items():
        if selected and name not in selected:
            continue
        rows.extend(run())
    print_table(rows)


if __name__ == "__main__":
    main(sys.argv[1:])
