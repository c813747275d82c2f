"""The canonical tables: the single source of truth for column names and types.

Tables (see ../shared/design.md, "Canonical schema"):

* ``cdr``: one row per record that passed validation (columns in :data:`CDR_SCHEMA`).
* ``quarantine``: one row per record that failed one or more rules (:data:`QUARANTINE_COLUMNS`).
* ``files``: one row per input file (:data:`FILES_COLUMNS`).
* ``cell_sites``: one row per cell of a cell-site (tower) list (:data:`CELL_SITES_COLUMNS`).
* ``chunks`` and ``ingest_jobs``: the checkpoint and the job manifest a restarted driver resumes from
  (:data:`CHUNKS_DDL`, :data:`INGEST_JOBS_DDL`).
* ``chunk_parts``: the Parquet sink's ledger of which file holds which chunk (:data:`CHUNK_PARTS_DDL`).

Units are in the names: ``duration_s`` seconds, ``bytes`` bytes, times are UTC instants.
"""

from __future__ import annotations

import pyarrow as pa

RECORD_TYPES = ("voice", "sms", "mms", "data", "voicemail", "other")
"""The record types a descriptor can be read as (the record-type model's classes)."""
UNKNOWN_RECORD_TYPE = "unknown"
"""Stored as ``record_type`` when neither the layout's value map nor the record-type model reads the
descriptor with confidence; the row is stored and flagged ``record_type_known``."""
DIRECTIONS = ("outgoing", "incoming", "forwarded", "internal", "unknown")
CARRIERS = (
    "att", "verizon", "tmobile", "sprint", "asterisk", "freeswitch", "cucm", "avaya", "3cx",
    "bandicoot", "orange", "telenor", "research", "apple", "generic", "unknown",
)
TZ_FLAGS = ("dst_ambiguous", "dst_nonexistent")

UTC_US = pa.timestamp("us", tz="UTC")

CDR_SCHEMA = pa.schema([
    ("record_id", pa.string()),
    ("source_file", pa.string()),
    ("source_sha256", pa.string()),
    ("source_row", pa.int64()),
    ("source_page", pa.int32()),
    ("carrier", pa.string()),
    ("layout", pa.string()),
    ("record_type", pa.string()),
    ("direction", pa.string()),
    ("start_utc", UTC_US),
    ("start_raw", pa.string()),
    ("tz_assumed", pa.string()),
    ("tz_flag", pa.string()),
    ("duration_s", pa.int32()),
    ("caller", pa.string()),
    ("callee", pa.string()),
    ("dialed", pa.string()),
    ("imsi", pa.string()),
    ("imei", pa.string()),
    ("cell_id", pa.string()),
    ("lac", pa.string()),
    ("sector", pa.string()),
    ("cell_lat", pa.float64()),
    ("cell_lon", pa.float64()),
    ("duplicate_of", pa.string()),
    ("ingest_job", pa.string()),
    ("flags", pa.list_(pa.string())),
    ("leg_ref", pa.string()),
])
"""Arrow schema of the ``cdr`` table, column for column. ``flags`` are the soft rules the row failed
(:mod:`raybench.validate.rules`): the row is a call, stored, with those values in doubt. ``leg_ref`` is
the source's name for the far end of this leg (Asterisk ``dstchannel`` without its sequence number): two
records of one call with different ``leg_ref`` are legs (a queue ringing several agents), not copies."""

CDR_DDL = """
CREATE TABLE IF NOT EXISTS cdr (
    record_id VARCHAR,
    source_file VARCHAR, source_sha256 VARCHAR, source_row BIGINT, source_page INTEGER,
    carrier VARCHAR, layout VARCHAR, record_type VARCHAR, direction VARCHAR,
    start_utc TIMESTAMPTZ, start_raw VARCHAR, tz_assumed VARCHAR, tz_flag VARCHAR,
    duration_s INTEGER, caller VARCHAR, callee VARCHAR, dialed VARCHAR,
    imsi VARCHAR, imei VARCHAR, cell_id VARCHAR, lac VARCHAR, sector VARCHAR,
    cell_lat DOUBLE, cell_lon DOUBLE, duplicate_of VARCHAR, ingest_job VARCHAR, flags VARCHAR[],
    leg_ref VARCHAR
)"""

QUARANTINE_COLUMNS = ("source_file", "source_sha256", "source_row", "raw", "reasons", "ingest_job")
QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS quarantine (
    source_file VARCHAR, source_sha256 VARCHAR, source_row BIGINT, raw VARCHAR,
    reasons VARCHAR[], ingest_job VARCHAR
)"""

FILES_COLUMNS = (
    "ingest_job", "path", "sha256", "bytes", "encoding", "dialect", "layout", "carrier", "kind",
    "confidence", "rows_read", "rows_stored", "rows_quarantined", "lines_skipped", "status", "error",
    "tz", "tz_source", "value_formats", "rows_flagged",
)
"""``tz``: the zone the file's local times were read in; ``tz_source``: how it was decided (``stated``
by the source, ``proven`` by the file's own evidence, given by ``--tz``, or ``assumed``) with the
evidence; ``value_formats``: JSON, the format chosen per typed column with how many sampled values each
candidate read (:mod:`raybench.profile`); ``rows_flagged``: stored rows carrying at least one flag."""
FILES_DDL = """
CREATE TABLE IF NOT EXISTS files (
    ingest_job VARCHAR, path VARCHAR, sha256 VARCHAR, bytes BIGINT, encoding VARCHAR, dialect VARCHAR,
    layout VARCHAR, carrier VARCHAR, kind VARCHAR, confidence DOUBLE, rows_read BIGINT,
    rows_stored BIGINT, rows_quarantined BIGINT, lines_skipped MAP(VARCHAR, BIGINT),
    status VARCHAR, error VARCHAR, tz VARCHAR, tz_source VARCHAR, value_formats VARCHAR,
    rows_flagged BIGINT
)"""

CELL_SITES_COLUMNS = ("carrier", "cell_id", "lat", "lon", "source_file", "source_sha256", "ingest_job")
CELL_SITES_DDL = """
CREATE TABLE IF NOT EXISTS cell_sites (
    carrier VARCHAR, cell_id VARCHAR, lat DOUBLE, lon DOUBLE, source_file VARCHAR, source_sha256 VARCHAR,
    ingest_job VARCHAR
)"""

CHUNKS_DDL = """
CREATE TABLE IF NOT EXISTS chunks (
    ingest_job VARCHAR, chunk_id VARCHAR, source_sha256 VARCHAR, first_row BIGINT, n_records BIGINT,
    rows_written BIGINT, committed_utc TIMESTAMPTZ
)"""
"""The checkpoint: one row per chunk per commit, written in the same transaction as the chunk's rows.
A chunk is committed when its ``rows_written`` add up to ``n_records`` (:mod:`raybench.pipeline.checkpoint`)."""

CHUNK_PARTS_DDL = """
CREATE TABLE IF NOT EXISTS chunk_parts (
    ingest_job VARCHAR, chunk_id VARCHAR, source_sha256 VARCHAR, part_path VARCHAR, attempt INTEGER,
    rows BIGINT, rows_quarantined BIGINT, part_bytes BIGINT, loaded BOOLEAN, committed_utc TIMESTAMPTZ
)"""
"""The Parquet sink's ledger (:mod:`raybench.sink.parquet_parts`): which Parquet file holds each chunk's
rows, one row per chunk, written in the same transaction as the chunk's ``chunks`` row. A file under the
parts folder that is not named here (a retried attempt's) is never read. ``loaded`` is set when the
file's rows are copied into ``cdr`` and ``quarantine``, in the same transaction as the copy."""

INGEST_JOBS_DDL = """
CREATE TABLE IF NOT EXISTS ingest_jobs (
    ingest_job VARCHAR, status VARCHAR, started_utc TIMESTAMPTZ, finished_utc TIMESTAMPTZ,
    paths VARCHAR, options VARCHAR, runs INTEGER, error VARCHAR
)"""
"""The job manifest: ``status`` is ``running``, ``done`` or ``failed``; ``paths`` and ``options`` are JSON
(what a resumed driver needs); ``runs`` counts the driver runs (1 + resumes)."""

MIGRATIONS = (
    "ALTER TABLE cdr ADD COLUMN IF NOT EXISTS flags VARCHAR[]",
    "ALTER TABLE cdr ADD COLUMN IF NOT EXISTS leg_ref VARCHAR",
    "ALTER TABLE files ADD COLUMN IF NOT EXISTS tz VARCHAR",
    "ALTER TABLE files ADD COLUMN IF NOT EXISTS tz_source VARCHAR",
    "ALTER TABLE files ADD COLUMN IF NOT EXISTS value_formats VARCHAR",
    "ALTER TABLE files ADD COLUMN IF NOT EXISTS rows_flagged BIGINT",
)
"""Columns added since the first release, for databases written by an older raybench."""

ALL_DDL = (CDR_DDL, QUARANTINE_DDL, FILES_DDL, CELL_SITES_DDL, CHUNKS_DDL, CHUNK_PARTS_DDL, INGEST_JOBS_DDL) + MIGRATIONS
