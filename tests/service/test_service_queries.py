"""The named queries over HTTP (``GET /v1/calls`` and the others), against one real ``raybench serve``.

The production is written here by hand in T-Mobile's layout (carrier-formats.md 1.2) and ingested by the
service as one job of two files, so the rows, the copy and the legs are the pipeline's own:

* ``a.csv`` (system A): a0..a6 of five US numbers A..D (written as national digits);
* ``b.csv`` (system B): b1, a copy of a3 one second later (dedupe: ``clock_skew``), and b2, the forward
  leg B -> C two seconds after a5 (A -> B): a5 and b2 are the two legs of one call.

Times are UTC; 2024-03-10 is the day US clocks went forward (the day in America/New_York runs 05:00Z
to 04:00Z the next day), so a0 (03:00Z) is on the 9th there. Every expected value below was worked out
by hand from these rows (see the comments).
"""

from __future__ import annotations

import time

import pytest

from servicekit import start_service, wait_job

pytestmark = pytest.mark.integration

A, B, C, D = "+12125550101", "+13055550102", "+14045550103", "+13125550104"
HEADER = ("Type of Call,Calling Number,Called Number,Dialed Number,Start Date/Time (UTC),Duration (Sec),"
          "IMSI,IMEI,LAC,Cell ID")
IMSI, IMEI = "310260000000001", "356938035643809"


def _line(kind: str, caller: str, callee: str, start: str, seconds: int, cell: str) -> str:
    national = lambda n: n[2:]  # noqa: E731  (+1 2125550101 -> 2125550101, as the export writes it)
    return f"{kind},{national(caller)},{national(callee)},{national(callee)},{start},{seconds},{IMSI},{IMEI},310,{cell}"


A_ROWS = [  # a0..a6: source rows 1..7 of a.csv
    ("mSOriginating", A, B, "2024-03-10 03:00:00", 20, "2001"),
    ("mSOriginating", A, B, "2024-03-10 09:00:00", 60, "1001"),
    ("mSTerminating", B, A, "2024-03-10 10:00:00", 120, "1002"),
    ("mSOriginating", A, C, "2024-03-10 12:00:00", 30, "1001"),
    ("mSOriginating", A, D, "2024-03-10 23:30:00", 300, "2001"),
    ("mSOriginating", A, B, "2024-03-11 08:00:00", 45, "1002"),
    ("mSTerminating", C, B, "2024-03-11 15:00:00", 10, "1001"),
]
B_ROWS = [  # b1, b2: source rows 1..2 of b.csv
    ("mSOriginating", A, C, "2024-03-10 12:00:01", 30, "1001"),   # the copy of a3 (1 s of clock skew)
    ("callForwarding", B, C, "2024-03-11 08:00:02", 40, "1002"),  # the forward leg of a5
]


@pytest.fixture(scope="module")
def svc(service_dir):
    root = service_dir / "root"
    (root / "prod").mkdir(parents=True)
    (root / "prod" / "a.csv").write_text("\n".join([HEADER] + [_line(*r) for r in A_ROWS]) + "\n")
    (root / "prod" / "b.csv").write_text("\n".join([HEADER] + [_line(*r) for r in B_ROWS]) + "\n")
    # --reopen-every 1: the runner closes and opens its DuckDB again after the job (runner._reopen), so
    # every query below reads through a connection opened after the rows were written
    service = start_service(service_dir, "--root", str(root), "--workers", "1", "--worker-cpus", "0.5",
                            "--reopen-every", "1")
    with service.client() as c:
        r = c.post("/v1/jobs", json={"paths": [str(root / "prod")]})
        assert r.status_code == 202, r.text
        state = wait_job(c, r.json()["job_id"])
        assert state["status"] == "done" and state["rows_stored"] == 9, state
        deadline = time.monotonic() + 30
        while c.get("/readyz").json()["runner_memory"]["duckdb_reopens"] < 1:  # just after the job's end
            assert time.monotonic() < deadline, "the runner did not reopen its database after the job"
            time.sleep(0.2)
    yield service
    service.stop()


def _get(svc, url: str, token: str = "reader", **params) -> dict:
    with svc.client(token) as c:
        r = c.get(url, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source"] == "writer" and body["row_count"] == len(body["rows"]), body
    return body


NAMES = {**{("a.csv", r[3].replace(" ", "T") + "Z"): f"a{i}" for i, r in enumerate(A_ROWS)},
         **{("b.csv", r[3].replace(" ", "T") + "Z"): f"b{i + 1}" for i, r in enumerate(B_ROWS)}}
"""(file, start) -> the record's name in the module docstring (a0..a6, b1, b2)."""


def _where(rows: list[dict]) -> list[str]:
    return [NAMES[(r["source_file"].rsplit("/", 1)[-1], r["start_utc"])] for r in rows]


def test_calls_of_a_number_in_any_form_without_and_with_the_copy(svc):
    for given in (A, "(212) 555-0101", "2125550101"):
        rows = _get(svc, "/v1/calls", number=given)["rows"]
        assert _where(rows) == ["a0", "a1", "a2", "a3", "a4", "a5"], given
    rows = _get(svc, "/v1/calls", number=A, include_duplicates="true")["rows"]
    assert _where(rows) == ["a0", "a1", "a2", "a3", "b1", "a4", "a5"]
    b1 = rows[4]
    assert b1["duplicate_of"] == rows[3]["record_id"] and b1["start_utc"] == "2024-03-10T12:00:01Z"
    # the half-open window [09:00, 12:00): a1 and a2, not a3
    rows = _get(svc, "/v1/calls", number=A, **{"from": "2024-03-10T09:00:00Z", "to": "2024-03-10T12:00:00Z"})["rows"]
    assert _where(rows) == ["a1", "a2"]
    assert [r["other"] for r in rows] == [B, B] and rows[1]["direction"] == "incoming"
    # a5 (A -> B) is leg 1 of 2 of one call; b2 (B -> C, forwarded) is leg 2
    b_rows = _get(svc, "/v1/calls", number=B, **{"from": "2024-03-11"})["rows"]
    assert _where(b_rows) == ["a5", "b2", "a6"]
    assert [(r["call_id"], r["leg"], r["legs"]) for r in b_rows[:2]] == [
        (b_rows[0]["record_id"], 1, 2), (b_rows[0]["record_id"], 2, 2)]
    assert b_rows[2]["call_id"] is None and b_rows[1]["direction"] == "forwarded"
    assert _get(svc, "/v1/calls", number=A, limit=2)["limit"] == 2


def test_top_and_shared_contacts_fold_the_legs_and_leave_out_the_copy(svc):
    top = _get(svc, f"/v1/contacts/{A}")["rows"]
    # B: a0, a1, a2, a5 (245 s); then D: a4 (300 s) before C: a3 (30 s; its copy b1 not counted)
    assert [(r["contact"], r["calls"], r["records"], r["duration_s"]) for r in top] == [
        (B, 4, 4, 245), (D, 1, 1, 300), (C, 1, 1, 30)]
    assert top[0]["first_utc"] == "2024-03-10T03:00:00Z" and top[0]["last_utc"] == "2024-03-11T08:00:00Z"
    # B's contacts: A in four calls; C in two: b2 (leg 2 of A's call a5, counted as that call) and a6
    top_b = _get(svc, "/v1/contacts/3055550102", limit=5)["rows"]
    assert [(r["contact"], r["calls"]) for r in top_b] == [(A, 4), (C, 2)]
    # A's contacts {B, C, D}, C's {A, B}: B is shared (A: 4 calls; C: b2 and a6)
    shared = _get(svc, f"/v1/contacts/{A}/shared/(404) 555-0103")["rows"]
    assert shared == [{"contact": B, "calls_number": 4, "calls_other": 2,
                       "first_utc": "2024-03-10T03:00:00Z", "last_utc": "2024-03-11T15:00:00Z"}]
    assert _get(svc, f"/v1/contacts/{A}/shared/{C}", **{"from": "2024-03-12"})["rows"] == []


def test_timeline_in_utc_and_in_new_york_on_the_dst_day(svc):
    utc = _get(svc, f"/v1/timeline/{A}", day="2024-03-10")["rows"]
    assert [(r["start_utc"], r["cell_id"]) for r in utc] == [
        ("2024-03-10T03:00:00Z", "2001"), ("2024-03-10T09:00:00Z", "1001"), ("2024-03-10T10:00:00Z", "1002"),
        ("2024-03-10T12:00:00Z", "1001"), ("2024-03-10T23:30:00Z", "2001")]
    assert utc[1]["end_utc"] == "2024-03-10T09:01:00Z" and utc[3]["other"] == C
    ny = _get(svc, f"/v1/timeline/{A}", day="2024-03-10", tz="America/New_York")["rows"]
    assert [r["start_utc"] for r in ny] == ["2024-03-10T09:00:00Z", "2024-03-10T10:00:00Z",
                                            "2024-03-10T12:00:00Z", "2024-03-10T23:30:00Z"]
    assert ny[0]["start_local"] == "2024-03-10T05:00:00"  # EDT: 09:00Z - 4 h


def test_cell_calls_and_counts(svc):
    cell = _get(svc, "/v1/cells/1001/calls", **{"from": "2024-03-10", "to": "2024-03-11"})["rows"]
    assert [(r["start_utc"], r["caller"]) for r in cell] == [("2024-03-10T09:00:00Z", A), ("2024-03-10T12:00:00Z", A)]
    with_copy = _get(svc, "/v1/cells/1001/calls", include_duplicates="true", **{"from": "2024-03-10", "to": "2024-03-11"})
    assert with_copy["row_count"] == 3
    assert _get(svc, "/v1/cells/1001/calls")["row_count"] == 3  # a1, a3, a6
    assert _get(svc, "/v1/cells/1001/calls", carrier="verizon")["row_count"] == 0
    # 9 records, 1 copy (b1); 8 unique; a5 and b2 one call: 7 calls, one of two legs
    assert _get(svc, "/v1/counts")["rows"] == [
        {"records": 9, "duplicates": 1, "unique_records": 8, "calls": 7, "multi_leg_calls": 1}]
    # A's: a0..a5 and b1
    assert _get(svc, "/v1/counts", number=A)["rows"] == [
        {"records": 7, "duplicates": 1, "unique_records": 6, "calls": 6, "multi_leg_calls": 1}]
    assert _get(svc, "/v1/counts", **{"from": "2024-03-11", "to": "2024-03-12"})["rows"][0]["calls"] == 2


def _error(svc, url: str, status: int, token: str | None = "reader", **params) -> str:
    with svc.client(token) as c:
        r = c.get(url, params=params)
    assert r.status_code == status, (r.status_code, r.text)
    assert set(r.json()) == {"error"} and "\n" not in r.json()["error"]
    return r.json()["error"]


def test_bad_parameters_are_4xx_naming_the_parameter(svc):
    assert "number 'anonymous'" in _error(svc, "/v1/calls", 400, number="anonymous")
    assert "from 'yesterday'" in _error(svc, "/v1/calls", 400, number=A, **{"from": "yesterday"})
    assert "window is empty" in _error(svc, "/v1/calls", 400, number=A, **{"from": "2024-03-11", "to": "2024-03-10"})
    assert "tz 'Mars/Olympus'" in _error(svc, f"/v1/timeline/{A}", 400, day="2024-03-10", tz="Mars/Olympus")
    assert "day '10/03/2024'" in _error(svc, f"/v1/timeline/{A}", 400, day="10/03/2024")
    assert "limit" in _error(svc, "/v1/calls", 400, number=A, limit=0)
    assert _error(svc, "/v1/calls", 422).startswith("query.number")
    assert _error(svc, f"/v1/timeline/{A}", 422).startswith("query.day")
    assert _error(svc, "/v1/calls", 422, number=A, limit="many").startswith("query.limit")


def test_queries_need_the_read_scope(svc):
    assert "bearer token" in _error(svc, "/v1/counts", 401, token=None)
    assert "'read' scope" in _error(svc, "/v1/counts", 403, token="submitter")
    assert _get(svc, "/v1/counts", token="writer")["rows"][0]["records"] == 9


def test_raybench_query_asks_the_service(svc):
    import json

    from click.testing import CliRunner

    from raybench.cli import main
    from servicekit import TOKENS

    run = CliRunner().invoke(main, ["query", "top-contacts", "--server", svc.url, "--token", TOKENS["reader"][0],
                                    "--number", "(305) 555-0102", "--json"])
    assert run.exit_code == 0, run.output
    assert [(r["contact"], r["calls"]) for r in json.loads(run.output)] == [(A, 4), (C, 2)]
    run = CliRunner().invoke(main, ["query", "timeline", "--server", svc.url, "--token", TOKENS["reader"][0],
                                    "--number", A, "--from", "2024-03-10", "--tz", "America/New_York", "--json"])
    assert run.exit_code == 0, run.output
    assert len(json.loads(run.output)) == 4
    run = CliRunner().invoke(main, ["query", "calls", "--server", svc.url, "--token", TOKENS["reader"][0],
                                    "--number", "nobody"])
    assert run.exit_code != 0 and "number 'nobody'" in run.output
