"""A per-row zone column: each row's zone read (raybench.normalize.times.row_zone), the column found in a
sample (raybench.profile.zones.find_row_zone_column) and each start read in its row's zone."""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl
import pytest

from raybench.layout import StartSpec
from raybench.normalize.times import ZONE_SUFFIX, localize, localize_rows, parse_naive, row_zone
from raybench.profile.zones import find_row_zone_column


@pytest.mark.parametrize("text, zone", [
    ("America/Chicago", "America/Chicago"), (" Europe/London ", "Europe/London"),
    ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("UTC", "UTC"), ("gmt", "UTC"), ("Z", "UTC"),
    ("+05:30", "+05:30"), ("-0500", "-05:00"), ("UTC+2", "+02:00"), ("GMT-03:00", "-03:00"), ("+00:00", "UTC"),
    ("EST", "-05:00"), ("edt", "-04:00"), ("AEST", "+10:00"), ("CST", None), ("IST", None), ("Mars/Olympus", None), ("+15:00", None), ("+05:20", None), ("", None),
    ("America", None), ("2024-01-01", None), (None, None),
])
def test_row_zone(text, zone):
    assert row_zone(text) == zone


def test_fixed_offset_is_read_without_dst():
    frame = pl.DataFrame({"t": [datetime(2024, 3, 5, 9, 25)]})
    start, flag = localize(pl.col("t"), "+05:30")
    got = frame.select(start.alias("s"), flag.alias("f")).row(0)
    assert got == (datetime(2024, 3, 5, 3, 55, tzinfo=timezone.utc), None)
    start, _ = localize(pl.col("t"), "-03:00")
    assert frame.select(start).item() == datetime(2024, 3, 5, 12, 25, tzinfo=timezone.utc)


def test_each_row_in_its_own_zone_and_the_rest_in_the_fallback():
    frame = pl.DataFrame({"t": [datetime(2024, 7, 1, 12, 0)] * 4,
                          "z": ["America/New_York", "Europe/Paris", None, "+09:00"]})
    start, _ = localize_rows(pl.col("t"), pl.col("z"), ["America/New_York", "Europe/Paris", "+09:00"],
                             "America/Chicago")
    got = frame.select(start.alias("s"))["s"].to_list()
    hours = [g.astimezone(timezone.utc).hour for g in got]
    assert hours == [16, 10, 17, 3]  # EDT -4, CEST +2, fallback CDT -5, +9


def test_dst_ambiguous_hour_flagged_in_its_rows_zone():
    frame = pl.DataFrame({"t": [datetime(2024, 11, 3, 1, 30)] * 2, "z": ["America/New_York", "UTC"]})
    start, flag = localize_rows(pl.col("t"), pl.col("z"), ["America/New_York", "UTC"], "UTC")
    assert frame.select(flag.alias("f"))["f"].to_list() == ["dst_ambiguous", None]


def test_zone_column_found_by_its_values_not_its_name():
    frame = pl.DataFrame({"when": ["2024-01-01 10:00"] * 4, "a": ["Europe/Paris", "UTC", "", "Asia/Tokyo"],
                          "b": ["1", "2", "3", "4"]})
    found = find_row_zone_column(frame, skip=("when",))
    assert (found.column, found.values, found.read) == ("a", 3, 3)
    assert set(found.zones) == {"Europe/Paris", "UTC", "Asia/Tokyo"}


def test_no_zone_column_when_too_few_values_name_a_zone():
    frame = pl.DataFrame({"a": ["Europe/Paris"] * 97 + ["Paris"] * 3, "n": [str(i) for i in range(100)]})
    assert find_row_zone_column(frame) is None  # 97% < 98%
    assert find_row_zone_column(pl.DataFrame({"a": ["UTC", ""]})) is None  # too few values
    # bare signed numbers are numbers, not offsets
    assert find_row_zone_column(pl.DataFrame({"a": ["+1", "-2", "+3", "+4"]})) is None


def test_a_zone_after_the_start_is_cut_before_the_format_and_unreadable_words_too():
    spec = StartSpec("t", formats=("%m/%d/%Y %I:%M:%S %p",), zone_suffix=True)
    frame = pl.DataFrame({"t": ["07/15/2024 02:05:07 PM EDT", "07/15/2024 02:05:07 PM +0200",
                                "07/15/2024 02:05:07 PM CST", "07/15/2024 02:05:07 PM"]})
    got = frame.select(parse_naive(pl.col("t"), spec).alias("n"))["n"].to_list()
    assert got == [datetime(2024, 7, 15, 14, 5, 7)] * 4
    zones = frame.select(pl.col("t").str.extract(ZONE_SUFFIX, 1).alias("z"))["z"].to_list()
    assert [row_zone(z) for z in zones] == ["-04:00", "+02:00", None, None]
