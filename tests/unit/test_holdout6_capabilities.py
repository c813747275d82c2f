"""General capabilities held-out 6 showed missing: start formats the value profile tries (the compact
year-first run of digits, 12 h clocks with milliseconds), Spanish and Portuguese column names, decimal-comma
durations, nine-digit national numbers in a named party column."""

from __future__ import annotations

import polars as pl
import pytest

from raybench.classify.generic import map_generic, name_field
from raybench.normalize.durations import parse_duration
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


@pytest.mark.parametrize("name, field", [
    ("Número destino", "callee"), ("Numero de origem", "caller"), ("Origem", "caller"), ("Destino", "callee"),
    ("Duración (min)", "duration"), ("Duração", "duration"), ("Fecha", "start"), ("Hora", "start_time"),
    ("Tipo de llamada", "record_type"), ("Importe (€)", "ignore"),
])
def test_spanish_and_portuguese_names_read_without_their_accents(name, field):
    assert name_field(name)[0] == field


@pytest.mark.parametrize("unit, raw, want", [
    ("minutes", "3,7333", 224), ("minutes", "2,2833", 137), ("seconds_decimal", "137,4", 137),
    ("minutes", "3,7,3", None),
])
def test_a_decimal_comma_is_a_decimal_point(unit, raw, want):
    assert pl.select(parse_duration(pl.lit(raw), unit)).item() == want


def test_nine_digit_national_numbers_are_parties_only_in_a_column_named_so():
    names = ("Fecha", "Número destino", "Referencia", "Duración (min)")
    values = [["14/06/2024 10:%02d:00" % i for i in range(5)], ["685 555 4%02d" % i for i in range(5)],
              ["61255501%d" % i for i in range(5)], ["1,5"] * 5]
    mapping = map_generic(names, values)
    assert mapping.fields["Número destino"] == "callee"
    assert mapping.fields["Referencia"] not in ("caller", "callee", "partner", "subscriber")
