"""The summary tables (raybench.query.summary) against the queries over ``cdr``, with verdicts set by the real
duplicate detector (raybench.dedupe), over two jobs.

Job 1 (UTC, 2024-03-05): A->B and its copy 1 s later in another file (r2); A->C forwarded by C to D (a
call of two legs, r3 r4); two legs of one call with the same parties (r5 r6: A->B, the far ends differ);
D->A without a duration; A calling itself written as national digits (r9); a call of two legs across
midnight (r10 A->E at 23:59:59, r11 E->F forwarded at 00:00:01); B->C the next day.
Job 2: A->B one second *before* r1 (s1: r1 and r2 become its copies, so a record job 1 counted stops
being counted); D->G forwarded at r4's time (s2: a third leg of r3's call); a copy of r12 (s3); B->H.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from raybench.dedupe import dedupe_job
from raybench.query import calls as q
from raybench.query import summary
from raybench.schema import ALL_DDL, CDR_SCHEMA

T0 = datetime(2024, 3, 5, 10, 0, 0, tzinfo=timezone.utc)
A, B, C, D = "+12125550101", "+13125550102", "+14155550103", "+16175550104"
E, F, G, H = "+17185550105", "+12025550106", "+13055550107", "+15125550108"
A_NATIONAL = "2125550101"
MIDNIGHT = datetime(2024, 3, 6, tzinfo=timezone.utc)

# record_id, file, row, caller, callee, start (seconds after T0, or a datetime), duration_s, direction, leg_ref
JOB1 = [
    ("r1", "a.csv", 1, A, B, 0, 60, "outgoing", None),
    ("r2", "b.csv", 1, A, B, 1, 60, "outgoing", None),
    ("r3", "a.csv", 2, A, C, 1000, 45, "outgoing", None),
    ("r4", "a.csv", 3, C, D, 1001, 40, "forwarded", None),
    ("r5", "a.csv", 4, A, B, 2000, 30, "outgoing", "SIP/agent1"),
    ("r6", "a.csv", 5, A, B, 2000, 25, "outgoing", "SIP/agent2"),
    ("r8", "a.csv", 6, D, A, 3000, None, "incoming", None),
    ("r9", "a.csv", 7, A, A_NATIONAL, 5000, 10, "outgoing", None),
    ("r10", "a.csv", 8, A, E, MIDNIGHT - timedelta(seconds=1), 100, "outgoing", None),
    ("r11", "a.csv", 9, E, F, MIDNIGHT + timedelta(seconds=1), 90, "forwarded", None),
    ("r12", "a.csv", 10, B, C, MIDNIGHT + timedelta(hours=10), 30, "outgoing", None),
]
JOB2 = [
    ("s1", "c.csv", 1, A, B, -1, 60, "outgoing", None),
    ("s2", "c.csv", 2, D, G, 1002, 35, "forwarded", None),
    ("s3", "c.csv", 3, B, C, MIDNIGHT + timedelta(hours=10, seconds=1), 30, "outgoing", None),
    ("s4", "c.csv", 4, B, H, MIDNIGHT + timedelta(days=1), 5, "outgoing", None),
]
NUMBERS = [A, B, C, D, E, F, G, H, A_NATIONAL, "(212) 555-0101"]
DAYS = ["2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08"]


def add(con, job: str, rows) -> None:
    for rid, file, row, caller, callee, start, dur, direction, leg_ref in rows:
        values = {n: None for n in CDR_SCHEMA.names}
        values.update(record_id=rid, source_file=file, source_sha256=f"sha-{file}", source_row=row, carrier="generic",
                      layout="x", record_type="voice", direction=direction,
                      start_utc=start if isinstance(start, datetime) else T0 + timedelta(seconds=start),
                      duration_s=dur, caller=caller, callee=callee, ingest_job=job, leg_ref=leg_ref)
        con.execute(f"INSERT INTO cdr VALUES ({', '.join('?' for _ in values)})", list(values.values()))


def finalize(con, job: str) -> dict:
    """What the finalizer does after a job's rows are stored: note, find duplicates, fold in."""
    before = summary.capture_before(con, job)
    dedupe_job(con, job, before_writes=before.before_writes)
    return summary.update_after(con, before)


def answers(con) -> dict:
    """Every answer the summary serves: top and shared contacts of each number, counts over days."""
    out = {}
    for n in NUMBERS:
        out["top", n] = q.top_contacts(con, n, limit=None)
        for m in NUMBERS[:5] + NUMBERS[-2:]:
            out["shared", n, m] = q.shared_contacts(con, n, m)
    out["counts"] = q.counts(con)
    for i, lo in enumerate(DAYS):
        for hi in DAYS[i + 1:] + ["2024-03-09"]:
            out["counts", lo, hi] = q.counts(con, None, lo, hi)
        out["counts from", lo] = q.counts(con, None, lo)
        out["counts to", lo] = q.counts(con, None, None, lo)
    return out


def from_cdr(con) -> dict:
    """The same answers with the summary out of the way (dropped in a transaction rolled back)."""
    con.execute("BEGIN TRANSACTION")
    summary.drop_summary(con)
    assert not q.uses_summary(con)
    out = answers(con)
    con.execute("ROLLBACK")
    return out


def assert_same(con) -> None:
    assert q.uses_summary(con)
    got, want = answers(con), from_cdr(con)
    for key, table in want.items():
        assert got[key].equals(table), (key, got[key].to_pylist(), table.to_pylist())


@pytest.fixture
def con():
    c = duckdb.connect(":memory:")
    c.execute("SET TimeZone = 'UTC'")
    for ddl in ALL_DDL:
        c.execute(ddl)
    add(c, "j1", JOB1)
    yield c
    c.close()


def test_first_job_builds_the_summary_equal_to_the_queries_over_cdr(con):
    out = finalize(con, "j1")
    assert out["how"] == "rebuild"
    assert summary.summary_state(con)["fresh"]
    # the verdicts the production is built for
    assert dict(con.execute("SELECT record_id, duplicate_of FROM cdr WHERE duplicate_of IS NOT NULL").fetchall()) == {"r2": "r1"}
    assert sorted(con.execute("SELECT record_id, call_id FROM call_legs").fetchall()) == [
        ("r10", "r10"), ("r11", "r10"), ("r3", "r3"), ("r4", "r3"), ("r5", "r5"), ("r6", "r5")]
    assert_same(con)
    # by hand: A and B in two calls (r1; r5+r6 one call of two legs), three records, 60+30+25 s
    top = {r["contact"]: r for r in q.top_contacts(con, A, limit=None).to_pylist()}
    assert (top[B]["calls"], top[B]["records"], top[B]["duration_s"]) == (2, 3, 115)
    assert top[D]["duration_s"] is None and top[D]["records"] == 1
    assert top[A_NATIONAL]["records"] == 1 and A not in top  # a self call counted once, callee as contact
    # the call across midnight counts on each day, once over both
    assert q.counts(con, None, "2024-03-05", "2024-03-06").to_pylist()[0]["multi_leg_calls"] == 3
    assert q.counts(con, None, "2024-03-06", "2024-03-07").to_pylist()[0]["multi_leg_calls"] == 1
    assert q.counts(con, None, "2024-03-05", "2024-03-07").to_pylist()[0] == {
        "records": 11, "duplicates": 1, "unique_records": 10, "calls": 7, "multi_leg_calls": 3}


def test_second_job_is_a_delta_that_stays_equal_when_earlier_rows_become_copies(con):
    finalize(con, "j1")
    add(con, "j2", JOB2)
    out = finalize(con, "j2")
    assert out["how"] == "delta"
    assert out["pairs_recounted"] == 1  # (A, B): r1 stopped being counted
    dup = dict(con.execute("SELECT record_id, duplicate_of FROM cdr WHERE duplicate_of IS NOT NULL").fetchall())
    assert dup == {"r1": "s1", "r2": "s1", "s3": "r12"}
    assert ("s2", "r3") in con.execute("SELECT record_id, call_id FROM call_legs").fetchall()
    assert_same(con)
    top = {r["contact"]: r for r in q.top_contacts(con, A, limit=None).to_pylist()}
    assert (top[B]["calls"], top[B]["records"], top[B]["first_utc"]) == (2, 3, T0 - timedelta(seconds=1))
    # the delta left the same tables a rebuild gives
    delta = {t: sorted(con.execute(f"SELECT * EXCLUDE (jobs, updated_utc, how, contacts_sorted, number_contacts_tail) FROM {t}" if t == "summary_state"
                                   else f"SELECT * FROM {t}").fetchall(), key=repr) for t in summary.TABLES}
    summary.rebuild_summary(con)
    for t, rows in delta.items():
        again = con.execute(f"SELECT * EXCLUDE (jobs, updated_utc, how, contacts_sorted, number_contacts_tail) FROM {t}" if t == "summary_state"
                            else f"SELECT * FROM {t}").fetchall()
        assert sorted(again, key=repr) == rows, t


def test_a_summary_not_brought_up_to_date_is_not_used_and_the_next_job_rebuilds_it(con):
    finalize(con, "j1")
    add(con, "jx", JOB2[3:])  # rows written without the finalizer
    assert not summary.summary_fresh(con) and not q.uses_summary(con)
    assert q.top_contacts(con, B).column("contact").to_pylist() == [A, C, H]  # from cdr
    add(con, "j2", JOB2[:3])
    assert finalize(con, "j2")["how"] == "rebuild"
    assert_same(con)


def test_a_job_folded_in_twice_rebuilds(con):
    finalize(con, "j1")
    assert finalize(con, "j1")["how"] == "rebuild"  # a finalizer run again for the same job
    assert_same(con)


def test_windows_the_summary_does_not_cover_are_read_from_cdr(con):
    finalize(con, "j1")
    add(con, "j2", JOB2)
    finalize(con, "j2")
    con.execute("UPDATE day_counts SET records = records + 100")  # a wrong summary, to see who answers
    # a window of whole UTC days: the summary; another window, or a number: cdr
    assert q.counts(con, None, "2024-03-05", "2024-03-06").column("records").to_pylist()[0] > 100
    assert q.counts(con, None, "2024-03-05T10:00:00Z", "2024-03-06").column("records").to_pylist()[0] == 10
    assert q.counts(con, A).column("records").to_pylist()[0] == 9  # r1-r3, r5, r6, r8-r10, s1
    con.execute("UPDATE contacts SET records = records + 100")
    assert q.top_contacts(con, A, "2024-03-05", "2024-03-06").column("records").to_pylist()[0] == 3


def test_a_number_stored_in_one_form_is_answered_from_number_contacts(con):
    """B is stored in one form: its contacts come from number_contacts (both sides summed); A is stored
    as E.164 and as national digits (r9, a self call across the two): from contacts, side by side."""
    finalize(con, "j1")
    add(con, "j2", JOB2)
    finalize(con, "j2")
    assert q._stored_form(con, q.number_forms(B)) == B and q._stored_form(con, q.number_forms(A)) is None
    assert q._stored_form(con, q.number_forms("+19995550100")) is None  # not stored at all
    # B-A: s1 (r1, r2 its copies), r5+r6 one call of two legs; B-C: r12 (s3 its copy); B-H: s4
    top = {r["contact"]: r for r in q.top_contacts(con, B, limit=None).to_pylist()}
    assert {k: (v["calls"], v["records"]) for k, v in top.items()} == {A: (2, 3), C: (1, 1), H: (1, 1)}
    con.execute("UPDATE number_contacts SET records = records + 100 WHERE number = $b", {"b": B})
    assert q.top_contacts(con, B).column("records").to_pylist()[0] > 100  # who answers
    assert q.top_contacts(con, A).column("records").to_pylist()[0] < 100
    assert q.shared_contacts(con, C, B).column("contact").to_pylist() == [A]


def test_number_contacts_rewritten_in_number_order_once_its_tail_is_large(con, monkeypatch):
    finalize(con, "j1")
    monkeypatch.setattr(summary, "COMPACT_TAIL", 100.0)
    add(con, "j2", JOB2)
    finalize(con, "j2")
    # the pairs j2 touched, both ways round: (A,B) (D,G) (B,C) (B,H) and back, put in again at the end
    assert con.execute("SELECT number_contacts_tail FROM summary_state").fetchall() == [(8,)]
    assert_same(con)
    monkeypatch.setattr(summary, "COMPACT_TAIL", 0.0)
    add(con, "j3", [("t1", "d.csv", 1, G, H, 7000, 12, "outgoing", None)])
    finalize(con, "j3")
    numbers = [r[0] for r in con.execute("SELECT number FROM number_contacts").fetchall()]
    assert numbers == sorted(numbers)
    assert con.execute("SELECT number_contacts_tail FROM summary_state").fetchall() == [(0,)]
    assert_same(con)


def test_contacts_rewritten_in_number_order_once_the_unsorted_tail_is_large(con, monkeypatch):
    finalize(con, "j1")
    add(con, "j2", JOB2)
    assert finalize(con, "j2")["contacts_compacted"] is False  # 4 rows added to 16 sorted
    monkeypatch.setattr(summary, "COMPACT_TAIL", 0.0)
    add(con, "j3", [("t1", "d.csv", 1, G, H, 7000, 12, "outgoing", None)])
    out = finalize(con, "j3")
    assert out["how"] == "delta" and out["contacts_compacted"] is True
    numbers = [r[0] for r in con.execute("SELECT number FROM contacts").fetchall()]
    assert numbers == sorted(numbers) and len(numbers) == 22
    assert con.execute("SELECT contacts_sorted FROM summary_state").fetchall() == [(22,)]
    assert_same(con)


def test_a_detection_run_without_before_writes_is_folded_in_by_a_rebuild(con):
    """The delta knows only the records whose state was noted before the detection wrote: a detection
    that ran without the note (``before_writes``) makes the fold a rebuild."""
    finalize(con, "j1")
    add(con, "j2", JOB2)
    before = summary.capture_before(con, "j2")
    assert before.fresh
    dedupe_job(con, "j2")  # no before_writes
    assert summary.update_after(con, before)["how"] == "rebuild"
    assert summary.summary_fresh(con)


def _summary_rows(con) -> dict:
    return {t: sorted(con.execute(
        f"SELECT * EXCLUDE (jobs, updated_utc, how, contacts_sorted, number_contacts_tail) FROM {t}"
        if t == "summary_state" else f"SELECT * FROM {t}").fetchall(), key=repr) for t in summary.TABLES}


_row_st = st.fixed_dictionaries({
    "job": st.sampled_from(["j1", "j2", "j3"]), "file": st.sampled_from(["a.csv", "b.csv", "c.csv"]),
    "parties": st.sampled_from([(x, y) for x in (A, B, C, D) for y in (A, B, C, D) if x != y]),
    "start": st.integers(0, 6), "dur": st.sampled_from([30, 60, 95]),
    "direction": st.sampled_from(["outgoing", "outgoing", "forwarded"]),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])
@given(st.lists(_row_st, min_size=1, max_size=14))
def test_each_jobs_delta_is_the_rebuild(rows):
    """Records a few seconds apart over four numbers, in three jobs: copies, legs of one call (same
    caller, another callee), forwarded legs, calls that later records join, split or rename. After each
    job the delta, which reads only the records the detection touched, leaves the tables a rebuild gives."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    for ddl in ALL_DDL:
        con.execute(ddl)
    for job in ("j1", "j2", "j3"):  # a job's files are its own (a file read again is a re-run)
        add(con, job, [(f"r{i}", f"{job}-{r['file']}", i + 1, *r["parties"], r["start"], r["dur"], r["direction"],
                        None) for i, r in enumerate(rows) if r["job"] == job])
        out = finalize(con, job)
        delta = _summary_rows(con)
        summary.rebuild_summary(con)
        assert _summary_rows(con) == delta, (job, out)


def test_a_call_named_again_by_a_copy_elsewhere_is_counted_again():
    """j1: r0 (A->B) and r9 (A->C one second later) are the two legs of one call. j2's n is r0 read three
    hours early (tz_shift) and starts first, so r0 becomes its copy: the leg is the cluster of n and r0,
    named n now, and the call is n's, with r9 its second leg (as when all three come in one job: copies
    take part in leg pairs). r0's and r9's verdict rows are deleted and r9's inserted again: the fold
    must count the change as a rebuild does."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    for ddl in ALL_DDL:
        con.execute(ddl)
    add(con, "j1", [("r0", "a.csv", 1, A, B, 0, 95, "outgoing", None), ("r9", "a.csv", 2, A, C, 1, 30, "outgoing", None)])
    finalize(con, "j1")
    assert sorted(con.execute("SELECT record_id, call_id FROM call_legs").fetchall()) == [("r0", "r0"), ("r9", "r0")]
    add(con, "j2", [("n", "b.csv", 1, A, B, -3 * 3600, 95, "outgoing", None)])
    assert finalize(con, "j2")["how"] == "delta"
    assert con.execute("SELECT duplicate_of FROM cdr WHERE record_id = 'r0'").fetchall() == [("n",)]
    assert sorted(con.execute("SELECT record_id, call_id, leg, legs FROM call_legs").fetchall()) == [
        ("n", "n", 1, 2), ("r9", "n", 2, 2)]
    delta = _summary_rows(con)
    summary.rebuild_summary(con)
    assert _summary_rows(con) == delta
