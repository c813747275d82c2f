"""Start formats the value profile tries (raybench.profile.formats): the compact year-first run of digits
and 12 h clocks with milliseconds."""

from __future__ import annotations

import polars as pl

from raybench.profile.formats import date_time_formats, read_counts_start


def test_a_compact_stamp_with_or_without_its_fraction_is_a_candidate():
    values = pl.Series(["20240715130507.123", "20240715235959", "20240716000001.5"])
    counts = read_counts_start(values, date_time_formats())
    assert counts.get("%Y%m%d%H%M%S%.f") == 3


def test_a_compact_stamp_out_of_range_is_not_read():
    # 14 digits that are no date of a call (an id counting from 1): the range check keeps them out
    values = pl.Series(["10000000000001", "10000000000002"])
    assert "%Y%m%d%H%M%S%.f" not in read_counts_start(values, date_time_formats())


def test_a_12_hour_clock_with_milliseconds_is_a_candidate():
    values = pl.Series(["6/13/2024 7:53:42.155 PM", "6/14/2024 12:05:00.000 AM"])
    counts = read_counts_start(values, date_time_formats())
    assert counts.get("%m/%d/%Y %I:%M:%S%.f %p") == 2
