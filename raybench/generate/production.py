"""``raybench generate``: a seeded synthetic production file with its ground-truth Parquet, streamed.

The file is written in chunks of ``chunk_rows`` records (default 100k), so 10M rows take the memory
of one chunk. Each chunk draws from its own seeded generator (seed, layout, chunk index), so a file is
the same bytes for the same arguments on any machine. Records are in time order across a year
(2024, which has both DST changes).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from raybench.catalog import GENERATED_LAYOUTS, get_layout
from raybench.errors import ConfigError
from raybench.generate.carriers import BUILDERS, DEFECT_NUMBER_COLUMN, TRUTH_SCHEMA
from raybench.generate.fixed_report import report_text
from raybench.generate.population import make_population
from raybench.generate.xlsx_export import XlsxProduction

GENERATOR_VERSION = 1
"""Bumped whenever the bytes a seed produces change (the scenario cache keys on it)."""

YEAR_START_S = 1704067200  # 2024-01-01T00:00:00Z
YEAR_S = 366 * 86400
CHUNK_ROWS = 100_000
DEFECT_KINDS = ("start_parse", "number_lossy", "field_count")
_RAGGED = "@@RAGGED@@"
_SUFFIX = {"asterisk_master_csv": "Master.csv"}


@dataclass(frozen=True)
class GeneratedFile:
    """A written production file.

    Attributes:
        path: the CSV.
        truth_path: its ground truth (Parquet, columns :data:`raybench.generate.carriers.TRUTH_SCHEMA`).
        rows: records written.
        layout: layout id.
    """

    path: str
    truth_path: str
    rows: int
    layout: str


FORMATS = ("csv", "xlsx")
"""File formats :func:`generate_file` writes (``csv`` is the layout's own text: delimited, or fixed-width
for a layout with positions). PDF bills: :func:`raybench.generate.pdf_bill.generate_pdf_bill`."""


def file_name(layout_id: str, rows: int, seed: int, defect_rate: float, fmt: str = "csv") -> str:
    """``att_mobility_voice-1000r-s0.csv`` (Asterisk: ``...-Master.csv``; fixed-width: ``.txt``; XLSX:
    ``.xlsx``)."""
    tag = f"{layout_id}-{rows}r-s{seed}" + (f"-d{defect_rate:g}" if defect_rate else "")
    if fmt == "xlsx":
        return f"{tag}.xlsx"
    if get_layout(layout_id).fixed_width:
        return f"{tag}.txt"
    return f"{tag}-{_SUFFIX[layout_id]}" if layout_id in _SUFFIX else f"{tag}.csv"


def _excel(national: pl.Series) -> pl.Series:
    digits = national.str.replace_all(r"\D", "")
    return pl.Series([f"{float(d):.5E}".replace("E+0", "E+") if d else "1.0E+10" for d in digits.to_list()],
                     dtype=pl.String)


def _apply_defects(rng: np.random.Generator, layout_id: str, source: pl.DataFrame, truth: pl.DataFrame,
                   rate: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    n = source.height
    hit = rng.random(n) < rate
    if not hit.any():
        return source, truth
    kind = np.where(hit, rng.integers(0, len(DEFECT_KINDS), n), -1)
    layout = get_layout(layout_id)
    assert layout.start is not None
    start_col, num_col, last_col = layout.start.column, DEFECT_NUMBER_COLUMN[layout_id], layout.columns[-1]
    k = pl.Series(kind)
    source = source.with_columns(
        pl.when(k == 0).then(pl.lit("not a date")).otherwise(pl.col(start_col)).alias(start_col),
        pl.when(k == 1).then(_excel(source[num_col].fill_null("0"))).otherwise(pl.col(num_col)).alias(num_col),
        pl.when(k == 2).then(pl.lit(_RAGGED)).otherwise(pl.col(last_col)).alias(last_col),
    )
    reason = np.array(DEFECT_KINDS + (None,), dtype=object)[kind]
    return source, truth.with_columns(quarantine_reason=pl.Series(reason.tolist(), dtype=pl.String))


def generate_file(layout_id: str, out_dir: str, *, rows: int, seed: int = 0, defect_rate: float = 0.0,
                  chunk_rows: int = CHUNK_ROWS, fmt: str = "csv") -> GeneratedFile:
    """Write one production file and its truth.

    Args:
        layout_id: one of :data:`raybench.catalog.GENERATED_LAYOUTS`.
        out_dir: folder (created).
        rows: records to write.
        seed: generator seed.
        defect_rate: share of records given one defect (bad date, Excel-damaged number, an extra
            field); the truth names the rule each must fail.
        chunk_rows: records per streamed chunk.
        fmt: one of :data:`FORMATS`; ``xlsx`` writes a workbook (a cover sheet and the records), where
            an extra field is an extra filled cell.

    Raises:
        ConfigError: unknown layout or format, a bad count/rate, more rows than a sheet holds.
    """
    if layout_id not in BUILDERS:
        raise ConfigError(f"cannot generate layout {layout_id!r}; choose from {', '.join(GENERATED_LAYOUTS)}")
    if fmt not in FORMATS:
        raise ConfigError(f"cannot generate format {fmt!r}; choose from {', '.join(FORMATS)} (PDF: --pages)")
    if fmt == "xlsx" and rows > 1_048_575:
        raise ConfigError(f"an XLSX sheet holds at most 1048575 records, asked for {rows}")
    if rows < 1 or not 0 <= defect_rate < 1:
        raise ConfigError(f"rows must be >= 1 and defect_rate in [0, 1); got rows={rows}, defect_rate={defect_rate}")

    layout = get_layout(layout_id)
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise ConfigError(f"--out {out_dir!r} is a file, not a folder")
    if seed < 0:
        raise ConfigError(f"seed must be >= 0, got {seed}")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, file_name(layout_id, rows, seed, defect_rate, fmt))
    truth_path = path + ".truth.parquet"
    pop = make_population(seed)
    layout_index = GENERATED_LAYOUTS.index(layout_id)
    n_chunks = -(-rows // chunk_rows)
    span_s = YEAR_S // n_chunks
    writer = None
    tmp, tmp_truth = path + ".part", truth_path + ".part"
    sep = layout.delimiter
    quote_style = "always" if layout_id == "asterisk_master_csv" else "necessary"
    ragged = f'x"{sep}"EXTRA' if quote_style == "always" else f"x{sep}EXTRA"
    book = None
    if fmt == "xlsx":
        book = XlsxProduction(tmp, layout.columns, _RAGGED)
    try:
        with (open(tmp, "wb") if book is None else contextlib.nullcontext()) as out:
            for i in range(n_chunks):
                n = min(chunk_rows, rows - i * chunk_rows)
                rng = np.random.default_rng([seed, layout_index, i])
                lo = YEAR_START_S + i * span_s
                secs = np.sort(rng.integers(lo, lo + span_s, n))
                source, truth = BUILDERS[layout_id](rng, pop, n, secs, i * chunk_rows + 1)
                if defect_rate:
                    source, truth = _apply_defects(rng, layout_id, source, truth, defect_rate)
                if book is not None:
                    book.write(source)
                elif layout.fixed_width:
                    out.write(report_text(source, layout, i * chunk_rows + 1, i == 0, _RAGGED).encode("utf-8"))
                    truth = truth.with_columns(pl.col("quarantine_reason").replace("field_count", "record_length"))
                if book is None and not layout.fixed_width:
                    text = source.write_csv(include_header=layout.has_header and i == 0, separator=sep,
                                            quote_style=quote_style, line_terminator="\n")
                    if defect_rate:
                        text = text.replace(_RAGGED, ragged)
                    out.write(text.encode("utf-8"))
                table = truth.select(list(TRUTH_SCHEMA)).to_arrow()
                if writer is None:
                    writer = pq.ParquetWriter(tmp_truth, table.schema)
                writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
        if book is not None:
            book.close()
    os.replace(tmp, path)
    os.replace(tmp_truth, truth_path)
    return GeneratedFile(path, truth_path, rows, layout_id)
