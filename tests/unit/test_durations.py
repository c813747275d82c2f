"""raybench.normalize.durations.parse_duration: each unit, a passing and a failing value."""

from __future__ import annotations

import polars as pl
import pytest

from raybench.normalize.durations import parse_duration


def _parse(values: list[str | None], unit: str) -> list[int | None]:
    df = pl.DataFrame({"d": pl.Series(values, dtype=pl.String)})
    out = df.select(parse_duration(pl.col("d"), unit).alias("s"))["s"]
    assert out.dtype == pl.Int64
    return out.to_list()


@pytest.mark.parametrize(("unit", "raw", "want"), [
    ("seconds", "42", 42),
    ("seconds", " 7 ", 7),
    ("seconds", "0", 0),
    ("seconds", "-6", -6),          # read; duration_range rejects it
    ("seconds", "1.5", None),
    ("seconds", "abc", None),
    ("seconds", "", None),
    ("mm_ss", "2:30", 150),
    ("mm_ss", "0:05", 5),
    ("mm_ss", "75:02", 4502),        # minutes may pass 59 (AT&T ET)
    ("mm_ss", "1:75", None),         # seconds may not
    ("mm_ss", "3:4", None),
    ("mm_ss", "12", None),
    ("mm_ss", "1:02:03", None),
    ("hh_mm_ss", "1:02:03", 3723),
    ("hh_mm_ss", "00:00:59", 59),
    ("hh_mm_ss", "25:00:00", 90000),
    ("hh_mm_ss", "01:60:00", None),
    ("hh_mm_ss", "01:00:60", None),
    ("hh_mm_ss", "00:02:17.482", 137),  # a fraction of a second is rounded
    ("hh_mm_ss", "01:00:45.718", 3646),
    ("hh_mm_ss", "00:00:59.5x", None),
    ("hh_mm_ss", "10:00", None),
    ("minutes", "3", 180),
    ("minutes", "0", 0),
    ("minutes", "2.5", 150),         # tenths of a minute (6-second billing)
    ("minutes", "68.9", 4134),
    ("minutes", "x", None),
    ("ms", "1499", 1),
    ("ms", "1501", 2),
    ("ms", "60000", 60),
    ("ms", "0", 0),
    ("ms", "abc", None),
])
def test_parse_duration(unit, raw, want):
    assert _parse([raw], unit) == [want]


@pytest.mark.parametrize("unit", ["seconds", "mm_ss", "hh_mm_ss", "minutes", "ms"])
def test_null_stays_null(unit):
    assert _parse([None], unit) == [None]


def test_vectorised_rows_do_not_mix():
    assert _parse(["75:02", "1:75", None, "0:00", "10:59"], "mm_ss") == [4502, None, None, 0, 659]


def test_unknown_unit_raises():
    with pytest.raises(ValueError, match="fortnights"):
        parse_duration(pl.col("d"), "fortnights")  # type: ignore[arg-type]


def test_durations_in_japanese_chinese_and_korean_words():
    """``2分17秒``, ``1時間00分43秒`` (Japanese bills), ``1小时2分钟3秒``, ``2분 17초``: hours, minutes and seconds
    in words (issue 13, held-out 7)."""
    import polars as pl

    from raybench.normalize.durations import parse_duration

    values = ["2分17秒", "1時間00分43秒", "0分20秒", "3分", "1小时2分钟3秒", "2분 17초", "-", "17秒2分"]
    got = pl.DataFrame({"v": values}).select(parse_duration(pl.col("v"), "hms_words")).to_series().to_list()
    assert got == [137, 3643, 20, 180, 3723, 137, None, None]


def test_a_comma_between_thousands_of_seconds_is_decided_per_column():
    """``"3,958"`` in a column of seconds: thousands where every comma value is so grouped and every plain
    value is under 1000; a decimal comma where a comma has other than three digits after it; in doubt
    where plain values of 1000 or more stand beside grouped ones (issue 13, held-out 7)."""
    import polars as pl

    from raybench.normalize.durations import comma_grouping, parse_duration

    assert comma_grouping(["737", "3,958", "21", "5,297", "12,030"]) == "thousands"
    assert comma_grouping(['"3,958"', "999"]) == "thousands"
    assert comma_grouping(["2,5", "3,958", "12"]) == "decimal"
    assert comma_grouping(["1500", "3,958"]) == "ambiguous"
    assert comma_grouping(["12", "1500"]) is None
    got = pl.DataFrame({"v": ["3,958", "737", "1,234,567", "3,95", "3.958", ""]}).select(
        parse_duration(pl.col("v"), "seconds_grouped")).to_series().to_list()
    assert got == [3958, 737, 1234567, None, None, None]
