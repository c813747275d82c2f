"""The zone of a file's local start times, from evidence the file itself carries.

* ``epoch_prefix``: Asterisk's ``uniqueid`` is ``<Unix time the channel was created>.<sequence>``
  (docs.asterisk.org, CDR variables; carrier-formats.md 1.6). Set against the written start it gives the
  server's offset from UTC exactly.
* ``uuid_v1``: a version-1 (time-based) UUID holds the 100 ns ticks since 1582-10-15 UTC at which it was
  minted (RFC 9562 section 5.1); FreeSWITCH mints a channel's ``uuid`` when the channel is created, so a
  v1 uuid beside the start gives the offset too. Random (v4) UUIDs carry no time and prove nothing.

An offset is proven when at least :data:`AGREE_SHARE` of the sampled rows with evidence give the same
whole quarter hour, each within :data:`TOLERANCE_S` of it, and the file has at least
:data:`MIN_ROWS` such rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from raybench.normalize.times import row_zone

AGREE_SHARE = 0.9
TOLERANCE_S = 120
MIN_ROWS = 1
_UUID_EPOCH_S = 12_219_292_800
"""Seconds from 1582-10-15 (the UUID epoch) to 1970-01-01."""


@dataclass(frozen=True)
class ZoneEvidence:
    """What a file's evidence says of its zone.

    Attributes:
        offset_s: the proven offset of the written times from UTC, in seconds (local = UTC + offset);
            None when nothing is proven.
        rows: rows with evidence; agreeing: rows whose offset is ``offset_s``.
        column, kind: where the evidence came from.
    """

    offset_s: int | None
    rows: int
    agreeing: int
    column: str
    kind: str

    def zone(self) -> str | None:
        """An IANA zone for the offset: ``UTC``, or ``Etc/GMT-h`` for whole hours (POSIX sign: ``Etc/GMT-2``
        is UTC+2); None for no proof or an offset that is not a whole hour."""
        if self.offset_s is None:
            return None
        if self.offset_s == 0:
            return "UTC"
        hours, rest = divmod(self.offset_s, 3600)
        if rest:
            return None
        return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"

    def describe(self) -> str:
        """``'proven: uniqueid epochs match the start times at UTC+0 on 105 of 105 rows'``."""
        what = {"epoch_prefix": "epochs", "uuid_v1": "time-based uuids"}.get(self.kind, self.kind)
        h = (self.offset_s or 0) / 3600
        return f"proven: {self.column} {what} match the start times at UTC{h:+g} on {self.agreeing} of {self.rows} rows"


def evidence_epoch_s(values: pl.Series, kind: str) -> pl.Series:
    """Unix seconds (Float64, null where a value carries none) held by each evidence value."""
    text = values.cast(pl.String).str.strip_chars()
    if kind == "epoch_prefix":
        return text.str.extract(r"^(\d{9,11})(?:\.\d+)?$", 1).cast(pl.Float64, strict=False)
    if kind == "uuid_v1":
        parts = text.str.to_lowercase().str.extract_groups(
            r"^([0-9a-f]{8})-([0-9a-f]{4})-1([0-9a-f]{3})-[0-9a-f]{4}-[0-9a-f]{12}$")
        out = []
        for low, mid, hi in zip(parts.struct.field("1"), parts.struct.field("2"), parts.struct.field("3")):
            if low is None:
                out.append(None)
                continue
            ticks = (int(hi, 16) << 48) | (int(mid, 16) << 32) | int(low, 16)
            out.append(ticks / 1e7 - _UUID_EPOCH_S)
        return pl.Series(out, dtype=pl.Float64)
    raise ValueError(f"unknown zone evidence kind {kind!r}")


def prove_offset(naive_starts: pl.Series, evidence: pl.Series, column: str, kind: str) -> ZoneEvidence:
    """The offset the evidence proves for the written (naive, local) start times.

    Args:
        naive_starts: Datetime (naive) starts as written.
        evidence: the evidence column's texts, row for row.
    """
    epoch = evidence_epoch_s(evidence, kind)
    written = naive_starts.cast(pl.Datetime("us")).dt.epoch("us").cast(pl.Float64) / 1e6
    frame = pl.DataFrame({"d": written - epoch}).drop_nulls()
    n = frame.height
    if n < MIN_ROWS:
        return ZoneEvidence(None, n, 0, column, kind)
    quarter = (frame["d"] / 900).round(0) * 900
    close = (frame["d"] - quarter).abs() <= TOLERANCE_S
    best = quarter.filter(close).mode()
    if best.is_empty():
        return ZoneEvidence(None, n, 0, column, kind)
    offset = float(best.sort()[0])
    agreeing = int(((quarter == offset) & close).sum())
    if agreeing < AGREE_SHARE * n:
        return ZoneEvidence(None, n, agreeing, column, kind)
    return ZoneEvidence(int(offset), n, agreeing, column, kind)



ROW_ZONE_SHARE = 0.98
"""A column is a per-row zone column when at least this share of its non-empty sampled values name a zone."""
ROW_ZONE_MIN_VALUES = 2
"""... and it has at least this many non-empty sampled values."""
@dataclass(frozen=True)
class RowZoneColumn:
    """A column whose every row names the zone of that row's local start (a cloud PBX's ``timezone``; an
    SBC's ``GMT`` field).

    Attributes:
        column: its name; values: non-empty sampled values; read: those :func:`row_zone` reads;
        zones: the distinct zones read, most frequent first.
    """

    column: str
    values: int
    read: int
    zones: tuple[str, ...]

    def describe(self) -> str:
        """``"stated: each row's zone in column 'timezone' (51 of 51 sampled rows; America/Chicago, ...)"``."""
        shown = ", ".join(self.zones[:5]) + (", ..." if len(self.zones) > 5 else "")
        return (f"stated: each row's zone in column '{self.column}' ({self.read} of {self.values} sampled rows; "
                f"{shown})")


def find_row_zone_column(frame: pl.DataFrame, skip: tuple[str, ...] = ()) -> RowZoneColumn | None:
    """The column of ``frame`` (String columns) whose values name each row's zone, or None.

    A column qualifies when at least :data:`ROW_ZONE_SHARE` of its :data:`ROW_ZONE_MIN_VALUES` or more
    non-empty values are zones (:func:`row_zone`); a column of bare signed hours (``+2``) must also not be
    read as a number elsewhere, so only values with a letter, a ``:`` or four offset digits count. Columns
    in ``skip`` (the start's own) are not considered. The first qualifying column in frame order wins.
    """
    for name in frame.columns:
        if name in skip or name in ("source_row", "raw") or frame.schema[name] != pl.String:
            continue
        values = frame[name].str.strip_chars()
        values = values.filter(values.is_not_null() & (values != ""))
        if values.len() < ROW_ZONE_MIN_VALUES:
            continue
        distinct = values.unique().to_list()
        if len(distinct) > 200:
            continue
        zone_of = {v: row_zone(v) for v in distinct
                   if re.search(r"[A-Za-z:]|^[+-]\d{4}$", v)}
        read_mask = values.replace_strict(zone_of, default=None, return_dtype=pl.String).is_not_null()
        read = int(read_mask.sum())
        if read < ROW_ZONE_SHARE * values.len():
            continue
        counts = values.filter(read_mask).replace_strict(zone_of, return_dtype=pl.String).value_counts()
        counts = counts.sort([counts.columns[1], counts.columns[0]], descending=[True, False])
        zones = tuple(counts[counts.columns[0]].to_list())
        return RowZoneColumn(name, values.len(), read, zones)
    return None
