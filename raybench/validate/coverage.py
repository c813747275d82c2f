"""Validation coverage of one job: how many rows read got a verdict from the rules.

A row has a verdict when the rules of its layout ran on it: it is stored in ``cdr`` (every rule passed)
or quarantined for a rule (or a parse reason). A row quarantined only because its worker failed
(``worker_error: ...``) was never checked, and a row neither stored nor quarantined is missing.
"""

from __future__ import annotations


def validation_coverage(con, ingest_job: str, rows_read: int, rows_stored: int) -> dict:
    """``rows_with_verdict`` and ``validation_coverage`` (= rows with a verdict / rows read, 1.0 when no
    row was read) for one job.

    Args:
        con: the job's DuckDB connection (``quarantine`` is read).
        ingest_job: the job.
        rows_read, rows_stored: the job's totals over its ``files`` rows (stored rows passed every rule).
    """
    judged = con.execute(
        "SELECT count(*) FROM quarantine WHERE ingest_job = ? AND "
        "len(list_filter(reasons, lambda r: NOT starts_with(r, 'worker_error'))) > 0", [ingest_job]).fetchone()[0]
    n = int(rows_stored + judged)
    return {"rows_with_verdict": n, "validation_coverage": n / rows_read if rows_read else 1.0}
