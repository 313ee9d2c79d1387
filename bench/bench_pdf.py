"""Speed and memory of the PDF path, against pdfplumber's and pypdfium2's own text output.

    python bench/bench_pdf.py [--rounds 15] [--pages 200] [--no-memory] [--python-calls]

Same pages, same run: the generated newspaper pages in corpus/pdf/. Prints pages per second
of the full path (characters -> lines -> layout blocks, pypdfium2 and pdfplumber backends),
of pdfplumber `extract_text()` and of pypdfium2 `get_text_range()` (best round of each, the
four interleaved within every round), with the full path's time as a multiple of pypdfium2's
raw text and its speed against pdfplumber's, and the full path's time over the raw text's
round by round (median and range: on a shared machine the steadier figure), also over one
file holding the pages twice; then peak memory of the full path on a 200-page file made in /tmp by repeating those pages (against a 20-page file, to show it stays flat):
page by page (`iter_pdf_pages`, the working memory), with the whole Document kept by
`read_pdf` (which adds the text and character boxes of every page), and of the real ingest
path, `extract.pipeline.extract_document` (layout, articles, figures, places, organisations
and word segmentation, page by page), next to the same stages run over a whole Document
first (how ingest worked before). The last line is a summary to quote.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = sorted((ROOT / "corpus" / "pdf").glob("*.pdf"))


def full_path(backend: str):
    from extract.pdf import read_pdf

    def run(path: Path) -> int:
        return len(read_pdf(path, "bench", backend=backend).pages)

    return run


def plumber_text(path: Path) -> int:
    import pdfplumber

    n = 0
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
            n += 1
    return n


def pdfium_text(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    n = len(doc)
    for i in range(n):
        page = doc[i]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    doc.close()
    return n


def pages_per_second(runners: dict, rounds: int, paths: list[Path] = PAGES) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Pages per second of each runner over all `paths`, the best of `rounds` rounds, and each
    runner's seconds per round. The runners are interleaved within a round, so that load from
    other processes on a shared machine hits them alike: the ratio of two runners' times in
    one round is steadier than the ratio of their best times over the whole run. Each round
    starts with the next runner, so that none always runs after the same other one (after
    pdfplumber, pdfium's code and data are no longer in the caches)."""
    for fn in runners.values():
        fn(paths[0])
    times: dict[str, list[float]] = {name: [] for name in runners}
    pages = 0
    order = list(runners.items())
    for k in range(rounds):
        for name, fn in order[k % len(order):] + order[:k % len(order)]:
            start = time.perf_counter()
            pages = sum(fn(path) for path in paths)
            times[name].append(time.perf_counter() - start)
    return {name: pages / min(seconds) for name, seconds in times.items()}, times


def round_ratios(times: dict[str, list[float]], name: str, base: str) -> list[float]:
    """`name`'s time as a multiple of `base`'s, round by round, sorted."""
    return sorted(a / b for a, b in zip(times[name], times[base], strict=True))


def make_long_pdf(n_pages: int, out: Path) -> Path:
    """A PDF of `n_pages` pages repeating the generated pages (pypdfium2 page import)."""
    import pypdfium2 as pdfium

    dest = pdfium.PdfDocument.new()
    while len(dest) < n_pages:
        for path in PAGES:
            if len(dest) >= n_pages:
                break
            src = pdfium.PdfDocument(str(path))
            dest.import_pages(src)
            src.close()
    dest.save(str(out))
    dest.close()
    return out


PEAK_SCRIPT = """
import resource, sys
sys.path.insert(0, {root!r})
from pathlib import Path
path, backend, mode = Path({path!r}), {backend!r}, {mode!r}
if mode == "pages":
    from extract.pdf import iter_pdf_pages
    n = sum(1 for _ in iter_pdf_pages(path, backend))
elif mode == "document":
    from extract.pdf import read_pdf
    n = len(read_pdf(path, "bench", backend=backend).pages)
elif mode == "ingest":
    from extract.pipeline import extract_pdf
    n = len(extract_pdf(path, backend)[0].pages)
else:
    from extract.nlp import segment_words
    from extract.pdf import read_pdf
    from extract.pipeline import analyse, articles_of
    document = read_pdf(path, "bench", backend=backend)
    extracted = [(a, analyse(a, None), segment_words(a.text)) for a in articles_of(document)]
    n = len(document.pages)
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""
MODES = {
    "pages": "full path, page by page",
    "document": "read_pdf, Document kept",
    "ingest": "ingest: extract_document",
    "whole": "ingest stages over a kept Document (before)",
}


def peak_mb(path: Path, backend: str, mode: str) -> tuple[int, int]:
    """Peak RSS of one run in a fresh process, in one of `MODES`: the full path page by page
    (each page dropped once laid out: the working memory), `read_pdf` keeping the whole
    Document (its text and character boxes grow with the file), the ingest path
    (`extract_pdf`, which `extract_document` runs for a PDF: NLP models loaded, one page at a
    time), or the ingest stages run over a whole Document read first."""
    code = PEAK_SCRIPT.format(root=str(ROOT), path=str(path), backend=backend, mode=mode)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    pages, mb = out.stdout.split()
    return int(pages), int(mb)


FULL, FULL_PLUMBER = "full path (pypdfium2 chars)", "full path (pdfplumber chars)"
PLUMBER, RAW = "pdfplumber extract_text()", "pypdfium2 raw text"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--no-memory", action="store_true", help="speed only")
    parser.add_argument("--python-calls", action="store_true",
                        help="ask pdfium from Python, call by call, even where the compiled loops are built")
    args = parser.parse_args()
    from extract import pdfium_calls

    if args.python_calls:
        pdfium_calls._LOOPS = None
    calls = "compiled loops (extract/_pdfium_loops.c)" if pdfium_calls._LOOPS is not None else "calls from Python"
    results, times = pages_per_second({FULL: full_path("pdfium"), FULL_PLUMBER: full_path("pdfplumber"),
                                       PLUMBER: plumber_text, RAW: pdfium_text}, args.rounds)
    raw, plumber = results[RAW], results[PLUMBER]
    print(f"speed: {len(PAGES)} pages, best of {args.rounds} rounds; pdfium asked per character by {calls}")
    for name, pps in results.items():
        print(f"  {name:30s} {pps:7.1f} pages/s   time x{raw / pps:5.2f} of pypdfium2 raw"
              f"   x{pps / plumber:5.2f} the speed of pdfplumber extract_text()")
    ratios = round_ratios(times, FULL, RAW)
    median = statistics.median(ratios)
    print(f"  full path / pypdfium2 raw, round by round: median x{median:.2f} "
          f"(x{ratios[0]:.2f} to x{ratios[-1]:.2f} over {len(ratios)} rounds)")
    with tempfile.TemporaryDirectory() as tmp:
        long = make_long_pdf(2 * len(PAGES), Path(tmp) / "long.pdf")
        _, long_times = pages_per_second({FULL: full_path("pdfium"), RAW: pdfium_text}, args.rounds, [long])
    long_ratios = round_ratios(long_times, FULL, RAW)
    long_median = statistics.median(long_ratios)
    print(f"  the same pages twice in one {2 * len(PAGES)}-page file: full path / pypdfium2 raw, round by round: "
          f"median x{long_median:.2f} (x{long_ratios[0]:.2f} to x{long_ratios[-1]:.2f})")
    speed = (f"the full PDF path takes {median:.2f}x the time of pypdfium2's raw text (median of "
             f"{len(ratios)} rounds; {raw / results[FULL]:.2f}x best against best; {long_median:.2f}x in one "
             f"{2 * len(PAGES)}-page file; target <= 2x), "
             f"runs {results[FULL] / plumber:.1f}x as fast as pdfplumber extract_text()")
    if args.no_memory:
        print(f"summary: {speed}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        short = make_long_pdf(20, Path(tmp) / "pages20.pdf")
        long = make_long_pdf(args.pages, Path(tmp) / f"pages{args.pages}.pdf")
        print(f"peak RSS of a fresh process (20 pages vs {args.pages} pages):")
        peaks = {}
        runs = [(b, m) for b in ("pdfium", "pdfplumber") for m in ("pages", "document")]
        for backend, mode in [*runs, ("pdfium", "ingest"), ("pdfium", "whole")]:
            n_short, mb_short = peak_mb(short, backend, mode)
            n_long, mb_long = peak_mb(long, backend, mode)
            peaks[backend, mode] = (n_short, mb_short, n_long, mb_long)
            print(f"  {MODES[mode]} ({backend}): {n_short} pages {mb_short} MB, "
                  f"{n_long} pages {mb_long} MB, ratio x{mb_long / mb_short:.2f}")
    n_short, mb_short, n_long, mb_long = peaks["pdfium", "pages"]
    i_short, i_long = peaks["pdfium", "ingest"][1], peaks["pdfium", "ingest"][3]
    print(f"summary: {speed}; "
          f"peak memory {mb_short} MB at {n_short} pages, {mb_long} MB at {n_long} pages; "
          f"ingest (extract_document) {i_short} MB at {n_short} pages, {i_long} MB at {n_long} pages "
          f"(x{i_long / i_short:.2f})")


if __name__ == "__main__":
    main()
