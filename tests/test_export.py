"""Exports: one code path for every record kind and format, round trips, JSON Schema,
review status and check kinds on figures, `--since`, filters, the CLI, the docs, datasette."""

from __future__ import annotations

import csv
import json
import re
import sys
import time
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT
from extract import store
from extract.check import run_checks
from extract.export import ExportError, export_records, write_export
from factories import OTHER_PROVINCE, A, F, add_review, fact_ids, save
from schemas import EXPORT_RECORDS

KINDS = list(EXPORT_RECORDS)
MAY20 = date(2024, 5, 20)
BODY_A = "记者从县民政局获悉，全县现有持证社工185人，其中社会工作师42人，永宁县民政局表示将继续培养。"
BODY_B = "县里高度重视社工人才培养，目前全县持证社工达210人，社工站覆盖率达120%。"


@pytest.fixture
def filled(db):
    """Two documents whose figures trigger a conflict, a parts sum and an impossible value."""
    save(db, "bulletins/a.txt", [A(BODY_A, [
        F("持证社工185人", 185),
        F("社会工作师42人", 42, "social_workers.certified.intermediate", part_of=0),
    ], headline="宁夏永宁：持证社工队伍壮大", outlet="宁夏日报")], MAY20)
    save(db, "bulletins/b.txt", [A(BODY_B, [
        F("持证社工达210人", 210),
        F("社工站覆盖率达120%", 120, "stations.coverage", unit="%"),
    ], outlet="银川晚报")], MAY20)
    db["organizations"].insert({
        "article_id": db.execute("SELECT article_id FROM articles LIMIT 1").fetchone()[0],
        "name": "永宁县民政局", "full_name": "永宁县民政局", "kind": "government",
        "region_code": "640121", "char_start": 5, "char_end": 11, "updated_at": store.now(),
    })
    run_checks(db)
    return db


def validator(what: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(EXPORT_RECORDS[what].model_json_schema())


def from_csv_cell(cell: str, spec: dict):
    """Undo the CSV encoding documented in docs/EXPORT.md, guided by the JSON Schema."""
    if cell == "":
        return None
    types = {s.get("type") for s in spec.get("anyOf", [spec])}
    if types & {"array", "object"}:
        return json.loads(cell)
    if "integer" in types:
        return int(cell)
    if "number" in types:
        return float(cell)
    return cell


def read_back(path: Path, what: str, fmt: str) -> list[dict]:
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "csv":
        props = EXPORT_RECORDS[what].model_json_schema()["properties"]
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        return [{k: from_csv_cell(v, props[k]) for k, v in row.items()} for row in rows]
    import pyarrow.parquet as pq

    rows = pq.read_table(path).to_pylist()
    for row in rows:
        if "details" in row:
            row["details"] = json.loads(row["details"])
        if row.get("bbox") is not None:
            row["bbox"] = list(row["bbox"])
    return rows


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
@pytest.mark.parametrize("what", KINDS)
def test_every_format_round_trips_and_validates(filled, tmp_path, what, fmt):
    out = tmp_path / f"{what}.{fmt}"
    count = write_export(filled, what, fmt, out)
    expected = export_records(filled, what)
    assert count == len(expected) > 0
    rows = read_back(out, what, fmt)
    schema = validator(what)
    for row in rows:
        schema.validate(row)
    normalise = json.loads(json.dumps(expected))
    assert rows == normalise


def test_csv_with_bom_for_spreadsheets(filled, tmp_path):
    out = tmp_path / "figures.csv"
    write_export(filled, "figures", "csv", out, bom=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "持证社工185人".encode() in raw
    write_export(filled, "figures", "csv", out)
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_figures_follow_the_export_contract(filled):
    records = {r["value"]: r for r in export_records(filled, "figures")}
    design = ROOT.parent / "shared" / "DESIGN.md"
    if design.exists():
        listed = re.search(r"Figures:\s*`([^`]+)`", design.read_text(encoding="utf-8")).group(1)
        contract = [n.strip() for n in re.sub(r"\([^)]*\)", "", listed).split(",")]
        assert list(records[185])[: len(contract)] == contract
    total, part = records[185], records[42]
    assert part["part_of"] == total["fact_id"] and total["part_of"] is None
    assert total["document_path"] == "bulletins/a.txt" and total["source_outlet"] == "宁夏日报"
    assert total["headline"] == "宁夏永宁：持证社工队伍壮大"
    assert total["region_code"] == "640121" and total["region_name"].endswith("永宁县")
    assert total["quote"] == "持证社工185人" and total["review_status"] == "unreviewed"
    assert total["checks"] == ["conflict"]
    assert records[210]["checks"] == ["conflict"] and records[120]["checks"] == ["impossible_value"]
    assert records[42]["checks"] == []  # a consistent parts sum flags nothing


def test_review_status_and_corrections_are_applied(filled):
    [wrong] = fact_ids(filled, 210)
    [right] = fact_ids(filled, 185)
    [coverage] = fact_ids(filled, 120)
    add_review(filled, wrong, "reject")
    add_review(filled, wrong, "correct", {"value": 185, "approx": "about"})
    add_review(filled, right, "confirm")
    add_review(filled, coverage, "reject")
    by_id = {r["fact_id"]: r for r in export_records(filled, "figures")}
    assert by_id[wrong]["review_status"] == "corrected"
    assert (by_id[wrong]["value"], by_id[wrong]["approx"]) == (185, "about")
    assert by_id[right]["review_status"] == "confirmed"
    assert by_id[coverage]["review_status"] == "rejected"
    run_checks(filled)
    by_id = {r["fact_id"]: r for r in export_records(filled, "figures")}
    assert by_id[wrong]["checks"] == [] and by_id[coverage]["checks"] == []


def test_since_returns_only_what_two_ingests_and_a_review_changed(db):
    save(db, "a.txt", [A(BODY_A, [F("持证社工185人", 185)])], MAY20)
    first_ids = {r["fact_id"] for r in export_records(db, "figures")}
    time.sleep(0.01)
    mark = store.now()
    time.sleep(0.01)
    save(db, "a.txt", [A(BODY_A, [F("持证社工185人", 185)])], MAY20, version="v2")  # re-ingest
    save(db, "c.txt", [A("全市登记社会组织1200家。", [F("社会组织1200家", 1200, "orgs.registered", unit="家")])], MAY20)
    changed = export_records(db, "figures", since=mark)
    assert [r["value"] for r in changed] == [1200]
    assert [r["document_path"] for r in export_records(db, "articles", since=mark)] == ["c.txt"]
    assert {r["fact_id"] for r in export_records(db, "figures")} >= first_ids  # ids stable
    time.sleep(0.01)
    second = store.now()
    assert export_records(db, "figures", since=second) == []
    time.sleep(0.01)
    add_review(db, next(iter(first_ids)), "confirm")
    assert [r["value"] for r in export_records(db, "figures", since=second)] == [185]
    assert export_records(db, "figures", since="2999-01-01") == []
    assert len(export_records(db, "figures", since="2000-01-01")) == 2


def test_region_and_metric_filters(filled):
    save(filled, "sc.txt", [A("全省持证社工9000人。", [F("持证社工9000人", 9000, region=OTHER_PROVINCE)],
                              region=OTHER_PROVINCE)], MAY20)
    values = lambda **kw: sorted(r["value"] for r in export_records(filled, "figures", **kw))  # noqa: E731
    assert values(region="640000") == [42, 120, 185, 210]
    assert values(region="640100") == [42, 120, 185, 210]
    assert values(region="640122") == []
    assert values(region="510000") == [9000]
    assert values(metric="social_workers.certified") == [42, 185, 210, 9000]
    assert values(metric="stations.coverage") == [120]
    assert [r["kind"] for r in export_records(filled, "checks", metric="stations.coverage")] == ["impossible_value"]
    assert len(export_records(filled, "articles", region="510000")) == 1
    with pytest.raises(ExportError, match="six-digit"):
        export_records(filled, "figures", region="64")
    with pytest.raises(ExportError, match="--metric"):
        export_records(filled, "articles", metric="stations.coverage")
    with pytest.raises(ExportError, match="--since"):
        export_records(filled, "figures", since="yesterday")


def test_parquet_without_pyarrow_is_a_clear_error(filled, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ExportError, match="pip install"):
        write_export(filled, "figures", "parquet", tmp_path / "x.parquet")
    assert not (tmp_path / "x.parquet").exists()


def test_cli_export_to_file_and_stdout(filled, tmp_path):
    from typer.testing import CliRunner

    from extract.cli import app

    db_path = tmp_path / "test.db"
    runner = CliRunner()
    out = tmp_path / "fig.csv"
    result = runner.invoke(app, ["export", "--what", "figures", "-f", "csv", "--db", str(db_path), "-o", str(out), "--bom"])
    assert result.exit_code == 0, result.output
    assert len(read_back(out, "figures", "csv")) == 4
    result = runner.invoke(app, ["export", "--what", "checks", "--db", str(db_path), "--region", "640121"])
    assert result.exit_code == 0, result.output
    kinds = sorted(json.loads(line)["kind"] for line in result.stdout.splitlines())
    assert kinds == ["conflict", "impossible_value", "parts_sum"]
    result = runner.invoke(app, ["export", "-f", "parquet", "--db", str(db_path)])
    assert result.exit_code == 2 and "-o FILE" in result.output
    result = runner.invoke(app, ["schema", "--what", "figures"])
    assert result.exit_code == 0 and "review_status" in json.loads(result.stdout)["properties"]


def test_every_field_is_documented():
    doc = (ROOT / "docs" / "EXPORT.md").read_text(encoding="utf-8")
    for what, model in EXPORT_RECORDS.items():
        section = doc.split(f"## {what}", 1)[1].split("\n## ", 1)[0]
        documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M))
        assert documented == set(model.model_fields), (what, set(model.model_fields) ^ documented)


def test_datasette_metadata_facets_and_queries_work_on_the_database(filled):
    meta = json.loads((ROOT / "datasette" / "metadata.json").read_text(encoding="utf-8"))
    database = meta["databases"]["bulletins"]
    def column(facet) -> str:
        return facet if isinstance(facet, str) else next(iter(facet.values()))

    for table, spec in database["tables"].items():
        columns = {r[1] for r in filled.execute(f"PRAGMA table_info({table})").fetchall()}
        assert {column(f) for f in spec.get("facets", [])} <= columns, table
    facets = {column(f) for spec in database["tables"].values() for f in spec.get("facets", [])}
    flagged = dict(filled.execute("SELECT quote, flagged_by FROM figure_status").fetchall())
    assert json.loads(flagged["社工站覆盖率达120%"]) == ["impossible_value"]
    assert json.loads(flagged["社会工作师42人"]) == []
    assert {"region_code", "metric", "review_status"} <= facets
    queries = database["queries"]
    for kind in ("parts_sum", "conflict", "cumulative_decrease", "impossible_value", "reprint"):
        rows = filled.execute(queries[kind]["sql"]).fetchall()
        expected = filled.execute("SELECT count(*) FROM checks WHERE kind = ?", [kind]).fetchone()[0]
        assert len({r[0] for r in rows}) == expected, kind
