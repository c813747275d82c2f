"""Property test of leg linking across jobs: random calls of several legs (ring groups, forwards), random
copies of legs, every record in a random one of three jobs. Deduplicating the jobs one after the other
gives the same calls, legs and copies as deduplicating every record as one job: a later job's legs join
earlier calls (their nodes stand for several legs), copies rename clusters, and calls lose legs; and
re-running every job changes nothing."""

from __future__ import annotations

from datetime import timedelta

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from raybench.dedupe import dedupe_job
from raybench.schema import ALL_DDL
from test_dedupe import T0, add  # noqa: E402 (tests/unit is on sys.path under pytest)

NUMBERS = ["+12125550101", "+13125550102", "+14155550103", "+16175550104", "+17025550105", "+18085550106"]

leg_st = st.fixed_dictionaries({
    "callee": st.integers(1, 5),           # index into NUMBERS; the caller is NUMBERS[0] of the group
    "at_s": st.integers(0, 4),            # start after the group's first second: legs chain within 2 s
    "forward_to": st.one_of(st.none(), st.integers(1, 5)),  # the callee forwards the leg on
    "copy": st.one_of(st.none(), st.sampled_from(["same", "earlier_file", "tz_earlier", "tz_later"])),
    "job": st.sampled_from(["j1", "j2", "j3"]),
    "copy_job": st.sampled_from(["j1", "j2", "j3"]),
})
group_st = st.lists(leg_st, min_size=1, max_size=5)


def _records(groups) -> list[dict]:
    """One dict per record (keyword arguments of ``add``), each with its job; the records of a group are
    all the legs of one call (or of calls that chain within the tolerance)."""
    out, row = [], 0
    for g, legs in enumerate(groups):
        base = T0 + timedelta(days=2 * g)
        caller = NUMBERS[g % 2]  # two callers over the groups, so numbers repeat across days
        seen = set()
        for i, leg in enumerate(legs):
            callee = NUMBERS[leg["callee"]]
            if callee == caller or (callee, leg["at_s"]) in seen:
                continue  # the same pair at the same second would be a copy, not a leg
            seen.add((callee, leg["at_s"]))
            start, dur = base + timedelta(seconds=leg["at_s"]), 30 + 11 * i
            row += 1
            rec = dict(rid=f"g{g}l{i}", job=leg["job"], file="calls.csv", row=row, caller=caller, callee=callee,
                       start=start, dur=dur)
            out.append(rec)
            fwd_to = leg["forward_to"]
            if fwd_to is not None and NUMBERS[fwd_to] not in (callee, caller):
                row += 1
                out.append(dict(rid=f"g{g}l{i}f", job=leg["job"], file="calls.csv", row=row, caller=callee,
                                callee=NUMBERS[fwd_to], start=start + timedelta(seconds=1), dur=dur,
                                direction="forwarded"))
            if leg["copy"] is not None:  # an exact copy in another file, sorting before or after the
                row += 1           # original; or read three hours off (tz_shift), far from the other legs
                shift = {"tz_earlier": -3, "tz_later": 3}.get(leg["copy"], 0)
                out.append(dict(rec, rid=f"g{g}l{i}c", job=leg["copy_job"], row=row,
                                start=start + timedelta(hours=shift),
                                file="a_resent.csv" if leg["copy"] == "earlier_file" else "z_resent.csv"))
    return out


def _verdicts(records, jobs, rerun: bool = False) -> tuple:
    """(``cdr.duplicate_of``, ``call_legs``, ``duplicates``) after deduplicating ``jobs`` in order (None:
    every record as one job); with ``rerun``, every job is deduplicated once more after that."""
    con = duckdb.connect(":memory:")
    for ddl in ALL_DDL:
        con.execute(ddl)
    for r in records:
        r = dict(r)
        rid = r.pop("rid")
        job = r.pop("job")
        add(con, rid, job=job if jobs else "all", **r)
    for job in (jobs or ["all"]) * (2 if rerun else 1):
        dedupe_job(con, job)
    out = (sorted(con.execute("SELECT record_id, duplicate_of FROM cdr").fetchall()),
           sorted(con.execute("SELECT record_id, call_id, leg, legs FROM call_legs").fetchall()),
           sorted(con.execute("SELECT record_id, duplicate_of, kind FROM duplicates").fetchall()))
    con.close()
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups=st.lists(group_st, min_size=1, max_size=4))
def test_jobs_one_after_another_link_the_legs_of_one_job(groups):
    records = _records(groups)
    split = _verdicts(records, ["j1", "j2", "j3"])
    whole = _verdicts(records, None)
    assert split == whole
    assert _verdicts(records, ["j1", "j2", "j3"], rerun=True) == whole  # a re-run changes nothing


def test_rerunning_the_job_of_a_copy_keeps_the_call_its_leg_named():
    """j1: legs l0 and q0 one second apart; j2: l0 read three hours early (tz_shift), which names the
    cluster and so the call, but is far from q0. Re-running j2 removed its keys and found no leg pair from
    them, leaving q0 alone in a call named by l0_tz (found by a helper's fuzzer); the call is kept now."""
    records = [
        dict(rid="l0", job="j1", file="calls.csv", row=1, caller=NUMBERS[0], callee=NUMBERS[1], start=T0, dur=30),
        dict(rid="q0", job="j1", file="calls.csv", row=2, caller=NUMBERS[0], callee=NUMBERS[2],
             start=T0 + timedelta(seconds=1), dur=41),
        dict(rid="l0_tz", job="j2", file="b.csv", row=1, caller=NUMBERS[0], callee=NUMBERS[1],
             start=T0 - timedelta(hours=3), dur=30),
    ]
    whole = _verdicts(records, None)
    assert whole[1] == [("l0_tz", "l0_tz", 1, 2), ("q0", "l0_tz", 2, 2)]
    assert _verdicts(records, ["j1", "j2"]) == whole
    assert _verdicts(records, ["j1", "j2", "j2"]) == whole


def test_a_later_leg_joins_an_earlier_call_of_two_legs():
    """j1: a ring group of two legs (one call); j2: a third leg and a copy of the first leg from a file
    that sorts first: one call of three legs, named by the copy."""
    records = [
        dict(rid="l1", job="j1", file="calls.csv", row=1, caller=NUMBERS[0], callee=NUMBERS[1], start=T0, dur=30),
        dict(rid="l2", job="j1", file="calls.csv", row=2, caller=NUMBERS[0], callee=NUMBERS[2], start=T0, dur=41),
        dict(rid="l3", job="j2", file="calls.csv", row=3, caller=NUMBERS[0], callee=NUMBERS[3],
             start=T0 + timedelta(seconds=2), dur=52),
        dict(rid="l1c", job="j2", file="a_resent.csv", row=4, caller=NUMBERS[0], callee=NUMBERS[1], start=T0, dur=30),
    ]
    split = _verdicts(records, ["j1", "j2", "j3"])
    assert split[1] == [("l1c", "l1c", 1, 3), ("l2", "l1c", 2, 3), ("l3", "l1c", 3, 3)]
    assert ("l1", "l1c") in split[0]
    assert split == _verdicts(records, None)
