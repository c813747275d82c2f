"""Score an ingest against ground truth: every row where it belongs, every field as the truth says.

The truth Parquet (:data:`raybench.generate.carriers.TRUTH_SCHEMA`) is joined on ``source_row`` with the
``cdr`` and ``quarantine`` rows of the same file, in DuckDB.
"""

from __future__ import annotations

FIELDS = ("record_type", "direction", "start_utc", "tz_flag", "duration_s", "caller", "callee", "dialed",
          "imsi", "imei", "cell_id", "lac", "sector")
"""Canonical fields compared with the truth."""


def _lit(text: str) -> str:
    """A SQL string literal (views cannot take prepared parameters)."""
    return "'" + text.replace("'", "''") + "'"


def score_file(con, source_file: str, truth_path: str, ingest_job: str) -> dict:
    """Compare one ingested file with its truth.

    A start time whose local reading is ambiguous (truth ``tz_flag = 'dst_ambiguous'``) counts as right
    when the row carries the same flag: the hour cannot be known from the file.

    Args:
        con: DuckDB connection holding the job's tables.
        source_file: ``cdr.source_file`` of the file.
        truth_path: its truth Parquet.
        ingest_job: the job.

    Returns:
        ``rows_truth``, ``rows_valid_expected``, ``rows_valid_stored`` (expected valid and found in
        ``cdr``), ``rows_valid_exact`` (all fields equal), ``field_errors`` (field -> count),
        ``quarantine_expected``, ``quarantine_correct`` (quarantined with the expected reason),
        ``false_quarantine`` (valid rows quarantined), ``missed_quarantine`` (defect rows stored),
        ``field_accuracy`` (exact / expected valid), ``examples`` (up to 5 mismatching rows).
    """
    where = f"source_file = {_lit(source_file)} AND ingest_job = {_lit(ingest_job)}"
    con.execute(f"CREATE OR REPLACE TEMP VIEW _truth AS SELECT * FROM read_parquet({_lit(truth_path)})")
    con.execute(f"CREATE OR REPLACE TEMP VIEW _got AS SELECT * FROM cdr WHERE {where}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW _q AS SELECT * FROM quarantine WHERE {where}")
    mismatch = []
    for f in FIELDS:
        if f == "start_utc":
            mismatch.append("(t.start_utc IS DISTINCT FROM g.start_utc AND NOT "
                            "(t.tz_flag = 'dst_ambiguous' AND g.tz_flag = 'dst_ambiguous'))")
        else:
            mismatch.append(f"(t.{f} IS DISTINCT FROM g.{f})")
    field_sums = ", ".join(f"sum(CASE WHEN {m} THEN 1 ELSE 0 END) AS {f}" for f, m in zip(FIELDS, mismatch))
    any_mismatch = " OR ".join(mismatch)
    row = con.execute(f"""
        SELECT count(*) AS valid_stored,
               sum(CASE WHEN {any_mismatch} THEN 0 ELSE 1 END) AS exact, {field_sums}
        FROM _truth t JOIN _got g USING (source_row)
        WHERE t.quarantine_reason IS NULL""").fetchone()
    valid_stored, exact = int(row[0]), int(row[1] or 0)
    field_errors = {f: int(v or 0) for f, v in zip(FIELDS, row[2:]) if v}
    totals = con.execute("""
        SELECT count(*), count(*) FILTER (WHERE quarantine_reason IS NULL),
               count(*) FILTER (WHERE quarantine_reason IS NOT NULL) FROM _truth""").fetchone()
    q = con.execute("""
        SELECT count(*) FILTER (WHERE t.quarantine_reason IS NOT NULL AND list_contains(q.reasons, t.quarantine_reason)),
               count(*) FILTER (WHERE t.quarantine_reason IS NULL)
        FROM _truth t JOIN _q q USING (source_row)""").fetchone()
    missed = con.execute("""SELECT count(*) FROM _truth t JOIN _got g USING (source_row)
                            WHERE t.quarantine_reason IS NOT NULL""").fetchone()[0]
    examples = con.execute(f"""
        SELECT t.source_row, {', '.join(f't.{f} AS truth_{f}, g.{f} AS got_{f}' for f in FIELDS)}
        FROM _truth t JOIN _got g USING (source_row)
        WHERE t.quarantine_reason IS NULL AND ({any_mismatch}) ORDER BY t.source_row LIMIT 5""").fetchall()
    expected_valid = int(totals[1])
    return {
        "rows_truth": int(totals[0]),
        "rows_valid_expected": expected_valid,
        "rows_valid_stored": valid_stored,
        "rows_valid_exact": exact,
        "field_errors": field_errors,
        "quarantine_expected": int(totals[2]),
        "quarantine_correct": int(q[0]),
        "false_quarantine": int(q[1]),
        "missed_quarantine": int(missed),
        "field_accuracy": exact / expected_valid if expected_valid else 1.0,
        "examples": [str(e) for e in examples],
    }
