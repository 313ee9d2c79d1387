"""Reading text bulletins: encodings, normalisation, and files that must be refused."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from extract.read import ReadError, decode_text, normalize_text, read_document
from schemas import DocumentKind

DATA = Path(__file__).parent / "data"
ENCODINGS = DATA / "encodings"
BAD = DATA / "bad"


def lines_of(path: Path) -> list[str]:
    return [line.text for line in read_document(path).pages[0].lines]


@pytest.mark.parametrize(
    ("name", "encoding", "headline"),
    [
        ("gbk_bulletin.txt", "gb18030", "福建长汀：社工站让留守老人“老有所依”"),
        ("gb18030_bulletin.txt", "gb18030", "广东乳源：瑶族村寨建起儿童之家"),
        ("utf8_bom_bulletin.txt", "utf-8-sig", "吉林珲春：社区养老服务中心投入运营"),
        ("utf16_bulletin.txt", "utf-16", "河北涉县：社工人才培训班开班"),
        ("big5_bulletin.txt", "big5", "澳門社工：長者服務網絡覆蓋全澳"),
    ],
)
def test_encodings_are_detected(name, encoding, headline):
    path = ENCODINGS / name
    document = read_document(path)
    assert document.encoding == encoding
    assert document.kind == DocumentKind.text
    assert document.pages[0].lines[0].text == headline
    assert document.size == path.stat().st_size
    assert document.document_id == hashlib.sha256(path.read_bytes()).hexdigest()


def test_bom_is_not_part_of_the_text():
    first = lines_of(ENCODINGS / "utf8_bom_bulletin.txt")[0]
    assert not first.startswith("\ufeff")


def test_gb18030_four_byte_character_survives():
    text = "\n".join(lines_of(ENCODINGS / "gb18030_bulletin.txt"))
    assert "刘䶮故里" in text


def test_gbk_file_full_width_figures_become_ascii():
    text = "\n".join(lines_of(ENCODINGS / "gbk_bulletin.txt"))
    assert "全县18个乡镇社工站" in text
    assert "覆盖率达98.5%" in text
    assert "\r" not in text


def test_one_line_per_physical_line():
    path = ENCODINGS / "gbk_bulletin.txt"
    raw_lines = path.read_bytes().decode("gbk").replace("\r\n", "\n").split("\n")
    assert len(lines_of(path)) == len(raw_lines)


def test_published_from_dateline_near_the_top():
    assert read_document(ENCODINGS / "utf8_bom_bulletin.txt").published == date(2024, 6, 3)


def test_published_from_labelled_line(tmp_path):
    path = tmp_path / "dated.txt"
    lines = ["云南弥勒：养老服务站点覆盖全部社区", *["正文一句。"] * 12, "发布时间：2023-11-08 09:30"]
    path.write_text("\n".join(lines), encoding="utf-8")
    assert read_document(path).published == date(2023, 11, 8)


def test_date_inside_a_sentence_is_not_the_published_date(tmp_path):
    path = tmp_path / "body_date.txt"
    path.write_text("安徽金寨：新建儿童之家\n2022年3月1日起，金寨县民政局开展了排查，共走访8个乡镇。\n", encoding="utf-8")
    assert read_document(path).published is None


def test_published_from_a_post_header_with_separate_fields(tmp_path):
    path = tmp_path / "post.txt"
    path.write_text("茶季将至，湄潭这群社工把服务送进茶园\n原创　湄潭民政　2024年04月12日 09:05 贵州\n正文一句。\n", encoding="utf-8")
    assert read_document(path).published == date(2024, 4, 12)


def test_published_from_a_notice_signature_at_the_end(tmp_path):
    path = tmp_path / "notice.txt"
    lines = ["湄潭县民政局关于社会组织年检结果的公告", *["正文一句。"] * 12, "湄潭县民政局", "2024年5月20日"]
    path.write_text("\n".join(lines), encoding="utf-8")
    assert read_document(path).published == date(2024, 5, 20)


def test_date_in_a_closing_sentence_is_not_the_published_date(tmp_path):
    path = tmp_path / "closing.txt"
    lines = ["湄潭县茶乡社工站建设纪实", *["正文一句。"] * 12, "活动将持续到2024年5月20日。"]
    path.write_text("\n".join(lines), encoding="utf-8")
    assert read_document(path).published is None


@pytest.mark.parametrize(
    ("name", "reason_part"),
    [
        ("empty.txt", "empty"),
        ("blank.txt", "no text"),
        ("junk.txt", "binary"),
        ("junk_no_nul.txt", "encoding"),
        ("gbk_valid_garbage.txt", "not readable text"),
        ("png_renamed.txt", "binary"),
        ("latin1.txt", "encoding"),
        ("notes.docx", "unsupported file type"),
    ],
)
def test_bad_files_raise_read_error_with_path_and_reason(name, reason_part):
    path = BAD / name
    with pytest.raises(ReadError) as caught:
        read_document(path)
    error = caught.value
    assert error.path == str(path)
    assert reason_part in error.reason
    assert str(path) in str(error) and error.reason in str(error)


def test_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(ReadError, match="cannot open"):
        read_document(tmp_path / "nope.txt")


def test_garbage_is_never_decoded_as_gb18030():
    data = (BAD / "gbk_valid_garbage.txt").read_bytes()
    data.decode("gb18030")  # valid bytes, meaningless characters
    with pytest.raises(ReadError):
        decode_text(data)


def test_normalisation_is_one_to_one_for_mapped_characters():
    source = "覆盖率ＡＢ１００％，人均３．５次，Ｖｅｒ．２"
    normalised = normalize_text(source)
    assert normalised == "覆盖率AB100%，人均3.5次，Ver．2"
    assert len(normalised) == len(source)


def test_invisible_and_control_characters_are_removed_line_breaks_kept():
    source = "持证\u200b社工\u0007185人\r\n其中\u200d，\ufeff助理\t143人\x00"
    assert normalize_text(source) == "持证社工185人\n其中，助理 143人"


def test_pdf_is_dispatched_to_the_pdf_reader():
    pdf = next((Path(__file__).parents[1] / "corpus" / "pdf").glob("*.pdf"), None)
    if pdf is None:
        pytest.skip("no PDF in corpus/pdf")
    pytest.importorskip("extract.pdf")
    document = read_document(pdf)
    assert document.kind == DocumentKind.pdf
    assert document.document_id == hashlib.sha256(pdf.read_bytes()).hexdigest()


def radical_spelling(text: str) -> str:
    """`text` with every hanzi that has a Kangxi radical or CJK radical form written as that
    form, the way some PDF text layers (and text copied from them) carry it."""
    import unicodedata

    forms: dict[str, str] = {}
    for code in range(0x2E80, 0x2FE0):
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and folded != chr(code):
            forms.setdefault(folded, chr(code))
    return "".join(forms.get(ch, ch) for ch in text)


def test_kangxi_radicals_and_compatibility_ideographs_fold_one_to_one():
    assert normalize_text("⼈⼯⽂⾦⺟") == "人工文金母"
    assert normalize_text("\uf900\ufa10\U0002f800") == "豈塚丽"
    assert normalize_text("⼀\u3000⼆") == "一\u3000二"
    spelled = radical_spelling("全县共有社工人员185人，发放资金12.6万元。")
    assert spelled != "全县共有社工人员185人，发放资金12.6万元。"
    assert len(normalize_text(spelled)) == len(spelled)


def figure_facts(path: Path) -> list[tuple]:
    from extract.pipeline import extract_document

    return [(f.value, f.value_max, f.unit, f.approx, f.metric, f.subject, f.quote, f.char_start, f.char_end,
             f.region.code if f.region else None)
            for _, facts, _ in extract_document(path)[1] for f in facts.figures]


def test_bulletin_written_with_radicals_gives_the_same_figures(tmp_path: Path):
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    plain = (corpus / "05_shandong_yishui.txt").read_text(encoding="utf-8")
    spelled = radical_spelling(plain)
    assert sum(a != b for a, b in zip(plain, spelled, strict=True)) > 20
    (tmp_path / "plain.txt").write_text(plain, encoding="utf-8")
    (tmp_path / "radicals.txt").write_text(spelled, encoding="utf-8")
    facts = figure_facts(tmp_path / "plain.txt")
    assert facts and figure_facts(tmp_path / "radicals.txt") == facts
