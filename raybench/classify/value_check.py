"""Check the models' start, start-time and duration columns against the values they hold.

The column model reads a header and a few values; on an export split into a date column and a time
column (``Date (UTC)`` ``14.04.2024``, ``Time (UTC)`` ``22:28``), it can take the time of day for a
duration (``22:28`` reads as 22 min 28 s) and give the start to a column that holds no date at all. A
column's values settle it: a start column must read as dates for most of its values. When the models'
start column does not (under half), the column that reads as dates for nearly all becomes the start, a column of times of day beside it the
start time, and the duration goes to a column that reads as durations (the one the models took for the
start first). Only the columns the models mapped to ``start``, ``start_time``, ``duration`` or
``ignore`` take part: party, IMSI and cell columns keep what the models said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from raybench.normalize.durations import parse_duration
from raybench.profile.formats import (
    DURATION_UNITS,
    date_formats,
    date_time_formats,
    read_counts_start,
)

SHARE = 0.9
"""Share of a column's sampled values that must read as a date (time, duration) for it to count as one."""

KEEP_SHARE = 0.5
"""The models' start column is kept when at least this share of its values reads as dates: a start
column with damaged rows (``not a date`` on a quarter of them) is still the start, and those rows are
quarantined as ``start_parse``; it is not traded for another date column (an answer or end stamp)."""

TIMING_FIELDS = ("start", "start_time", "duration", "ignore")
"""Fields whose columns the check may reassign."""

_TIME_OF_DAY = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(\s?[AaPp][Mm])?$")


@dataclass(frozen=True)
class TimingRepair:
    """What :func:`check_timing_columns` changed.

    Attributes:
        mapping: column name -> field, the repaired mapping.
        changed: column name -> ``(old field, new field, share of values read as the new field)``.
    """

    mapping: dict[str, str]
    changed: dict[str, tuple[str, str, float]]


def _values(column: list[str]) -> pl.Series:
    s = pl.Series([v.strip() for v in column], dtype=pl.String)
    return s.filter(s != "")


def _date_share(values: pl.Series, formats: tuple[str, ...]) -> float:
    if values.is_empty():
        return 0.0
    counts = read_counts_start(values, formats)
    return max(counts.values(), default=0) / values.len()


def _time_share(values: pl.Series) -> float:
    if values.is_empty():
        return 0.0
    return sum(1 for v in values.to_list() if _TIME_OF_DAY.match(v)) / values.len()


def _duration_share(values: pl.Series) -> float:
    if values.is_empty():
        return 0.0
    frame = pl.DataFrame({"v": values})
    best = max(int(frame.select(parse_duration(pl.col("v"), unit).is_not_null().sum()).item())
               for unit in DURATION_UNITS)
    return best / values.len()


def _date_only_formats() -> tuple[str, ...]:
    return date_formats()  # with their spaces: ``%d %b %Y``, ``%a %m/%d/%Y``


def check_timing_columns(names: tuple[str, ...], columns: list[list[str]], mapping: dict[str, str]) -> TimingRepair:
    """The models' ``mapping`` with its timing columns checked against ``columns``' values.

    Args:
        names: the file's column names, in file order.
        columns: the sampled values of each column (same order).
        mapping: column name -> field (:data:`raybench.classify.fields.FIELDS`), as the models gave it.

    Returns:
        The mapping unchanged when its start column reads as dates (or there is no better column);
        otherwise with ``start``, ``start_time`` and ``duration`` moved to the columns whose values
        read as them (at least :data:`SHARE` of the sampled values).
    """
    same = TimingRepair(dict(mapping), {})
    start = next((c for c, f in mapping.items() if f == "start"), None)
    free = [j for j, n in enumerate(names) if mapping.get(n, "ignore") in TIMING_FIELDS]
    if not free:
        return same
    values = {j: _values(columns[j]) for j in free}
    with_time = date_time_formats()  # the ISO ``T`` forms too, with their offsets (``+0100``)
    date_only = _date_only_formats()
    full = {j: _date_share(values[j], with_time) for j in free}
    dates = {j: _date_share(values[j], date_only) for j in free}
    keep = None
    if start is not None and start in names:
        j0 = names.index(start)
        if j0 in values and max(full[j0], dates[j0]) >= KEEP_SHARE:
            if full[j0] >= SHARE or full[j0] >= dates[j0] or "start_time" in mapping.values():
                return same
            # a date column without its time of day (its damaged rows, up to half, are start_parse's to
            # quarantine, not a reason to read the good ones with no time): the time column beside it
            keep = j0
    best = keep if keep is not None else max(free, key=lambda j: (max(full[j], dates[j]), -j))
    need = KEEP_SHARE if keep is not None else SHARE  # the models' start kept: their column, not a new pick
    if max(full[best], dates[best]) < need:
        return same
    new = dict(mapping)
    changed: dict[str, tuple[str, str, float]] = {}

    def assign(j: int, field: str, share: float) -> None:
        name = names[j]
        if mapping.get(name, "ignore") != field:
            changed[name] = (mapping.get(name, "ignore"), field, round(share, 3))
        new[name] = field

    for name, f in mapping.items():  # the models' timing claims are dropped, then made again from values
        if f in ("start", "start_time", "duration"):
            new[name] = "ignore"
    assign(best, "start", max(full[best], dates[best]))
    used = {best}
    if full[best] < SHARE:  # a date without a time of day: a time column beside it
        times = {j: _time_share(values[j]) for j in free if j != best}
        cands = [j for j, s in times.items() if s >= need]
        if cands:
            def rank(j: int) -> tuple:
                low = names[j].lower()
                hours = {v.split(":")[0].lstrip("0") for v in values[j].to_list()}
                return ("dur" not in low, "time" in low or "hour" in low, len(hours) > 2, -abs(j - best))
            t = max(cands, key=rank)
            assign(t, "start_time", times[t])
            used.add(t)
        elif keep is not None:  # no time column: the start stays as the models mapped it
            return same
    # the duration: the models' duration column if the values left it free, else the column they took
    # for the start
    order = [names.index(c) for f0 in ("duration", "start", "start_time") for c, f in mapping.items()
             if f == f0 and c in names and names.index(c) not in used]
    for j in order:
        share = _duration_share(values[j])
        if share >= SHARE:
            assign(j, "duration", share)
            break
    for name in mapping:
        if new[name] == "ignore" and mapping[name] != "ignore" and name not in changed:
            changed[name] = (mapping[name], "ignore", 0.0)
    return TimingRepair(new, changed)


def start_else_columns(names: tuple[str, ...], columns: list[list[str]], start: str | None) -> tuple[str, ...]:
    """The columns that hold the start on the sampled rows where the ``start`` column is empty: each reads
    as date-times (at least :data:`SHARE` of its values) and is filled only on rows where the start and
    every column found before it are empty, so it is never an answer or end stamp of the same record.
    A 3GPP TS 32.298 MSC dump gives a call's start in ``seizureTime`` and an SMS's in
    ``originationTime`` (MO) or ``deliveryTime`` (MT), each empty on the other records (TS 32.298
    5.1.2.2: ``seizureTime`` is a field of the call records, ``originationTime`` of the SMS records).

    Args:
        names, columns: as :func:`check_timing_columns` (the sampled values, one list per column, row
            aligned).
        start: the start column's name.

    Returns:
        The columns in file order (empty when the start is filled on every sampled row, or none fits).
    """
    if start is None or start not in names:
        return ()
    j0 = names.index(start)
    open_rows = {i for i, v in enumerate(columns[j0]) if not v.strip()}
    if not open_rows:
        return ()
    formats = date_time_formats()
    found: list[str] = []
    for j, name in enumerate(names):
        if j == j0 or not open_rows:
            continue
        filled = {i for i, v in enumerate(columns[j]) if v.strip()}
        if not filled or not filled <= open_rows:
            continue
        if _date_share(_values(columns[j]), formats) < SHARE:
            continue
        found.append(name)
        open_rows -= filled
    return tuple(found)


DESCRIPTOR_DISTINCT_MAX = 12
"""At most this many distinct sampled values in a column taken for the record-type descriptor by its words."""


def descriptor_by_values(names: tuple[str, ...], columns: list[list[str]], mapping: dict[str, str],
                         codes: dict[str, str], words=None) -> tuple[str, float] | None:
    """The column that holds the record-type descriptors, when the models mapped none to ``record_type``:
    a column they left ``ignore`` whose sampled non-empty values, on two rows or more, are for at least
    :data:`SHARE` of them the layout's own codes (``codes``, the keys of its record-type value map,
    compared without case), or, with ``words`` (a predicate: the value is or begins with a record-type
    word of the trade, ``SMS MO``), such words in a column of at most :data:`DESCRIPTOR_DISTINCT_MAX`
    distinct values. The codes are the source's fact; the models' reading of an unfamiliar column name
    (``recordType``, ``Desc``) is a guess. A value outside the codes is then read by the trade's words
    or the record-type model, and flagged (``record_type_inferred``).

    Returns:
        ``(column, share of its values that are codes)``, the highest share first; None when no column
        qualifies or one is already mapped.
    """
    if (not codes and words is None) or "record_type" in mapping.values():
        return None
    known = {k.strip().lower() for k in codes}
    best: tuple[str, float] | None = None
    for j, name in enumerate(names):
        if mapping.get(name, "ignore") != "ignore":
            continue
        values = [v.strip() for v in columns[j] if v.strip()]
        if len(values) < 2:
            continue
        by_words = words is not None and len(set(values)) <= DESCRIPTOR_DISTINCT_MAX
        share = sum(v.lower() in known or (by_words and words(v)) for v in values) / len(values)
        if share >= SHARE and (best is None or share > best[1]):
            best = (name, share)
    return best


MONEY_NAME = re.compile(
    r"(?i)\b(?:yen|fees?|charges?|amount|costs?|price|tariff|prix|montant|co[uû]t|betrag|kosten|preis"
    r"|geb(?:ü|ue)hr|bel(?:ø|oe)b|hinta|summa|importe|usd|eur|gbp|jpy|dkk|sek|nok)\b|[円€$£¥]|料金|金額|通話料|요금")
"""A column name that says money: a fee, charge, amount or cost, or a currency (``通話料(円)``, ``Cost``,
``Beløb (kr.)``, ``Charge $``). Its values are money, never a duration, however they read."""

DURATION_NAME = re.compile(r"(?i)dur|length|\btime\b|\bmin|\bsec|talk|時間|时长|통화시간|dauer|varighed|kesto|tid\b|durée")
"""A name that says a length of time (``Duration``, ``通話時間``, ``Varighed``): it is not a money column even
when a money word is in it (``Charged duration``)."""

_NULL_VALUES = frozenset({"", "-", "--", "n/a", "na", "null", "none"})


def is_money_name(name: str | None) -> bool:
    """True when a column's name says money (:data:`MONEY_NAME`) and not a length of time
    (:data:`DURATION_NAME`)."""
    return bool(name) and MONEY_NAME.search(name) is not None and DURATION_NAME.search(name) is None


def check_money_duration(names: tuple[str, ...], columns: list[list[str]], mapping: dict[str, str]) -> TimingRepair:
    """The ``mapping`` with a duration column whose name says money (:func:`is_money_name`: ``通話料(円)``,
    a fee in yen) taken off the duration: the duration goes to a free column (mapped ``ignore``) whose
    values read as durations (at least :data:`SHARE` of its non-null values; ``-`` for an SMS is null),
    one named as a length of time first; with none, the file has no duration column.

    Args:
        names, columns, mapping: as :func:`check_timing_columns`.

    Returns:
        The repaired mapping and what changed (empty when the duration column is not a money column).
    """
    money = next((c for c, f in mapping.items() if f == "duration" and is_money_name(c)), None)
    if money is None:
        return TimingRepair(dict(mapping), {})
    new = dict(mapping)
    new[money] = "ignore"
    changed = {money: ("duration", "ignore", 0.0)}
    best: tuple | None = None
    for j, name in enumerate(names):
        if mapping.get(name, "ignore") != "ignore" or is_money_name(name):
            continue
        values = _values([v for v in columns[j] if v.strip().lower() not in _NULL_VALUES])
        if values.is_empty():
            continue
        share = _duration_share(values)
        if share < SHARE:
            continue
        rank = (DURATION_NAME.search(name) is not None, share, -j)
        if best is None or rank > best[0]:
            best = (rank, name, share)
    if best is not None:
        new[best[1]] = "duration"
        changed[best[1]] = ("ignore", "duration", round(best[2], 3))
    return TimingRepair(new, changed)
