"""Validation rules: each has an id, says which layouts it applies to, and is a polars expression.

A rule's expression is evaluated on the normalised frame built by :mod:`raybench.normalize.frame` (its
canonical columns plus the ``_``-prefixed helper columns) and is True where the row passes. A row that
fails any applicable rule goes to ``quarantine`` with the failed ids in ``reasons``. Two more reasons are
given before a row reaches a frame: ``field_count`` (wrong number of fields) and ``encoding`` (bytes
that do not decode), plus ``quoting`` (a quote that does not close inside the record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import polars as pl

from raybench.layout import Layout

PARSE_REASONS = {
    "field_count": "the record has a number of fields the layout does not accept",
    "encoding": "the record holds bytes that do not decode in the file's encoding",
    "quoting": "a double quote opens a field that does not close inside the record",
    "record_length": "a fixed-width record too short to hold every column of the layout",
}

EARLIEST_START = datetime(1990, 1, 1, tzinfo=timezone.utc)
MAX_DURATION_S = 86_400
"""Longest duration accepted for one record, in seconds (one day)."""


@dataclass(frozen=True)
class Rule:
    """One validation rule.

    Attributes:
        id: stable rule id, stored in ``quarantine.reasons``.
        description: what a passing row satisfies.
        applies: whether the rule applies to a layout.
        passes: layout -> Boolean expression, True where the row passes.
    """

    id: str
    description: str
    applies: Callable[[Layout], bool]
    passes: Callable[[Layout], pl.Expr]


def _now_plus_day() -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=1)


def _numbers_lossy_free(layout: Layout) -> pl.Expr:
    return ~pl.col("_number_lossy")


WITHHELD_TOKENS = ("anonymous", "unknown", "private", "restricted", "unavailable", "withheld", "s")
"""Party values that say the number was withheld (and Asterisk's ``s`` start extension); not errors."""
NUMBER_PATTERN = r"^(\+?\d{3,20}|[*#]\d{1,6}#?)$"
"""A party number after cleaning: 3 to 20 digits with an optional ``+`` (short codes, national,
international with an exit prefix), or a ``*``/``#`` service code."""


def _numbers_well_formed(layout: Layout) -> pl.Expr:
    ok = pl.lit(True)
    for col in ("caller", "callee", "dialed"):
        value = pl.col(col)
        fine = (value.is_null() | value.str.contains(NUMBER_PATTERN)
                | value.str.to_lowercase().is_in(list(WITHHELD_TOKENS)))
        ok = ok & fine
    return ok | pl.col("_number_lossy")  # a lossy number is reported by number_lossy alone


RULES: tuple[Rule, ...] = (
    Rule("start_present", "the record has a start time",
         lambda lo: lo.start is not None,
         lambda lo: pl.col("start_raw").is_not_null() & (pl.col("start_raw").str.strip_chars() != "")),
    Rule("start_parse", "the start time reads with the layout's date format",
         lambda lo: lo.start is not None,
         lambda lo: pl.col("start_raw").is_null() | pl.col("_start_naive").is_not_null()),
    Rule("start_range", "the start lies between 1990-01-01 and one day after now",
         lambda lo: lo.start is not None,
         lambda lo: pl.col("start_utc").is_null()
         | pl.col("start_utc").is_between(pl.lit(EARLIEST_START), pl.lit(_now_plus_day()))),
    Rule("end_not_before_start", "the end time is not before the start time",
         lambda lo: lo.end_column is not None,
         lambda lo: pl.col("_end_naive").is_null() | pl.col("_start_naive").is_null()
         | (pl.col("_end_naive") >= pl.col("_start_naive"))),
    Rule("duration_parse", "a written duration reads in the layout's duration format",
         lambda lo: lo.duration_column is not None,
         lambda lo: pl.col("_duration_text").is_null() | (pl.col("_duration_text") == "")
         | pl.col("_duration_parsed").is_not_null()),
    Rule("duration_range", f"the duration lies between 0 and {MAX_DURATION_S} s",
         lambda lo: lo.duration_column is not None,
         lambda lo: pl.col("_duration_parsed").is_null()
         | pl.col("_duration_parsed").is_between(0, MAX_DURATION_S)),
    Rule("party_present", "the record names at least one party (A-number or B-number)",
         lambda lo: lo.kind == "cdr",
         lambda lo: pl.col("caller").is_not_null() | pl.col("callee").is_not_null()),
    Rule("number_lossy", "no number was damaged by Excel's scientific notation (9.12678E+11)",
         lambda lo: lo.kind == "cdr" and lo.numbers_are_msisdn,
         _numbers_lossy_free),
    Rule("number_format", "every party number is digits (3 to 20, optional +), a service code, or a "
         "withheld marker such as 'anonymous'",
         lambda lo: lo.kind == "cdr" and lo.numbers_are_msisdn,
         _numbers_well_formed),
    Rule("record_type_known", "the record-type descriptor is one the layout knows",
         lambda lo: lo.record_type is not None,
         lambda lo: pl.col("record_type").is_not_null()),
    Rule("direction_known", "the direction descriptor is one the layout knows",
         lambda lo: lo.direction is not None,
         lambda lo: pl.col("direction").is_not_null()),
    Rule("imsi_format", "an IMSI, when given, is 6 to 15 digits",
         lambda lo: lo.imsi is not None,
         lambda lo: pl.col("imsi").is_null() | pl.col("imsi").str.contains(r"^\d{6,15}$")),
    Rule("imei_format", "an IMEI, when given, is 14 to 16 digits",
         lambda lo: lo.imei is not None,
         lambda lo: pl.col("imei").is_null() | pl.col("imei").str.contains(r"^\d{14,16}$")),
    Rule("coordinates_range", "latitude is within [-90, 90] and longitude within [-180, 180] degrees",
         lambda lo: lo.lat is not None,
         lambda lo: (pl.col("cell_lat").is_null() | pl.col("cell_lat").is_between(-90, 90))
         & (pl.col("cell_lon").is_null() | pl.col("cell_lon").is_between(-180, 180))
         & (pl.col("_lat_text").is_null() | pl.col("cell_lat").is_not_null())),
)
"""Every rule, in the order reasons are listed."""


def rules_for(layout: Layout) -> tuple[Rule, ...]:
    """The rules that apply to ``layout``."""
    return tuple(rule for rule in RULES if rule.applies(layout))


def apply_rules(df: pl.DataFrame, layout: Layout) -> tuple[pl.DataFrame, dict[str, list[int]]]:
    """Evaluate the layout's rules on a normalised frame.

    Args:
        df: output of :func:`raybench.normalize.frame.normalize_frame`.
        layout: the file's layout.

    Returns:
        ``(frame with a ``reasons`` List[String] column, counts)`` where counts maps each applicable
        rule id to ``[passed, failed]`` row counts.
    """
    rules = rules_for(layout)
    if not rules:
        return df.with_columns(reasons=pl.lit([], dtype=pl.List(pl.String))), {}
    checks = df.select([r.passes(layout).fill_null(False).alias(r.id) for r in rules])
    failed = checks.select([(~pl.col(r.id)).sum().alias(r.id) for r in rules]).row(0)
    counts = {r.id: [df.height - int(n), int(n)] for r, n in zip(rules, failed)}
    reasons = checks.select(
        pl.concat_list([pl.when(~pl.col(r.id)).then(pl.lit(r.id)).otherwise(pl.lit(None, pl.String))
                        for r in rules]).list.drop_nulls().alias("reasons"))
    return df.with_columns(reasons["reasons"]), counts
