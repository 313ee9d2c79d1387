"""Stage 7: exports of articles, figures, organisations and checks (docs/EXPORT.md).

One code path for every record kind and format: `export_records` builds validated records
(the pydantic models in `schemas.exports` are the contract), `write_records` writes them as
JSONL, CSV or Parquet. Filters: `since` (only what was added or changed after a timestamp),
`region` (a code, matched on its own level), `metric` (a code, or a dotted prefix of codes).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import sqlite_utils

from extract import gazetteer
from extract.check import FigureView, current_figures, parse_time, stored_checks
from schemas import EXPORT_RECORDS
from schemas.exports import ArticleRecord, CheckRecord, FigureRecord, OrganizationRecord, Record

FORMATS = ("jsonl", "csv", "parquet")
FLAGGING_VERDICTS = {"inconsistent", "linked"}
"""A check flags its figures unless it found them consistent."""


class ExportError(Exception):
    """An export that cannot be written, with a message for the person who asked for it."""


# --- filters -------------------------------------------------------------------------


def region_prefix(code: str) -> str:
    """`--region` checked (six digits) and turned into the prefix its divisions share
    (`extract.gazetteer.region_prefix`)."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        raise ExportError(f"--region: not a six-digit region code: {code!r}")
    return gazetteer.region_prefix(code)


def in_region(code: str | None, prefix: str | None) -> bool:
    if prefix is None:
        return True
    return code is not None and code.startswith(prefix)


def metric_matches(metric: str | None, wanted: str | None) -> bool:
    """Exact code, or a parent code: `social_workers.certified` also matches `.assistant`."""
    if wanted is None:
        return True
    return metric is not None and (metric == wanted or metric.startswith(wanted + "."))


def parse_since(since: str | None) -> datetime | None:
    if since is None:
        return None
    value = parse_time(since)
    if value is None:
        raise ExportError(f"--since: not an ISO date or timestamp: {since!r}")
    return value


def changed_after(stamp: str | None, since: datetime | None) -> bool:
    if since is None:
        return True
    value = parse_time(stamp)
    return value is not None and value > since


def latest(*stamps: str | None) -> str | None:
    """The latest of several ISO timestamps (any format `parse_time` reads), as written."""
    dated = [(parse_time(s), s) for s in stamps if s]
    dated = [(t, s) for t, s in dated if t is not None]
    return max(dated)[1] if dated else None


# --- records ---------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _check_index(db: sqlite_utils.Database) -> tuple[dict[str, set[str]], dict[str, str], dict[str, str]]:
    """(fact_id -> flagging kinds, fact_id -> latest check stamp, article_id -> story id)."""
    kinds: dict[str, set[str]] = defaultdict(set)
    stamps: dict[str, str] = {}
    story: dict[str, str] = {}
    for check in stored_checks(db):
        stamp = _iso(check.created_at)
        for fid in check.fact_ids:
            if check.verdict in FLAGGING_VERDICTS:
                kinds[fid].add(check.kind.value)
            stamps[fid] = latest(stamps.get(fid), stamp) or stamp
        if check.kind == "reprint":
            for aid in check.article_ids:
                story[aid] = check.details.get("story_id", min(check.article_ids))
    return kinds, stamps, story


def figure_records(db, since=None, region=None, metric=None) -> list[dict]:
    kinds, check_stamps, story = _check_index(db)
    out = []
    for f in current_figures(db):
        if not (in_region(f.region_code, region) and metric_matches(f.metric, metric)):
            continue
        updated = latest(f.updated_at, f.reviewed_at, check_stamps.get(f.fact_id))
        if not changed_after(updated, since):
            continue
        out.append(_figure_record(f, sorted(kinds.get(f.fact_id, ())), story, updated))
    return out


def _record(model: type[Record], source, **overrides) -> dict:
    """A validated export row: each field of `model` taken from `source` (a row or an
    object) by name, unless given in `overrides`."""
    get = source.get if isinstance(source, dict) else (lambda name: getattr(source, name, None))
    values = {name: get(name) for name in model.model_fields if name not in overrides}
    return model(**values, **overrides).model_dump(mode="json")


def _figure_record(f: FigureView, kinds: list[str], story: dict[str, str], updated: str | None) -> dict:
    return _record(
        FigureRecord, f,
        period_start=_iso(f.period_start),
        period_end=_iso(f.period_end),
        bbox=tuple(f.bbox) if f.bbox else None,
        checks=kinds,
        updated_at=updated,
        story_id=story.get(f.article_id, f.article_id),
    )


def article_records(db, since=None, region=None, metric=None) -> list[dict]:
    _no_metric("articles", metric)
    rows = db.query(
        "SELECT a.*, d.path AS document_path FROM articles a "
        "JOIN documents d ON d.document_id = a.document_id ORDER BY d.path, a.seq"
    )
    return [
        _record(ArticleRecord, r, sections=json.loads(r["sections"] or "[]"))
        for r in rows
        if in_region(r["region_code"], region) and changed_after(r["updated_at"], since)
    ]


def organization_records(db, since=None, region=None, metric=None) -> list[dict]:
    """Organisations; the region filter uses the article's region when the body has none."""
    _no_metric("organizations", metric)
    rows = db.query(
        "SELECT o.*, a.document_id AS document_id, a.region_code AS article_region_code "
        "FROM organizations o JOIN articles a ON a.article_id = o.article_id "
        "JOIN documents d ON d.document_id = a.document_id ORDER BY d.path, a.seq, o.char_start"
    )
    return [
        _record(OrganizationRecord, r)
        for r in rows
        if in_region(r["region_code"] or r["article_region_code"], region)
        and changed_after(r["updated_at"], since)
    ]


def check_records(db, since=None, region=None, metric=None) -> list[dict]:
    return [
        _record(CheckRecord, c, kind=c.kind.value, severity=c.severity.value, created_at=_iso(c.created_at))
        for c in stored_checks(db)
        if in_region(c.region_code, region)
        and metric_matches(c.metric, metric)
        and changed_after(_iso(c.created_at), since)
    ]


def _no_metric(what: str, metric: str | None) -> None:
    if metric is not None:
        raise ExportError(f"--metric filters figures and checks, not {what}")


BUILDERS: dict[str, Callable[..., list[dict]]] = {
    "articles": article_records,
    "figures": figure_records,
    "organizations": organization_records,
    "checks": check_records,
}


def export_records(
    db: sqlite_utils.Database,
    what: str,
    *,
    since: str | None = None,
    region: str | None = None,
    metric: str | None = None,
) -> list[dict]:
    """The records of one kind, validated against its model, as JSON-ready dicts."""
    if what not in BUILDERS:
        raise ExportError(f"unknown record kind {what!r}; choose one of {', '.join(BUILDERS)}")
    prefix = region_prefix(region) if region else None
    return BUILDERS[what](db, since=parse_since(since), region=prefix, metric=metric)


# --- formats ---------------------------------------------------------------------------


def field_names(what: str) -> list[str]:
    return list(EXPORT_RECORDS[what].model_fields)


def csv_cell(value) -> str:
    """Null is an empty cell; lists and objects are JSON text; numbers as Python writes them."""
    if value is None:
        return ""
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_jsonl(records: list[dict], fh: IO[str], what: str) -> None:
    for record in records:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_csv(records: list[dict], fh: IO[str], what: str) -> None:
    columns = field_names(what)
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([csv_cell(record.get(c)) for c in columns])


def arrow_schema(model: type[Record]):
    """A pyarrow schema from the record's JSON Schema; objects (check details) as JSON text."""
    import pyarrow as pa

    schema = model.model_json_schema()

    def arrow_type(spec: dict):
        options = [s for s in spec.get("anyOf", [spec]) if s.get("type") != "null"]
        spec = options[0] if options else {"type": "string"}
        kind = spec.get("type")
        if kind == "array":
            items = spec.get("items") or (spec.get("prefixItems") or [{"type": "string"}])[0]
            return pa.list_(arrow_type(items))
        return {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}.get(kind, pa.string())

    return pa.schema(
        [pa.field(name, arrow_type(spec), nullable=True) for name, spec in schema["properties"].items()]
    )


def parquet_table(records: list[dict], what: str):
    model = EXPORT_RECORDS[what]
    schema = arrow_schema(model)
    import pyarrow as pa

    objects = {f.name for f in schema if f.type == pa.string()}
    columns = {}
    for name in schema.names:
        values = [r.get(name) for r in records]
        if name in objects:
            values = [json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v for v in values]
        columns[name] = values
    return pa.table(columns, schema=schema)


def _require_pyarrow() -> None:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as error:
        raise ExportError(
            "Parquet export needs pyarrow, an optional dependency: "
            "pip install 'bulletin-facts[parquet]' (or pip install pyarrow)"
        ) from error


def write_export(
    db: sqlite_utils.Database,
    what: str,
    fmt: str,
    output: Path | str | None,
    *,
    since: str | None = None,
    region: str | None = None,
    metric: str | None = None,
    bom: bool = False,
) -> int:
    """Write one kind of record in one format to `output` (stdout when None); returns the count.

    Files are written to a temporary name and moved into place, so a failed export never
    leaves a half-written file for a downstream job to pick up.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        _require_pyarrow()
        if output is None:
            raise ExportError("Parquet is binary: give an output file with -o FILE")
    records = export_records(db, what, since=since, region=region, metric=metric)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = parquet_table(records, what)
        _atomic(Path(output), lambda tmp: pq.write_table(table, tmp))
        return len(records)
    writer = write_jsonl if fmt == "jsonl" else write_csv
    encoding = "utf-8-sig" if bom and fmt == "csv" else "utf-8"
    if output is None:
        buffer = io.StringIO()
        writer(records, buffer, what)
        text = buffer.getvalue()
        if encoding == "utf-8-sig":
            text = "\ufeff" + text
        sys.stdout.write(text)
        sys.stdout.flush()
        return len(records)

    def write_text(tmp: str) -> None:
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            writer(records, fh, what)

    _atomic(Path(output), write_text)
    return len(records)


def _atomic(path: Path, write: Callable[[str], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from error
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_timestamp() -> str:
    """Now, in the timestamp form `--since` accepts: a downstream job stores it for next time."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
