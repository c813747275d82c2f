"""The dedupe tables, kept in the same DuckDB file as ``cdr`` (they persist across jobs).

``call_keys``: the persistent call-key index, one row per ``cdr`` row that has both numbers. Integers
only (about 80 bytes a row before compression): a record is named by its key ``k``, not by its text
``record_id``; the text ids are looked up in ``cdr`` only for the few records whose verdict changes.

| column | type | meaning |
|---|---|---|
| k | BIGINT | the record's key, from its ``record_id`` (:func:`raybench.dedupe.rules.record_key`: 60 bits of the BLAKE2b id) |
| file | INTEGER | ``dd_files.file`` of the record's file |
| row | BIGINT | ``cdr.source_row`` |
| a, b | BIGINT | number keys of caller and callee: the last 10 digits of the number's digits (all digits when fewer; read as an integer, plus 10^10 times the digit count), so ``+12125550123``, ``12125550123``, ``(212) 555-0123`` agree, and so do ``+447700900123`` and ``07700900123`` |
| start_s | BIGINT | start, Unix seconds (UTC) |
| duration_s | INTEGER | seconds, null when the source has none |
| dmin | INTEGER | billed minutes ``max(1, ceil(duration_s / 60))``; 0 when ``duration_s`` is null (a blocking key: a copy has equal minutes) |
| fwd | BOOLEAN | ``cdr.direction = 'forwarded'`` |
| amb | BOOLEAN | ``cdr.tz_flag = 'dst_ambiguous'`` |
| job | INTEGER | ``dd_jobs.job`` of the job that indexed the record |
| cluster | BIGINT | ``k`` of the first record of its duplicate cluster (its own ``k`` when it is first or alone) |
| call_id | BIGINT | on the first record of a cluster: ``k`` of the first leg of its call; null when the call has one leg, and on duplicates |
| leg | BIGINT | key of ``cdr.leg_ref`` (60 bits of its MD5), null without one: records with different legs are never copies |

``dd_files``: ``file`` (INTEGER, 1, 2, ...) for each ``source_sha256``, with its ``source_file``.
``dd_jobs``: ``job`` (INTEGER) for each ``ingest_job``.

``duplicates``: one row per record that is a duplicate (``cdr.duplicate_of`` is not null).

| column | type | meaning |
|---|---|---|
| record_id | VARCHAR | the duplicate |
| duplicate_of | VARCHAR | the first record of its cluster (earliest start, then source file, then source row) |
| kind | VARCHAR | relation to that record: ``exact``, ``clock_skew`` (start within the tolerance), ``billing`` (minute-rounded duration, start to the minute), ``tz_shift`` (start off by whole hours) |
| offset_h | INTEGER | for ``tz_shift``: hours by which this record's start is later than the first record's (negative when earlier); else null |
| delta_s | BIGINT | this record's start minus the first record's, seconds |
| ingest_job | VARCHAR | the job that last set this row |

``call_legs``: one row per leg of a call with more than one leg (a leg is a cluster, named by its first record).

| column | type | meaning |
|---|---|---|
| record_id | VARCHAR | the leg: the first record of its cluster (``cdr.duplicate_of`` is null) |
| call_id | VARCHAR | record_id of the call's first leg |
| leg | INTEGER | 1-based, by start, source file, source row |
| legs | INTEGER | legs in the call |
| ingest_job | VARCHAR | the job that last set this row |
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

CALL_KEYS_DDL = """
CREATE TABLE IF NOT EXISTS call_keys (
    k BIGINT, file INTEGER, row BIGINT, a BIGINT, b BIGINT, start_s BIGINT, duration_s INTEGER, dmin INTEGER, fwd BOOLEAN, amb BOOLEAN,
    job INTEGER, cluster BIGINT, call_id BIGINT, leg BIGINT
)"""

DD_FILES_DDL = "CREATE TABLE IF NOT EXISTS dd_files (file INTEGER, source_sha256 VARCHAR, source_file VARCHAR)"

DD_JOBS_DDL = "CREATE TABLE IF NOT EXISTS dd_jobs (job INTEGER, ingest_job VARCHAR)"

DUPLICATES_DDL = """
CREATE TABLE IF NOT EXISTS duplicates (
    record_id VARCHAR, duplicate_of VARCHAR, kind VARCHAR, offset_h INTEGER, delta_s BIGINT, ingest_job VARCHAR
)"""

CALL_LEGS_DDL = """
CREATE TABLE IF NOT EXISTS call_legs (
    record_id VARCHAR, call_id VARCHAR, leg INTEGER, legs INTEGER, ingest_job VARCHAR
)"""

DEDUPE_DDL = (CALL_KEYS_DDL, DD_FILES_DDL, DD_JOBS_DDL, DUPLICATES_DDL, CALL_LEGS_DDL)

DUPLICATE_KINDS = ("exact", "clock_skew", "billing", "tz_shift")
"""Values of ``duplicates.kind``."""


def create_tables(con, migrate: bool = True) -> None:
    """Create the dedupe tables when missing (``cdr`` must exist).

    With ``migrate``, an index of the first layout (text record ids in ``call_keys``) is dropped with the
    verdicts it made (``duplicates``, ``call_legs``, ``cdr.duplicate_of``): only jobs deduplicated from
    then on are indexed again.
    """
    cols = set() if not migrate else {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'call_keys' "
        "AND table_schema = current_schema() AND table_catalog = current_database()").fetchall()}
    if cols and "k" not in cols:
        log.warning("call_keys has the old layout (text record ids): dropping the dedupe index and its verdicts")
        for t in ("call_keys", "duplicates", "call_legs"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
        con.execute("UPDATE cdr SET duplicate_of = NULL WHERE duplicate_of IS NOT NULL")
    for ddl in DEDUPE_DDL:
        con.execute(ddl)
    con.execute("ALTER TABLE call_keys ADD COLUMN IF NOT EXISTS leg BIGINT")
