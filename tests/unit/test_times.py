"""raybench.normalize.times: parse_naive (formats, epochs) and localize (UTC, DST flags)."""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl
import pytest

from raybench.layout import StartSpec
from raybench.normalize.times import (
    TS32298_FORMAT,
    localize,
    name_states_zone,
    parse_naive,
)

ISO = StartSpec("t", None, ("%Y-%m-%d %H:%M:%S",))
UTC = timezone.utc


def _naive(values: list[str | None], spec: StartSpec) -> list[datetime | None]:
    df = pl.DataFrame({"t": pl.Series(values, dtype=pl.String)})
    out = df.select(parse_naive(pl.col("t"), spec).alias("n"))["n"]
    assert out.dtype == pl.Datetime("us")
    return out.to_list()


def _local(values: list[str | None], tz: str) -> list[tuple[datetime | None, str | None]]:
    df = pl.DataFrame({"t": pl.Series(values, dtype=pl.String)})
    start, flag = localize(parse_naive(pl.col("t"), ISO), tz)
    out = df.select(start.alias("u"), flag.alias("f"))
    assert out["u"].dtype == pl.Datetime("us", "UTC")
    return list(zip(out["u"].to_list(), out["f"].to_list()))


def test_parse_naive_single_format():
    assert _naive(["2014-03-02 07:13:30", " 2014-03-02 07:13:30 ", "03/02/2014 07:13:30", "", None],
                  ISO) == [datetime(2014, 3, 2, 7, 13, 30), datetime(2014, 3, 2, 7, 13, 30), None, None, None]


def test_parse_naive_tries_formats_in_order():
    spec = StartSpec("t", None, ("%m/%d/%Y %I:%M %p", "%Y-%m-%d %H:%M:%S"))
    assert _naive(["03/10/2024 2:30 PM", "2024-03-10 14:30:00", "10.03.2024 14:30"], spec) == [
        datetime(2024, 3, 10, 14, 30), datetime(2024, 3, 10, 14, 30), None]


def test_parse_naive_month_first():
    spec = StartSpec("t", None, ("%m/%d/%Y %H:%M:%S",))
    assert _naive(["03/15/2024 14:05:09", "15/03/2024 14:05:09"], spec) == [
        datetime(2024, 3, 15, 14, 5, 9), None]


def test_parse_naive_epoch_seconds():
    spec = StartSpec("t", epoch="s")
    want = datetime.fromtimestamp(1336101842, UTC).replace(tzinfo=None)
    assert want == datetime(2012, 5, 4, 3, 24, 2)
    assert _naive(["1336101842", " 1336101842 ", "0", "x", ""], spec) == [
        want, want, datetime(1970, 1, 1), None, None]


def test_parse_naive_epoch_milliseconds():
    spec = StartSpec("t", epoch="ms")
    assert _naive(["1336101842123", "1336101842", "x"], spec) == [
        datetime(2012, 5, 4, 3, 24, 2, 123000), datetime(1970, 1, 16, 11, 8, 21, 842000), None]


def test_localize_utc_is_passthrough_without_flags():
    got = _local(["2024-03-10 02:30:00", "2024-11-03 01:30:00", "2024-07-01 12:00:00", None], "UTC")
    assert got == [
        (datetime(2024, 3, 10, 2, 30, tzinfo=UTC), None),
        (datetime(2024, 11, 3, 1, 30, tzinfo=UTC), None),
        (datetime(2024, 7, 1, 12, 0, tzinfo=UTC), None),
        (None, None),
    ]


@pytest.mark.parametrize(("raw", "utc", "flag"), [
    # spring gap: 02:30 does not exist; read with the offset before the change (EST, -5h)
    ("2024-03-10 02:30:00", datetime(2024, 3, 10, 7, 30, tzinfo=UTC), "dst_nonexistent"),
    # autumn repeat: 01:30 happens twice; the first occurrence (EDT, -4h)
    ("2024-11-03 01:30:00", datetime(2024, 11, 3, 5, 30, tzinfo=UTC), "dst_ambiguous"),
    # ordinary summer (EDT) and winter (EST) times
    ("2024-07-01 12:00:00", datetime(2024, 7, 1, 16, 0, tzinfo=UTC), None),
    ("2024-01-15 12:00:00", datetime(2024, 1, 15, 17, 0, tzinfo=UTC), None),
    # the edges of the transitions are not flagged
    ("2024-03-10 01:59:59", datetime(2024, 3, 10, 6, 59, 59, tzinfo=UTC), None),
    ("2024-03-10 03:00:00", datetime(2024, 3, 10, 7, 0, tzinfo=UTC), None),
    ("2024-11-03 00:59:59", datetime(2024, 11, 3, 4, 59, 59, tzinfo=UTC), None),
    ("2024-11-03 02:00:00", datetime(2024, 11, 3, 7, 0, tzinfo=UTC), None),
])
def test_localize_new_york(raw, utc, flag):
    assert _local([raw], "America/New_York") == [(utc, flag)]


def test_localize_unparsed_is_null_not_flagged():
    assert _local(["garbage", None], "America/New_York") == [(None, None), (None, None)]


def test_localize_rows_are_independent():
    got = _local(["2024-03-10 02:30:00", "2024-07-01 12:00:00", "2024-11-03 01:30:00"], "America/New_York")
    assert [f for _, f in got] == ["dst_nonexistent", None, "dst_ambiguous"]


def test_a_zone_named_in_a_column_name():
    """``(AEST)`` in a start column's name is UTC+10 (Etc/GMT-10: POSIX sign); ambiguous or half-hour
    abbreviations and a UTC with an offset after it name none; ``UTC``/``GMT`` are UTC."""
    assert name_states_zone("Time (AEST)") == "Etc/GMT-10"
    assert name_states_zone("Call Start EDT") == "Etc/GMT+4"
    assert name_states_zone("Seizure Dt Tm (GMT)") == "UTC"
    assert name_states_zone("Time (GMT+1)") is None
    assert name_states_zone("Time (CST)") is None  # US Central or China
    assert name_states_zone("Time (ACST)") is None  # UTC+9:30
    assert name_states_zone("Estimated start") is None  # capitals only: not the word 'Est'
    assert name_states_zone(None) is None


def test_ts32298_timestamp_in_hex_is_read_with_its_offset():
    # TS 32.298 TimeStamp YYMMDDhhmmssShhmm, local time then the offset; the sign octet 2B is '+', 2D '-'
    spec = StartSpec("t", None, (TS32298_FORMAT,))
    assert _naive(["2407151305072B0200", "2401021200002D0600", "2407151305072b0200", "240715130507+0200",
                   "2407151305072C0200", "2407151305072B02"], spec) == [
        datetime(2024, 7, 15, 11, 5, 7), datetime(2024, 1, 2, 18, 0, 0), datetime(2024, 7, 15, 11, 5, 7),
        datetime(2024, 7, 15, 11, 5, 7), None, None]
