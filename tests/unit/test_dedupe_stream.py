"""Keys and candidates built as batches arrive (:mod:`raybench.dedupe.stream`) give the same verdicts,
table for table, as the batch path that reads the rows back from ``cdr``."""

from __future__ import annotations

import duckdb
import pyarrow as pa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from raybench.dedupe import dedupe_job
from raybench.dedupe.stream import DedupeStream
from raybench.schema import ALL_DDL
from test_dedupe import add  # noqa: E402 (tests/unit is on sys.path under pytest)
from test_dedupe_properties import _build, _Jobs, call_st  # noqa: E402

TABLES = ("cdr", "duplicates", "call_legs", "call_keys", "dd_files", "dd_jobs")


def _db(calls, draw):
    con = duckdb.connect(":memory:")
    for ddl in ALL_DDL:
        con.execute(ddl)
    _build(con, calls, _Jobs(draw))
    return con


def _blocks(con, job, sizes):
    """The job's ``cdr`` rows as worker output blocks (``reasons`` empty: stored rows), in ``sizes``."""
    t = con.execute("SELECT *, []::VARCHAR[] AS reasons FROM cdr WHERE ingest_job = $j ORDER BY source_row",
                    {"j": job}).to_arrow_table()
    out, at = [], 0
    for n in sizes:
        if at >= t.num_rows:
            break
        out.append(t.slice(at, n))
        at += n
    if at < t.num_rows:
        out.append(t.slice(at))
    return out


def _quarantined(block: pa.Table) -> pa.Table:
    """The same rows with a reason each: the sink quarantines them, so the stream must not key them."""
    i = block.schema.get_field_index("reasons")
    return block.set_column(i, "reasons", pa.array([["duration_range"]] * block.num_rows, pa.list_(pa.string())))


def _snapshot(con):
    return [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(calls=st.lists(call_st, min_size=1, max_size=10), data=st.data())
def test_streamed_keys_give_the_batch_verdicts(calls, data):
    batch = _db(calls, data.draw)
    streamed = duckdb.connect(":memory:")
    for ddl in ALL_DDL:
        streamed.execute(ddl)
    streamed.register("_src", batch.execute("SELECT * FROM cdr").to_arrow_table())
    streamed.execute("INSERT INTO cdr SELECT * FROM _src")
    streamed.unregister("_src")
    group = data.draw(st.integers(1, 6), label="group_rows")
    for job in ("j1", "j2"):
        dedupe_job(batch, job)
        items = [s for (s,) in streamed.execute(
            "SELECT DISTINCT source_sha256 FROM cdr WHERE ingest_job = $j", {"j": job}).fetchall()]
        stream = DedupeStream(streamed, items, group_rows=group)
        sizes = data.draw(st.lists(st.integers(1, 5), max_size=8), label=f"sizes {job}")
        for block in _blocks(streamed, job, sizes):
            stream.add(block)
            stream.add(_quarantined(block))
        stream.finish()
        out = dedupe_job(streamed, job, stream=stream)
        earlier = streamed.execute("""SELECT count(*) FROM cdr a JOIN cdr b USING (source_sha256)
                                      WHERE a.ingest_job = 'j1' AND b.ingest_job = 'j2'""").fetchone()[0]
        if job == "j2" and earlier:  # a file of j2 was indexed with j1: the batch path's re-run branch
            assert "indexed before" in out["stream"]["refused"]
        else:
            assert out["stream"]["used"], out["stream"]
    assert _snapshot(streamed) == _snapshot(batch)


def test_stream_refuses_what_it_did_not_see():
    con = duckdb.connect(":memory:")
    for ddl in ALL_DDL:
        con.execute(ddl)
    add(con, "r1", file="a.csv", row=1)
    add(con, "r2", file="b.csv", row=1)
    stream = DedupeStream(con, ["sha-a.csv", "sha-b.csv"])
    stream.add(_blocks(con, "j1", [1])[0])  # r2 never given to the stream
    stream.finish()
    out = dedupe_job(con, "j1", stream=stream)
    assert out["stream"]["used"] is False and "the stream saw 1" in out["stream"]["refused"]
    assert dict(con.execute("SELECT record_id, duplicate_of FROM cdr").fetchall()) == {"r1": None, "r2": "r1"}


def test_stream_refuses_a_file_indexed_before():
    con = duckdb.connect(":memory:")
    for ddl in ALL_DDL:
        con.execute(ddl)
    add(con, "r1", file="a.csv", row=1)
    dedupe_job(con, "j1")
    add(con, "r2", file="a.csv", row=2, job="j2")
    stream = DedupeStream(con, ["sha-a.csv"])
    for block in _blocks(con, "j2", [5]):
        stream.add(block)
    stream.finish()
    out = dedupe_job(con, "j2", stream=stream)
    assert out["stream"]["used"] is False and "indexed before" in out["stream"]["refused"]
    assert out["duplicates"] == 1


def test_stream_refuses_rows_the_sink_dropped():
    con = duckdb.connect(":memory:")
    for ddl in ALL_DDL:
        con.execute(ddl)
    add(con, "r1", file="a.csv", row=1)
    stream = DedupeStream(con, ["sha-a.csv"])
    for block in _blocks(con, "j1", [5]):
        stream.add(block)
    stream.finish()
    out = dedupe_job(con, "j1", stream=stream, dropped_rows=3)
    assert out["stream"]["used"] is False and "delivered twice" in out["stream"]["refused"]


_party = st.one_of(st.none(), st.text(alphabet="0123456789+-() .x٣١\u0660abc", max_size=16))
_rid = st.one_of(st.text(alphabet="0123456789abcdefABCDEF", min_size=32, max_size=32),
                 st.text(alphabet="0123456789abcdef+-xyz", min_size=0, max_size=34))


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(_rid, _party, _party), min_size=1, max_size=20))
def test_native_keys_are_the_sql_keys(rows):
    from raybench.dedupe.rules import number_key, record_key
    from raybench.dedupe.stream import key_columns

    t = pa.table({"record_id": [r[0] for r in rows], "source_sha256": ["s"] * len(rows),
                  "source_row": list(range(len(rows))), "caller": pa.array([r[1] for r in rows], pa.string()),
                  "callee": pa.array([r[2] for r in rows], pa.string()), "start_utc": pa.nulls(len(rows), pa.timestamp("us", "UTC")),
                  "duration_s": pa.nulls(len(rows), pa.int32()), "direction": pa.nulls(len(rows), pa.string()),
                  "tz_flag": pa.nulls(len(rows), pa.string()), "leg_ref": pa.nulls(len(rows), pa.string()),
                  "reasons": pa.array([[]] * len(rows), pa.list_(pa.string()))})
    got = key_columns(t)
    con = duckdb.connect()
    con.register("t", t)
    con.register("g", got)
    want = con.execute(f"SELECT {record_key('record_id')}, {number_key('caller')}, {number_key('callee')} FROM t "
                       "ORDER BY source_row").fetchall()
    mine = con.execute(f"SELECT coalesce(k, {record_key('record_id')}), a, b FROM g ORDER BY source_row").fetchall()
    assert mine == want


def _both_ways(build, jobs=("j1",), group=2):
    """Build the rows twice, dedupe one copy by the batch path and one by the stream: the tables."""
    out = []
    for streamed in (False, True):
        con = duckdb.connect(":memory:")
        for ddl in ALL_DDL:
            con.execute(ddl)
        build(con)
        for job in jobs:
            if streamed:
                shas = [s for (s,) in con.execute(
                    "SELECT DISTINCT source_sha256 FROM cdr WHERE ingest_job = $j", {"j": job}).fetchall()]
                stream = DedupeStream(con, shas, group_rows=group)
                for block in _blocks(con, job, [1, 2, 1, 3]):
                    stream.add(block)
                stream.finish()
                assert dedupe_job(con, job, stream=stream)["stream"]["used"]
            else:
                dedupe_job(con, job)
        out.append(_snapshot(con))
    return out


def test_streamed_legs_are_the_batch_legs():
    from test_dedupe import A, B, C, D

    def build(con):
        add(con, "ring1", file="a.csv", row=1, caller=A, callee=B, start=0)
        add(con, "ring2", file="a.csv", row=2, caller=A, callee=C, start=1)
        add(con, "ring2copy", file="b.csv", row=1, caller=A, callee=C, start=1)
        add(con, "fwd1", file="a.csv", row=3, caller=C, callee=B, start=500)
        add(con, "fwd2", file="b.csv", row=2, caller=B, callee=D, start=501, direction="forwarded")
        add(con, "late", file="c.csv", row=1, caller=A, callee=D, start=2, job="j2")
        add(con, "far", file="c.csv", row=2, caller=A, callee=D, start=60, job="j2")

    batch, streamed = _both_ways(build, jobs=("j1", "j2"))
    assert streamed == batch
    legs = {r[0] for r in batch[2]}
    assert {"ring1", "ring2", "late", "fwd1", "fwd2"} <= legs and "far" not in legs


def test_a_failing_stream_turns_itself_off_and_the_batch_path_runs():
    con = duckdb.connect(":memory:")
    for ddl in ALL_DDL:
        con.execute(ddl)
    add(con, "r1", file="a.csv", row=1)
    add(con, "r2", file="b.csv", row=1)
    stream = DedupeStream(con, ["sha-a.csv", "sha-b.csv"], group_rows=1)
    con.execute("DROP TABLE _dds_cand")  # the next group's join cannot write its pairs
    for block in _blocks(con, "j1", [1, 1]):
        stream.add(block)
    stream.finish()
    assert stream.refused.startswith("the stream failed: CatalogException")
    out = dedupe_job(con, "j1", stream=stream)
    assert out["stream"]["used"] is False and out["duplicates"] == 1


def test_stream_refuses_when_another_job_was_indexed_meanwhile():
    """The service runs jobs side by side: j2 streams while j1 finishes and is indexed. j2's groups were
    joined before j1's keys existed, so its stream must stand down, and the batch path must find that
    r2 (j2) copies r1 (j1)."""
    con = duckdb.connect(":memory:")
    for ddl in ALL_DDL:
        con.execute(ddl)
    add(con, "r1", file="a.csv", row=1, job="j1")
    add(con, "r2", file="b.csv", row=1, job="j2")
    s1 = DedupeStream(con.cursor(), ["sha-a.csv"])
    s2 = DedupeStream(con.cursor(), ["sha-b.csv"])
    s2.add(_blocks(con, "j2", [5])[0])  # j2's only group, joined before j1 is indexed
    s2.finish()
    s1.add(_blocks(con, "j1", [5])[0])
    s1.finish()
    assert dedupe_job(s1.con, "j1", stream=s1)["stream"]["used"] is True
    out = dedupe_job(s2.con, "j2", stream=s2)
    assert out["stream"]["used"] is False and "while this one streamed" in out["stream"]["refused"]
    assert dict(con.execute("SELECT record_id, duplicate_of FROM cdr").fetchall()) == {"r1": None, "r2": "r1"}


def test_copies_hours_apart_in_other_groups_and_jobs_are_found():
    """The groups' joins read only keys within the largest pair difference of the group's starts
    (``DedupeStream`` bounds them by ``window_s``): a copy read 13 hours off (tz_shift) that arrives in a
    later group than its original, or in a later job, is still found; a record 15 hours off is not."""
    from test_dedupe import C, D

    def build(con):  # one row of each job per block: orig | shift13, other | orig2 and late13 | far15
        add(con, "orig", file="a.csv", row=1, start=0)
        add(con, "shift13", file="b.csv", row=2, start=13 * 3600)
        add(con, "other", file="a.csv", row=3, caller=C, callee=D, start=30 * 3600, dur=200)
        add(con, "orig2", file="a.csv", row=4, caller=C, callee=D, start=40 * 3600)
        add(con, "late13", file="c.csv", row=1, caller=C, callee=D, start=27 * 3600, job="j2")
        add(con, "far15", file="c.csv", row=2, start=15 * 3600 + 5, job="j2")

    batch, streamed = _both_ways(build, jobs=("j1", "j2"), group=1)
    assert streamed == batch
    dup = {r[0]: r[1] for r in batch[1]}
    assert dup == {"shift13": "orig", "orig2": "late13"}, dup  # the earlier start names the cluster
