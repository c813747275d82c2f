"""Run duplicate detection and leg linking for one ingest job, over the tables in its DuckDB file.

Steps (all after the job's rows are in ``cdr``):

1. index: the job's ``cdr`` rows go into ``call_keys`` (a re-run first removes them, so it is idempotent);
2. candidates: blocked equi-join of the job's keys with every indexed key (this job's and earlier
   jobs'), classified by :func:`raybench.dedupe.rules.kind_sql`; only mutual-best pairs are kept;
3. clusters: connected components of the kept pairs, where a record of an earlier job stands for its
   whole cluster; the first record (earliest start, then source file, then source row) names the cluster.
   When a new record comes before an earlier cluster's first record, that cluster is renamed;
4. ``cdr.duplicate_of`` and ``duplicates`` are set for every record of the job and of renamed clusters;
5. legs: leg pairs between records, mapped onto their clusters, give the clusters' first records a
   ``call_keys.call_id`` and a ``call_legs`` row.
"""

from __future__ import annotations

import time

from raybench.dedupe.clusters import first_of_components
from raybench.dedupe.rules import (DedupeOptions, accepted_pairs_sql, candidates_sql, insert_keys_sql,
                                   leg_pairs_sql, relation_sql)
from raybench.dedupe.tables import create_tables


def _register(con, name: str, columns: dict[str, list]) -> None:
    import pyarrow as pa

    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.register(f"{name}_view", pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()}))
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_view")
    con.unregister(f"{name}_view")


def _order_keys(con, nodes: set[str]) -> dict[str, tuple]:
    if not nodes:
        return {}
    _register(con, "_dd_nodes", {"record_id": sorted(nodes)})
    rows = con.execute("""SELECT k.record_id, k.start_s, k.source_file, k.source_row
                          FROM call_keys k JOIN _dd_nodes n USING (record_id)""").fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _components(con, edges: list[tuple[str, str]], job: str, label_col: str) -> tuple[dict, dict]:
    """New labels for the job's records and renames of earlier labels, from edges between nodes.

    Returns:
        ``(labels, renames)``: job record -> label; earlier node (a label standing for its records, or a
        record without a label) -> label of its component, for every earlier node in ``edges``.
    """
    nodes = {n for e in edges for n in e}
    first = first_of_components(edges, _order_keys(con, nodes))
    job_ids = set()
    if nodes:
        _register(con, "_dd_nodes", {"record_id": sorted(nodes)})
        job_ids = {r[0] for r in con.execute(
            "SELECT k.record_id FROM call_keys k JOIN _dd_nodes n USING (record_id) WHERE k.ingest_job = $job",
            {"job": job}).fetchall()}
    labels = {n: f for n, f in first.items() if n in job_ids}
    renames = {n: f for n, f in first.items() if n not in job_ids}
    return labels, renames


def _apply_labels(con, job: str, col: str, labels: dict[str, str], renames: dict[str, str]) -> None:
    if labels:
        _register(con, "_dd_label", {"record_id": list(labels), "label": list(labels.values())})
        con.execute(f"""UPDATE call_keys SET {col} = l.label FROM _dd_label l
                        WHERE call_keys.record_id = l.record_id""")
    if renames:
        _register(con, "_dd_rename", {"old": list(renames), "new": list(renames.values())})
        for match in (f"call_keys.{col} = r.old", "call_keys.record_id = r.old"):
            con.execute(f"""UPDATE call_keys SET {col} = r.new FROM _dd_rename r
                            WHERE {match} AND call_keys.{col} IS DISTINCT FROM r.new""")


def dedupe_job(con, job: str, options: DedupeOptions | None = None) -> dict:
    """Find the duplicates and legs among one job's stored rows and everything stored before.

    Args:
        con: DuckDB connection of the database holding ``cdr`` (the dedupe tables are created).
        job: ``cdr.ingest_job`` of the rows to index.
        options: tolerances; defaults: 2 s, offsets up to 14 h.

    Returns:
        ``wall_s`` (seconds), ``keys`` (rows indexed), ``candidates`` (pairs classified as copies),
        ``pairs`` (pairs kept), ``duplicates`` (records of the job, or of renamed clusters, now marked
        as duplicates), ``by_kind`` (kind -> records), ``offsets_h`` (zone offset in hours -> records),
        ``clusters_renamed``, ``legs`` (records in calls of two or more legs touched by this job),
        ``calls_multi_leg`` (such calls) and ``phases_s`` (step -> seconds).
    """
    o = options or DedupeOptions()
    t0 = mark = time.perf_counter()
    phases: dict[str, float] = {}

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = round(now - mark, 4)
        mark = now

    p = {"job": job}
    create_tables(con)
    con.execute("BEGIN TRANSACTION")
    try:
        # a re-run (or a file re-read after an unfinished job) starts again from the job's rows
        con.execute("""CREATE OR REPLACE TEMP TABLE _dd_shas AS
                       SELECT DISTINCT source_sha256 FROM cdr WHERE ingest_job = $job""", p)
        if con.execute("SELECT count(*) FROM call_keys WHERE source_sha256 IN (SELECT * FROM _dd_shas)").fetchone()[0]:
            con.execute("""CREATE OR REPLACE TEMP TABLE _dd_job AS
                           SELECT k.record_id, k.cluster <> k.record_id OR k.call_id IS NOT NULL AS linked
                           FROM call_keys k JOIN cdr c USING (record_id)
                           WHERE k.source_sha256 IN (SELECT * FROM _dd_shas) AND c.ingest_job = $job""", p)
            for table in ("duplicates", "call_legs"):
                con.execute(f"DELETE FROM {table} WHERE record_id IN (SELECT record_id FROM _dd_job WHERE linked)")
            con.execute("DELETE FROM call_keys WHERE record_id IN (SELECT record_id FROM _dd_job)")
            con.execute("UPDATE cdr SET duplicate_of = NULL WHERE ingest_job = $job AND duplicate_of IS NOT NULL", p)
        con.execute(insert_keys_sql(), p)
        keys = con.execute("SELECT count(*) FROM call_keys WHERE ingest_job = $job", p).fetchone()[0]
        phase("index")

        con.execute(f"CREATE OR REPLACE TEMP TABLE _dd_cand AS {candidates_sql(o)}", p)
        n_cand = con.execute("SELECT count(*) FROM _dd_cand").fetchone()[0]
        rows = con.execute(f"""
            SELECT a.x, CASE WHEN a.y_new THEN a.y ELSE coalesce(k.cluster, a.y) END
            FROM ({accepted_pairs_sql()}) a JOIN call_keys k ON k.record_id = a.y""").fetchall()
        phase("candidates")

        labels, renames = _components(con, rows, job, "cluster")
        _apply_labels(con, job, "cluster", labels, renames)
        phase("clusters")

        renamed = {f for n, f in renames.items() if n != f}
        _register(con, "_dd_renamed", {"record_id": sorted(renamed)})
        con.execute("""CREATE OR REPLACE TEMP TABLE _dd_changed AS
                       SELECT record_id, cluster FROM call_keys
                       WHERE (ingest_job = $job AND cluster <> record_id)
                          OR cluster IN (SELECT record_id FROM _dd_renamed)""", p)
        con.execute("""UPDATE cdr SET duplicate_of = CASE WHEN c.cluster = c.record_id THEN NULL ELSE c.cluster END
                       FROM _dd_changed c
                       WHERE cdr.record_id = c.record_id AND cdr.duplicate_of IS DISTINCT FROM
                             (CASE WHEN c.cluster = c.record_id THEN NULL ELSE c.cluster END)""")
        con.execute("DELETE FROM duplicates WHERE record_id IN (SELECT record_id FROM _dd_changed)")
        con.execute(f"INSERT INTO duplicates {relation_sql(o)}", p)
        stats = con.execute("""SELECT kind, offset_h, count(*) FROM duplicates
                               WHERE record_id IN (SELECT record_id FROM _dd_changed) GROUP BY ALL""").fetchall()
        phase("mark")

        legs = calls = 0
        if o.legs:
            legs, calls = _link_legs(con, job, o)
        phase("legs")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    for t in ("_dd_shas", "_dd_job", "_dd_cand", "_dd_changed", "_dd_nodes", "_dd_label", "_dd_rename", "_dd_renamed"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    by_kind: dict[str, int] = {}
    offsets: dict[int, int] = {}
    for kind, off, n in stats:
        by_kind[kind] = by_kind.get(kind, 0) + n
        if off is not None:
            offsets[off] = offsets.get(off, 0) + n
    return {
        "wall_s": time.perf_counter() - t0, "keys": int(keys), "candidates": int(n_cand), "pairs": len(rows),
        "duplicates": sum(by_kind.values()), "by_kind": by_kind, "offsets_h": dict(sorted(offsets.items())),
        "clusters_renamed": sum(1 for n, f in renames.items() if n != f), "legs": legs, "calls_multi_leg": calls, "phases_s": phases,
    }


def _link_legs(con, job: str, o: DedupeOptions) -> tuple[int, int]:
    p = {"job": job}
    # records of the job, and earlier records that stopped being first of their cluster, leave their calls
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_left AS
                   SELECT DISTINCT call_id FROM call_keys
                   WHERE call_id IS NOT NULL AND (cluster <> record_id OR ingest_job = $job)""", p)
    con.execute("UPDATE call_keys SET call_id = NULL WHERE call_id IS NOT NULL AND cluster <> record_id")
    node = "CASE WHEN {0}.ingest_job = $job THEN {0}.record_id ELSE coalesce({0}.call_id, {0}.record_id) END"
    rows = con.execute(f"""
        SELECT DISTINCT {node.format('rx')}, {node.format('ry')}
        FROM ({leg_pairs_sql(o)}) e
        JOIN call_keys kx ON kx.record_id = e.x JOIN call_keys ky ON ky.record_id = e.y
        JOIN call_keys rx ON rx.record_id = kx.cluster JOIN call_keys ry ON ry.record_id = ky.cluster
        WHERE kx.cluster <> ky.cluster""", p).fetchall()
    labels, renames = _components(con, rows, job, "call_id")
    _apply_labels(con, job, "call_id", labels, renames)
    _register(con, "_dd_calls", {"call_id": sorted(set(labels.values()) | set(renames.values()))})
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_affected AS
                   SELECT call_id FROM _dd_calls UNION SELECT call_id FROM _dd_left""")
    con.execute("DELETE FROM call_legs WHERE call_id IN (SELECT call_id FROM _dd_affected)")
    con.execute("""
        INSERT INTO call_legs
        SELECT record_id, call_id,
               row_number() OVER (PARTITION BY call_id ORDER BY start_s, source_file, source_row) AS leg,
               count(*) OVER (PARTITION BY call_id) AS legs, $job
        FROM call_keys WHERE call_id IN (SELECT call_id FROM _dd_affected)
        QUALIFY legs > 1""", p)
    # a call left with one leg is no call of legs
    con.execute("""UPDATE call_keys SET call_id = NULL WHERE call_id IN (SELECT call_id FROM _dd_affected)
                   AND record_id NOT IN (SELECT record_id FROM call_legs)""")
    legs, calls = con.execute("""SELECT count(*), count(DISTINCT call_id) FROM call_legs
                                 WHERE call_id IN (SELECT call_id FROM _dd_affected)""").fetchone()
    for t in ("_dd_left", "_dd_calls", "_dd_affected"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return int(legs), int(calls)
