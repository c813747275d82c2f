"""Map a chunk's source columns onto the canonical ``cdr`` columns and normalise them.

Input: :class:`raybench.read.records.ChunkRecords` (string fields) and the file's :class:`Layout`.
Output: a polars frame with every ``cdr`` column that comes from the source (``record_id`` and the file
columns are added by :mod:`raybench.pipeline.transform`) plus helper columns prefixed ``_`` that the
validation rules read.
"""

from __future__ import annotations

import re

import polars as pl

from raybench.layout import DISPLAY_NAME_PARTY, Layout, ValueMap
from raybench.normalize.durations import parse_duration
from raybench.normalize.numbers import (
    EXCEL_DAMAGED,
    FLOAT_WRITTEN,
    NULL_TOKENS,
    UNRESOLVED_MIN_DIGITS,
    UNRESOLVED_NO_PLAN,
    NumberNormalizer,
)
from raybench.normalize.times import (
    ZONE_SUFFIX,
    localize,
    localize_rows,
    parse_naive,
    row_zone,
)

EXTENSION_PATTERN = r"^(?i:(?:ext\.?\s*)?\d{2,6}|[a-z][a-z0-9_]{0,31}(?:[+*#-][0-9a-z_]{1,16})?|[*#]\d{1,6}#?)$"
"""A party inside a phone system: an extension (``1001``, ``Ext.610``: at most 6 digits, shorter than any
subscriber number), a SIP user (``bob2``), a dialplan target (``h``, ``voicemail``, ``park+700``) or a
feature code (``*97``, voicemail)."""

MAX_DURATION_S = 86_400
"""Longest duration stored for one record, in seconds (one day); a longer or negative one is stored null
and flagged (``raybench.validate.rules``, rule ``duration_range``)."""

_S = pl.String



def _end_text(layout: Layout) -> pl.Expr:
    """The end column's text; where it holds only the time of day (``layout.end_time_of_day``), the start's
    date before it, so that it reads like the start (:func:`_end_naive` moves it past midnight)."""
    start = layout.start
    if layout.end_time_of_day and start is not None and start.time_column is not None:
        return pl.concat_str([_text(start.column), _text(layout.end_column)], separator=" ")
    return _text(layout.end_column)


def _end_naive(layout: Layout) -> pl.Expr:
    """The end as a naive date-time, read like the start; a time of day on the start's date
    (``layout.end_time_of_day``) that reads earlier than the start is the next day's (a call past
    midnight: no call recorded this way lasts a day)."""
    end = parse_naive(pl.col("_end_text"), layout.start)
    if not layout.end_time_of_day:
        return end
    return pl.when(end < pl.col("_start_naive")).then(end + pl.duration(days=1)).otherwise(end)


def _text(col: str | None) -> pl.Expr:
    """A source column, stripped, with null tokens (``NA``, ``-``) as null."""
    if col is None:
        return pl.lit(None, dtype=_S)
    c = pl.col(col).str.strip_chars()
    return pl.when(c.str.to_lowercase().is_in(list(NULL_TOKENS))).then(None).otherwise(c)


DIRECTION_WORDS = {
    "outgoing": ("outgoing", "out", "orig", "originating", "originated", "mo", "moc", "outbound", "o",
                 "msoriginating", "msoriginatingsmsinmsc", "mocallrecord", "mosmsrecord"),
    "incoming": ("incoming", "in", "term", "terminating", "terminated", "mt", "mtc", "inbound", "i",
                 "msterminating", "msterminatingsmsinmsc", "mtcallrecord", "mtsmsrecord"),
    "forwarded": ("forwarded", "forward", "fwd", "cf", "cfu", "routed", "redirected", "callforwarding"),
}
"""Direction words of the trade (3GPP mobile-originated/-terminated, switch originating/terminating,
billing in/out), read when a layout's value map does not know a direction code (``Term``, ``Orig``). The
3GPP MSC record names (TS 32.298 ``mSOriginating``, ``mSTerminatingSMSinMSC``, ``callForwarding``, ...;
carrier-formats.md 1.2: T-Mobile's ``Type of Call``) are written in one word, compared without case."""

DIRECTION_BY_WORD = {w: d for d, words in DIRECTION_WORDS.items() for w in words}
"""Each direction word of :data:`DIRECTION_WORDS` -> its canonical direction (``mo`` -> ``out``)."""


def _loose_key(value: str) -> str:
    """A value-map key without punctuation, spaces collapsed (lower case)."""
    return re.sub(r"[^\w]+", " ", value.lower()).strip()


def mapped_value(vm: ValueMap | None, words: dict[str, str] | None = None) -> pl.Expr:
    """The canonical value of a value map's column (its raw value compared without case, then without
    punctuation: ``INCOMING CL`` is the map's ``INCOMING, CL``); with ``words``, a value the map does not
    know (and that has no default) is looked up there, whole or by its first word (``MT Voice`` -> ``mt``)."""
    if vm is None:
        return pl.lit(None, dtype=_S)
    table = {k.strip().lower(): v for k, v in vm.values.items()}
    loose: dict[str, str | None] = {}
    for k, v in table.items():  # the same words without their punctuation: INCOMING CL is INCOMING, CL
        n = _loose_key(k)
        loose[n] = v if loose.get(n, v) == v else None
    key = pl.col(vm.column).str.strip_chars().str.to_lowercase()
    exact = key.replace_strict(table, default=None, return_dtype=_S)
    spaced = key.str.replace_all(r"[^\w]+", " ").str.strip_chars()
    by_words = spaced.replace_strict({k: v for k, v in loose.items() if v is not None}, default=None,
                                     return_dtype=_S)
    # the same words in another order: 'Voice MO' is the map's 'MO VOICE' (AT&T exports write both)
    unordered: dict[str, str | None] = {}
    for n, v in loose.items():
        u = " ".join(sorted(n.split()))
        unordered[u] = v if unordered.get(u, v) == v else None
    by_set = spaced.str.split(" ").list.sort().list.join(" ").replace_strict(
        {k: v for k, v in unordered.items() if v is not None}, default=None, return_dtype=_S)
    mapped = pl.coalesce(exact, by_words, by_set, pl.lit(vm.default, dtype=_S))
    if words is None or vm.default is not None:
        return mapped
    word = key.str.extract(r"^([a-z]+)", 1)
    last = key.str.extract(r"([a-z]+)$", 1)  # 'SMS MT', 'Voice MO': the direction word written last
    return pl.coalesce(mapped, key.replace_strict(words, default=None, return_dtype=_S),
                       word.replace_strict(words, default=None, return_dtype=_S),
                       last.replace_strict(words, default=None, return_dtype=_S))


def mapped_column(df: pl.DataFrame, vm: ValueMap | None, words: dict[str, str] | None = None) -> pl.Expr:
    """:func:`mapped_value` for the column of ``df``, worked out once per distinct raw value.

    A chunk of 40k records holds a handful of distinct codes (``MO VOICE``, ``SMS MT``), and the word
    lookups of :func:`mapped_value` (split, sort, join, regex) cost per row: the same expression is run on
    the distinct values and the column is then mapped by one ``replace_strict``, which gives every row
    exactly what :func:`mapped_value` gives it (``tests/unit/test_mapped_value.py`` compares the two).
    Falls back to :func:`mapped_value` when there is no map or its column is absent."""
    if vm is None or vm.column not in df.columns:
        return mapped_value(vm, words)
    uniques = df.select(pl.col(vm.column).unique()).with_columns(mapped_value(vm, words).alias("_canonical"))
    present = uniques.filter(pl.col(vm.column).is_not_null())
    for_null = uniques.filter(pl.col(vm.column).is_null())["_canonical"]
    default = for_null[0] if len(for_null) else None
    return pl.col(vm.column).replace_strict(present[vm.column], present["_canonical"],
                                            default=pl.lit(default, dtype=_S), return_dtype=_S)


def _model_record_types(df: pl.DataFrame, first: pl.DataFrame, layout: Layout, model) -> pl.DataFrame:
    """Record types for the descriptors the layout's value map does not cover, from the record-type model.

    Only when the map has no default (a default is the layout's own answer). Each unique uncovered value
    of the batch is classified once (and cached by the model). Adds ``_record_type_model``: the model's
    confidence on rows it typed, null elsewhere; a value below the calibrated threshold stays unmapped.
    """
    vm = layout.record_type
    if model is None or vm is None or vm.default is not None or vm.column not in df.columns:
        return first.with_columns(_record_type_model=pl.lit(None, pl.Float64))
    raw = df[vm.column].str.strip_chars()
    todo = first["record_type"].is_null() & raw.is_not_null() & (raw.str.len_chars() > 0)
    if not todo.any():
        return first.with_columns(_record_type_model=pl.lit(None, pl.Float64))
    values = raw.filter(todo).unique().to_list()
    types, confidences = model.record_types(values)
    typed = {v: t for v, t in zip(values, types) if t is not None}
    conf = {v: c for v, c, t in zip(values, confidences, types) if t is not None}
    key = pl.Series("_k", raw)
    return first.with_columns(
        record_type=pl.when(pl.lit(todo)).then(key.replace_strict(typed, default=None, return_dtype=_S))
        .otherwise(pl.col("record_type")),
        _record_type_model=pl.when(pl.lit(todo)).then(key.replace_strict(conf, default=None, return_dtype=pl.Float64))
        .otherwise(None),
    )


TRUNK_PATTERN = r"^[Tt]\d{1,4}$"
"""A trunk id written as a party (Mitel SMDR ``T012``, the trunk a call from outside came in on)."""


def _pbx_direction(first: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """A phone system's call between two of its own parties (extensions, SIP users, dialplan targets) is
    ``internal``, whatever context the system wrote (``from-internal`` is also the context of calls out).
    A call whose calling party is one of its trunks (:data:`TRUNK_PATTERN`, Mitel SMDR ``T012``) came in
    from outside: ``incoming`` where no direction was read, never ``internal``."""
    if not layout.pbx_parties or layout.direction is None:
        return first
    trunk = pl.col("caller").str.contains(TRUNK_PATTERN).fill_null(False)
    both = (pl.col("caller").str.contains(EXTENSION_PATTERN).fill_null(False)
            & pl.col("callee").str.contains(EXTENSION_PATTERN).fill_null(False)) & ~trunk
    return first.with_columns(direction=pl.when(both & pl.col("direction").is_in(["outgoing", "unknown"]))
                              .then(pl.lit("internal"))
                              .when(trunk & (pl.col("direction") == "unknown")).then(pl.lit("incoming"))
                              .otherwise(pl.col("direction")))


def _leg_ref(df: pl.DataFrame, layout: Layout) -> pl.Expr | pl.Series:
    """``leg_ref``: the layout's leg column without its per-channel sequence, null when empty or absent."""
    if layout.leg is None or layout.leg[0] not in df.columns:
        return pl.lit(None, _S)
    column, pattern = layout.leg
    ref = df[column].str.strip_chars()
    return pl.select(pl.when(ref != "").then(pl.coalesce(ref.str.extract(pattern, 1), ref))
                     .otherwise(None)).to_series()


def _row_flags(df: pl.DataFrame, layout: Layout) -> list[pl.Series | pl.Expr]:
    """One Boolean ``_flag_<id>`` per :attr:`~raybench.layout.Layout.row_flags` entry."""
    return [df[column].str.contains(pattern).fill_null(False).alias(f"_flag_{flag}") if column in df.columns
            else pl.lit(False).alias(f"_flag_{flag}") for flag, column, pattern in layout.row_flags]


def _localize_start(df: pl.DataFrame, layout: Layout, start_text: pl.Series) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``(start_utc, tz_flag, row zone)`` for ``_start_naive``: in the layout's zone, or with a per-row zone
    column (:attr:`~raybench.layout.Layout.tz_column`) or a zone after each start
    (:attr:`~raybench.layout.StartSpec.zone_suffix`; ``start_text`` is the start as written), each row in
    the zone its cell names (null row zone: the cell names none, read in ``layout.tz``)."""
    naive = pl.col("_start_naive")
    if layout.start is not None and layout.start.zone_suffix:  # the zone after each start (... PM EDT)
        column = start_text.str.strip_chars().str.extract(ZONE_SUFFIX, 1)
    elif layout.tz_column and layout.tz_column in df.columns:
        column = df[layout.tz_column]
    else:
        start_utc, tz_flag = localize(naive, layout.tz)
        return start_utc, tz_flag, pl.lit(None, _S)
    cells = column.unique().drop_nulls().to_list()
    read = {c: row_zone(c) for c in cells}
    read = {c: z for c, z in read.items() if z is not None}
    zones = (pl.Series(column).replace_strict(read, default=None, return_dtype=_S)
             if read else pl.Series([None] * df.height, dtype=_S))
    start_utc, tz_flag = localize_rows(naive, pl.lit(zones), sorted(set(read.values())), layout.tz)
    return start_utc, tz_flag, pl.lit(zones)


def normalize_frame(df: pl.DataFrame, layout: Layout, numbers: NumberNormalizer,
                    record_types=None) -> pl.DataFrame:
    """Normalise a frame of source columns (from :func:`raybench.read.records.read_chunk_frame`) to canonical values.

    Canonical columns produced: ``record_type``, ``direction``, ``start_utc`` (Datetime us UTC),
    ``start_raw``, ``tz_assumed``, ``tz_flag``, ``duration_s`` (Int32), ``caller``, ``callee``,
    ``dialed``, ``imsi``, ``imei``, ``cell_id``, ``lac``, ``sector``, ``cell_lat``, ``cell_lon``
    (Float64), ``source_row``, ``raw``. Helper columns: ``_start_naive``, ``_end_naive``,
    ``_duration_text``, ``_duration_parsed``, ``_number_lossy``, ``_number_repaired`` (a party written
    as a float), ``_number_unresolved`` (a national-length number left without a country code),
    ``_lat_text``, ``_zone_unread`` (a per-row zone column names no zone on the row), ``_record_type_model`` (the record-type model's confidence on rows it typed) and one
    ``_flag_<id>`` per :attr:`~raybench.layout.Layout.row_flags` entry.

    Args:
        df: String columns named after ``layout.columns`` plus ``source_row`` and ``raw``.
        layout: the file's layout.
        numbers: E.164 normaliser for the layout's region (its cache lives with the worker).
        record_types: the record-type model (:class:`raybench.classify.models.Classifiers`) for
            descriptors the layout's value map does not cover, or None to leave them unmapped.
    """
    start = layout.start
    if start is not None and start.time_column is not None:
        start_text = pl.concat_str([_text(start.column), _text(start.time_column)], separator=" ")
    elif start is not None and start.else_columns:  # the start of each record type in its own column
        start_text = pl.coalesce([_text(c) for c in (start.column, *start.else_columns)])
    else:
        start_text = _text(start.column if start else None)

    first = df.select(
        pl.col("source_row"), pl.col("raw"),
        start_text.alias("start_raw"),
        mapped_column(df, layout.record_type).alias("record_type"),
        mapped_column(df, layout.direction, DIRECTION_BY_WORD).alias("direction"),
        _text(layout.duration_column).alias("_duration_text"),
        _text(layout.caller).alias("_caller"),
        (pl.coalesce(_text(layout.callee), _text(layout.callee_else)) if layout.callee_else
         else _text(layout.callee)).alias("_callee"),
        _text(layout.subscriber).alias("_subscriber"),
        _text(layout.partner).alias("_partner"),
        _text(layout.dialed).alias("_dialed"),
        _end_text(layout).alias("_end_text"),
        _text(layout.imsi).alias("imsi"),
        _text(layout.imei).alias("imei"),
        _text(layout.lac).alias("lac"),
        _text(layout.cell_id).alias("cell_id"),
        _text(layout.lat).alias("_lat_text"),
        _text(layout.lon).alias("_lon_text"),
    )

    first = _model_record_types(df, first, layout, record_types)
    if layout.direction_internal is not None and layout.direction_internal[0] in df.columns:
        column, value = layout.direction_internal
        first = first.with_columns(direction=pl.when(df[column].str.strip_chars() == value)
                                   .then(pl.lit("internal")).otherwise(pl.col("direction")))

    # A-number / B-number: given directly, or subscriber + other party ordered by direction (a phone
    # system's internal call is the station's own: it is the A-number).
    if layout.subscriber is not None or (layout.partner is not None and layout.caller is None):
        out = pl.col("direction").is_in(["outgoing", "internal"])
        first = first.with_columns(
            _caller=pl.when(out).then(pl.col("_subscriber")).otherwise(pl.col("_partner")),
            _callee=pl.when(out).then(pl.col("_partner")).otherwise(pl.col("_subscriber")),
        )
    # AT&T writes the dialed digits as a second line "<number>(D)" inside the originating cell.
    if layout.dialed_annotation is not None:
        ann = layout.dialed_annotation
        lines = pl.col("_caller").str.split("\n")
        is_ann = pl.element().str.strip_chars().str.ends_with(ann)
        first = first.with_columns(
            _dialed=lines.list.eval(pl.element().filter(is_ann)).list.first()
            .str.strip_chars().str.strip_suffix(ann).str.strip_chars(),
            _caller=lines.list.eval(pl.element().filter(~is_ann)).list.first().str.strip_chars(),
        )
    if layout.display_name_parties:  # 'Alice Moreau (101)' -> '101' (layout.DISPLAY_NAME_PARTY)

        first = first.with_columns(**{c: pl.coalesce(pl.col(c).str.extract(DISPLAY_NAME_PARTY, 1).str.strip_chars(),
                                                     pl.col(c)) for c in ("_caller", "_callee")})
    # Sprint: a called number prefixed with "11" rolled to voicemail.
    if layout.voicemail_prefix is not None:
        prefix = layout.voicemail_prefix
        digits = pl.col("_callee").str.replace_all(r"[\s\-.()]", "")
        vm = digits.str.starts_with(prefix) & (digits.str.len_chars() == len(prefix) + 10)
        first = first.with_columns(
            record_type=pl.when(vm).then(pl.lit("voicemail")).otherwise(pl.col("record_type")),
            _callee=pl.when(vm).then(digits.str.slice(len(prefix))).otherwise(pl.col("_callee")),
        )

    lossy, repaired = pl.lit(False), pl.lit(False)
    for c in ("_caller", "_callee", "_dialed"):
        lossy = lossy | pl.col(c).str.contains(EXCEL_DAMAGED.pattern).fill_null(False)
        repaired = repaired | pl.col(c).str.contains(f"^{FLOAT_WRITTEN.pattern}$").fill_null(False)
    first = first.with_columns(_number_lossy=lossy, _number_repaired=repaired)
    if layout.numbers_are_msisdn:
        first = first.with_columns(
            caller=numbers.series(first["_caller"]),
            callee=numbers.series(first["_callee"]),
            dialed=numbers.series(first["_dialed"]),
        )
        # with a numbering plan: a national-length number it did not make E.164; without one: a number that
        # may hold a country code, or may be North American (13035550123, 6025550140: +1 ..., or not?)
        pattern = (f"^\\d{{{UNRESOLVED_MIN_DIGITS},}}$" if layout.region is not None else
                   r"^\d{11,}$" if layout.not_nanp else UNRESOLVED_NO_PLAN)
        unresolved = pl.lit(False)
        for c in ("caller", "callee", "dialed"):
            unresolved = unresolved | pl.col(c).str.contains(pattern).fill_null(False)
        first = first.with_columns(_number_unresolved=unresolved)
    else:
        first = first.with_columns(caller=pl.col("_caller"), callee=pl.col("_callee"),
                                   dialed=pl.col("_dialed"), _number_unresolved=pl.lit(False))
    first = _pbx_direction(first, layout)
    first = first.with_columns(_leg_ref(df, layout).alias("leg_ref"), *_row_flags(df, layout))
    if start is not None:
        naive = parse_naive(pl.col("start_raw"), start)
        first = first.with_columns(_start_naive=naive)
        start_utc, tz_flag, row_zone_expr = _localize_start(df, layout, first["start_raw"])
        first = first.with_columns(_row_zone=row_zone_expr)
        end_naive = _end_naive(layout) if layout.end_column else pl.lit(None)
        first = first.with_columns(start_utc=start_utc, tz_flag=tz_flag,
                                   _end_naive=end_naive.cast(pl.Datetime("us")))
    else:
        first = first.with_columns(_start_naive=pl.lit(None, pl.Datetime("us")),
                                   _end_naive=pl.lit(None, pl.Datetime("us")),
                                   start_utc=pl.lit(None, pl.Datetime("us", "UTC")),
                                   tz_flag=pl.lit(None, _S))

    if layout.duration_column:
        parsed = parse_duration(pl.col("_duration_text"), layout.duration_unit)
        if layout.end_column and start is not None and not layout.duration_empty_unanswered:
            # a duration cell left empty beside a written end (a contact no agent took: Amazon Connect's
            # agent interaction is absent): the end minus the start, where both read (not where the
            # source's empty duration means never answered: 3CX's ring time is no call time)
            gap = (pl.col("_end_naive") - pl.col("_start_naive")).dt.total_seconds()
            empty = pl.col("_duration_text").is_null() | (pl.col("_duration_text").str.strip_chars() == "")
            parsed = pl.when(empty & (gap >= 0)).then(gap.cast(pl.Int64)).otherwise(parsed)
    elif layout.end_column and start is not None:
        # no duration written: the end minus the start, where both read (an end before the start gives
        # none and fails end_not_before_start)
        gap = (pl.col("_end_naive") - pl.col("_start_naive")).dt.total_seconds()
        parsed = pl.when(gap >= 0).then(gap).otherwise(None).cast(pl.Int64)
    else:
        parsed = pl.lit(None, pl.Int64)
    first = first.with_columns(_duration_parsed=parsed)
    row_zones = start is not None and bool(layout.tz_column or start.zone_suffix)
    # a message takes no time: its duration is the 0 a source writes, else none (a positive value is a
    # billing unit, not seconds)
    no_duration = pl.col("record_type").is_in(["sms", "mms"]) & (pl.col("_duration_parsed") != 0).fill_null(True)
    sector = (pl.when(pl.col("cell_id").str.len_chars() >= 2).then(pl.col("cell_id").str.slice(0, 1))
              if layout.sector_from_cell else pl.lit(None, _S))
    return first.with_columns(
        tz_assumed=(pl.col("_row_zone").fill_null(pl.lit(layout.tz)) if row_zones else pl.lit(layout.tz)),
        _zone_unread=pl.col("_row_zone").is_null() if row_zones else pl.lit(False),
        # out of range (negative, over a day) is no duration: stored null, flagged duration_range
        duration_s=pl.when(no_duration | ~pl.col("_duration_parsed").is_between(0, MAX_DURATION_S))
        .then(None).otherwise(pl.col("_duration_parsed")).cast(pl.Int32),
        sector=sector,
        cell_lat=pl.col("_lat_text").cast(pl.Float64, strict=False),
        cell_lon=pl.col("_lon_text").cast(pl.Float64, strict=False),
    )
