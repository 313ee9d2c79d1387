"""`bulletin`: a thin command-line shell over the pipeline functions, one command per stage."""

from __future__ import annotations

import json
import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from extract import store

app = typer.Typer(
    help="bulletin-facts: figures an editor can trust, from Chinese civil-affairs bulletins.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="SQLite database file.")]


class What(StrEnum):
    articles = "articles"
    figures = "figures"
    organizations = "organizations"
    checks = "checks"


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    db: DbOption = store.DEFAULT_DB,
    workers: Annotated[int, typer.Option(help="Worker processes for reading and extraction.")] = 1,
    force: Annotated[bool, typer.Option(help="Re-extract files even when unchanged.")] = False,
    check: Annotated[bool, typer.Option(help="Re-run the cross-checks afterwards.")] = True,
) -> None:
    """Read bulletins (.txt, .md, .pdf) into the database, with a progress bar and a summary."""
    from extract.pipeline import ingest_paths, iter_source_files, unsupported_files

    missing = [p for p in paths if not p.exists()]
    for path in missing:
        err.print(f"[red]not found:[/red] {path}")
    database = store.open_db(db)
    total = len(list(iter_source_files([p for p in paths if p.exists()])))
    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=total)

        def on_result(result) -> None:
            progress.update(task, advance=1, description=Path(result.path).name)
            if result.status == "failed":
                progress.console.print(f"[red]failed[/red] {result.error}")

        results = ingest_paths(
            database, [p for p in paths if p.exists()], workers=workers, force=force, on_result=on_result
        )
    checks = None
    if check and any(r.status in ("new", "replaced") for r in results):
        from extract.check import run_checks

        checks = run_checks(database)
    _print_summary(results, checks, db)
    skipped = unsupported_files(paths)
    if skipped:
        kinds = Counter(p.suffix.lower() or p.name for p in skipped)
        listed = ", ".join(f"{kind} x{n}" for kind, n in kinds.most_common())
        console.print(f"skipped {len(skipped)} file(s) that are not .txt, .md or .pdf ({listed})")
    if missing or any(r.status == "failed" for r in results):
        raise typer.Exit(1)


def _print_summary(results, checks, db: Path) -> None:
    table = Table(title=f"ingest summary ({db})")
    for column in ("documents", "new", "replaced", "unchanged", "failed", "articles", "figures"):
        table.add_column(column, justify="right")
    count = {s: sum(r.status == s for r in results) for s in ("new", "replaced", "unchanged", "failed")}
    table.add_row(
        str(len(results)),
        str(count["new"]),
        str(count["replaced"]),
        str(count["unchanged"]),
        str(count["failed"]),
        str(sum(r.articles for r in results)),
        str(sum(r.figures for r in results)),
    )
    console.print(table)
    flagged = [r for r in results if r.flags]
    for r in flagged:
        console.print(f"[yellow]page flags[/yellow] {r.path}: {', '.join(r.flags)}")
    if any("needs_ocr" in r.flags for r in flagged):
        from extract.ocr import unavailable_reason

        reason = unavailable_reason()
        if reason:
            console.print(f"[yellow]scanned pages were not read:[/yellow] {reason}")
    for r in results:
        if r.status == "failed":
            console.print(f"[red]failed[/red] {r.error}")
    if count["unchanged"] == len(results) and results:
        console.print("nothing changed: every file was already stored by this extractor version")
    if checks is not None:
        flagged_checks = [c for c in checks if c.verdict == "inconsistent"]
        console.print(f"checks: {len(checks)} ({len(flagged_checks)} inconsistent) - see `bulletin check`")


@app.command()
def articles(
    search: Annotated[str | None, typer.Option("--search", "-s", help="Full-text search (Chinese).")] = None,
    db: DbOption = store.DEFAULT_DB,
    limit: int = 50,
) -> None:
    """List stored articles, optionally only those matching a text search."""
    database = store.open_db(db)
    if search:
        rows = store.search_articles(database, search, limit)
    else:
        rows = list(
            database.query(
                "SELECT article_id, document_id, seq, headline, source_outlet, region_code, region_name "
                "FROM articles ORDER BY document_id, seq LIMIT ?",
                [limit],
            )
        )
    table = Table("article_id", "headline", "source", "region")
    for row in rows:
        table.add_row(row["article_id"], row["headline"] or "", row["source_outlet"] or "", row["region_name"] or "")
    console.print(table)
    console.print(f"{len(rows)} article(s)")


@app.command()
def figures(
    db: DbOption = store.DEFAULT_DB,
    metric: Annotated[str | None, typer.Option(help="Metric code, e.g. social_workers.certified")] = None,
    region: Annotated[str | None, typer.Option(help="Region code prefix, e.g. 6401")] = None,
    limit: int = 100,
) -> None:
    """List stored figures with what they count, where, and how exact they are."""
    database = store.open_db(db)
    where, params = ["1=1"], []
    if metric:
        where.append("metric = ?")
        params.append(metric)
    if region:
        where.append("region_code LIKE ?")
        params.append(region.rstrip("0") + "%")
    rows = database.query(
        f"SELECT fact_id, metric, subject, value, value_max, unit, approx, region_name, quote "
        f"FROM figures WHERE {' AND '.join(where)} ORDER BY article_id, idx LIMIT ?",
        [*params, limit],
    )
    table = Table("fact_id", "metric", "subject", "value", "unit", "approx", "region", "quote")
    for r in rows:
        value = f"{r['value']:g}" + (f"-{r['value_max']:g}" if r["value_max"] is not None else "")
        table.add_row(
            r["fact_id"], r["metric"], r["subject"] or "", value, r["unit"] or "", r["approx"],
            r["region_name"] or "", r["quote"],
        )
    console.print(table)


@app.command()
def check(
    db: DbOption = store.DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Re-run all cross-checks (idempotent) and print them grouped by kind and region."""
    from extract.check import format_report, run_checks

    database = store.open_db(db)
    checks = run_checks(database)
    if as_json:
        sys.stdout.write(json.dumps([c.model_dump(mode="json") for c in checks], ensure_ascii=False, indent=2) + "\n")
    else:
        console.print(format_report(database, checks))


@app.command()
def export(
    what: Annotated[What, typer.Option(help="Which records.")] = What.figures,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.jsonl,
    db: DbOption = store.DEFAULT_DB,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write; stdout if omitted.")] = None,
    since: Annotated[str | None, typer.Option(help="Only records added or changed after this ISO timestamp.")] = None,
    region: Annotated[str | None, typer.Option(help="Region code (prefix match on its level).")] = None,
    metric: Annotated[str | None, typer.Option(help="Metric code (figures only).")] = None,
    bom: Annotated[bool, typer.Option(help="CSV: write a UTF-8 BOM (for spreadsheet software).")] = False,
) -> None:
    """Export records in the documented contract (docs/EXPORT.md)."""
    from extract.export import ExportError, write_export

    database = store.open_db(db)
    try:
        count = write_export(
            database, what.value, format.value, output,
            since=since, region=region, metric=metric, bom=bom,
        )
    except ExportError as error:
        err.print(f"[red]export failed:[/red] {error}")
        raise typer.Exit(2) from error
    if output:
        err.print(f"wrote {count} {what.value} to {output}")


@app.command()
def schema(
    what: Annotated[What | None, typer.Option(help="One record type; all when omitted.")] = None,
) -> None:
    """Print the JSON Schema of the export records, generated from the pydantic models."""
    from schemas import EXPORT_RECORDS

    names = [what.value] if what else list(EXPORT_RECORDS)
    out = {name: EXPORT_RECORDS[name].model_json_schema() for name in names}
    sys.stdout.write(json.dumps(out[names[0]] if what else out, ensure_ascii=False, indent=2) + "\n")


@app.command()
def review(
    db: DbOption = store.DEFAULT_DB,
    host: str = "127.0.0.1",
    port: int = 8000,
    reviewer: Annotated[str | None, typer.Option(help="Your name, recorded with every verdict.")] = None,
) -> None:
    """Start the local review web page for editors."""
    import uvicorn

    from extract.review.app import create_app

    store.open_db(db).close()
    console.print(f"review page: http://{host}:{port}/  (Ctrl+C to stop)")
    loopback = host in ("127.0.0.1", "localhost", "::1")
    hosts = ["127.0.0.1", "localhost", "[::1]"] if loopback else None
    uvicorn.run(create_app(db, reviewer=reviewer, allowed_hosts=hosts), host=host, port=port, log_level="warning")


@app.command(name="eval")
def evaluate(
    gold: Annotated[
        list[Path] | None,
        typer.Option(help="Folder of gold JSON files; repeat to score several sets."),
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(help="Folder of the bulletins (default: follows the gold folder, "
                          "tests/gold/final -> corpus/final)."),
    ] = None,
) -> None:
    """Precision / recall of figures (and approx, metric, part-of accuracy) against gold files."""
    from extract.evaluate import combine, corpus_for, format_report
    from extract.evaluate import evaluate as run_eval

    folders = gold or [Path("tests/gold")]
    reports = []
    for folder in folders:
        source = corpus or corpus_for(folder)
        reports.append(run_eval(folder, source))
        if len(folders) > 1:
            console.print(f"== {folder} ({source})")
        console.print(format_report(reports[-1]))
    if len(folders) > 1:
        console.print("== all sets")
        console.print(format_report(combine(reports), limit=0))


@app.command()
def layout(
    pdf: Annotated[Path, typer.Argument(help="A PDF file.")],
    page: Annotated[int, typer.Option(help="1-based page number.")] = 1,
    png: Annotated[Path, typer.Option(help="Where to write the picture.")] = Path("output/layout.png"),
    db: DbOption = store.DEFAULT_DB,
) -> None:
    """Draw columns, blocks (by kind), reading order and figure boxes of one PDF page."""
    from extract.layout import draw_layout

    boxes: list = []
    if db.exists():
        import hashlib

        document_id = hashlib.sha256(pdf.read_bytes()).hexdigest()
        boxes = [
            tuple(json.loads(r["bbox"]))
            for r in store.open_db(db).query(
                "SELECT bbox FROM figures WHERE document_id = ? AND page = ? AND bbox IS NOT NULL",
                [document_id, page],
            )
        ]
    out = draw_layout(pdf, page, png, figure_boxes=boxes)
    console.print(f"wrote {out}")


if __name__ == "__main__":
    app()
