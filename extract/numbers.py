"""Numerals as written in bulletins -> numbers.

Handles Arabic digits (thousands separators, decimals), Chinese numerals (`两`, `〇`/`零`,
`十百千万亿`, colloquial `一万五` = 15000), and mixtures (`2.11万`, `3千`, `1.96亿`).
Everything here is about the numeral alone; units and approximation words live in
`extract.quantities`.
"""

from __future__ import annotations

import re

CN_DIGITS: dict[str, int] = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS: dict[str, int] = {"万": 10_000, "亿": 100_000_000}
NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)

FULLWIDTH = str.maketrans("０１２３４５６７８９．，％＋－～", "0123456789.,%+-~")
"""Same-length mapping, so character offsets survive normalisation."""

_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+|[" + NUMERAL_CHARS + "]")


class NumeralError(ValueError):
    """The string is not a numeral this module understands."""


def normalize_digits(text: str) -> str:
    """Full-width digits and signs to ASCII, keeping every character's position."""
    return text.translate(FULLWIDTH)


def parse_arabic(text: str) -> float:
    """`1,234.5` -> 1234.5."""
    return float(text.replace(",", ""))


def _tokens(text: str) -> list[str]:
    pos = 0
    tokens: list[str] = []
    for match in _TOKEN.finditer(text):
        if match.start() != pos:
            raise NumeralError(text)
        tokens.append(match.group())
        pos = match.end()
    if pos != len(text) or not tokens:
        raise NumeralError(text)
    return tokens


def parse_number(text: str) -> float:
    """Parse a numeral of either script, with `十百千万亿` multipliers, into a number.

    `一千二百` -> 1200, `两千` -> 2000, `百` -> 100, `2.11万` -> 21100, `二〇二三` -> 2023,
    `一万五` -> 15000 (a trailing bare digit takes the next lower place).
    """
    text = normalize_digits(text.strip())
    tokens = _tokens(text)
    total = 0.0  # finished 亿 groups
    wan = 0.0  # finished 万 group
    section = 0.0  # below 万
    current: float | None = None
    last_unit = 0
    after_zero = False
    arabic = False
    for token in tokens:
        if token in CN_DIGITS:
            if arabic and current is not None:
                raise NumeralError(text)
            digit = CN_DIGITS[token]
            if current is not None and last_unit == 0:
                current = current * 10 + digit  # digit strings: 二〇二三
            elif current is not None and digit and after_zero:
                current = digit
            else:
                current = float(digit)
            after_zero = token in "〇零"
        elif token in SMALL_UNITS:
            section += (1.0 if current is None else current) * SMALL_UNITS[token]
            current, last_unit, after_zero = None, SMALL_UNITS[token], False
        elif token in BIG_UNITS:
            group = section + (current or 0.0)
            if token == "万":
                wan += (group if group else 1.0) * 10_000
            else:
                total = (total + wan + group if (total + wan + group) else 1.0) * 100_000_000
                wan = 0.0
            section, current, last_unit, after_zero = 0.0, None, BIG_UNITS[token], False
        else:
            if current is not None:
                raise NumeralError(text)
            current = parse_arabic(token)
            arabic = True
    if current is not None and last_unit >= 100 and not after_zero and current < 10 and (
        len(tokens) >= 2 and tokens[-2] not in "〇零"
    ):
        current *= last_unit / 10  # 一万五, 三千五
    return total + wan + section + (current or 0.0)


def is_bare_multiplier(text: str) -> bool:
    """True for numerals made of place words only (`百`, `千`, `万`), as in idioms `千家万户`."""
    return bool(text) and all(c in SMALL_UNITS or c in BIG_UNITS for c in text)


def trailing_multiplier(text: str) -> tuple[str, int]:
    """Split a numeral into its body and a final 万/亿 multiplier: `1089万` -> (`1089`, 10000)."""
    if len(text) > 1 and text[-1] in BIG_UNITS:
        return text[:-1], BIG_UNITS[text[-1]]
    return text, 1
