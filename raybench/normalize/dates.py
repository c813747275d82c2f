"""Month-first or day-first: one decision per file, over its whole date column, never per value.

``03/04/2024`` reads as 4 March or 3 April; a per-value guess would mix both in one file. A layout whose
source does not state the order gives both readings (:attr:`raybench.layout.StartSpec.day_first_formats`);
the driver reads the file's whole start column once and decides (:func:`day_month_order`): some first
field above 12 and no second field above 12 proves day-first, the reverse proves month-first; a column
where every date fits both orders (or that contradicts itself) keeps the layout's first reading.
DuckDB's CSV sniffer tries the same small list of date orders (parsing-notes.md 1, DuckDB sniffer).
"""

from __future__ import annotations

import polars as pl

DATE_HEAD = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}"
"""The leading ``NN/NN/YYYY`` (or ``-``, ``.``) of a date or date-time text."""


def day_month_order(values: pl.Series) -> str | None:
    """The order a whole column of dates is written in.

    Args:
        values: the column's texts (nulls and texts that are not ``NN/NN/YYYY...`` are ignored).

    Returns:
        ``"dmy"`` when some first field is above 12 and no second field is, ``"mdy"`` for the reverse,
        None when every date fits both orders, none is a date, or the column contradicts itself.
    """
    parts = values.cast(pl.String).str.extract_groups(DATE_HEAD)
    first = parts.struct.field("1").cast(pl.Int32, strict=False)
    second = parts.struct.field("2").cast(pl.Int32, strict=False)
    day_first = bool((first > 12).any())
    month_first = bool((second > 12).any())
    if day_first == month_first:
        return None
    return "dmy" if day_first else "mdy"


def file_date_column(path: str, *, delimiter: str, index: int, encoding: str) -> pl.Series:
    """Column ``index`` (0-based) of every line of a delimited file, as text, streamed by polars (only that
    column is kept). Banner, header and footer lines come along; :func:`day_month_order` ignores what is
    not a date. A file polars cannot split gives an empty Series."""
    try:
        lf = pl.scan_csv(path, has_header=False, separator=delimiter, infer_schema=False, quote_char='"',
                         truncate_ragged_lines=True, encoding="utf8-lossy" if encoding != "utf-8" else "utf8",
                         ignore_errors=True)
        return lf.select(pl.nth(index)).collect().to_series()
    except Exception:  # polars' own errors on malformed quoting; the layout's first order stays
        return pl.Series([], dtype=pl.String)
