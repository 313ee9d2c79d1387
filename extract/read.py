"""Stage 1: a source file becomes a Document of pages of lines.

Text files (`.txt`, `.md`) are decoded strictly (UTF-8, UTF-8 with BOM, UTF-16 with BOM,
GB18030/GBK with a plausibility check), normalised character for character and split into
one Line per physical line. PDFs are handed to `extract.pdf.read_pdf`.
Anything that is not readable text raises `ReadError` with the path and the reason, so that
a batch can record the failure and go on.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from pathlib import Path

from schemas import Document, DocumentKind, Line, Page

TEXT_SUFFIXES = {".txt", ".md"}
PDF_SUFFIXES = {".pdf"}

BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}
KEEP_CONTROLS = {"\n"}
WHITESPACE_CONTROLS = {"\t", "\v", "\f"}
"""Control characters that stand for a space in text; mapped to one ASCII space."""

FULLWIDTH_MAP = {chr(c): chr(c - 0xFEE0) for c in range(ord("０"), ord("９") + 1)}
FULLWIDTH_MAP.update({chr(c): chr(c - 0xFEE0) for c in range(ord("Ａ"), ord("Ｚ") + 1)})
FULLWIDTH_MAP.update({chr(c): chr(c - 0xFEE0) for c in range(ord("ａ"), ord("ｚ") + 1)})
FULLWIDTH_MAP["％"] = "%"
FULLWIDTH_MAP["＋"] = "+"
FULLWIDTH_MAP["－"] = "-"

CJK_COMPAT_RANGES = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
"""CJK radicals supplement, Kangxi radicals, CJK compatibility ideographs (and their
supplement): PDF text layers emit these for ordinary hanzi (`⼈` for `人`, `⽂` for `文`)."""
CJK_COMPAT_MAP = {
    chr(c): folded
    for lo, hi in CJK_COMPAT_RANGES
    for c in range(lo, hi + 1)
    if len(folded := unicodedata.normalize("NFKC", chr(c))) == 1 and folded != chr(c)
}
"""Each such character NFKC folds to one ordinary hanzi, so the fold keeps offsets valid."""

MIN_PLAUSIBLE_SHARE = 0.97
"""Share of decoded characters that must be ordinary text (CJK, ASCII, punctuation)."""
MIN_COMMON_HANZI_SHARE = 0.6
"""Share of hanzi that must be GB2312 level-1 (the 3755 common characters) for GB18030."""
MAX_CONTROL_SHARE = 0.01

DATELINE_SCAN_LINES = 8
DATE_PATTERNS = [
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
]
SIGNATURE_SCAN_LINES = 3
HEADER_MAX_CHARS = 40
HEADER_FIELD_SEP = re.compile(r"\u3000|\s{2,}|[｜|丨]")
DATE_ONLY = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2})"
    r"\s*(?:(?:星期|周)[一二三四五六日天])?$"
)
DATE_LABEL = re.compile(r"^\s*(?:日期|发布时间|发布日期|时间|来源时间)\s*[：:]")


class ReadError(Exception):
    """A file that cannot be read as a bulletin; carries the path and a human reason."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def source_bytes(path: Path) -> bytes:
    """The bytes of a bulletin file; ReadError for an unsupported type, an unreadable or an
    empty file. A document's id is the SHA-256 of these bytes."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | PDF_SUFFIXES:
        raise ReadError(path, f"unsupported file type {suffix or '(no suffix)'!r}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(path, f"cannot open file: {exc.strerror or exc}") from exc
    if not data:
        raise ReadError(path, "empty file (0 bytes)")
    return data


def read_document(path: Path) -> Document:
    """Read one bulletin file (text or PDF) into a Document keyed by the SHA-256 of its bytes."""
    path = Path(path)
    suffix = path.suffix.lower()
    data = source_bytes(path)
    document_id = hashlib.sha256(data).hexdigest()
    if suffix in PDF_SUFFIXES:
        from extract.pdf import read_pdf

        return read_pdf(path, document_id)
    text, encoding = decode_text(data, path)
    text = normalize_text(text)
    if suffix == ".md":
        from extract.markdown import markdown_to_text

        text = markdown_to_text(text)
    if not text.strip():
        raise ReadError(path, "file contains no text (only whitespace or invisible characters)")
    lines = [Line(text=line, page=1) for line in text.split("\n")]
    return Document(
        document_id=document_id,
        path=str(path),
        kind=DocumentKind.text,
        size=len(data),
        encoding=encoding,
        pages=[Page(number=1, lines=lines)],
        published=find_published(text),
    )


def decode_text(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode bytes strictly; return the text and the encoding name, or raise ReadError.

    Order: a byte-order mark decides; then strict UTF-8; then GB18030 (a superset of GBK),
    accepted only when the result looks like real Chinese text, because GB18030 maps almost
    any byte sequence to some character and junk must not come out as garbage text.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReadError(path, f"invalid {encoding} after its byte-order mark") from exc
            check_plausible(text, path, encoding)
            return text.removeprefix("\ufeff"), encoding
    if b"\x00" in data:
        raise ReadError(path, "binary data (NUL bytes), not a text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        check_plausible(text, path, "utf-8")
        return text, "utf-8"
    try:
        text = data.decode("gb18030")
        check_plausible(text, path, "gb18030")
        if common_hanzi_share(text) < MIN_COMMON_HANZI_SHARE:
            raise ReadError(path, "unknown encoding: bytes decode as GB18030 but not as Chinese text")
    except (UnicodeDecodeError, ReadError) as exc:
        second = second_opinion(data, path)
        if second is None:
            if isinstance(exc, ReadError):
                raise
            raise ReadError(path, "unknown encoding: not UTF-8, UTF-16 or GB18030/GBK text") from exc
        return second
    return text, "gb18030"


SECOND_OPINION_ENCODINGS = {"big5", "big5hkscs", "cp950"}
"""Other Chinese encodings a bulletin may come in (traditional-character offices in Hong Kong,
Macao, Taiwan); accepted only on charset-normalizer's word and as real Chinese text."""


def second_opinion(data: bytes, path: Path | str) -> tuple[str, str] | None:
    """charset-normalizer's best guess, when it is a known Chinese encoding and reads as Chinese."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding not in SECOND_OPINION_ENCODINGS:
        return None
    text = str(best)
    try:
        check_plausible(text, path, best.encoding)
    except ReadError:
        return None
    if common_hanzi_share(text) < MIN_COMMON_HANZI_SHARE:
        return None
    return text, best.encoding


def is_plain_char(ch: str) -> bool:
    """Characters ordinary bulletin text is made of."""
    if ch in "\n\r\t " or ch in ZERO_WIDTH:
        return True
    code = ord(ch)
    if 0x20 <= code < 0x7F:
        return True
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
        return True
    if 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0x2000 <= code <= 0x206F:
        return True
    category = unicodedata.category(ch)
    return category[0] in "LNPS" and category != "Co"


def check_plausible(text: str, path: Path | str, encoding: str) -> None:
    """Reject decoded text that is mostly control characters or symbols: binary junk."""
    if not text:
        return
    controls = sum(
        1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v"
    )
    if controls / len(text) > MAX_CONTROL_SHARE:
        raise ReadError(path, f"binary data: {controls} control characters in {encoding} text")
    plain = sum(1 for ch in text if is_plain_char(ch))
    if plain / len(text) < MIN_PLAUSIBLE_SHARE:
        raise ReadError(path, f"binary data: decodes as {encoding} but is not readable text")


def common_hanzi_share(text: str) -> float:
    """Share of the hanzi in `text` that are GB2312 level-1 characters (the common ones)."""
    hanzi = [ch for ch in text if 0x4E00 <= ord(ch) <= 0x9FFF]
    if not hanzi:
        return 1.0
    common = 0
    for ch in hanzi:
        try:
            encoded = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if 0xB0 <= encoded[0] <= 0xD7:
            common += 1
    return common / len(hanzi)


def normalize_text(text: str) -> str:
    """Map full-width digits, letters and `％` to ASCII and Kangxi radicals and compatibility
    ideographs to their ordinary hanzi, one to one; drop invisible characters.

    Line breaks become `\\n`; other control characters are removed, except tab-like ones,
    which become a space. A full-width `．` between two digits becomes `.`.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in ZERO_WIDTH:
            continue
        if ch in WHITESPACE_CONTROLS:
            out.append(" ")
            continue
        if ch not in KEEP_CONTROLS and unicodedata.category(ch) == "Cc":
            continue
        if ch == "．" and is_digit_at(text, i - 1) and is_digit_at(text, i + 1):
            out.append(".")
            continue
        out.append(FULLWIDTH_MAP.get(ch) or CJK_COMPAT_MAP.get(ch, ch))
    return "".join(out)


def is_digit_at(text: str, i: int) -> bool:
    if not 0 <= i < len(text):
        return False
    ch = text[i]
    return (ch.isascii() and ch.isdigit()) or "０" <= ch <= "９"


def find_published(text: str) -> date | None:
    """The document's date: a `日期：`/`发布时间` line anywhere, a dateline near the top, or a
    date line closing the document (a notice's signature: `龙泉市民政局` / `2024年5月20日`)."""
    lines = [line for line in text.split("\n") if line.strip()]
    labelled = [line for line in lines if DATE_LABEL.match(line)]
    for line in labelled + lines[:DATELINE_SCAN_LINES]:
        found = parse_date(line)
        if found and (line in labelled or is_dateline(line)):
            return found
    for line in reversed(lines[-SIGNATURE_SCAN_LINES:]):
        found = parse_date(line)
        if found and is_date_only(line):
            return found
    return None


def is_dateline(line: str) -> bool:
    """A short line that is mostly a date (not a body sentence mentioning one), or a post's
    header whose fields (account, date, time) stand apart: `原创　吉首民政　2024年06月03日 18:30`."""
    stripped = re.sub(r"\s", "", line)
    if re.search(r"[。；！？]", stripped):
        return False
    if len(stripped) <= 24:
        return True
    fields = HEADER_FIELD_SEP.split(line.strip())
    return len(stripped) <= HEADER_MAX_CHARS and "，" not in stripped and any(
        parse_date(field) and field.strip().startswith(("19", "20")) for field in fields
    )


def is_date_only(line: str) -> bool:
    """A line holding a date and nothing else (a weekday may follow)."""
    return bool(DATE_ONLY.match(line.strip()))


def parse_date(line: str) -> date | None:
    for pattern in DATE_PATTERNS:
        match = pattern.search(line)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
    return None
