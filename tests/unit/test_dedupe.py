"""The SQL duplicate detector on small hand-built ``cdr`` tables (no Ray)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from raybench.dedupe import DedupeOptions, dedupe_job
from raybench.dedupe.clusters import first_of_components
from raybench.schema import ALL_DDL, CDR_SCHEMA

T0 = datetime(2024, 3, 5, 14, 30, 17, tzinfo=timezone.utc)
A, B, C, D = "+12125550101", "+13125550102", "+14155550103", "+16175550104"


@pytest.fixture
def con():
    c = duckdb.connect(":memory:")
    for ddl in ALL_DDL:
        c.execute(ddl)
    yield c
    c.close()


def add(con, rid, *, job="j1", file="f1.csv", row=1, caller=A, callee=B, start=T0, dur=95, direction="outgoing",
        tz_flag=None, sha=None):
    """Insert one ``cdr`` row; ``start`` may be a datetime or seconds after T0."""
    if not isinstance(start, datetime):
        start = T0 + timedelta(seconds=start)
    values = {n: None for n in CDR_SCHEMA.names}
    values.update(record_id=rid, source_file=file, source_sha256=sha or f"sha-{file}", source_row=row,
                  carrier="generic", layout="x", record_type="voice", direction=direction, start_utc=start,
                  tz_flag=tz_flag, duration_s=dur, caller=caller, callee=callee, ingest_job=job)
    con.execute(f"INSERT INTO cdr VALUES ({', '.join('?' for _ in values)})", list(values.values()))


def dup_of(con):
    return dict(con.execute("SELECT record_id, duplicate_of FROM cdr").fetchall())


def dups(con):
    return {r[0]: r[1:] for r in con.execute("SELECT record_id, duplicate_of, kind, offset_h FROM duplicates").fetchall()}


def test_exact_copy_in_another_file(con):
    add(con, "r1", file="a.csv")
    add(con, "r2", file="b.csv")
    out = dedupe_job(con, "j1")
    assert dup_of(con) == {"r1": None, "r2": "r1"}
    assert dups(con) == {"r2": ("r1", "exact", None)}
    assert out["duplicates"] == 1 and out["by_kind"] == {"exact": 1}


def test_exact_copy_within_one_file(con):
    add(con, "r1", row=1)
    add(con, "r2", row=2)
    dedupe_job(con, "j1")
    assert dup_of(con) == {"r1": None, "r2": "r1"}


def test_first_record_is_earliest_start_then_file_then_row(con):
    add(con, "late", file="a.csv", start=1)
    add(con, "early", file="z.csv", start=0)
    add(con, "z2", file="z.csv", row=2, start=0)
    dedupe_job(con, "j1")
    assert dup_of(con)["late"] == "early"
    add(con, "x", file="b.csv", start=5, caller=C)
    add(con, "y", file="a.csv", start=5, caller=C)
    dedupe_job(con, "j1")
    assert dup_of(con)["x"] == "y"


def test_number_formatting_does_not_matter(con):
    add(con, "r1", file="a.csv", caller="+12125550101", callee="+13125550102")
    add(con, "r2", file="b.csv", caller="12125550101", callee="(312) 555-0102")
    dedupe_job(con, "j1")
    assert dup_of(con)["r2"] == "r1"


@pytest.mark.parametrize("skew", [1, -1, 2, -2])
def test_clock_skew_within_tolerance(con, skew):
    add(con, "r1", file="a.csv")
    add(con, "r2", file="b.csv", start=skew)
    dedupe_job(con, "j1")
    first, dup = ("r1", "r2") if skew > 0 else ("r2", "r1")
    assert dups(con) == {dup: (first, "clock_skew", None)}


def test_skew_beyond_tolerance_is_not_a_copy(con):
    add(con, "r1", file="a.csv")
    add(con, "r2", file="b.csv", start=3)
    dedupe_job(con, "j1")
    assert dups(con) == {}
    add(con, "r3", file="c.csv", start=3, job="j2")
    dedupe_job(con, "j2", DedupeOptions(tolerance_s=3))
    # r3 is a copy of r2 (exact) and, with 3 s allowed, of r1: one cluster, first r1
    assert dup_of(con) == {"r1": None, "r2": "r1", "r3": "r1"}


def test_billing_copy_minute_rounded(con):
    # CDR: 14:30:17, 95 s; bill: 14:30, 2 minutes (120 s)
    add(con, "cdr", file="a.csv")
    add(con, "bill", file="bill.csv", start=-17, dur=120)
    dedupe_job(con, "j1")
    assert dups(con) == {"cdr": ("bill", "billing", None)}


def test_billing_copy_of_whole_minute_call_and_zero_duration(con):
    add(con, "cdr", file="a.csv", dur=120)
    add(con, "bill", file="bill.csv", start=-17, dur=120)
    add(con, "cdr0", file="a.csv", row=2, callee=C, dur=0)
    add(con, "bill0", file="bill.csv", row=2, callee=C, start=-17, dur=60)
    dedupe_job(con, "j1")
    assert dups(con) == {"cdr": ("bill", "billing", None), "cdr0": ("bill0", "billing", None)}


def test_billing_wrong_minutes_is_not_a_copy(con):
    add(con, "cdr", file="a.csv")
    add(con, "bill", file="bill.csv", start=-17, dur=180)
    add(con, "cdr2", file="a.csv", row=2, callee=C)
    add(con, "bill2", file="bill.csv", row=2, callee=C, start=-75, dur=120)  # the minute before
    dedupe_job(con, "j1")
    assert dups(con) == {}


@pytest.mark.parametrize("hours", [1, -1, 5, -8, 14])
def test_zone_shift_flagged_with_offset(con, hours):
    add(con, "utc", file="a.csv")
    add(con, "shifted", file="b.csv", start=hours * 3600 + (1 if hours > 0 else 0))
    out = dedupe_job(con, "j1")
    if hours > 0:
        assert dups(con) == {"shifted": ("utc", "tz_shift", hours)}
    else:
        assert dups(con) == {"utc": ("shifted", "tz_shift", -hours)}
    assert out["offsets_h"] == {abs(hours): 1}


def test_zone_shift_beyond_max_offset_or_off_the_hour_is_not_a_copy(con):
    add(con, "r1", file="a.csv")
    add(con, "r2", file="b.csv", start=15 * 3600)
    add(con, "r3", file="c.csv", start=3600 + 30)
    dedupe_job(con, "j1")
    assert dups(con) == {}


def test_hard_negative_two_short_calls_seconds_apart(con):
    add(con, "c1", dur=12)
    add(con, "c2", row=2, start=2, dur=30)
    add(con, "c3", row=3, start=6, dur=12)
    dedupe_job(con, "j1")
    assert dups(con) == {}


def test_hard_negative_long_call_split_into_records(con):
    add(con, "p1", dur=3600)
    add(con, "p2", row=2, start=3600, dur=1200)
    dedupe_job(con, "j1")
    assert dups(con) == {}


def test_legs_linked_not_duplicates(con):
    # ring group: A calls B and C at once; forward: B's leg forwarded on to D
    add(con, "l1", callee=B, file="a.csv", row=1)
    add(con, "l2", callee=C, file="a.csv", row=2)
    add(con, "l3", caller=B, callee=D, file="a.csv", row=3, start=1, direction="forwarded")
    add(con, "x", caller=C, callee=D, file="a.csv", row=4, start=60)  # later: not a leg
    out = dedupe_job(con, "j1")
    assert dups(con) == {}
    legs = {r[0]: r[1:] for r in con.execute("SELECT record_id, call_id, leg, legs FROM call_legs").fetchall()}
    assert legs == {"l1": ("l1", 1, 3), "l2": ("l1", 2, 3), "l3": ("l1", 3, 3)}
    assert out["calls_multi_leg"] == 1 and out["legs"] == 3


def test_copies_of_legs_are_duplicates_of_their_leg(con):
    add(con, "l1", callee=B, file="a.csv")
    add(con, "l2", callee=C, file="a.csv", row=2)
    add(con, "l1c", callee=B, file="b.csv")
    add(con, "l2c", callee=C, file="b.csv", row=2, start=1)
    dedupe_job(con, "j1")
    assert dup_of(con) == {"l1": None, "l2": None, "l1c": "l1", "l2c": "l2"}
    assert con.execute("SELECT count(*) FROM call_legs").fetchone()[0] == 2


def test_one_partner_per_file(con):
    # two identical-looking calls in a.csv, one copy in b.csv: the copy takes one of them only
    add(con, "a1", file="a.csv", row=1, dur=40)
    add(con, "a2", file="a.csv", row=2, start=1, dur=40)
    add(con, "b1", file="b.csv", row=1, start=1, dur=40)
    dedupe_job(con, "j1")
    d = dup_of(con)
    assert sum(v is not None for v in d.values()) == 2  # a2 is a copy of a1 (skew 1 s) and b1 of a2
    add(con, "c1", file="c.csv", row=1, callee=C, start=0, dur=20)
    add(con, "c2", file="c.csv", row=2, callee=C, start=5, dur=35)
    add(con, "bill", file="bill.csv", row=1, callee=C, start=-17, dur=60)
    dedupe_job(con, "j1")
    d = dup_of(con)
    assert [d["c1"], d["c2"]].count("bill") == 1


def test_across_jobs_and_renaming_the_first_record(con):
    add(con, "cdr", file="a.csv", job="j1")
    dedupe_job(con, "j1")
    add(con, "skew", file="b.csv", job="j2", start=1)
    dedupe_job(con, "j2")
    assert dup_of(con) == {"cdr": None, "skew": "cdr"}
    add(con, "bill", file="bill.csv", job="j3", start=-17, dur=120)
    out = dedupe_job(con, "j3")
    # the bill starts earlier (on the minute): it becomes the first record of the cluster
    assert dup_of(con) == {"cdr": "bill", "skew": "bill", "bill": None}
    assert dups(con)["cdr"] == ("bill", "billing", None)
    assert out["clusters_renamed"] == 1


def test_rerun_is_idempotent(con):
    add(con, "r1", file="a.csv")
    add(con, "r2", file="b.csv", start=1)
    add(con, "r3", file="c.csv", start=5 * 3600)
    add(con, "l2", file="a.csv", row=2, callee=C)
    dedupe_job(con, "j1")
    snapshot = [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("cdr", "duplicates", "call_keys", "call_legs")]
    out = dedupe_job(con, "j1")
    assert [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("cdr", "duplicates", "call_keys", "call_legs")] == snapshot
    assert out["duplicates"] == 2


def test_rows_without_numbers_are_left_alone(con):
    add(con, "r1", caller=None)
    add(con, "r2", caller=None, row=2)
    out = dedupe_job(con, "j1")
    assert out["keys"] == 0 and dups(con) == {}


def test_sms_copies(con):
    add(con, "s1", dur=None, file="a.csv")
    add(con, "s2", dur=None, file="b.csv", start=1)
    add(con, "v", dur=60, file="b.csv", row=2, start=1)
    dedupe_job(con, "j1")
    assert dups(con) == {"s2": ("s1", "clock_skew", None)}


def test_first_of_components():
    first = first_of_components([("a", "b"), ("b", "c"), ("x", "y")],
                                {"a": (3, "f", 1), "b": (1, "f", 2), "c": (1, "f", 1), "x": (0, "f", 1)})
    assert first == {"a": "c", "b": "c", "c": "c", "x": "x", "y": "x"}


def test_key_clash_within_a_job_is_refused_and_a_rerun_is_idempotent(con):
    """Two record ids whose first 15 hex digits agree get the same 60-bit key: the index refuses them
    (counted per surplus key, through a grouped count) instead of merging two records."""
    add(con, "0123456789abcde" + "0" * 17, file="a.csv", row=1)
    add(con, "0123456789abcde" + "1" * 17, file="a.csv", row=2, start=7200)
    with pytest.raises(RuntimeError, match=r"^1 record key\(s\) of job j1 clash"):
        dedupe_job(con, "j1")
    assert con.execute("SELECT count(*) FROM call_keys").fetchone()[0] == 0   # the keys' transaction rolled back
    con.execute("UPDATE cdr SET record_id = 'f' || record_id[2:] WHERE source_row = 2")
    first = dedupe_job(con, "j1")   # the files were registered by the failed run: the re-run path
    again = dedupe_job(con, "j1")
    assert first["keys"] == again["keys"] == 2
    assert con.execute("SELECT count(*), count(DISTINCT k) FROM call_keys").fetchone() == (2, 2)


def test_a_new_record_joining_an_earlier_call_leaves_each_leg_in_one_call(con):
    """j1: r0 (A->B at 0 s) alone; r8 (A->B at 1 s, another duration: no copy) and r9 (A->C at 3 s) legs of
    call r8. j2's r10 (A->C at 0 s) makes r0 a leg beside r8 and r9: one call r0 of four legs, and call r8's
    rows go (they stayed, so r8 and r9 were legs of two calls)."""
    add(con, "r0", file="a.csv", row=1, start=0, dur=30)
    add(con, "r8", file="a.csv", row=2, start=1, dur=95)
    add(con, "r9", file="a.csv", row=3, callee=C, start=3, dur=30)
    dedupe_job(con, "j1")
    assert sorted(con.execute("SELECT record_id, call_id FROM call_legs").fetchall()) == [("r8", "r8"), ("r9", "r8")]
    add(con, "r10", file="b.csv", row=1, callee=C, start=0, dur=30, job="j2")
    dedupe_job(con, "j2")
    assert sorted(con.execute("SELECT record_id, call_id, leg, legs FROM call_legs").fetchall()) == [
        ("r0", "r0", 1, 4), ("r10", "r0", 2, 4), ("r8", "r0", 3, 4), ("r9", "r0", 4, 4)]
