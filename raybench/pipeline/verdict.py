"""A file's verdict once its rows are stored: ``ok``, or ``suspect`` when too much of it failed.

Many quarantined rows must never hide behind ``ok`` (issue 13). A file is ``suspect`` when

* its hard-rule quarantine passes :data:`SUSPECT_QUARANTINE_SHARE` of its records, or
* a quoted field spans lines and its record still does not parse (``quoting`` on a record of several
  lines: lines after the quote may have been read into it, see
  :data:`raybench.read.records.MAX_QUOTED_LINES`), or
* a format chosen for one of its columns still fails on more than :data:`SUSPECT_FORMAT_SHARE` of the
  stored rows that have a value there (rule ``duration_parse``: the column does not read as the unit
  the layout and the value profile chose; rule ``number_format``: most parties are not phone numbers),

with a one-line error naming the rule, the column and three raw examples. ``raybench ingest`` exits
non-zero for a ``suspect`` file, as for a ``failed`` one; the harness counts suspect files.
"""

from __future__ import annotations

import json

from raybench.validate.rules import NUMBER_PATTERN

SUSPECT_QUARANTINE_SHARE = 0.05
"""Share of a file's records quarantined by hard rules above which the file is ``suspect``."""

SUSPECT_FORMAT_SHARE = 0.5
"""Share of a column's values its chosen format fails on above which the file is ``suspect``."""

FORMAT_RULES = {"duration_parse": "duration"}
"""Soft rules that say a column's format failed -> the ``files.value_formats`` entry of that column."""


def _examples(con, job: str, sha: str, reason: str) -> str:
    rows = con.execute(
        "SELECT source_row, raw FROM quarantine WHERE ingest_job = ? AND source_sha256 = ? "
        "AND list_contains(reasons, ?) ORDER BY source_row LIMIT 3", [job, sha, reason]).fetchall()
    return "; ".join(f"row {r}: {(raw or '')[:60]!r}" for r, raw in rows)


def rows_flagged(con, job: str, sha: str) -> int:
    """Stored rows of one file (this job) that carry at least one flag."""
    return con.execute("SELECT count(*) FROM cdr WHERE ingest_job = ? AND source_sha256 = ? AND len(flags) > 0",
                       [job, sha]).fetchone()[0]


def file_verdict(con, job: str, sha: str, n_records: int, stored: int, quarantined: int,
                 value_formats: str | None) -> tuple[str, str | None]:
    """``(status, error)`` of a file whose rows are all accounted for.

    Args:
        con: the job's DuckDB connection.
        job, sha: the job and the file's SHA-256.
        n_records, stored, quarantined: the file's planned records and what was stored and quarantined.
        value_formats: the file's ``files.value_formats`` JSON (for the column's name and examples).
    """
    if n_records and quarantined > SUSPECT_QUARANTINE_SHARE * n_records:
        top = con.execute(
            "SELECT r, count(*) AS n FROM (SELECT unnest(reasons) AS r FROM quarantine "
            "WHERE ingest_job = ? AND source_sha256 = ?) GROUP BY r ORDER BY n DESC, r LIMIT 1",
            [job, sha]).fetchone()
        reason, k = top if top else ("?", quarantined)
        return "suspect", (f"{quarantined} of {n_records} records quarantined ({100 * quarantined / n_records:.0f}%), "
                           f"most for {reason} ({k}); e.g. {_examples(con, job, sha, reason)}")
    broken = con.execute(
        "SELECT source_row, raw FROM quarantine WHERE ingest_job = ? AND source_sha256 = ? "
        "AND list_contains(reasons, 'quoting') AND contains(raw, chr(10)) ORDER BY source_row LIMIT 1",
        [job, sha]).fetchone()
    if broken:  # lines after the quote may have been read into that record
        row, raw = broken
        lines = raw.count("\n") + 1
        return "suspect", (f"quoting: the quoted field opened on row {row} spans {lines} lines and its record "
                           f"does not parse; e.g. {raw.splitlines()[0][:60]!r}")
    flagged_parties = con.execute(
        "SELECT count(*) FROM cdr WHERE ingest_job = ? AND source_sha256 = ? AND list_contains(flags, 'number_format')",
        [job, sha]).fetchone()[0]
    if stored and flagged_parties > SUSPECT_FORMAT_SHARE * stored:
        examples = con.execute(
            "SELECT DISTINCT v FROM (SELECT unnest([caller, callee]) AS v FROM cdr WHERE ingest_job = ? AND "
            "source_sha256 = ? AND list_contains(flags, 'number_format')) WHERE NOT regexp_full_match(v, ?) "
            "ORDER BY v LIMIT 3", [job, sha, NUMBER_PATTERN.strip("^$")]).fetchall()
        return "suspect", (f"number_format on {flagged_parties} of {stored} stored rows: parties that are not phone "
                           f"numbers; e.g. {', '.join(repr(e[0]) for e in examples)}")
    formats = json.loads(value_formats) if value_formats else {}
    for rule, entry_name in FORMAT_RULES.items():
        failed = con.execute(
            "SELECT count(*) FROM cdr WHERE ingest_job = ? AND source_sha256 = ? AND list_contains(flags, ?)",
            [job, sha, rule]).fetchone()[0]
        entry = formats.get(entry_name) or {}
        with_value = entry.get("values") or stored
        if failed and with_value and failed > SUSPECT_FORMAT_SHARE * min(stored, with_value):
            examples = ", ".join(repr(v) for v in entry.get("unread", [])[:3])
            return "suspect", (f"{rule} on {failed} of {stored} stored rows: column {entry.get('column', '?')!r} "
                               f"does not read as {entry.get('format', '?')}" + (f"; e.g. {examples}" if examples else ""))
    return "ok", None
