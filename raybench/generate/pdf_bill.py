"""N-page PDF call-detail bills in the AT&T records layout, with their ground truth (pymupdf writes them).

The look follows carrier-formats.md 1.1 and 1.4a: every page opens with an account header (carrier
name, account number, invoice, issue date, ``Page: N of M``) and closes with a proprietary notice, a
``Page N of M`` line and a Bates stamp; the records come in per-line sections (a heading naming the
wireless number, the table header, the rows, ``Total for Call Detail: K items``); a section that runs
over a page break repeats the table header on the next page; a dialed number different from the
terminating one sits on a second line inside the originating-number cell, ``<digits>(D)``.

Rows come from the AT&T builder (:func:`raybench.generate.carriers.att`), one population per section
(each section is another wireless line); the truth is the builder's. Defects (``start_parse``,
``number_lossy``) are written as text a reader must quarantine. The truth Parquet is written section by
section; the PDF itself is held by pymupdf until saved (about 10 KB a page compressed).
"""

from __future__ import annotations

import os

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from raybench.catalog import get_layout
from raybench.errors import ConfigError
from raybench.generate.carriers import TRUTH_SCHEMA, att
from raybench.generate.population import make_population
from raybench.generate.production import YEAR_S, YEAR_START_S, GeneratedFile

PAGE_W, PAGE_H = 792.0, 1224.0
"""Page size in points (11 x 17 inches, portrait)."""

FONT_SIZE = 6.5
LINE_PT = 9.0
"""Text size and line pitch of the table, in points."""

COLUMN_X = (36, 66, 112, 170, 212, 240, 314, 388, 456, 524, 584, 620)
"""Left edge of each column of the AT&T records layout, in points."""

TOP, BOTTOM = 104.0, PAGE_H - 64.0
"""First and last baselines of the table area."""

SECTION_ROWS = (150, 600)
"""Records per section (one wireless line), drawn uniformly."""

ACCOUNT = "287654321098"


def _page_header(page, number: int, pages: int, issue: str) -> None:
    page.insert_text((36, 44), "AT&T", fontsize=16, fontname="hebo")
    page.insert_text((36, 64), f"Account Number: {ACCOUNT}   Invoice: 0{ACCOUNT[:6]}   Issue Date: {issue}",
                     fontsize=9, fontname="helv")
    page.insert_text((36, 78), f"Call Detail Records - Mobility Voice   Page: {number} of {pages}",
                     fontsize=9, fontname="helv")


def _page_footer(page, number: int, pages: int) -> None:
    page.insert_text((36, PAGE_H - 44), "AT&T Proprietary (Internal Use Only) - not for use or disclosure "
                     "outside the AT&T companies except under written agreement", fontsize=7, fontname="helv")
    page.insert_text((36, PAGE_H - 32), f"Page {number} of {pages}", fontsize=7, fontname="helv")
    page.insert_text((PAGE_W - 120, PAGE_H - 20), f"ATT-LE-{number:06d}", fontsize=7, fontname="helv")


class _Pages:
    """Lays out grid lines (table lines, headings, totals) page by page."""

    def __init__(self, doc, pages: int, columns: tuple[str, ...], issue: str):
        self.doc, self.pages, self.columns, self.issue = doc, pages, columns, issue
        self.number = 0
        self.grid: list[list[str]] = []
        self.texts: list[tuple[int, str]] = []
        self.lines = int((BOTTOM - TOP) // LINE_PT) + 1

    @property
    def room(self) -> int:
        return self.lines - len(self.grid) if self.number else 0

    @property
    def full(self) -> bool:
        return self.number >= self.pages and self.room < 2

    def new_page(self) -> None:
        self.flush()
        self.number += 1
        self.grid, self.texts = [], []

    def cells(self, values: list[str]) -> None:
        self.grid.append(values)

    def text(self, value: str) -> None:
        self.texts.append((len(self.grid), value))
        self.grid.append([""] * len(self.columns))

    def flush(self) -> None:
        if not self.number:
            return
        page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        _page_header(page, self.number, self.pages, self.issue)
        for c, x in enumerate(COLUMN_X):
            column = "\n".join(row[c] for row in self.grid)
            if column.strip():
                page.insert_text((x, TOP), column, fontsize=FONT_SIZE, fontname="helv",
                                 lineheight=LINE_PT / FONT_SIZE)
        for at, value in self.texts:
            page.insert_text((36, TOP + at * LINE_PT), value, fontsize=8, fontname="hebo")
        _page_footer(page, self.number, self.pages)


def _defects(rng: np.random.Generator, source: pl.DataFrame, truth: pl.DataFrame, rate: float):
    if not rate:
        return source, truth
    n = source.height
    kind = np.where(rng.random(n) < rate, rng.integers(0, 2, n), -1)
    k = pl.Series(kind)
    lossy = source["Terminating Number"].str.replace_all(r"\D", "").map_elements(
        lambda d: f"{float(d):.5E}".replace("E+0", "E+"), return_dtype=pl.String)
    source = source.with_columns(
        pl.when(k == 0).then(pl.lit("not a date")).otherwise(pl.col("Conn. Date")).alias("Conn. Date"),
        pl.when(k == 1).then(lossy).otherwise(pl.col("Terminating Number")).alias("Terminating Number"))
    reason = np.array(["start_parse", "number_lossy", None], dtype=object)[kind]
    return source, truth.with_columns(quarantine_reason=pl.Series(reason.tolist(), dtype=pl.String))


def pdf_file_name(pages: int, seed: int, defect_rate: float) -> str:
    """``att_bill-25p-s0.pdf``."""
    return f"att_bill-{pages}p-s{seed}" + (f"-d{defect_rate:g}" if defect_rate else "") + ".pdf"


def generate_pdf_bill(out_dir: str, *, pages: int, seed: int = 0, defect_rate: float = 0.0) -> GeneratedFile:
    """Write an N-page AT&T call-detail bill and its truth (``<pdf>.truth.parquet``).

    Args:
        out_dir: folder (created).
        pages: pages to write (every page holds records; about 110 lines a page).
        seed: generator seed (same bytes for the same arguments).
        defect_rate: share of records given a bad date or an Excel-damaged terminating number.

    Raises:
        ConfigError: pages < 1, or a rate outside [0, 1).
    """
    import pymupdf  # local: heavy: only PDF inputs


    if pages < 1 or not 0 <= defect_rate < 1:
        raise ConfigError(f"pages must be >= 1 and defect_rate in [0, 1); got pages={pages}, "
                          f"defect_rate={defect_rate}")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, pdf_file_name(pages, seed, defect_rate))
    columns = get_layout("att_mobility_voice").columns
    doc = pymupdf.open()
    out = _Pages(doc, pages, columns, "04/01/2024")
    writer = None
    row = 1
    section = 0
    tmp_truth = path + ".truth.parquet.part"
    try:
        out.new_page()
        while not out.full:
            rng = np.random.default_rng([seed, 99, section])
            n = int(rng.integers(*SECTION_ROWS))
            lo = YEAR_START_S + section * (YEAR_S // 64)
            secs = np.sort(rng.integers(lo, lo + YEAR_S // 64, n))
            pop = make_population(seed * 1000 + section)
            source, truth = _defects(rng, *att(rng, pop, n, secs, row), defect_rate)
            if out.room < 4:
                if out.number >= pages:
                    break
                out.new_page()
            number = pop.target
            out.text(f"Wireless number {number[:3]}.{number[3:6]}.{number[6:]} - Call Detail (voice)")
            out.cells(list(columns))
            written = 0
            for values in source.rows():
                lines = [[v or "" for v in values]]
                orig = lines[0][5]
                if "\n" in orig:
                    first, second = orig.split("\n", 1)
                    lines[0][5] = first
                    lines.append([""] * 5 + [second] + [""] * (len(columns) - 6))
                if out.room < len(lines) + 1:  # keep one line for the section's total
                    if out.number >= pages:
                        break
                    out.new_page()
                    out.cells(list(columns))
                for line in lines:
                    out.cells(line)
                written += 1
            out.text(f"Total for Call Detail: {written} items")
            table = truth.head(written).select(list(TRUTH_SCHEMA)).to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(tmp_truth, table.schema)
            writer.write_table(table)
            row += written
            section += 1
            if written < n:
                break
        out.flush()
        doc.save(path + ".part", garbage=3, deflate=True)
    finally:
        doc.close()
        if writer is not None:
            writer.close()
    os.replace(path + ".part", path)
    os.replace(tmp_truth, path + ".truth.parquet")
    return GeneratedFile(path, path + ".truth.parquet", row - 1, "att_mobility_voice")
