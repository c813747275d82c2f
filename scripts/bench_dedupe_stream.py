#!/usr/bin/env python3
"""Benchmark (issue 20): duplicate detection after the last batch, batch path against the stream, on the
rows of a stored database, in one process, back to back (so a loaded machine slows both alike).

Copies ``cdr`` of DB into two fresh database files in /tmp (DuckDB limits as the job sets them: 128MB while
the batches run, 256MB after). The batch path runs :func:`raybench.dedupe.dedupe_job`; the stream path
feeds the same rows as worker blocks of ``--block-rows`` to :class:`raybench.dedupe.stream.DedupeStream`
(timed: the driver's time during the batches), then ``dedupe_job`` with it (timed: after the last batch).
Prints both and whether every dedupe table came out the same. Not a test.

``--stream-only`` skips the batch path (at 10M rows it takes minutes) and prints each dedupe table's row
count and a hash of its rows instead (DuckDB's ``hash``: compare runs of one DuckDB version);
``--statements S`` prints every statement of ``dedupe_job`` after the last batch that took S seconds or
more (the stream's own statements after the last batch included).

    .venv/bin/python scripts/bench_dedupe_stream.py DB [--block-rows 38000] [--stream-only] [--statements 0.05]
"""

from __future__ import annotations

import argparse
import time

import duckdb


def _copy(src: str, dst: str):
    import os

    for f in (dst, dst + ".wal"):
        if os.path.exists(f):
            os.remove(f)
    con = duckdb.connect(dst)
    from raybench.schema import ALL_DDL

    for ddl in ALL_DDL:
        con.execute(ddl)
    con.execute(f"ATTACH '{src}' AS s (READ_ONLY)")
    con.execute("INSERT INTO cdr SELECT * REPLACE (NULL::VARCHAR AS duplicate_of) FROM s.cdr")
    con.execute("DETACH s")
    return con


class _Timed:
    """A DuckDB connection whose ``execute`` calls are timed: ``log`` holds ``(seconds, statement)``."""

    def __init__(self, con):
        self._con, self.log = con, []

    def execute(self, sql, *args, **kwargs):
        t = time.perf_counter()
        out = self._con.execute(sql, *args, **kwargs)
        self.log.append((time.perf_counter() - t, " ".join(sql.split())))
        return out

    def __getattr__(self, name):
        return getattr(self._con, name)


def _digests(con) -> dict:
    """Per dedupe table (and ``cdr.duplicate_of``): ``(rows, hash of the rows)``."""
    out = {t: con.execute(f"SELECT count(*), bit_xor(hash(t)) FROM {t} t").fetchall()[0]
           for t in ("duplicates", "call_legs", "call_keys")}
    out["cdr.duplicate_of"] = con.execute("SELECT count(*), bit_xor(hash(record_id, duplicate_of)) FROM cdr "
                                          "WHERE duplicate_of IS NOT NULL").fetchall()[0]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db")
    parser.add_argument("--block-rows", type=int, default=38_000)
    parser.add_argument("--stream-only", action="store_true", help="skip the batch path; print table hashes")
    parser.add_argument("--statements", type=float, default=None, metavar="S",
                        help="print the statements after the last batch that took S seconds or more")
    args = parser.parse_args()
    from raybench.dedupe import dedupe_job
    from raybench.dedupe.stream import DedupeStream

    job = duckdb.connect(args.db, read_only=True).execute("SELECT any_value(ingest_job) FROM cdr").fetchone()[0]
    if not args.stream_only:
        a = _copy(args.db, "/tmp/bench_dedupe_a.duckdb")
        a.execute("SET memory_limit = '256MB'")
        t = time.perf_counter()
        out_a = dedupe_job(a, job)
        batch_s = time.perf_counter() - t

    b = _copy(args.db, "/tmp/bench_dedupe_b.duckdb")
    b.execute("SET memory_limit = '128MB'")
    shas = [s for (s,) in b.execute("SELECT DISTINCT source_sha256 FROM cdr").fetchall()]
    b.execute("SET memory_limit = '2GB'")  # the rows in hand, as the workers would hand them over
    rows = b.execute("SELECT *, []::VARCHAR[] AS reasons FROM cdr ORDER BY source_sha256, source_row").to_arrow_table()
    b.execute("SET memory_limit = '128MB'")
    t = time.perf_counter()
    stream = DedupeStream(b, shas)
    for at in range(0, rows.num_rows, args.block_rows):
        stream.add(rows.slice(at, args.block_rows))
    stream.finish()
    during_s = time.perf_counter() - t
    n_rows = rows.num_rows
    b.execute("SET memory_limit = '256MB'")
    del rows
    timed = _Timed(b)
    stream.con = timed  # the stream's own statements after the last batch are listed too
    t = time.perf_counter()
    out_b = dedupe_job(timed, job, stream=stream)
    after_s = time.perf_counter() - t
    if args.statements is not None:
        for seconds, sql in timed.log:
            if seconds >= args.statements:
                print(f"{seconds:8.3f} s  {sql[:150]}")
    if args.stream_only:
        print(f"rows {n_rows}; stream: {during_s:.2f} s during the batches ({stream.groups} groups), {after_s:.2f} s "
              f"after {out_b['phases_s']}; used {out_b['stream']['used']}; tables {_digests(b)}")
        return
    same = all(a.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() == b.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
               for t in ("duplicates", "call_legs", "call_keys")) and \
        a.execute("SELECT record_id, duplicate_of FROM cdr ORDER BY ALL").fetchall() == \
        b.execute("SELECT record_id, duplicate_of FROM cdr ORDER BY ALL").fetchall()
    print(f"rows {n_rows}; batch path: {batch_s:.2f} s after the last batch {out_a['phases_s']}")
    print(f"stream: {during_s:.2f} s during the batches ({stream.groups} groups), {after_s:.2f} s after "
          f"{out_b['phases_s']}; used {out_b['stream']['used']}; same tables: {same}")


if __name__ == "__main__":
    main()
