"""One decision per file: the start format, the duration unit and the zone, from a sample of its records.

The sample is the head of up to :data:`SAMPLE_CHUNKS` planned chunks (first, middle, last), at most
:data:`SAMPLE_BYTES` each, read with the workers' own reader, so a big file is sampled across its length
at a fixed cost. The workers then read every record with the decided formats; a format that still fails
on more than half a column makes the file ``suspect`` (:mod:`raybench.pipeline.verdict`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import polars as pl

from raybench.layout import Layout
from raybench.normalize.durations import parse_duration
from raybench.normalize.times import (
    TS32298_FORMAT,
    name_states_zone,
    parse_naive,
    states_offset,
)
from raybench.profile.formats import (
    DURATION_UNITS,
    date_time_formats,
    plausible,
    read_counts_duration,
    read_counts_epoch,
    read_counts_start,
    second_clock,
)
from raybench.profile.zones import ZoneEvidence, find_row_zone_column, prove_offset
from raybench.read.fixed import read_fixed_frame
from raybench.read.records import read_chunk_frame

SAMPLE_CHUNKS = 3
SAMPLE_BYTES = 256 << 10
KEEP_SHARE = 0.98
"""The layout's own format is kept when it reads at least this share of the sampled values."""


@dataclass
class FileProfile:
    """What the profile decided for one file.

    Attributes:
        layout: the file's layout with the decided formats and zone.
        value_formats: column -> ``{"format": chosen, "read": {candidate: values read}, "values": n,
            "source": "layout" | "profile"}``; stored as JSON in ``files.value_formats``.
        zone: the zone evidence, when the layout has any.
    """

    layout: Layout
    value_formats: dict = field(default_factory=dict)
    zone: ZoneEvidence | None = None

    def to_json(self) -> str:
        """``files.value_formats``."""
        return json.dumps(self.value_formats, sort_keys=True)


def _sample_frame(path: str, encoding: str, layout: Layout, chunks, junk) -> pl.DataFrame:
    if not chunks:
        return pl.DataFrame()
    picks = sorted({0, len(chunks) // 2, len(chunks) - 1})[:SAMPLE_CHUNKS]
    frames = []
    with open(path, "rb") as f:
        for i in picks:
            c = chunks[i]
            f.seek(c.byte_start)
            data = f.read(min(c.byte_end - c.byte_start, SAMPLE_BYTES))
            if len(data) < c.byte_end - c.byte_start:  # keep whole lines only
                data = data[:data.rfind(b"\n") + 1]
            reader = read_fixed_frame if layout.fixed_width else read_chunk_frame
            frame, _ = reader(data, encoding, layout, c.first_row, junk, {})
            frames.append(frame)
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame()


def _start_expr(layout: Layout) -> pl.Expr:
    start = layout.start
    parts = [pl.col(start.column).str.strip_chars()]
    if start.time_column is not None:
        parts.append(pl.col(start.time_column).str.strip_chars())
    elif start.else_columns:  # the start of each record type in its own column (StartSpec.else_columns)
        texts = [pl.col(c).str.strip_chars() for c in (start.column, *start.else_columns)]
        return pl.coalesce([pl.when(t != "").then(t) for t in texts])
    return pl.concat_str(parts, separator=" ") if len(parts) > 1 else parts[0]


def _start_text(frame: pl.DataFrame, layout: Layout) -> pl.Series:
    col = frame.select(_start_expr(layout).alias("v"))["v"]
    return col.filter(col.is_not_null() & (col != ""))


def _unread(values: pl.Series, read: pl.Expr, k: int = 3) -> list[str]:
    """Up to ``k`` distinct sampled values the chosen format does not read (``read`` False: the verdict's
    examples)."""
    frame = pl.DataFrame({"v": values}).filter(~read)
    return frame["v"].unique(maintain_order=True).head(k).to_list()


def _decide_start(frame: pl.DataFrame, layout: Layout, out: dict) -> Layout:
    start = layout.start
    if start is None or start.epoch is not None or start.column not in frame.columns:
        return layout
    named = next((c for c in (start.column, start.time_column) if name_states_zone(c)), None)
    if named is not None and layout.tz_basis in ("assumed", "--tz"):
        # the file's own header names the zone: it beats a layout's assumption and --tz alike
        zone = name_states_zone(named)
        if zone == "UTC":
            layout = _stated_utc(layout, f"the start column's name says UTC ('{named}')")
        elif layout.tz != zone:
            said = f" (--tz {layout.tz} not used)" if layout.tz_basis == "--tz" else ""
            layout = replace(layout, tz=zone, tz_source=f"stated: the start column's name says {zone} ('{named}'){said}")
    values = _start_text(frame, layout)
    if values.is_empty():
        return layout
    own = int(pl.DataFrame({"v": values}).select(plausible(parse_naive(pl.col("v"), start)).sum()).item())
    entry = {"column": start.column, "format": list(start.formats), "values": values.len(),
             "read": {"layout": own}, "source": "layout"}
    if start.else_columns:
        entry["else_columns"] = list(start.else_columns)
    out["start"] = entry
    if own >= KEEP_SHARE * values.len():
        entry["unread"] = _unread(values, plausible(parse_naive(pl.col("v"), start)))
        return layout
    counts = read_counts_start(values, tuple(start.formats) + tuple(start.day_first_formats)
                               + date_time_formats(layout.region not in (None, "US", "CA")))
    epochs = read_counts_epoch(values) if start.time_column is None else {}
    best = max(counts, key=lambda f: counts[f]) if counts else None  # the first of the best: the layout's
    unit = max(epochs, key=lambda u: epochs[u]) if epochs else None
    if unit is not None and epochs[unit] > max(own, counts.get(best, 0) if best else 0):
        entry.update(format=f"epoch_{unit}", source="profile", read=dict(epochs, layout=own))
        chosen = replace(start, epoch=unit, formats=(), day_first_formats=())
        entry["unread"] = _unread(values, plausible(parse_naive(pl.col("v"), chosen)))
        return _stated_utc(replace(layout, start=chosen), f"the start column holds Unix epoch {unit} (UTC)")
    if best is None or counts[best] <= own:
        other = second_clock(values, start.formats[0], tuple(counts)) if len(start.formats) == 1 else None
        if other is None:
            return layout
        both = replace(start, formats=start.formats + (other,))  # the layout's clock and another
        entry.update(format=list(both.formats), source="profile", read=dict(counts, layout=own))
        entry["unread"] = _unread(values, plausible(parse_naive(pl.col("v"), both)))
        return replace(layout, start=both)
    chosen_formats: tuple[str, ...] = (best,)
    if counts[best] < KEEP_SHARE * values.len():  # a 12 h clock beside a 24 h one in the same column
        other = second_clock(values, best, tuple(counts))
        if other is not None:
            chosen_formats = (best, other)
    entry.update(format=list(chosen_formats), source="profile",
                 read=dict(sorted(counts.items(), key=lambda kv: -kv[1])[:5], layout=own))
    chosen = replace(start, formats=chosen_formats, day_first_formats=())
    entry["unread"] = _unread(values, plausible(parse_naive(pl.col("v"), chosen)))
    if states_offset(best):  # ISO 8601's Z or +hh:mm: instants, read as UTC whatever was assumed or --tz
        written = "3GPP TS 32.298 TimeStamp" if best == TS32298_FORMAT else "ISO 8601"
        return _stated_utc(replace(layout, start=chosen), f"the start times carry their UTC offset ({written})")
    return replace(layout, start=chosen)


def _stated_utc(layout: Layout, why: str) -> Layout:
    """``layout`` read in UTC because its values say so (a zone assumed or given by --tz is not used)."""
    if layout.tz == "UTC" and layout.tz_basis == "stated":
        return layout
    said = f" (--tz {layout.tz} not used)" if layout.tz_basis == "--tz" and layout.tz != "UTC" else ""
    return replace(layout, tz="UTC", tz_source=f"stated: {why}{said}")


def _decide_duration(frame: pl.DataFrame, layout: Layout, out: dict) -> Layout:
    col = layout.duration_column
    if col is None or col not in frame.columns:
        return layout
    values = frame[col].str.strip_chars()
    values = values.filter(values.is_not_null() & (values != ""))
    if values.is_empty():
        return layout
    own = int(pl.DataFrame({"v": values}).select(parse_duration(pl.col("v"), layout.duration_unit)
                                                 .is_not_null().sum()).item())
    entry = {"column": col, "format": layout.duration_unit, "values": values.len(), "read": {"layout": own},
             "source": "layout"}
    out["duration"] = entry
    if own >= KEEP_SHARE * values.len():
        entry["unread"] = _unread(values, parse_duration(pl.col("v"), layout.duration_unit).is_not_null())
        return layout
    counts = read_counts_duration(values, (layout.duration_unit,) + tuple(u for u in DURATION_UNITS
                                                                         if u != layout.duration_unit))
    best = max(counts, key=lambda u: counts[u], default=None)
    if best is None or counts[best] <= own:
        entry["unread"] = _unread(values, parse_duration(pl.col("v"), layout.duration_unit).is_not_null())
        return layout
    entry.update(format=best, source="profile", read=dict(counts, layout=own))
    entry["unread"] = _unread(values, parse_duration(pl.col("v"), best).is_not_null())
    return replace(layout, duration_unit=best)


def _decide_zone(frame: pl.DataFrame, layout: Layout) -> tuple[Layout, ZoneEvidence | None]:
    if layout.zone_evidence is None or layout.start is None or layout.start.epoch is not None:
        return layout, None
    column, kind = layout.zone_evidence
    if column not in frame.columns or layout.start.column not in frame.columns:
        return layout, None
    naive = frame.select(parse_naive(_start_expr(layout), layout.start).alias("s"))["s"]
    evidence = prove_offset(naive, frame[column], column, kind)
    zone = evidence.zone()
    if zone is None:
        return layout, evidence
    if layout.tz_basis in ("assumed", "--tz"):  # the file's proof beats an assumption and --tz alike
        said = f" (--tz {layout.tz} not used)" if layout.tz_basis == "--tz" and layout.tz != zone else ""
        return replace(layout, tz=zone, tz_source=evidence.describe() + said), evidence
    return layout, evidence


def _decide_row_zone(frame: pl.DataFrame, layout: Layout, out: dict) -> Layout:
    """A column naming each row's zone (:func:`raybench.profile.zones.find_row_zone_column`) gives each row's
    local start its zone. Not where the start values are instants already (epoch, an offset in the value) or
    the start column's own name says UTC: then the zone column says where the user was, not how the time is
    written. The row's own statement beats a layout's zone, stated by its documentation, assumed or --tz."""
    start = layout.start
    if start is None or start.epoch is not None or any(states_offset(f) for f in start.formats):
        return layout
    own = tuple(c for c in (start.column, start.time_column) if c)
    if any(name_states_zone(c) for c in own):
        return layout
    found = find_row_zone_column(frame, skip=own)
    if found is None:
        return layout
    out["zone"] = {"column": found.column, "format": "row_zone", "values": found.values,
                   "read": {"row_zone": found.read}, "zones": list(found.zones), "source": "profile"}
    said = f" (--tz {layout.tz} not used)" if layout.tz_basis == "--tz" else ""
    return replace(layout, tz_column=found.column, tz_source=found.describe() + said)


def profile_file(path: str, encoding: str, layout: Layout, chunks, junk=None) -> FileProfile:
    """Decide the formats and zone of one planned delimited or fixed-width file.

    Args:
        path: the readable data file (transcoded to UTF-8 when it was not ASCII-compatible).
        encoding: its codec.
        layout: the identified layout (``--tz`` applied).
        chunks: the plan's chunks (:class:`raybench.read.partition.Chunk`), in file order.
        junk: the file's junk rules.

    Returns:
        The profile; its layout is ``layout`` unless a decision changed it.
    """
    if layout.kind != "cdr" or layout.start is None:
        return FileProfile(layout)
    frame = _sample_frame(path, encoding, layout, chunks, junk)
    if frame.is_empty():
        return FileProfile(layout)
    formats: dict = {}
    layout = _decide_start(frame, layout, formats)
    layout = _decide_duration(frame, layout, formats)
    layout, zone = _decide_zone(frame, layout)
    layout = _decide_row_zone(frame, layout, formats)
    return FileProfile(layout, formats, zone)
