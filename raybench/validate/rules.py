"""Validation rules: each has an id, a severity, the fields it puts in doubt, and a polars expression.

A rule's expression is evaluated on the normalised frame built by :mod:`raybench.normalize.frame` (its
canonical columns plus the ``_``-prefixed helper columns) and is True where the row passes.

Severity (issue 13: quarantine only what cannot be stored as a call):

* ``hard``: the row cannot be stored as a call (no start, an unreadable or impossible start, a number
  whose digits were lost): it goes to ``quarantine`` with the failed ids in ``reasons``.
* ``soft``: the row is a call with a value in doubt: it is stored, with the failed ids in ``cdr.flags``
  (:data:`FLAG_FIELDS` says which canonical fields each flag puts in doubt). An unknown direction is
  stored as ``unknown``, an unknown record type as ``unknown``, a party that is not a phone number
  (an extension, a SIP user, an IVR target, a pseudonym) as written.

Four more hard reasons are given before a row reaches a frame (:data:`PARSE_REASONS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Literal

import polars as pl

from raybench.layout import Layout
from raybench.normalize.frame import MAX_DURATION_S
from raybench.schema import UNKNOWN_RECORD_TYPE

PARSE_REASONS = {
    "field_count": "the record has a number of fields the layout does not accept",
    "encoding": "the record holds bytes that do not decode in the file's encoding",
    "quoting": "a double quote opens a field that does not close inside the record (no line within "
               "MAX_QUOTED_LINES closes it: that line alone is the record, reading goes on at the next)",
    "record_length": "a fixed-width record too short to hold every column of the layout",
}

EARLIEST_START = datetime(1990, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Rule:
    """One validation rule.

    Attributes:
        id: stable rule id, stored in ``quarantine.reasons`` (hard) or ``cdr.flags`` (soft).
        description: what a passing row satisfies.
        applies: whether the rule applies to a layout.
        passes: layout -> Boolean expression, True where the row passes.
        severity: ``hard`` (quarantine) or ``soft`` (store and flag).
        fields: the canonical ``cdr`` columns a failure puts in doubt.
    """

    id: str
    description: str
    applies: Callable[[Layout], bool]
    passes: Callable[[Layout], pl.Expr]
    severity: Literal["hard", "soft"] = "hard"
    fields: tuple[str, ...] = ()


def _now_plus_day() -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=1)


def _numbers_lossy_free(layout: Layout) -> pl.Expr:
    return ~pl.col("_number_lossy")


WITHHELD_TOKENS = ("anonymous", "unknown", "private", "restricted", "unavailable", "withheld", "s")
"""Party values that say the number was withheld (and Asterisk's ``s`` start extension); not errors."""
NUMBER_PATTERN = r"^(\+?\d{3,20}|[*#]\d{1,6}#?)$"
"""A party number after cleaning: 3 to 20 digits with an optional ``+`` (short codes, national,
international with an exit prefix), or a ``*``/``#`` service code."""

MASKED_NUMBER_PATTERN = r"^\+?\d{4,}[xX*#]{1,6}$"
"""A party number whose last digits the issuer masked (``030555012xxx``, ``+4930555012***``: itemised bills
redact the far end for privacy, e.g. the German *Einzelverbindungsnachweis*, TKG section 11). It is the
party as given: stored as written, flagged ``number_masked`` (its hidden digits are unknown), never
``number_format``: a masked column is a column of phone numbers, so it does not make the file suspect."""

PBX_PARTY_PATTERN = (r"^(?i:ext\.?\s*\d{1,8}|[a-z][a-z0-9_]{0,31}(?:[+*#-][0-9a-z_]{1,16})?"
                     r"|(?:\d{1,3}\.){3}\d{1,3}|(?:sips?:)?[^@\s]+@[^@\s]+)$")
"""What a phone system writes as a party besides numbers (:attr:`raybench.layout.Layout.pbx_parties`): an
extension (``Ext.610``, 3CX), a dialplan target or application (``t``, ``s``, ``hangup``, ``voicemail``,
``park+700``, ``MakeCall``), an IP address (FreeSWITCH), a SIP URI. Stored as written, not flagged."""

PARTIES = ("caller", "callee", "dialed")


def _numbers_well_formed(layout: Layout) -> pl.Expr:
    ok = pl.lit(True)
    for col in PARTIES:
        value = pl.col(col)
        fine = (value.is_null() | value.str.contains(NUMBER_PATTERN)
                | value.str.contains(MASKED_NUMBER_PATTERN)
                | value.str.to_lowercase().is_in(list(WITHHELD_TOKENS)))
        if layout.pbx_parties:
            fine = fine | value.str.contains(PBX_PARTY_PATTERN)
        ok = ok & fine
    return ok | pl.col("_number_lossy")  # a lossy number is reported by number_lossy alone


def _numbers_unmasked(layout: Layout) -> pl.Expr:
    ok = pl.lit(True)
    for col in PARTIES:
        ok = ok & ~pl.col(col).str.contains(MASKED_NUMBER_PATTERN).fill_null(False)
    return ok


def _helper_false(name: str) -> Callable[[Layout], pl.Expr]:
    """Passes where the normaliser's Boolean helper column ``name`` is not True."""
    return lambda lo: ~pl.col(name).fill_null(False)


RULES: tuple[Rule, ...] = (
    Rule("start_present", "the record has a start time",
         lambda lo: lo.start is not None,
         lambda lo: pl.col("start_raw").is_not_null() & (pl.col("start_raw").str.strip_chars() != ""),
         "hard", ("start_utc",)),
    Rule("start_parse", "the start time reads with the layout's date format",
         lambda lo: lo.start is not None,
         lambda lo: pl.col("start_raw").is_null() | pl.col("_start_naive").is_not_null(),
         "hard", ("start_utc",)),
    Rule("start_range", "the start lies between 1990-01-01 and one day after now",
         lambda lo: lo.start is not None,
         lambda lo: pl.col("start_utc").is_null()
         | pl.col("start_utc").is_between(pl.lit(EARLIEST_START), pl.lit(_now_plus_day())),
         "hard", ("start_utc",)),
    Rule("end_not_before_start", "the end time is not before the start time",
         lambda lo: lo.end_column is not None,
         lambda lo: pl.col("_end_naive").is_null() | pl.col("_start_naive").is_null()
         | (pl.col("_end_naive") >= pl.col("_start_naive")),
         "soft", ("start_utc", "duration_s")),
    Rule("zone_row_read", "the row's own zone (a per-row zone column, or the zone after its start) names a "
         "zone; else its start is read in the file's zone",
         lambda lo: lo.start is not None and (lo.tz_column is not None or lo.start.zone_suffix),
         _helper_false("_zone_unread"), "soft", ("start_utc",)),
    Rule("duration_parse", "a written duration reads in the layout's duration format",
         lambda lo: lo.duration_column is not None,
         lambda lo: pl.col("_duration_text").is_null() | (pl.col("_duration_text") == "")
         | pl.col("_duration_parsed").is_not_null(),
         "soft", ("duration_s",)),
    Rule("duration_range", f"the duration lies between 0 and {MAX_DURATION_S} s",
         lambda lo: lo.duration_column is not None,
         lambda lo: pl.col("_duration_parsed").is_null()
         | pl.col("_duration_parsed").is_between(0, MAX_DURATION_S),
         "soft", ("duration_s",)),
    Rule("party_present", "the record names at least one party (A-number or B-number)",
         lambda lo: lo.kind == "cdr",
         lambda lo: pl.col("caller").is_not_null() | pl.col("callee").is_not_null(),
         "soft", ("caller", "callee")),
    Rule("number_lossy", "no number was damaged by Excel's scientific notation (9.12678E+11)",
         lambda lo: lo.kind == "cdr" and lo.numbers_are_msisdn,
         _numbers_lossy_free, "hard", PARTIES),
    Rule("number_format", "every party number is digits (3 to 20, optional +), a service code, a "
         "withheld marker such as 'anonymous', or (phone systems) an extension or dialplan target",
         lambda lo: lo.kind == "cdr" and lo.numbers_are_msisdn,
         _numbers_well_formed, "soft", PARTIES),
    Rule("number_masked", "no party number has digits masked by the issuer (030555012xxx: stored as written, "
         "its hidden digits unknown)",
         lambda lo: lo.kind == "cdr" and lo.numbers_are_msisdn,
         _numbers_unmasked, "soft", PARTIES),
    Rule("number_repaired", "no number was written as a float (15555550100.0: read as the integer)",
         lambda lo: lo.kind == "cdr" and lo.numbers_are_msisdn,
         _helper_false("_number_repaired"), "soft", PARTIES),
    Rule("number_unresolved", "a national-length number (8+ digits, no +) is valid in the layout's region "
         "and so stored in E.164; otherwise (or when the numbering plan is unknown) it is kept as written, no "
         "country code invented",
         lambda lo: lo.kind == "cdr" and lo.numbers_are_msisdn,
         _helper_false("_number_unresolved"), "soft", PARTIES),
    Rule("record_type_known", "the record-type descriptor is one the layout knows",
         lambda lo: lo.record_type is not None,
         lambda lo: pl.col("record_type").is_not_null(),
         "soft", ("record_type",)),
    Rule("record_type_inferred", "the record type is the layout's own reading of its descriptor, not the "
         "record-type model's guess for a descriptor the layout does not know",
         lambda lo: lo.record_type is not None,
         lambda lo: pl.col("_record_type_model").is_null(),
         "soft", ("record_type",)),
    Rule("direction_known", "the direction descriptor is one the layout knows",
         lambda lo: lo.direction is not None,
         lambda lo: pl.col("direction").is_not_null(),
         "soft", ("direction", "caller", "callee")),
    Rule("imsi_format", "an IMSI, when given, is 6 to 15 digits",
         lambda lo: lo.imsi is not None,
         lambda lo: pl.col("imsi").is_null() | pl.col("imsi").str.contains(r"^\d{6,15}$"),
         "soft", ("imsi",)),
    Rule("imei_format", "an IMEI, when given, is 14 to 16 digits",
         lambda lo: lo.imei is not None,
         lambda lo: pl.col("imei").is_null() | pl.col("imei").str.contains(r"^\d{14,16}$"),
         "soft", ("imei",)),
    Rule("coordinates_range", "latitude is within [-90, 90] and longitude within [-180, 180] degrees",
         lambda lo: lo.lat is not None,
         lambda lo: (pl.col("cell_lat").is_null() | pl.col("cell_lat").is_between(-90, 90))
         & (pl.col("cell_lon").is_null() | pl.col("cell_lon").is_between(-180, 180))
         & (pl.col("_lat_text").is_null() | pl.col("cell_lat").is_not_null()),
         "soft", ("cell_lat", "cell_lon")),
)
"""Every rule, in the order reasons are listed."""

UNMAPPED_COLUMNS = ("start_utc", "duration_s", "caller", "callee", "dialed", "record_type", "direction", "imsi",
                    "imei", "lac", "cell_id", "cell_lat", "cell_lon")
RULES += tuple(
    Rule(f"unmapped_{c}", f"the source column that fills {c} was found in this file (the models found no column "
         f"for it: {c} is empty on every row, not absent from the source)",
         lambda lo, c=c: c in lo.unmapped, lambda lo: pl.lit(False), "soft", (c,))
    for c in UNMAPPED_COLUMNS)

RULES += tuple(
    Rule(f"guessed_{c}", f"the source column that fills {c} is not a guess of the column models (they mapped it "
         f"with a confidence under 0.6: {c} may be read from the wrong column)",
         lambda lo, c=c: c in lo.guessed, lambda lo: pl.lit(False), "soft", (c,))
    for c in UNMAPPED_COLUMNS)

ROW_FLAG_FIELDS = {"recording_leg": ("record_type",),
                   "ocr_text": ("start_utc", "duration_s", "caller", "callee", "record_type", "direction"),
                   "pdf_table_finder": ("start_utc", "duration_s", "caller", "callee", "record_type", "direction")}
"""Flags a layout sets by pattern (:attr:`raybench.layout.Layout.row_flags`) and what they put in doubt."""

FLAG_FIELDS: dict[str, tuple[str, ...]] = {
    **{r.id: r.fields for r in RULES if r.severity == "soft"}, **ROW_FLAG_FIELDS}
"""Flag id -> the canonical ``cdr`` columns a row with that flag has in doubt."""


def rules_for(layout: Layout) -> tuple[Rule, ...]:
    """The rules that apply to ``layout``."""
    return tuple(rule for rule in RULES if rule.applies(layout))


def _failed_ids(checks: pl.DataFrame, ids: list[str], name: str, height: int) -> pl.Series:
    """Per row, the ids among ``ids`` whose check column is False (List[String])."""
    if not ids:
        return pl.Series(name, [[]] * height, dtype=pl.List(pl.String))
    return checks.select(
        pl.concat_list([pl.when(~pl.col(i)).then(pl.lit(i)).otherwise(pl.lit(None, pl.String))
                        for i in ids]).list.drop_nulls().alias(name)).to_series()


def apply_rules(df: pl.DataFrame, layout: Layout) -> tuple[pl.DataFrame, dict[str, list[int]]]:
    """Evaluate the layout's rules on a normalised frame.

    Args:
        df: output of :func:`raybench.normalize.frame.normalize_frame` (with its ``_flag_<id>`` columns
            for the layout's :attr:`~raybench.layout.Layout.row_flags`).
        layout: the file's layout.

    Returns:
        ``(frame, counts)``: the frame with ``reasons`` (List[String], the hard rules failed: the row is
        quarantined when non-empty) and ``flags`` (List[String], the soft rules failed and the layout's
        row flags); an unmapped direction or record type becomes ``unknown``. ``counts`` maps each
        applicable rule id (and each row flag) to ``[passed, failed]`` row counts.
    """
    rules = rules_for(layout)
    row_flags = [f for f, _, _ in layout.row_flags]
    checks = df.select([r.passes(layout).fill_null(False).alias(r.id) for r in rules]
                       + [~pl.col(f"_flag_{f}").fill_null(False).alias(f) for f in row_flags])
    ids = [r.id for r in rules] + row_flags
    failed = checks.select([(~pl.col(i)).sum().alias(i) for i in ids]).row(0) if ids else ()
    counts = {i: [df.height - int(n), int(n)] for i, n in zip(ids, failed)}
    hard = [r.id for r in rules if r.severity == "hard"]
    soft = [r.id for r in rules if r.severity == "soft"] + row_flags
    out = df.with_columns(_failed_ids(checks, hard, "reasons", df.height),
                         _failed_ids(checks, soft, "flags", df.height))
    fill = {}
    if layout.direction is not None and "direction" in out.columns:
        fill["direction"] = pl.col("direction").fill_null("unknown")
    if layout.record_type is not None and "record_type" in out.columns:
        fill["record_type"] = pl.col("record_type").fill_null(UNKNOWN_RECORD_TYPE)
    return (out.with_columns(**fill) if fill else out), counts
