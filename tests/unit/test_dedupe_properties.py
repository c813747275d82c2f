"""Property tests of the detector: random calls with random copies, negatives and job splits; the
clusters found are exactly the labelled ones, zone offsets are flagged right, and a re-run changes nothing."""

from __future__ import annotations

from datetime import timedelta

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from raybench.dedupe import dedupe_job
from raybench.schema import ALL_DDL
from test_dedupe import T0, add  # noqa: E402 (tests/unit is on sys.path under pytest)

NUMBERS = ["+12125550101", "+13125550102", "+14155550103", "+16175550104", "+17025550105"]

copy_st = st.fixed_dictionaries({
    "exact": st.booleans(), "exact_same_file": st.booleans(),
    "skew": st.one_of(st.none(), st.sampled_from([-2, -1, 1, 2])),
    "billing": st.booleans(),
    "tz": st.one_of(st.none(), st.integers(-14, 14).filter(lambda h: h != 0)),
    "near": st.one_of(st.none(), st.integers(3, 8)),
    "hour_apart": st.one_of(st.none(), st.integers(1, 5)),
})
call_st = st.fixed_dictionaries({
    "caller": st.sampled_from(NUMBERS), "callee": st.sampled_from(NUMBERS),
    "offset_s": st.integers(0, 3599),
    "dur": st.one_of(st.none(), st.integers(0, 7200)),
    "copies": copy_st,
})


def _build(con, calls, jobs):
    """Insert the calls and their copies; returns record id -> truth cluster, tz copy -> (original, hours)."""
    truth, tz = {}, {}
    row = {"n": 0}

    def put(rid, cluster, file, start, dur, caller, callee):
        row["n"] += 1
        add(con, rid, job=jobs.draw(rid), file=file, row=row["n"], caller=caller, callee=callee,
            start=start, dur=dur)
        truth[rid] = cluster

    for i, c in enumerate(calls):
        if c["caller"] == c["callee"]:
            continue
        start = T0 + timedelta(days=3 * i, seconds=c["offset_s"])
        o, cp, d = f"o{i}", c["copies"], c["dur"]
        put(o, o, "orig.csv", start, d, c["caller"], c["callee"])
        if cp["exact"]:
            put(f"e{i}", o, "orig.csv" if cp["exact_same_file"] else "resent.csv", start, d, c["caller"], c["callee"])
        if cp["skew"] is not None:
            put(f"s{i}", o, "skew.csv", start + timedelta(seconds=cp["skew"]), d, c["caller"], c["callee"])
        billed = cp["billing"] and d is not None
        if billed:
            put(f"b{i}", o, "bill.csv", start - timedelta(seconds=start.second), max(60, -(-d // 60) * 60),
                c["caller"], c["callee"])
        if cp["tz"] is not None:
            put(f"t{i}", o, "tz.csv", start + timedelta(hours=cp["tz"]), d, c["caller"], c["callee"])
            tz[f"t{i}"] = (o, cp["tz"])
        if cp["near"] is not None and not billed and d is not None:
            put(f"n{i}", f"n{i}", "neg.csv", start + timedelta(seconds=cp["near"]), 5 + (d + 17) % 40,
                c["caller"], c["callee"])
        if cp["hour_apart"] is not None:
            put(f"h{i}", f"h{i}", "neg.csv", start + timedelta(hours=cp["hour_apart"]), None if d else 30,
                c["caller"], c["callee"])
    return truth, tz


class _Jobs:
    def __init__(self, draw):
        self._draw = draw

    def draw(self, rid):
        return self._draw(st.sampled_from(["j1", "j2"]), label=rid)


def _partition(mapping):
    groups = {}
    for rid, cluster in mapping.items():
        groups.setdefault(cluster, set()).add(rid)
    return sorted(sorted(g) for g in groups.values())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls=st.lists(call_st, min_size=1, max_size=12), data=st.data())
def test_clusters_are_the_labelled_ones(calls, data):
    con = duckdb.connect(":memory:")
    for ddl in ALL_DDL:
        con.execute(ddl)
    truth, tz = _build(con, calls, _Jobs(data.draw))
    dedupe_job(con, "j1")
    dedupe_job(con, "j2")
    got = dict(con.execute("SELECT record_id, coalesce(duplicate_of, record_id) FROM cdr").fetchall())
    assert _partition(got) == _partition(truth)
    # the first of each cluster is its earliest record, and it is not itself marked
    firsts = con.execute("""SELECT count(*) FROM cdr d JOIN cdr f ON f.record_id = d.duplicate_of
                            WHERE f.duplicate_of IS NOT NULL OR f.start_utc > d.start_utc""").fetchone()[0]
    assert firsts == 0
    offsets = {r[0]: r[1] or 0 for r in con.execute("SELECT record_id, offset_h FROM duplicates").fetchall()}
    for t, (o, hours) in tz.items():
        assert offsets.get(t, 0) - offsets.get(o, 0) == hours
    before = [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("cdr", "duplicates", "call_keys")]
    dedupe_job(con, "j2")
    assert [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("cdr", "duplicates", "call_keys")] == before
    con.close()
