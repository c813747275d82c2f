"""The exact-accounting check of a fault run: the tables hold the truth's records, no more, no fewer,
none twice.

Compared per input file (by ``source_file``) over every job of the database: the ``source_row`` set of
``cdr`` plus ``quarantine`` must equal the truth's ``source_row`` set, and no ``record_id`` (``cdr``)
or ``(source_sha256, source_row)`` (``cdr`` and ``quarantine`` together) may appear twice.
"""

from __future__ import annotations


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def exact_accounting(con, files: dict[str, str]) -> dict:
    """Check the stored records of each file against its truth.

    Args:
        con: DuckDB connection to the job's database.
        files: ``source_file`` (as the job stored it) -> truth Parquet path (a ``source_row`` column).

    Returns:
        ``rows_truth``, ``rows_stored`` (``cdr``), ``rows_quarantined``, ``missing`` (truth rows in
        neither table), ``extra`` (rows in the tables that the truth does not have), ``duplicated`` (rows
        held more than once, ``cdr`` and ``quarantine`` together), ``duplicate_record_ids`` (``cdr``),
        ``exact`` (True when ``missing``, ``extra`` and both duplicate counts are 0).
    """
    out = {"rows_truth": 0, "rows_stored": 0, "rows_quarantined": 0, "missing": 0, "extra": 0,
           "duplicated": 0, "duplicate_record_ids": 0}
    for source_file, truth in files.items():
        f = _lit(source_file)
        con.execute(f"""CREATE OR REPLACE TEMP VIEW _held AS
            SELECT source_sha256, source_row, 'cdr' AS t FROM cdr WHERE source_file = {f}
            UNION ALL SELECT source_sha256, source_row, 'q' FROM quarantine WHERE source_file = {f}""")
        truth_rows, stored, quarantined, missing, extra, duplicated = con.execute(f"""
            WITH t AS (SELECT DISTINCT source_row FROM read_parquet({_lit(truth)})),
                 h AS (SELECT DISTINCT source_row FROM _held)
            SELECT (SELECT count(*) FROM t),
                   (SELECT count(*) FROM _held WHERE t = 'cdr'),
                   (SELECT count(*) FROM _held WHERE t = 'q'),
                   (SELECT count(*) FROM t ANTI JOIN h USING (source_row)),
                   (SELECT count(*) FROM h ANTI JOIN t USING (source_row)),
                   (SELECT count(*) FROM (SELECT source_sha256, source_row FROM _held
                                           GROUP BY ALL HAVING count(*) > 1))""").fetchall()[0]
        dup_ids = con.execute(f"SELECT count(*) FROM (SELECT record_id FROM cdr WHERE source_file = {f} "
                              "GROUP BY 1 HAVING count(*) > 1)").fetchall()[0][0]
        for key, value in zip(("rows_truth", "rows_stored", "rows_quarantined", "missing", "extra",
                               "duplicated", "duplicate_record_ids"),
                              (truth_rows, stored, quarantined, missing, extra, duplicated, dup_ids)):
            out[key] += int(value)
    out["exact"] = out["missing"] == out["extra"] == out["duplicated"] == out["duplicate_record_ids"] == 0
    return out
