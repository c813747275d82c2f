"""Duplicate detection's first two steps while the batches arrive: record keys and candidate pairs.

:func:`raybench.dedupe.detect.dedupe_job` used to start only after the last batch: it read the job's rows
back from ``cdr`` to build their keys (step 1, regular expressions over the number texts) and then joined
every key with every other (step 2). A :class:`DedupeStream` does both as the driver receives the
workers' output: every :data:`STREAM_ROWS` stored rows, their keys go into a temporary table and are
joined with the keys seen before them (this job's earlier rows and every earlier job's ``call_keys``),
and so are the record pairs that may be legs of one call; after the last batch only one group is left
to join, and clustering, mapping the leg pairs onto clusters, and marking follow.

The result is the same as the batch path's, pair for pair: a pair of two records of the job is found
once, when the later of the two arrives (or, in one group, from its smaller key), and turned so that
``x`` has the smaller key, as :func:`raybench.dedupe.rules.candidates_sql` writes it; the kind and the
score of a pair do not depend on its orientation (``kind_sql`` is symmetric in ``x`` and ``y``).

The stream is used only when it provably saw the job's stored rows and nothing else
(:meth:`DedupeStream.usable`): the job is new (no ``dd_jobs`` row), none of its files is indexed yet (the
batch path's re-run branch removes old keys first), no chunk was delivered twice, it counted as many
stored rows as ``cdr`` holds for the job, and no other job's keys came or went while it streamed (the
service runs jobs side by side on one database: a job indexed meanwhile was never joined with the groups
built before it). Otherwise ``dedupe_job`` takes the batch path and says why in
its summary (``stream``). Everything lives in TEMP tables of the sink's connection: a crash leaves
nothing behind, and a resumed job takes the batch path.
"""

from __future__ import annotations

import logging
import time

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from raybench.dedupe.rules import KIND_RANK, DedupeOptions, kind_sql, record_key
from raybench.dedupe.tables import create_tables

log = logging.getLogger(__name__)

STREAM_ROWS = 250_000
"""Stored rows per group whose keys are built and joined at once (the sink's commit size)."""

KEY_COLUMNS = ("record_id", "source_sha256", "source_row", "caller", "callee", "start_utc", "duration_s",
               "direction", "tz_flag", "leg_ref", "reasons")
"""Columns of a worker's output the keys are made of (``reasons`` says which rows are stored)."""

_TABLES = ("_dds_keys", "_dds_files", "_dds_cand", "_dds_map", "_dds_legs", "_dds_cl")


def _keys_sql() -> str:
    """Keys of the rows of ``_dds_batch`` (the stored rows, with ``k``, ``a``, ``b`` already computed by
    :func:`key_columns` where it could), the same values as :func:`raybench.dedupe.rules.insert_keys_sql`;
    ``file`` is a provisional (negative) file number of ``_dds_files``, ``$batch`` the group's number."""
    return f"""
        INSERT INTO _dds_keys
        SELECT k, file, row, a, b, start_s, duration_s,
               CASE WHEN duration_s IS NULL THEN 0 ELSE greatest(1, (duration_s + 59) // 60) END AS dmin,
               coalesce(direction = 'forwarded', false), coalesce(tz_flag = 'dst_ambiguous', false), leg, $batch
        FROM (SELECT coalesce(c.k, {record_key('c.record_id')}) AS k, f.tmp AS file, c.source_row AS row,
                     c.a, c.b, epoch_us(c.start_utc) // 1000000 AS start_s, c.duration_s, c.direction, c.tz_flag,
                     CASE WHEN c.leg_ref <> '' THEN (md5_number_lower(c.leg_ref) >> 4)::BIGINT END AS leg
              FROM _dds_batch c JOIN _dds_files f USING (source_sha256))
        WHERE a IS NOT NULL AND b IS NOT NULL AND start_s IS NOT NULL"""


def keys_state(con) -> tuple:
    """What the stream's joins saw of earlier jobs: ``(jobs indexed, highest job number, keys in
    call_keys)``; any job indexed or removed changes it."""
    return tuple(con.execute("SELECT (SELECT count(*) FROM dd_jobs), (SELECT max(job) FROM dd_jobs), "
                             "(SELECT count(*) FROM call_keys)").fetchall()[0])


def _number_key(col: str):
    """polars: :func:`raybench.dedupe.rules.number_key` (the last 10 of the digits as a number, plus
    10^10 times how many; null without a digit)."""
    d = pl.col(col).cast(pl.String).str.replace_all("[^0-9]", "")
    k = d.str.slice(-10)
    return pl.when(d != "").then(k.cast(pl.Int64) + k.str.len_chars().cast(pl.Int64) * 10_000_000_000)


def key_columns(table: pa.Table) -> pa.Table:
    """The stored rows of a worker block (no reasons), with the keys computed natively in polars:
    ``k`` (:func:`raybench.dedupe.rules.record_key` of a 32-digit hex id; null otherwise, left to the
    SQL's MD5 fallback), ``a`` and ``b`` (number keys of caller and callee); the SQL of the batch path
    spent most of its index step in these (regular expressions in DuckDB)."""
    df = pl.from_arrow(table)
    df = df.filter(pl.col("reasons").list.len() == 0)
    rid = pl.col("record_id")
    head = rid.str.slice(0, 15)
    return df.select(
        pl.when((rid.str.len_chars() == 32) & head.str.contains("^[0-9a-fA-F]{15}$"))
        .then(head.str.to_integer(base=16, strict=False)).alias("k"),
        "record_id", "source_sha256", "source_row", _number_key("caller").alias("a"),
        _number_key("callee").alias("b"), "start_utc", "duration_s", "direction", "tz_flag", "leg_ref",
    ).to_arrow()


def _candidates_sql(o: DedupeOptions) -> str:
    """Candidate pairs of group ``$batch``'s keys with every key seen up to it whose start lies within
    the window of the group's starts (``$lo`` to ``$hi``, epoch seconds): the rows
    :func:`raybench.dedupe.rules.candidates_sql` gives for them, with provisional file numbers for the
    job's files."""
    kind = kind_sql(o, "y.start_s - x.start_s", "x.duration_s", "y.duration_s", "x.start_s", "y.start_s",
                    "x.dmin", "x.amb", "y.amb")
    rank = "CASE kind " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in KIND_RANK.items()) + " END"
    return f"""
        INSERT INTO _dds_cand
        WITH x AS (SELECT k, file, a, b, dmin, start_s, duration_s, amb, leg, start_s // 86400 + o.d AS pday
                   FROM _dds_keys, (VALUES (-1), (0), (1)) o(d) WHERE batch = $batch),
        y AS (SELECT k, file, a, b, dmin, start_s, duration_s, amb, leg, batch, true AS new,
                     start_s // 86400 AS day FROM _dds_keys
              WHERE batch <= $batch AND start_s BETWEEN $lo - {o.window_s} AND $hi + {o.window_s}
              UNION ALL
              SELECT k, file, a, b, dmin, start_s, duration_s, amb, leg, NULL, false, start_s // 86400
              FROM call_keys WHERE start_s BETWEEN $lo - {o.window_s} AND $hi + {o.window_s}),
        c AS (SELECT x.k AS xk, y.k AS yk, x.file AS xf, y.file AS yf, y.new AS y_new,
                     y.start_s - x.start_s AS delta, {kind} AS kind
              FROM x JOIN y ON y.a = x.a AND y.b = x.b AND y.dmin = x.dmin AND y.day = x.pday
              WHERE y.k <> x.k AND (NOT y.new OR y.batch < $batch OR x.k < y.k)
                AND abs(y.start_s - x.start_s) <= {o.window_s}
                AND (x.leg IS NULL OR y.leg IS NULL OR x.leg = y.leg))
        SELECT CASE WHEN y_new AND yk < xk THEN yk ELSE xk END,
               CASE WHEN y_new AND yk < xk THEN xk ELSE yk END,
               CASE WHEN y_new AND yk < xk THEN yf ELSE xf END,
               CASE WHEN y_new AND yk < xk THEN xf ELSE yf END,
               y_new, kind,
               {rank} * 100000 + abs(delta - 3600 * CAST(round(delta / 3600.0) AS BIGINT))
        FROM c WHERE kind IS NOT NULL"""


def _legs_sql(o: DedupeOptions) -> str:
    """Leg pairs ``(x, y)`` of records (keys) between group ``$batch`` and every key seen up to it (whose
    start lies within the tolerance of the group's starts, ``$lo`` to ``$hi``): the
    record pairs behind :func:`raybench.dedupe.rules.leg_pairs_sql` (same caller and another callee or
    leg within the tolerance; one's callee the other's caller, that other forwarded), without its
    ``x.cluster <> y.cluster`` (clusters are known only after the last batch: ``dedupe_job`` maps the
    pairs onto them then). A pair's orientation does not matter there (its edges are made symmetric)."""
    t = o.tolerance_s
    bucket = max(1, t)
    return f"""
        INSERT INTO _dds_legs
        WITH x AS (SELECT k, a, b, start_s, fwd, leg, start_s // {bucket} + o.d AS pm
                   FROM _dds_keys, (VALUES (-1), (0), (1)) o(d) WHERE batch = $batch),
        y AS (SELECT k, a, b, start_s, fwd, leg, batch, true AS new, start_s // {bucket} AS m
              FROM _dds_keys WHERE batch <= $batch AND start_s BETWEEN $lo - {t} AND $hi + {t}
              UNION ALL
              SELECT k, a, b, start_s, fwd, leg, NULL, false, start_s // {bucket} FROM call_keys
              WHERE start_s BETWEEN $lo - {t} AND $hi + {t})
        SELECT x.k, y.k FROM x JOIN y ON y.a = x.a AND y.m = x.pm
            WHERE (y.b <> x.b OR x.leg <> y.leg) AND abs(y.start_s - x.start_s) <= {t}
              AND (NOT y.new OR y.batch < $batch OR x.k < y.k)
        UNION ALL
        SELECT x.k, y.k FROM x JOIN y ON y.a = x.b AND y.m = x.pm
            WHERE y.fwd AND y.k <> x.k AND abs(y.start_s - x.start_s) <= {t}
        UNION ALL
        SELECT x.k, y.k FROM x JOIN y ON y.b = x.a AND y.m = x.pm
            WHERE x.fwd AND y.k <> x.k AND abs(y.start_s - x.start_s) <= {t}"""


class DedupeStream:
    """Keys and candidate pairs of one job's rows, built on the sink's connection as batches arrive.

    Args:
        con: the sink's DuckDB connection (the stream's TEMP tables live in it).
        sha256s: the SHA-256 of each of the job's files (repeats are fine: one per chunk descriptor).
        options: the match tolerances (the ones :func:`raybench.dedupe.dedupe_job` will use).
        group_rows: stored rows per group (:data:`STREAM_ROWS`).

    Call :meth:`add` with each block the sink took, :meth:`finish` after the last one; ``dedupe_job``
    then calls :meth:`usable`, :meth:`insert_keys` and :meth:`insert_candidates`.
    """

    def __init__(self, con, sha256s, options: DedupeOptions | None = None,
                 group_rows: int = STREAM_ROWS):
        self.con = con
        self.options = options or DedupeOptions()
        self.group_rows = group_rows
        self.rows_seen = 0
        """Stored rows (no reasons) seen in the blocks given to :meth:`add`."""
        self.groups = 0
        self.wall_s = 0.0
        """Seconds spent building keys and joining them (in the driver, between batches)."""
        self.refused: str | None = None
        """Why the stream cannot stand for the batch path (None while it can)."""
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._shas = sorted({s for s in sha256s if s})
        t = time.perf_counter()
        create_tables(con)
        con.execute("""CREATE OR REPLACE TEMP TABLE _dds_keys
                       (k BIGINT, file INTEGER, row BIGINT, a BIGINT, b BIGINT, start_s BIGINT,
                        duration_s INTEGER, dmin INTEGER, fwd BOOLEAN, amb BOOLEAN, leg BIGINT, batch INTEGER)""")
        con.execute("""CREATE OR REPLACE TEMP TABLE _dds_cand
                       (x BIGINT, y BIGINT, x_file INTEGER, y_file INTEGER, y_new BOOLEAN, kind VARCHAR,
                        score BIGINT)""")
        con.execute("CREATE OR REPLACE TEMP TABLE _dds_legs (x BIGINT, y BIGINT)")
        con.execute("CREATE OR REPLACE TEMP TABLE _dds_files (tmp INTEGER, source_sha256 VARCHAR)")
        if self._shas:
            con.executemany("INSERT INTO _dds_files VALUES (?, ?)",
                            [(-(i + 1), sha) for i, sha in enumerate(self._shas)])
        known = con.execute("SELECT count(*) FROM dd_files WHERE source_sha256 IN "
                            "(SELECT source_sha256 FROM _dds_files)").fetchall()[0][0]
        if known:
            self.refused = f"{known} file(s) of the job indexed before (a re-run removes their keys first)"
        self._keys_at_start = keys_state(con)
        self.wall_s += time.perf_counter() - t

    def add(self, block: pa.Table) -> None:
        """Take a block of worker output (the sink has admitted it); every :attr:`group_rows` stored
        rows, their keys are built and joined."""
        if self.refused or block.num_rows == 0:
            return
        cols = block.select(list(KEY_COLUMNS))
        stored = int(pc.sum(pc.equal(pc.list_value_length(cols.column("reasons")), 0)).as_py() or 0)
        self.rows_seen += stored
        self._pending.append(cols)
        self._pending_rows += stored
        if self._pending_rows >= self.group_rows:
            self._group()

    def _group(self) -> None:
        """Key and join the pending rows. The stream is an optimisation: a failure turns it off (the batch
        path runs after the last batch, ``refused`` says why) and never fails the job; Ctrl-C goes on."""
        if not self._pending:
            return

        try:
            self._join_pending()
        except duckdb.InterruptException:
            raise
        except Exception as exc:
            self.refused = f"the stream failed: {type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}"
            self._pending, self._pending_rows = [], 0
            log.warning("dedupe: %s; duplicate detection runs after the last batch instead", self.refused)

    def _join_pending(self) -> None:
        t = time.perf_counter()
        batch = key_columns(pa.concat_tables(self._pending))
        self._pending, self._pending_rows = [], 0
        self.groups += 1
        p = {"batch": self.groups}
        self.con.register("_dds_batch", batch)
        try:
            self.con.execute(_keys_sql(), p)
        finally:
            self.con.unregister("_dds_batch")
        # the group's first and last start: no key outside them, widened by the largest start difference
        # of a pair, can pair with it, so the joins read only the row groups of _dds_keys and call_keys
        # whose zone maps overlap that span (the rows of a CDR export come in time order, mostly)
        lo, hi = self.con.execute("SELECT min(start_s), max(start_s) FROM _dds_keys WHERE batch = $batch",
                                  p).fetchall()[0]
        if lo is not None:
            p |= {"lo": lo, "hi": hi}
            self.con.execute(_candidates_sql(self.options), p)
            if self.options.legs:
                self.con.execute(_legs_sql(self.options), p)
        self.wall_s += time.perf_counter() - t

    def finish(self) -> None:
        """Build and join what is left (after the last block)."""
        if not self.refused:
            self._group()

    def usable(self, job: str, options: DedupeOptions, dropped_rows: int = 0) -> bool:
        """Whether the stream's keys and candidates are exactly what the batch path would build for
        ``job`` now; when not, :attr:`refused` says why."""
        if self.refused:
            return False
        con = self.con
        if options != self.options:
            self.refused = "other match tolerances than the stream's"
        elif dropped_rows:
            self.refused = f"{dropped_rows} rows of chunks delivered twice were dropped by the sink"
        elif con.execute("SELECT count(*) FROM dd_jobs WHERE ingest_job = $job", {"job": job}).fetchall()[0][0]:
            self.refused = "the job was indexed before"
        elif con.execute("SELECT count(*) FROM dd_files WHERE source_sha256 IN "
                         "(SELECT source_sha256 FROM _dds_files)").fetchall()[0][0]:
            self.refused = "a file of the job was indexed meanwhile"
        elif keys_state(con) != self._keys_at_start:
            self.refused = "another job's keys were indexed or removed while this one streamed"
        else:
            stored = con.execute("SELECT count(*) FROM cdr WHERE ingest_job = $job", {"job": job}).fetchall()[0][0]
            if stored != self.rows_seen:
                self.refused = f"cdr holds {stored} rows of the job, the stream saw {self.rows_seen}"
        if self.refused:
            log.info("dedupe: streamed keys not used: %s", self.refused)
        return self.refused is None

    def _map(self) -> None:
        self.con.execute("""CREATE OR REPLACE TEMP TABLE _dds_map AS
                            SELECT t.tmp, d.file FROM _dds_files t JOIN dd_files d USING (source_sha256)""")

    def insert_keys(self, jobno: int) -> int:
        """Insert the streamed keys into ``call_keys`` as job ``jobno``'s (``dd_files`` must hold the
        job's files). Returns the keys inserted."""
        self._map()
        return int(self.con.execute("""
            INSERT INTO call_keys
            SELECT s.k, m.file, s.row, s.a, s.b, s.start_s, s.duration_s, s.dmin, s.fwd, s.amb,
                   $jobno, s.k, NULL::BIGINT, s.leg
            FROM _dds_keys s JOIN _dds_map m ON m.tmp = s.file""", {"jobno": jobno}).fetchall()[0][0])

    def insert_candidates(self, target: str = "_dd_cand") -> int:
        """Insert the streamed candidate pairs, with the job's real file numbers, into ``target``."""
        return int(self.con.execute(f"""
            INSERT INTO {target}
            SELECT c.x, c.y, mx.file, CASE WHEN c.y_new THEN my.file ELSE c.y_file END, c.y_new, c.kind, c.score
            FROM _dds_cand c JOIN _dds_map mx ON mx.tmp = c.x_file
            LEFT JOIN _dds_map my ON my.tmp = c.y_file""").fetchall()[0][0])

    def insert_leg_pairs(self, target: str = "_dd_legpairs") -> int:
        """Insert the streamed leg pairs as pairs of their clusters (``call_keys.cluster``, after
        clustering) into ``target``, leaving out pairs within one cluster. Every key of a pair is in
        ``call_keys`` and most are their own cluster, so the keys are looked up only among the records
        whose cluster is another's (a scan of two columns, not two joins with every stored key)."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE _dds_cl AS SELECT k, cluster FROM call_keys WHERE cluster <> k")
        try:
            return int(self.con.execute(f"""
                INSERT INTO {target}
                SELECT xc, yc FROM (
                    SELECT coalesce(cx.cluster, p.x) AS xc, coalesce(cy.cluster, p.y) AS yc FROM _dds_legs p
                    LEFT JOIN _dds_cl cx ON cx.k = p.x LEFT JOIN _dds_cl cy ON cy.k = p.y)
                WHERE xc <> yc""").fetchall()[0][0])
        finally:
            self.con.execute("DROP TABLE IF EXISTS _dds_cl")

    def close(self) -> None:
        """Drop the stream's tables."""
        for t in _TABLES:
            try:
                self.con.execute(f"DROP TABLE IF EXISTS {t}")
            except Exception:  # the connection is gone: so are its TEMP tables
                pass

    def summary(self) -> dict:
        """``used`` (bool), ``refused`` (why not), ``groups``, ``rows`` and ``wall_s`` (seconds spent
        while the batches ran)."""
        return {"used": self.refused is None, "refused": self.refused, "groups": self.groups,
                "rows": self.rows_seen, "wall_s": round(self.wall_s, 4)}
