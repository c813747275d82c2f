"""One chunk of one file to canonical rows: read, map, normalise, validate. Pure function, no Ray.

The Ray worker (:mod:`raybench.pipeline.worker`) calls :func:`process_chunk` on what the chunk's format
module read (:mod:`raybench.pipeline.formats`); so do :func:`raybench.pipeline.local.read_local` and the
tests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import polars as pl
import pyarrow as pa

from raybench.layout import Layout
from raybench.normalize.frame import normalize_frame
from raybench.normalize.numbers import NumberNormalizer
from raybench.pipeline.formats import format_of, source_of
from raybench.read.chunk import ChunkDescriptor
from raybench.read.junk import JunkRules
from raybench.read.rows import ReadRows
from raybench.schema import CDR_SCHEMA
from raybench.validate.rules import PARSE_REASONS, apply_rules

OUTPUT_SCHEMA = CDR_SCHEMA.append(pa.field("raw", pa.string())).append(
    pa.field("reasons", pa.list_(pa.string())))
"""Rows a worker returns: the ``cdr`` columns plus ``raw`` and ``reasons``. A row whose ``reasons`` is
non-empty is quarantined; ``raw`` is set only on those rows."""


@dataclass
class ChunkResult:
    """What one chunk produced.

    Attributes:
        table: rows in :data:`OUTPUT_SCHEMA`, one per record of the chunk.
        rule_counts: rule id -> ``[passed, failed]``.
        records_seen: records the worker found in the chunk (must equal the planned count).
        lines_skipped: junk lines the worker dropped, per reason (already counted by the planner, which
            numbers records without them; see :mod:`raybench.read.junk`).
    """

    table: pa.Table
    rule_counts: dict[str, list[int]] = field(default_factory=dict)
    records_seen: int = 0
    lines_skipped: dict[str, int] = field(default_factory=dict)


def record_id(sha256: str, source_row: int) -> str:
    """Stable record id: BLAKE2b-128 (hex) of ``"<file sha256>:<source_row>"``."""
    return hashlib.blake2b(f"{sha256}:{source_row}".encode(), digest_size=16).hexdigest()


def record_ids(sha256: str, source_rows) -> list[str]:
    """:func:`record_id` of many rows of one file (the same values, about twice as fast: the prefix is
    encoded once)."""
    prefix, blake2b = f"{sha256}:".encode(), hashlib.blake2b
    return [blake2b(prefix + b"%d" % r, digest_size=16).hexdigest() for r in source_rows]


def repeated(value: str | None, n: int) -> pa.Array:
    """A string array of ``n`` copies of ``value`` (built natively, not from a Python list of ``n``)."""
    return pa.repeat(pa.scalar(value, pa.string()), n)


def _empty_cols(n: int, names: list[str]) -> dict[str, pa.Array]:
    return {name: pa.nulls(n, CDR_SCHEMA.field(name).type) for name in names}


def process_chunk(data: bytes | ReadRows, *, layout: Layout, encoding: str, first_row: int, source_file: str,
                  sha256: str, ingest_job: str, numbers: NumberNormalizer,
                  junk: JunkRules | None = None, record_types=None, format: str | None = None) -> ChunkResult:
    """Turn a chunk's bytes into canonical rows.

    Args:
        data: what the format's reader returned for the chunk (:func:`raybench.pipeline.formats.read`):
            whole records of a text file, as planned by :func:`raybench.read.partition.plan_file`; or the
            records of a PDF page range or XLSX row range already cut into cells
            (:class:`raybench.read.rows.ReadRows`, which also gives each record's ``source_page``).
        layout: the file's layout.
        encoding: the file's codec name.
        first_row: ``source_row`` of the first record.
        source_file, sha256: the file's path as given and its SHA-256 (hex).
        ingest_job: the job id stored with every row.
        numbers: the worker's E.164 normaliser for ``layout.region``.
        junk: the file's junk rules (the chunk descriptor's ``junk``); junk lines are dropped, not rows.
        record_types: the record-type model for descriptors the layout does not map (see
            :func:`raybench.normalize.frame.normalize_frame`); its use is counted in ``rule_counts`` as
            ``record_type_model``: ``[rows it typed, rows left untyped]``.
        format: the descriptor's ``format`` (:data:`raybench.pipeline.formats.FORMATS`); None takes it
            from ``data`` and ``layout`` (:func:`raybench.pipeline.formats.source_of`).

    Returns:
        One output row per record: stored rows and quarantined rows (with their reasons).
    """
    skipped: dict[str, int] = {}
    reader = format_of(format) if format else source_of(data, layout)
    source, bad_records, pages = reader.source(data, layout, encoding, first_row, junk, skipped)
    frame = normalize_frame(source, layout, numbers, record_types)
    model_typed = int(frame["_record_type_model"].is_not_null().sum())
    frame, counts = apply_rules(frame, layout)
    if model_typed:
        counts["record_type_model"] = [model_typed, int(frame["record_type"].is_null().sum())]
    table = _good_rows(frame, layout, source_file, sha256, ingest_job, pages)
    seen = frame.height + len(bad_records)
    for reason in PARSE_REASONS:
        failed = sum(1 for b in bad_records if b[2] == reason)
        counts[reason] = [seen - failed, failed]
    if bad_records:
        table = pa.concat_tables([table, _bad_rows(bad_records, layout, source_file, sha256, ingest_job, pages)])
    return ChunkResult(table, counts, seen, skipped)


def _good_rows(frame: pl.DataFrame, layout: Layout, source_file: str, sha256: str, ingest_job: str,
               pages: dict[int, int]) -> pa.Table:
    """The validated frame's rows in :data:`OUTPUT_SCHEMA` (``raw`` kept only on quarantined rows)."""
    n = frame.height
    good = frame.select(
        "source_row", "record_type", "direction", "start_utc", "start_raw", "tz_assumed", "tz_flag",
        "duration_s", "caller", "callee", "dialed", "imsi", "imei", "cell_id", "lac", "sector",
        "cell_lat", "cell_lon",
        pl.when(pl.col("reasons").list.len() > 0).then(pl.col("raw")).otherwise(None).alias("raw"),
        "reasons", "flags", "leg_ref",
    ).to_arrow()
    rows = good.column("source_row").to_pylist()
    cols: dict[str, pa.Array] = {
        "record_id": pa.array(record_ids(sha256, rows), pa.string()),
        "source_file": repeated(source_file, n),
        "source_sha256": repeated(sha256, n),
        "carrier": repeated(layout.carrier, n),
        "layout": repeated(layout.id, n),
        "ingest_job": repeated(ingest_job, n),
    }
    cols.update(_empty_cols(n, ["source_page", "duplicate_of"]))
    if pages:
        cols["source_page"] = pa.array([pages.get(r) for r in rows], pa.int32())
    for name in good.column_names:
        cols[name] = good.column(name)
    return pa.table({f.name: cols[f.name] for f in OUTPUT_SCHEMA}).cast(OUTPUT_SCHEMA)


def _bad_rows(bad_records: list[tuple[int, str, str]], layout: Layout, source_file: str, sha256: str,
              ingest_job: str, pages: dict[int, int]) -> pa.Table:
    """The records that could not be cut (``(source_row, raw, reason)``) as quarantined rows."""
    bad_rows = [b[0] for b in bad_records]
    m = len(bad_rows)
    bad = {f.name: pa.nulls(m, f.type) for f in OUTPUT_SCHEMA}
    bad.update({
        "record_id": pa.array(record_ids(sha256, bad_rows), pa.string()),
        "source_file": pa.array([source_file] * m, pa.string()),
        "source_sha256": pa.array([sha256] * m, pa.string()),
        "source_row": pa.array(bad_rows, pa.int64()),
        "carrier": pa.array([layout.carrier] * m, pa.string()),
        "layout": pa.array([layout.id] * m, pa.string()),
        "ingest_job": pa.array([ingest_job] * m, pa.string()),
        "raw": pa.array([b[1] for b in bad_records], pa.string()),
        "reasons": pa.array([[b[2]] for b in bad_records], pa.list_(pa.string())),
    })
    if pages:
        bad["source_page"] = pa.array([pages.get(r) for r in bad_rows], pa.int32())
    return pa.table(bad, schema=OUTPUT_SCHEMA)


def quarantine_all(item: ChunkDescriptor, layout: Layout, reason: str) -> pa.Table:
    """Every planned record of a chunk as a quarantined row with ``reason`` (when processing failed).

    ``raw`` is each record's text when the chunk splits into the planned number of records; otherwise
    the chunk's whole text goes on the first row, so nothing is lost and nothing is repeated. For a PDF
    page range or an XLSX row range the first row's ``raw`` names the pages or rows instead
    (the format's ``unread``, :mod:`raybench.pipeline.formats`).
    """
    rows = list(range(item.first_row, item.first_row + item.n_records))
    return _all_quarantined(item, layout, reason, rows, format_of(item.format).unread(item))


def _all_quarantined(item: ChunkDescriptor, layout: Layout, reason: str, rows: list[int], raws: list) -> pa.Table:
    n = len(rows)
    cols = {f.name: pa.nulls(n, f.type) for f in OUTPUT_SCHEMA}
    cols.update({
        "record_id": pa.array([record_id(item.sha256, r) for r in rows], pa.string()),
        "source_file": pa.array([item.source_file] * n, pa.string()),
        "source_sha256": pa.array([item.sha256] * n, pa.string()),
        "source_row": pa.array(rows, pa.int64()),
        "carrier": pa.array([layout.carrier] * n, pa.string()),
        "layout": pa.array([layout.id] * n, pa.string()),
        "ingest_job": pa.array([item.ingest_job] * n, pa.string()),
        "raw": pa.array(raws, pa.string()),
        "reasons": pa.array([[reason]] * n, pa.list_(pa.string())),
    })
    return pa.table(cols, schema=OUTPUT_SCHEMA)
