"""The dedupe tables, kept in the same DuckDB file as ``cdr`` (they persist across jobs).

``call_keys``: the persistent call-key index, one row per ``cdr`` row that has both numbers.

| column | type | meaning |
|---|---|---|
| record_id | VARCHAR | ``cdr.record_id`` |
| a, b | BIGINT | number keys of caller and callee: the last 10 digits of the number's digits (all digits when fewer; read as an integer, plus 10^10 times the digit count), so ``+12125550123``, ``12125550123``, ``(212) 555-0123`` agree, and so do ``+447700900123`` and ``07700900123`` |
| start_s | BIGINT | start, Unix seconds (UTC) |
| duration_s | INTEGER | seconds, null when the source has none |
| dmin | INTEGER | billed minutes ``max(1, ceil(duration_s / 60))``; 0 when ``duration_s`` is null (a blocking key: a copy has equal minutes) |
| day | INTEGER | ``start_s // 86400`` (a blocking key) |
| direction, tz_flag | VARCHAR | as in ``cdr`` |
| source_sha256, source_file | VARCHAR | the record's file |
| source_row | BIGINT | as in ``cdr`` |
| ingest_job | VARCHAR | the job that stored the record |
| cluster | VARCHAR | record_id of the first record of its duplicate cluster (its own id when it is first or alone) |
| call_id | VARCHAR | on the first record of a cluster: record_id of the first leg of its call; null when the call has one leg, and on duplicates |

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

CALL_KEYS_DDL = """
CREATE TABLE IF NOT EXISTS call_keys (
    record_id VARCHAR, a BIGINT, b BIGINT, start_s BIGINT, duration_s INTEGER, dmin INTEGER, day INTEGER,
    direction VARCHAR, tz_flag VARCHAR, source_sha256 VARCHAR, source_file VARCHAR, source_row BIGINT,
    ingest_job VARCHAR, cluster VARCHAR, call_id VARCHAR
)"""

DUPLICATES_DDL = """
CREATE TABLE IF NOT EXISTS duplicates (
    record_id VARCHAR, duplicate_of VARCHAR, kind VARCHAR, offset_h INTEGER, delta_s BIGINT, ingest_job VARCHAR
)"""

CALL_LEGS_DDL = """
CREATE TABLE IF NOT EXISTS call_legs (
    record_id VARCHAR, call_id VARCHAR, leg INTEGER, legs INTEGER, ingest_job VARCHAR
)"""

DEDUPE_DDL = (CALL_KEYS_DDL, DUPLICATES_DDL, CALL_LEGS_DDL)

DUPLICATE_KINDS = ("exact", "clock_skew", "billing", "tz_shift")
"""Values of ``duplicates.kind``."""


def create_tables(con) -> None:
    """Create the dedupe tables when missing (``cdr`` must exist)."""
    for ddl in DEDUPE_DDL:
        con.execute(ddl)
