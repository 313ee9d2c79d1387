"""Number grammar: Arabic and Chinese numerals parse back to the integer they write."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.numbers import NumeralError, parse_number

DIGITS = "零一二三四五六七八九"


def _below_wan(n: int, liang: bool) -> str:
    """Chinese for 0 < n < 10000, with 零 for gaps; `liang` writes 2 before 百/千 as 两."""
    out, zero = "", False
    for unit, value in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit, n = divmod(n, value)
        if digit:
            if zero and out:
                out += "零"
            char = "两" if liang and digit == 2 and unit in ("百", "千") else DIGITS[digit]
            out += char + unit
            zero = False
        elif out:
            zero = True
    return out


def to_chinese(n: int, liang: bool = False) -> str:
    """Standard written Chinese numeral for 0 <= n < 10**12."""
    if n == 0:
        return "零"
    parts, groups = [], []
    while n:
        n, low = divmod(n, 10_000)
        groups.append(low)
    for i in reversed(range(len(groups))):
        low = groups[i]
        if not low:
            continue
        text = _below_wan(low, liang)
        if parts and low < 1000:
            text = "零" + text
        parts.append(text + ["", "万", "亿", "万亿"][i])
    return "".join(parts)


@given(st.integers(min_value=0, max_value=10**15))
def test_arabic_digits(n):
    assert parse_number(str(n)) == n


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_with_thousands_separators(n):
    assert parse_number(f"{n:,}") == n


@given(st.integers(min_value=0, max_value=99_999_999))
def test_chinese_numerals(n):
    assert parse_number(to_chinese(n)) == n


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_with_liang(n):
    assert parse_number(to_chinese(n, liang=True)) == n


@given(st.integers(min_value=1, max_value=9_999), st.integers(min_value=0, max_value=9_999))
def test_wan_multiplier_on_arabic(high, low):
    text = f"{high}万" if low == 0 else f"{high + low / 10_000:.4f}万"
    assert parse_number(text) == pytest.approx(high * 10_000 + low)


@given(st.integers(min_value=1, max_value=9_999))
def test_wan_multiplier_on_chinese(n):
    assert parse_number(to_chinese(n) + "万") == n * 10_000
    assert parse_number(to_chinese(n, liang=True) + "万") == n * 10_000


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一千二百", 1200), ("两千", 2000), ("百", 100), ("十五", 15), ("二〇二三", 2023),
        ("一万五", 15000), ("三千五", 3500), ("一千零五", 1005), ("2.11万", 21100),
        ("1.96亿", 196_000_000), ("3千", 3000), ("一亿二千万", 120_000_000), ("1,234.5", 1234.5),
    ],
)
def test_written_forms(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "3五", "一x"])
def test_not_numerals(text):
    with pytest.raises(NumeralError):
        parse_number(text)
