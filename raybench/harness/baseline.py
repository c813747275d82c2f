"""The peer pass: the same file through plain single-process polars and DuckDB, without Ray.

polars reads the whole file (all columns as strings; a ragged row is cut to the header's width, as a
plain pass would do, not quarantined), the same normalisers and rules run once on the whole frame, and
the valid rows go to DuckDB. It is what a careful analyst would write by hand, and it
is the yardstick the benchmark divides raybench's figures by.
"""

from __future__ import annotations

import time

import duckdb
import polars as pl

from raybench.catalog import BUILTIN
from raybench.identify.file import identify_file
from raybench.normalize.frame import normalize_frame
from raybench.normalize.numbers import NumberNormalizer
from raybench.schema import ALL_DDL
from raybench.validate.rules import apply_rules


def run_baseline(path: str, db: str) -> dict:
    """Ingest one file without Ray.

    Returns:
        ``rows_read``, ``rows_stored``, ``rows_quarantined``, ``wall_s``, ``layout``.

    Raises:
        UnknownLayoutError: the file's layout is not known.
    """
    t0 = time.perf_counter()
    identity = identify_file(path, BUILTIN)
    layout = identity.identification.layout
    df = pl.read_csv(path, separator=layout.delimiter, has_header=layout.has_header, infer_schema=False,
                     new_columns=list(layout.columns), encoding="utf8-lossy",
                     truncate_ragged_lines=True)
    df = df.with_row_index("source_row", offset=1).with_columns(
        pl.col("source_row").cast(pl.Int64), raw=pl.lit(None, pl.String))
    frame, _ = apply_rules(normalize_frame(df, layout, NumberNormalizer(layout.region)), layout)
    good = frame.filter(pl.col("reasons").list.len() == 0).drop(
        [c for c in frame.columns if c.startswith("_")] + ["reasons", "raw"])
    con = duckdb.connect(db)
    for ddl in ALL_DDL:
        con.execute(ddl)
    arrow = good.to_arrow()
    con.register("good", arrow)
    cols = ", ".join(good.columns)
    con.execute(f"INSERT INTO cdr ({cols}) SELECT {cols} FROM good")
    con.close()
    return {"rows_read": df.height, "rows_stored": good.height, "rows_quarantined": df.height - good.height,
            "wall_s": time.perf_counter() - t0, "layout": layout.id}
