"""Rounds of the full PDF path or of pypdfium2's raw text over corpus/pdf, for counting
instructions: on a shared machine whose speed swings between runs, an instruction count is
the same every time, so it shows what a change to the code saves.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/instructions.py full 1
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/instructions.py full 2

The difference of the two totals ("Collected") is one round of 21 pages, without start-up
and imports; `raw` instead of `full` counts pypdfium2's raw text.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pdf import PAGES, full_path, pdfium_text


def main() -> None:
    what, rounds = sys.argv[1], int(sys.argv[2])
    run = pdfium_text if what == "raw" else full_path("pdfium")
    full_path("pdfium")(PAGES[0])
    pdfium_text(PAGES[0])
    for _ in range(rounds):
        for path in PAGES:
            run(path)


if __name__ == "__main__":
    main()
