"""Run duplicate detection and leg linking for one ingest job, over the tables in its DuckDB file.

Steps (all after the job's rows are in ``cdr``), all in SQL over integers (record keys ``k``, see
:mod:`raybench.dedupe.tables`):

1. index: the job's ``cdr`` rows go into ``call_keys`` (a re-run first removes them, so it is
   idempotent, and puts back the calls its records were legs of); two transactions of their own: the
   files and a re-run's removals, then the keys;
2. candidates: blocked equi-join of the job's keys with every indexed key (this job's and earlier
   jobs'), classified by :func:`raybench.dedupe.rules.kind_sql`, in parts by a hash of the caller key
   when there are many rows; only mutual-best pairs are kept;
3. clusters: connected components of the kept pairs (:func:`raybench.dedupe.clusters.sql_components`),
   where a record of an earlier job stands for its whole cluster; the first record (earliest start, then
   source file, then source row) names the cluster. When a new record comes before an earlier cluster's
   first record, that cluster is renamed;
4. legs: leg pairs between records, mapped onto their clusters, give the clusters' first records a
   ``call_keys.call_id``. A leg is a cluster: when a copy that sorts first renames an earlier leg's
   cluster, the new first record takes the leg's place in its call (and names the call when the leg
   did), so jobs deduplicated one after another give the calls that all their records would give as one
   job (``tests/unit/test_dedupe_legs_jobs.py``);
5. marking: the text ``record_id`` of the few records whose verdict changed are looked up in ``cdr``
   (one scan); ``duplicates``, ``call_legs`` and ``cdr.duplicate_of`` are set for them only.

Steps 3 to 5 are one transaction that writes only the rows that change.
"""

from __future__ import annotations

import time

from raybench.timing import PhaseTimer
from raybench.dedupe.clusters import sql_components
from raybench.dedupe.rules import (DedupeOptions, accepted_pairs_sql, candidates_sql, insert_keys_sql,
                                   leg_pairs_sql, record_key, relation_sql)
from raybench.dedupe.tables import create_tables

PART_KEYS = 3_000_000
"""Keys per part of the candidate and leg joins, and of a re-run's key removal (at 10M rows in 4 parts the
whole detection ran within a 256 MB DuckDB limit)."""

NEED_BY_FILE = 100_000
"""Step 5 reads ``cdr`` only in the files of the records it needs when it needs at most this many."""

JOB_COPY_KEYS = 1_000_000
"""A job of at most this many keys is joined from a TEMP copy of its keys (:func:`_copy_job_keys`)."""

_TEMP = ("_dd_shas", "_dd_known", "_dd_kept", "_dd_cand", "_dd_pairs", "_dd_edges", "_dd_cc", "_dd_first", "_dd_changed",
         "_dd_rel", "_dd_left", "_dd_legpairs", "_dd_legedges", "_dd_lcc", "_dd_lfirst",
         "_dd_affected", "_dd_legs", "_dd_oldcall", "_dd_calls", "_dd_renamed", "_dd_rest", "_dd_need", "_dd_rid", "_dd_legtext", "_dd_frank", "_dd_job")


def _first_sql(cc: str, jobno: str = "$jobno") -> str:
    """Each node of the components table ``cc`` with ``is_job`` and the first node of its component
    (earliest start, then source file, then source row; the file by its rank in ``_dd_frank``, so the
    sort carries integers, not names)."""
    return f"""
        SELECT c.n, coalesce(k.job = {jobno}, false) AS is_job,
               first_value(c.n) OVER (PARTITION BY c.l ORDER BY k.k IS NULL, k.start_s, f.frank, k.row, c.n)
                   AS first
        FROM {cc} c LEFT JOIN call_keys k ON k.k = c.n LEFT JOIN _dd_frank f ON f.file = k.file"""


def _legs_first_sql(cc: str) -> str:
    """As :func:`_first_sql` for the leg components ``cc``, with each node's place in its component
    (``leg``, 1-based, in the same order), the component's nodes (``legs``), ``is_leg`` (the node is the
    first record of its cluster) and ``mixed``: whether a node
    is the call of any record (``_dd_calls``), has no key or is a copy now (it stands for the call it
    named), so that the component's nodes are not all of its call's legs. A node that is a copy sorts
    after every leg: it names no call and takes none. One sort gives them all."""
    whole = "w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
    return f"""
        SELECT c.n, coalesce(k.job = $jobno, false) AS is_job, coalesce(k.cluster = k.k, false) AS is_leg,
               first_value(c.n) OVER w AS first,
               row_number() OVER w AS leg, count(*) OVER ({whole}) AS legs,
               bool_or(k.k IS NULL OR k.cluster <> k.k OR o.n IS NOT NULL) OVER ({whole}) AS mixed
        FROM {cc} c LEFT JOIN call_keys k ON k.k = c.n LEFT JOIN _dd_frank f ON f.file = k.file
        LEFT JOIN _dd_calls o ON o.n = c.n
        WINDOW w AS (PARTITION BY c.l ORDER BY k.k IS NULL, k.cluster <> k.k, k.start_s, f.frank, k.row, c.n)"""


def _job_number(con, job: str) -> int:
    row = con.execute("SELECT job FROM dd_jobs WHERE ingest_job = $job", {"job": job}).fetchone()
    if row:
        return int(row[0])
    n = con.execute("SELECT coalesce(max(job), 0) + 1 FROM dd_jobs").fetchone()[0]
    con.execute("INSERT INTO dd_jobs VALUES ($n, $job)", {"n": n, "job": job})
    return int(n)


def _copy_job_keys(con, jobno: int, keys: int) -> str:
    """The table to read job ``jobno``'s keys from in the joins with every stored key: for a job of at
    most :data:`JOB_COPY_KEYS` keys, a TEMP copy of its rows of ``call_keys`` (``_dd_job``, created or
    replaced), else ``call_keys`` itself. DuckDB knows a table's row count but cannot estimate
    ``job = $jobno``, so with ``call_keys`` on both sides it built its hash table on every stored key:
    for a 700-row job beside 10M stored rows, 0.42 s and 283 MiB where the copy takes 0.04 s and 87 MiB
    (the scanned key column), measured."""
    if keys > JOB_COPY_KEYS:
        return "call_keys"
    con.execute("CREATE OR REPLACE TEMP TABLE _dd_job AS SELECT * FROM call_keys WHERE job = $jobno",
                {"jobno": jobno})
    return "_dd_job"


def _index(con, job: str, stream=None) -> tuple[int, int, str]:
    """Step 1; returns the job's number, the keys indexed and the table to read the job's keys from
    (:func:`_copy_job_keys`). With a usable ``stream``
    (:class:`raybench.dedupe.stream.DedupeStream`), the keys it built as the batches arrived go in,
    instead of keys built again from ``cdr``."""
    p = {"job": job}
    rerun = False
    con.execute("BEGIN TRANSACTION")
    try:
        jobno = _job_number(con, job)
        con.execute("""CREATE OR REPLACE TEMP TABLE _dd_shas AS
                       SELECT source_sha256, min(source_file) AS source_file FROM cdr WHERE ingest_job = $job
                       GROUP BY ALL""", p)
        con.execute("""CREATE OR REPLACE TEMP TABLE _dd_known AS
                       SELECT f.file, f.source_sha256 FROM dd_files f JOIN _dd_shas USING (source_sha256)""")
        con.execute("""INSERT INTO dd_files
                       SELECT (SELECT coalesce(max(file), 0) FROM dd_files) + row_number() OVER (ORDER BY source_sha256),
                              source_sha256, source_file
                       FROM _dd_shas WHERE source_sha256 NOT IN (SELECT source_sha256 FROM dd_files)""")
        rerun = bool(con.execute("SELECT count(*) FROM _dd_known").fetchone()[0])
        if rerun:
            # A re-run (or a file re-read after an unfinished job) starts again from the job's rows. The
            # verdict tables are joined from their own (small) side; the keys go in parts by key, so no
            # lookup set holds every key of a large job (10M keys at once ran out of 256 MB).
            for table in ("duplicates", "call_legs"):
                con.execute(f"""DELETE FROM {table} t USING cdr c
                                WHERE t.record_id = c.record_id AND c.ingest_job = $job
                                  AND c.source_sha256 IN (SELECT source_sha256 FROM _dd_known)""", p)
            # the calls the job's records were legs of: a record's call is kept with it (restored below),
            # as an earlier job's record keeps its own; a leg that is linked to its call only through a
            # copy in another job (a billing or zone-shifted copy within the tolerance of the other legs)
            # would not be found again from the job's records alone
            con.execute("""CREATE OR REPLACE TEMP TABLE _dd_kept AS
                           SELECT k, call_id FROM call_keys
                           WHERE file IN (SELECT file FROM _dd_known) AND call_id IS NOT NULL""")
            known = con.execute("SELECT count(*) FROM call_keys WHERE file IN (SELECT file FROM _dd_known)").fetchone()[0]
            parts = max(1, -(-known // PART_KEYS))
            for part in range(parts):
                con.execute(f"""DELETE FROM call_keys WHERE file IN (SELECT file FROM _dd_known)
                                AND k % {parts} = {part} AND k IN (
                                SELECT {record_key('record_id')} AS k FROM cdr WHERE ingest_job = $job
                                AND source_sha256 IN (SELECT source_sha256 FROM _dd_known)
                                AND {record_key('record_id')} % {parts} = {part})""", p)
            con.execute("UPDATE cdr SET duplicate_of = NULL WHERE ingest_job = $job AND duplicate_of IS NOT NULL", p)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    # the keys in a transaction of their own: one that also held a re-run's deletions of a large job
    # ran out of 256 MB (a crash in between leaves the files registered and no keys: a re-run goes on)
    con.execute("BEGIN TRANSACTION")
    try:
        if stream is not None:
            keys = stream.insert_keys(jobno)
        else:
            keys = con.execute(insert_keys_sql(), {"job": job, "jobno": jobno}).fetchone()[0]
        if rerun:
            con.execute("""UPDATE call_keys SET call_id = s.call_id FROM _dd_kept s
                           WHERE call_keys.k = s.k AND call_keys.job = $jobno AND call_keys.call_id IS NULL""",
                        {"jobno": jobno})
            con.execute("DROP TABLE _dd_kept")
        # other records whose key is one of the job's, built on the job's keys (see _copy_job_keys)
        mine = _copy_job_keys(con, jobno, keys)
        clash = con.execute(f"""SELECT count(*) FROM call_keys c WHERE c.job <> $jobno
                                AND c.k IN (SELECT k FROM {mine} WHERE job = $jobno)""", {"jobno": jobno}).fetchone()[0]
        # a grouped count, not count(DISTINCT k): DuckDB's distinct aggregates do not spill to disk
        clash += con.execute("""SELECT coalesce(sum(n - 1), 0) FROM (
                                    SELECT count(*) AS n FROM call_keys WHERE job = $jobno GROUP BY k HAVING n > 1)""",
                             {"jobno": jobno}).fetchone()[0]
        if clash:
            raise RuntimeError(f"{clash} record key(s) of job {job} clash with other records' keys")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return jobno, int(keys), mine


def dedupe_job(con, job: str, options: DedupeOptions | None = None, stream=None, dropped_rows: int = 0,
               before_writes=None) -> dict:
    """Find the duplicates and legs among one job's stored rows and everything stored before.

    Args:
        con: DuckDB connection of the database holding ``cdr`` (the dedupe tables are created).
        job: ``cdr.ingest_job`` of the rows to index.
        options: tolerances; defaults: 2 s, offsets up to 14 h.
        stream: the job's :class:`raybench.dedupe.stream.DedupeStream` (keys and candidate pairs built
            while the batches ran, on this connection), used when it is exact for the job
            (:meth:`~raybench.dedupe.stream.DedupeStream.usable`); None builds everything here.
        dropped_rows: rows the sink dropped as chunks delivered twice (the stream saw them: not used).
        before_writes: called with ``con`` in step 5, inside the transaction, before the first write of a
            verdict, when the TEMP table ``_dd_touched`` (``record_id``) holds every record whose
            ``cdr.duplicate_of``, ``duplicates`` or ``call_legs`` row the step deletes, inserts or updates
            (:meth:`raybench.query.summary.Before.before_writes` notes their state then). ``_dd_touched``
            is left on the connection after the job (empty when ``before_writes`` is None).

    Returns:
        ``wall_s`` (seconds), ``keys`` (rows indexed), ``candidates`` (pairs classified as copies),
        ``pairs`` (pairs kept), ``duplicates`` (records of the job, or of renamed clusters, now marked
        as duplicates), ``by_kind`` (kind -> records), ``offsets_h`` (zone offset in hours -> records),
        ``clusters_renamed``, ``legs`` (records in calls of two or more legs touched by this job),
        ``calls_multi_leg`` (such calls), ``parts`` (parts of the joins), ``phases_s`` (step -> seconds)
        and, with a stream, ``stream`` (:meth:`~raybench.dedupe.stream.DedupeStream.summary`).
    """
    o = options or DedupeOptions()
    timer = PhaseTimer(digits=4)
    phase, phases, t0 = timer.mark, timer.phases_s, timer.t0

    create_tables(con)
    streamed = stream if stream is not None and stream.usable(job, o, dropped_rows) else None
    jobno, keys, mine = _index(con, job, streamed)
    p = {"jobno": jobno}
    phase("index")

    # each file's place in source-file order: what orders records of one start, as an integer
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_frank AS
                   SELECT file, dense_rank() OVER (ORDER BY source_file) AS frank FROM dd_files""")
    total = con.execute("SELECT count(*) FROM call_keys").fetchone()[0]
    # the joins' smaller side is the job's keys (three rows each: the day before, the day, the day after)
    # or every key, whichever has fewer: that is what one part bounds
    parts = max(1, -(-min(total, 3 * keys) // PART_KEYS))
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_cand
                   (x BIGINT, y BIGINT, x_file INTEGER, y_file INTEGER, y_new BOOLEAN, kind VARCHAR,
                    score BIGINT)""")
    if streamed is not None:
        streamed.insert_candidates("_dd_cand")
    else:
        for part in range(parts):  # the copy step 1 made: the columns read here have not changed since
            con.execute(f"INSERT INTO _dd_cand {candidates_sql(o, parts, part, mine)}", p)
    n_cand = con.execute("SELECT count(*) FROM _dd_cand").fetchone()[0]
    con.execute(f"CREATE OR REPLACE TEMP TABLE _dd_pairs AS {accepted_pairs_sql()}")
    n_pairs = con.execute("SELECT count(*) FROM _dd_pairs").fetchone()[0]
    # an earlier record stands for its cluster
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_edges AS
                   SELECT a.x AS u, CASE WHEN a.y_new THEN a.y ELSE k.cluster END AS v
                   FROM _dd_pairs a JOIN call_keys k ON k.k = a.y""")
    phase("candidates")

    con.execute("BEGIN TRANSACTION")
    try:
        sql_components(con, "_dd_edges", "_dd_cc")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _dd_first AS {_first_sql('_dd_cc')}", p)
        renamed = con.execute("SELECT count(*) FROM _dd_first WHERE NOT is_job AND first <> n").fetchone()[0]
        con.execute("""UPDATE call_keys SET cluster = m.first FROM _dd_first m
                       WHERE call_keys.cluster = m.n AND m.first <> m.n""")
        con.execute("""CREATE OR REPLACE TEMP TABLE _dd_changed AS
                       SELECT k, cluster FROM call_keys
                       WHERE (job = $jobno AND cluster <> k)
                          OR cluster IN (SELECT first FROM _dd_first WHERE NOT is_job AND first <> n)""", p)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _dd_rel AS {relation_sql(o)}")
        stats = con.execute("SELECT kind, offset_h, count(*) FROM _dd_rel GROUP BY ALL").fetchall()
        phase("clusters")

        legs = calls = 0
        if o.legs:
            legs, calls = _link_legs(con, jobno, o, parts, keys, streamed)
        else:
            con.execute("CREATE OR REPLACE TEMP TABLE _dd_affected (call BIGINT)")
            con.execute("CREATE OR REPLACE TEMP TABLE _dd_legs (k BIGINT, call BIGINT, leg INTEGER, legs INTEGER)")
        phase("legs")

        _mark(con, job, before_writes)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for t in _TEMP:
            con.execute(f"DROP TABLE IF EXISTS {t}")
    phase("mark")
    if stream is not None:
        stream.close()
    by_kind: dict[str, int] = {}
    offsets: dict[int, int] = {}
    for kind, off, n in stats:
        by_kind[kind] = by_kind.get(kind, 0) + n
        if off is not None:
            offsets[off] = offsets.get(off, 0) + n
    return {
        "wall_s": time.perf_counter() - t0, "keys": keys, "candidates": int(n_cand), "pairs": int(n_pairs),
        "duplicates": sum(by_kind.values()), "by_kind": by_kind, "offsets_h": dict(sorted(offsets.items())),
        "clusters_renamed": int(renamed), "legs": legs, "calls_multi_leg": calls, "parts": parts,
        "phases_s": phases, **({"stream": stream.summary()} if stream is not None else {}),
    }


def _link_legs(con, jobno: int, o: DedupeOptions, parts: int, keys: int, stream=None) -> tuple[int, int]:
    p = {"jobno": jobno}
    # records of the job, and earlier records that stopped being first of their cluster, leave their calls
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_left AS
                   SELECT DISTINCT call_id AS call FROM call_keys
                   WHERE call_id IS NOT NULL AND (cluster <> k OR job = $jobno)""", p)
    # a leg whose cluster was renamed (a copy that sorts before it came) is that cluster still, under its
    # new first record: the new first takes its place in the call (an edge below), and a call named by a
    # record that is now a copy is named again (its node sorts after every leg)
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_renamed AS
                   SELECT k, cluster, call_id FROM call_keys WHERE call_id IS NOT NULL AND cluster <> k""")
    con.execute("UPDATE call_keys SET call_id = NULL WHERE call_id IS NOT NULL AND cluster <> k")
    con.execute("CREATE OR REPLACE TEMP TABLE _dd_legpairs (xc BIGINT, yc BIGINT)")
    if stream is not None:  # the record pairs were found as the batches arrived
        stream.insert_leg_pairs("_dd_legpairs")
    else:
        mine = _copy_job_keys(con, jobno, keys)  # again: the clusters are set now
        for part in range(parts):
            con.execute(f"INSERT INTO _dd_legpairs {leg_pairs_sql(o, parts, part, mine)}", p)
    # a cluster whose first record has a call (an earlier job's, or this job's kept by a re-run) stands
    # for that call; any other is its own node. The records with a call are read alone (a scan of
    # call_keys' call_id), not every stored key joined with the 2.7M clusters of a 10M-row job's legs
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_oldcall AS
                   SELECT k, call_id FROM call_keys WHERE call_id IS NOT NULL""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_legedges AS
                   SELECT DISTINCT coalesce(ox.call_id, e.xc) AS u, coalesce(oy.call_id, e.yc) AS v
                   FROM _dd_legpairs e LEFT JOIN _dd_oldcall ox ON ox.k = e.xc LEFT JOIN _dd_oldcall oy ON oy.k = e.yc
                   UNION
                   SELECT r.call_id, coalesce(o.call_id, r.cluster) FROM _dd_renamed r
                   LEFT JOIN _dd_oldcall o ON o.k = r.cluster""")
    sql_components(con, "_dd_legedges", "_dd_lcc")
    # any record's call before the update below: a component holding one is "mixed" (an earlier call's
    # other legs join it); every other component's legs are its nodes, numbered in the same sort that
    # finds its first record
    con.execute("CREATE OR REPLACE TEMP TABLE _dd_calls AS SELECT DISTINCT call_id AS n FROM _dd_oldcall")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _dd_lfirst AS {_legs_first_sql('_dd_lcc')}", p)
    # one UPDATE: each node takes its component's first record as its call, and so does every leg of an
    # earlier call whose first record is no longer first (a node's own value wins: it is the same one)
    con.execute("""UPDATE call_keys SET call_id = m.first FROM (
                       SELECT n AS k, first FROM _dd_lfirst WHERE is_leg
                       UNION ALL
                       SELECT c.k, m.first FROM call_keys c JOIN _dd_lfirst m ON c.call_id = m.n
                       WHERE m.first <> m.n AND c.k NOT IN (SELECT n FROM _dd_lfirst)) m
                   WHERE call_keys.k = m.k AND call_keys.call_id IS DISTINCT FROM m.first""")
    # calls touched: each component's call, the earlier calls it took in (their call_legs rows go: a
    # record is a leg of one call), and the calls records left
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_affected AS
                   SELECT first AS call FROM _dd_lfirst UNION SELECT n FROM _dd_lfirst WHERE first <> n
                   UNION SELECT call FROM _dd_left""")
    # every record of the calls touched, numbered once: a call left with one leg is no call of legs. A
    # component that is not mixed is its call's legs, numbered already (no record names one of its
    # nodes as its call but the nodes themselves); the other calls touched, if any, are numbered from
    # call_keys (a record's call_id names its call after the update)
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_legs AS
                    SELECT n AS k, first AS call, leg, legs FROM _dd_lfirst WHERE NOT mixed""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_rest AS
                   SELECT call FROM _dd_affected EXCEPT SELECT n FROM _dd_lfirst WHERE NOT mixed""")
    if con.execute("SELECT count(*) FROM _dd_rest").fetchall()[0][0]:
        con.execute("""INSERT INTO _dd_legs
                       SELECT k.k, k.call_id AS call,
                              row_number() OVER (PARTITION BY k.call_id ORDER BY k.start_s, f.frank, k.row, k.k)
                                  AS leg,
                              count(*) OVER (PARTITION BY k.call_id) AS legs
                       FROM call_keys k JOIN _dd_frank f ON f.file = k.file
                       WHERE k.call_id IN (SELECT call FROM _dd_rest)""")
    con.execute("""UPDATE call_keys SET call_id = NULL FROM (SELECT k FROM _dd_legs WHERE legs = 1) s
                   WHERE call_keys.k = s.k""")
    con.execute("DELETE FROM _dd_legs WHERE legs = 1")
    legs, calls = con.execute("SELECT count(*), count(DISTINCT call) FROM _dd_legs").fetchone()
    return int(legs), int(calls)


def _mark(con, job: str, before_writes=None) -> None:
    """Step 5: text ids of the changed records, then ``duplicates``, ``cdr.duplicate_of``, ``call_legs``
    (``before_writes`` as for :func:`dedupe_job`)."""
    p = {"job": job}
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_need AS
                   SELECT k FROM _dd_changed UNION SELECT cluster FROM _dd_changed
                   UNION SELECT call FROM _dd_affected UNION SELECT k FROM _dd_legs""")
    # only the files of those records are read: given as values, the files' SHA-256 are a filter of the
    # scan, and cdr's zone maps on source_sha256 skip the row groups of other files (a small job reads its
    # own rows and its copies', not every stored row; as a subquery, the filter was a join and read all)
    # (a large job needs most of its rows: finding their files costs more than the whole scan it saves)
    need = con.execute("SELECT count(*) FROM _dd_need").fetchall()[0][0]
    shas = [r[0] for r in con.execute("""SELECT DISTINCT f.source_sha256 FROM dd_files f WHERE f.file IN (
                                            SELECT c.file FROM call_keys c WHERE c.k IN (SELECT k FROM _dd_need))
                                         AND f.source_sha256 IS NOT NULL""").fetchall()] if need <= NEED_BY_FILE else None
    marks = ", ".join("?" * len(shas or ()))
    where = "" if shas is None else f"WHERE source_sha256 IN ({marks})" if shas else "WHERE false"
    in_files = "true" if shas is None else f"cdr.source_sha256 IN ({marks})" if shas else "false"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _dd_rid AS
                    SELECT k, record_id FROM (SELECT {record_key('record_id')} AS k, record_id FROM cdr {where})
                    WHERE k IN (SELECT k FROM _dd_need)""", shas or [])
    # every record whose verdict rows the statements below delete, insert or update: the changed records
    # (duplicates, cdr.duplicate_of), the legs of the calls touched as they were, and the legs as they are
    # (without before_writes, an empty _dd_touched only says that the detection wrote)
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_touched AS
                   SELECT record_id FROM _dd_rid WHERE k IN (SELECT k FROM _dd_changed) OR k IN (SELECT k FROM _dd_legs)
                   UNION SELECT record_id FROM call_legs WHERE call_id IN (
                       SELECT record_id FROM _dd_rid WHERE k IN (SELECT call FROM _dd_affected))"""
                if before_writes is not None else
                "CREATE OR REPLACE TEMP TABLE _dd_touched AS SELECT NULL::VARCHAR AS record_id WHERE false")
    if before_writes is not None:
        before_writes(con)
    con.execute("""DELETE FROM duplicates
                   WHERE record_id IN (SELECT record_id FROM _dd_rid WHERE k IN (SELECT k FROM _dd_changed))""")
    con.execute("""INSERT INTO duplicates
                   SELECT d.record_id, c.record_id, r.kind, r.offset_h, r.delta_s, $job
                   FROM _dd_rel r JOIN _dd_rid d ON d.k = r.k JOIN _dd_rid c ON c.k = r.cluster""", p)
    con.execute(f"""UPDATE cdr SET duplicate_of = m.of FROM (
                       SELECT r.record_id, CASE WHEN c.cluster = c.k THEN NULL ELSE f.record_id END AS of
                       FROM _dd_changed c JOIN _dd_rid r ON r.k = c.k LEFT JOIN _dd_rid f ON f.k = c.cluster) m
                   WHERE cdr.record_id = m.record_id AND cdr.duplicate_of IS DISTINCT FROM m.of
                     AND {in_files}""", shas or [])  # the records changed are of those files
    con.execute("""DELETE FROM call_legs
                   WHERE call_id IN (SELECT record_id FROM _dd_rid WHERE k IN (SELECT call FROM _dd_affected))""")
    # a call is named by its first leg, so its text is that leg's: one join with the text ids, then the
    # legs with their call's row (1.3M calls at 10M rows, not every text again); 2.3 -> 1.6 s, measured
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_legtext AS
                   SELECT l.k, l.call, l.leg, l.legs, r.record_id FROM _dd_legs l JOIN _dd_rid r ON r.k = l.k""")
    named = con.execute("""INSERT INTO call_legs
                           SELECT a.record_id, c.record_id, a.leg, a.legs, $job FROM _dd_legtext a
                           JOIN (SELECT call, record_id FROM _dd_legtext WHERE k = call) c ON c.call = a.call""",
                        p).fetchall()[0][0]
    if named != con.execute("SELECT count(*) FROM _dd_legtext").fetchall()[0][0]:
        # a call none of whose legs with a text id is its first record: its text looked up by itself
        con.execute("""INSERT INTO call_legs
                       SELECT a.record_id, c.record_id, a.leg, a.legs, $job FROM _dd_legtext a
                       JOIN _dd_rid c ON c.k = a.call
                       WHERE a.call NOT IN (SELECT call FROM _dd_legtext WHERE k = call)""", p)
