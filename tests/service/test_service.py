"""The ingestion service over HTTP, against one real ``raybench serve`` for the module.

The service runs with small bounds so each refusal can be reached: uploads up to 1 MiB, workbooks that
unzip to 1 MiB, 2 jobs at once and 2 queued, paths under one root. The last test stops it and reads the
DuckDB file: every row stored once, a cancelled job's rows gone.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import zipfile

import pytest

from servicekit import TOKENS, auth, generate, start_service, wait_job

pytestmark = pytest.mark.integration

UPLOAD_MAX = 1 << 20


@pytest.fixture(scope="module")
def svc(service_dir):
    root = service_dir / "root"
    root.mkdir()
    # --reopen-every 1: the runner's DuckDB is closed and opened again whenever it is idle after a job, so
    # the jobs below write (and cancel, retry) through connections opened between them
    service = start_service(service_dir, "--root", str(root), "--max-concurrent-jobs", "2", "--max-queued", "2",
                            "--upload-max", str(UPLOAD_MAX), "--xlsx-max-unzipped", "1MiB", "--workers", "1",
                            "--worker-cpus", "0.5", "--reopen-every", "1")
    service.root = root
    service.gen = service_dir / "gen"
    yield service
    service.stop()


def _one_line_error(r, status: int) -> str:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error"}, body
    assert "\n" not in body["error"] and body["error"], body
    return body["error"]


def _upload(client, path, name=None):
    with open(path, "rb") as f:
        r = client.post("/v1/uploads", params={"name": name or os.path.basename(path)}, content=f.read())
    assert r.status_code == 201, r.text
    return r.json()


def _spool_files(svc) -> list[str]:
    return sorted(os.listdir(svc.spool))


def test_health_ready_and_docs(svc):
    with svc.client(token=None) as c:
        assert c.get("/healthz").json() == {"ok": True}
        ready = c.get("/readyz").json()
        assert ready["ready"] is True and ready["workers"] == 1
        assert c.get("/docs").status_code == 200
        paths = c.get("/openapi.json").json()["paths"]
        for route in ("/v1/uploads", "/v1/jobs", "/v1/jobs/{job_id}", "/v1/jobs/{job_id}/results"):
            assert route in paths


def test_no_token_is_401_and_wrong_scope_is_403(svc):
    with svc.client(token=None) as c:
        assert "bearer token" in _one_line_error(c.post("/v1/jobs", json={"uploads": ["x"]}), 401)
        assert c.post("/v1/jobs", json={"uploads": ["x"]}).headers["www-authenticate"] == "Bearer"
        _one_line_error(c.get("/v1/jobs", headers={"Authorization": "Bearer not-a-token"}), 401)
    with svc.client("reader") as c:
        assert "'submit' scope" in _one_line_error(c.post("/v1/jobs", json={"uploads": ["x"]}), 403)
        assert "'submit' scope" in _one_line_error(c.post("/v1/uploads", content=b"a,b\n"), 403)
    with svc.client("submitter") as c:
        assert "'read' scope" in _one_line_error(c.get("/v1/jobs"), 403)
    with svc.client("admin") as c:  # admin holds every scope
        assert c.get("/v1/jobs").status_code == 200
    assert not any(tok in svc.log.read_text() for tok, _, _ in TOKENS.values())  # tokens never logged


def test_upload_submit_status_results_and_nothing_stored_twice(svc):
    path = generate(svc.gen, rows=100, seed=101)
    with svc.client() as c:
        first = _upload(c, path)
        again = _upload(c, path, name="another-name.csv")
        assert again["upload_id"] == first["upload_id"] and first["bytes"] == path.stat().st_size
        import hashlib

        assert first["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        r = c.post("/v1/jobs", json={"uploads": [first["upload_id"]]})
        assert r.status_code == 202 and r.json()["status"] == "queued" and r.json()["queue_position"] >= 1
        job = r.json()["job_id"]
        state = wait_job(c, job)
        assert state["status"] == "done", state
        assert (state["rows_planned"], state["rows_done"], state["rows_stored"], state["rows_quarantined"]) == \
            (100, 100, 100, 0)
        (file,) = state["files"]
        assert (file["status"], file["layout"], file["rows_read"], file["rows_stored"]) == \
            ("ok", "att_mobility_voice", 100, 100)
        results = c.get(f"/v1/jobs/{job}/results").json()
        assert results["job"] == job and results["totals"]["rows_stored"] == 100
        assert {"files", "totals", "wall_s", "phases_s", "checkpoint", "dedupe", "classification"} <= set(results)
        # the same content in a second job: skipped, nothing stored twice
        second = c.post("/v1/jobs", json={"uploads": [again["upload_id"]]}).json()["job_id"]
        state2 = wait_job(c, second)
        assert state2["status"] == "done" and state2["rows_stored"] == 0
        assert state2["files"][0]["status"] == "skipped" and job in state2["files"][0]["error"]
        listed = c.get("/v1/jobs", params={"status": "done", "token": "writer"}).json()["jobs"]
        assert {job, second} <= {j["job_id"] for j in listed}
        assert all(j["status"] == "done" and j["token"] == "writer" for j in listed)
        assert "'bogus' is not one of" in _one_line_error(c.get("/v1/jobs", params={"status": "bogus"}), 400)
        _one_line_error(c.get("/v1/jobs/job-none"), 404)
        assert "'up-0000' is not known" in _one_line_error(c.post("/v1/jobs", json={"uploads": ["up-0000"]}), 400)


def test_oversized_upload_is_413(svc):
    before = _spool_files(svc)
    with svc.client() as c:
        r = c.post("/v1/uploads", params={"name": "big.csv"}, content=b"x" * (UPLOAD_MAX + 1))
        assert "over the cap" in _one_line_error(r, 413)

        def chunks():  # no Content-Length: the cap is found while streaming
            for _ in range(3):
                yield b"y" * (UPLOAD_MAX // 2)

        assert "over the cap" in _one_line_error(c.post("/v1/uploads", params={"name": "big2.csv"},
                                                        content=chunks()), 413)
    assert _spool_files(svc) == before  # nothing kept, no partial file


def test_upload_named_dotdot_is_never_a_path(svc):
    with svc.client() as c:
        rec = c.post("/v1/uploads", params={"name": "../../x"}, content=b"caller,callee\n1,2\n").json()
    assert rec["name"] == "../../x"
    assert rec["upload_id"] == f"up-{rec['sha256'][:32]}"
    assert rec["sha256"] in _spool_files(svc)  # named by its content, no suffix from the name
    for where in (svc.spool.parent.parent / "x", svc.spool.parent / "x", svc.spool / "x"):
        assert not where.exists()


def test_workbook_unzipping_out_of_bounds_is_422(svc):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (2 << 20))  # 2 MiB unzipped, a few KiB zipped
    before = _spool_files(svc)
    with svc.client() as c:
        msg = _one_line_error(c.post("/v1/uploads", params={"name": "bomb.xlsx"}, content=buf.getvalue()), 422)
    assert msg.startswith("bomb.xlsx: workbook unzips to") and "over the bound of 1048576 bytes" in msg
    assert _spool_files(svc) == before


def test_body_that_stops_half_way_leaves_nothing(svc):
    before = _spool_files(svc)
    with svc.client() as c:
        uploads_before = _metric(c, "raybench_uploads")
        jobs_before = len(c.get("/v1/jobs", params={"limit": 1000}).json()["jobs"])
    port = int(svc.url.rsplit(":", 1)[1])
    s = socket.create_connection(("127.0.0.1", port))
    head = (f"POST /v1/uploads?name=half.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: {auth('writer')['Authorization']}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: 400000\r\n\r\n").encode()
    s.sendall(head + b"a,b,c\n" * 30000)  # 180,000 of the 400,000 bytes announced
    time.sleep(1.0)
    s.close()
    deadline = time.monotonic() + 20
    while any(n.startswith(".part") for n in _spool_files(svc)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _spool_files(svc) == before
    with svc.client() as c:
        assert _metric(c, "raybench_uploads") == uploads_before
        assert len(c.get("/v1/jobs", params={"limit": 1000}).json()["jobs"]) == jobs_before


def test_paths_confined_to_the_roots(svc, tmp_path):
    inside = generate(svc.root, rows=100, seed=102)
    outside = generate(tmp_path, rows=100, seed=103)
    (svc.root / "link.csv").symlink_to(outside)
    with svc.client() as c:
        assert "outside the service's roots" in _one_line_error(
            c.post("/v1/jobs", json={"paths": [str(outside)]}), 400)
        assert "outside the service's roots" in _one_line_error(
            c.post("/v1/jobs", json={"paths": [str(svc.root / "link.csv")]}), 400)
        assert "'..' is not allowed" in _one_line_error(
            c.post("/v1/jobs", json={"paths": [f"{svc.root}/../{outside.parent.name}/{outside.name}"]}), 400)
        assert "absolute path" in _one_line_error(c.post("/v1/jobs", json={"paths": [inside.name]}), 400)
        job = c.post("/v1/jobs", json={"paths": [str(inside)]}).json()["job_id"]
        state = wait_job(c, job)
    assert state["status"] == "done" and state["rows_stored"] == 100
    assert state["files"][0]["path"] == str(inside)


def test_rate_limit_is_429_with_retry_after(svc):
    path = generate(svc.gen, rows=100, seed=104)
    with svc.client("limited") as c:
        uid = _upload(c, path)["upload_id"]
        codes = [c.post("/v1/jobs", json={"uploads": [uid]}) for _ in range(4)]
    assert [r.status_code for r in codes] == [202, 202, 202, 429]  # burst 3, then 1 a minute
    assert "over its rate of 1 submissions a minute" in _one_line_error(codes[3], 429)
    assert 1 <= int(codes[3].headers["retry-after"]) <= 60


def test_queue_full_is_503_and_cancel(svc):
    """Two slow jobs (10k rows in 4 KiB chunks) fill the 2 running slots, two more fill the queue of 2:
    the next submission gets 503. A queued job is cancelled at once; a running one stops and its rows
    go (checked in the database by the last test)."""
    big = [generate(svc.root, rows=10_000, seed=s) for s in (110, 111)]
    small = [generate(svc.gen, rows=100, seed=s) for s in (112, 113, 114)]
    with svc.client() as c:
        _wait_idle(c)
        submitted = [c.post("/v1/jobs", json={"paths": [str(p)], "chunk_bytes": 4096}) for p in big]
        assert [r.status_code for r in submitted] == [202, 202], [r.text for r in submitted]
        running = [r.json()["job_id"] for r in submitted]
        for job, path in zip(running, big):
            state = wait_job(c, job, until=lambda s: s["status"] == "running" and s["files"])
            assert [(f["path"], f["status"], f["rows_read"]) for f in state["files"]] == [(str(path), "running", 10_000)]
        ids = [_upload(c, p)["upload_id"] for p in small]
        queued = [c.post("/v1/jobs", json={"uploads": [u]}).json() for u in ids[:2]]
        assert [q["queue_position"] for q in queued] == [1, 2]
        full = c.post("/v1/jobs", json={"uploads": [ids[2]]})
        assert "queue is full (2 jobs waiting)" in _one_line_error(full, 503)
        assert full.headers["retry-after"] == "5"
        assert c.get(f"/v1/jobs/{queued[1]['job_id']}").json()["queue_position"] == 2
        assert _metric(c, "raybench_jobs_queued") == 2 and _metric(c, "raybench_jobs_running") == 2

        r = c.delete(f"/v1/jobs/{queued[1]['job_id']}")
        assert r.status_code == 202 and r.json()["status"] == "cancelled"
        wait_job(c, running[0], until=lambda s: (s["rows_done"] or 0) > 0)
        r = c.delete(f"/v1/jobs/{running[0]}")
        assert r.status_code == 202 and r.json()["status"] == "running"
        cancelled = wait_job(c, running[0])
        assert cancelled["status"] == "cancelled" and cancelled["rows_stored"] == 0
        _one_line_error(c.get(f"/v1/jobs/{running[0]}/results"), 404)
        for job in (running[1], queued[0]["job_id"]):
            assert wait_job(c, job)["status"] == "done"
        assert "already ended (done)" in _one_line_error(c.delete(f"/v1/jobs/{running[1]}"), 409)
        assert c.get(f"/v1/jobs/{running[1]}").json()["rows_stored"] == 10_000
    svc.cancelled_job = running[0]


def test_results_before_the_end_is_409(svc):
    path = generate(svc.root, rows=5_000, seed=120)
    with svc.client() as c:
        job = c.post("/v1/jobs", json={"paths": [str(path)], "chunk_bytes": 4096}).json()["job_id"]
        assert c.get(f"/v1/jobs/{job}").json()["status"] in ("queued", "running")  # 130 chunks: seconds
        assert "results come when it ends" in _one_line_error(c.get(f"/v1/jobs/{job}/results"), 409)
        assert wait_job(c, job)["status"] == "done"


def test_submit_client_prints_the_job_and_the_summary(svc):
    path = generate(svc.gen, rows=100, seed=121)
    out = subprocess.run([os.path.join(os.path.dirname(sys.executable), "raybench"), "submit", str(path),
                          "--server", svc.url, "--wait"], capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, RAYBENCH_TOKEN=TOKENS["writer"][0], COLUMNS="200"))
    assert out.returncode == 0, out.stderr
    first = out.stdout.splitlines()[0]
    assert first.startswith("job: job-")
    job = first.split()[1]
    assert f"raybench ingest {job}" in out.stdout
    assert "100 / 100 / 0" in out.stdout  # CDR rows read / stored / quarantined
    bad = subprocess.run([os.path.join(os.path.dirname(sys.executable), "raybench"), "submit", str(path),
                          "--server", svc.url, "--token", "wrong"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "a valid bearer token is required" in bad.stderr and "(HTTP 401)" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_manual_mapping_template_and_retry(svc, tmp_path):
    """A file no layout matches fails with the models' top 3 and a proposed template; the template,
    edited and stored, reads it on retry; nothing is stored for it before, 100 rows after."""
    import random

    r = random.Random(5)
    path = tmp_path / "odd.csv"
    # a start written in no format the value profile tries (a file of a start, two numbers and seconds
    # is otherwise read by its columns' names and values, raybench.classify.generic)
    path.write_text("When,From,To,Secs\n" + "".join(
        f"{i % 24:02d}h{i % 60:02d}m07s 2024-01-{1 + i % 28:02d},+1312555{r.randint(1000, 9999)},"
        f"+1213555{r.randint(1000, 9999)},{r.randint(1, 900)}\n" for i in range(100)))
    with svc.client() as c:
        job = c.post("/v1/jobs", json={"uploads": [_upload(c, path)["upload_id"]]}).json()["job_id"]
        state = wait_job(c, job)
        assert state["status"] == "failed" and "no known layout" in state["error"]
        (file,) = state["files"]
        mapping = file["mapping"]
        assert len(mapping["top3"]) == 3 and {"layout", "p"} == set(mapping["top3"][0])
        proposal = mapping["proposed_template"]
        assert proposal["header"] == ["When", "From", "To", "Secs"]
    edited = dict(proposal, name="odd-export", layout="tmobile_cdr", tz="UTC", duration_unit="seconds",
                  start_formats=["%Hh%Mm%Ss %Y-%m-%d"],
                  columns={"When": "start", "From": "caller", "To": "callee", "Secs": "duration"})
    edited.pop("carrier", None)
    with svc.client("admin") as admin:
        bad = dict(edited, columns={"When": "start_utc"})
        assert "column 'When' maps to 'start_utc'; allowed:" in _one_line_error(admin.post("/v1/templates", json=bad), 422)
        assert "template key 'colour' is not known; allowed:" in _one_line_error(admin.post("/v1/templates", json=dict(edited, colour=1)), 422)
        assert "name '../x'" in _one_line_error(admin.post("/v1/templates", json=dict(edited, name="../x")), 422)
        r = admin.post("/v1/templates", json=edited)
        assert r.status_code == 201 and r.json() == {"name": "odd-export", "layout": "tmobile_cdr", "replaced": False}
    with svc.client() as c:
        assert "'admin' scope" in _one_line_error(c.post("/v1/templates", json=edited), 403)
        assert [t["name"] for t in c.get("/v1/templates").json()["templates"]] == ["odd-export"]
        again = c.post(f"/v1/jobs/{job}/retry")
        assert again.status_code == 202 and again.json()["retry_of"] == job
        state = wait_job(c, again.json()["job_id"])
        assert state["status"] == "done" and state["rows_stored"] == 100, state
        assert state["files"][0]["layout"] == "tmobile_cdr"
        assert "no failed or suspect file" in _one_line_error(c.post(f"/v1/jobs/{state['job_id']}/retry"), 409)


def _wait_idle(client, timeout_s: float = 120.0) -> None:
    """Until no job is queued or running (the earlier tests' jobs)."""
    deadline = time.monotonic() + timeout_s
    while _metric(client, "raybench_jobs_queued") or _metric(client, "raybench_jobs_running"):
        assert time.monotonic() < deadline, "jobs still queued or running"
        time.sleep(0.2)


def _metric(client, name: str, labels: str = "") -> float:
    text = client.get("/metrics").text
    for line in text.splitlines():
        if line.startswith(name + labels + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{name}{labels} not in /metrics:\n{text}")


def test_metrics_agree_with_the_job_table(svc):
    with svc.client() as c:
        r = c.get("/metrics")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        jobs = c.get("/v1/jobs", params={"limit": 1000}).json()["jobs"]
        done = [j for j in jobs if j["status"] == "done"]
        assert _metric(c, "raybench_jobs", '{status="done"}') == len(done)
        assert _metric(c, "raybench_jobs", '{status="cancelled"}') == sum(j["status"] == "cancelled" for j in jobs)
        assert _metric(c, "raybench_rows_stored_total") == sum(j["rows_stored"] or 0 for j in jobs)
        ended = [j for j in jobs if j["finished_utc"]]
        assert _metric(c, "raybench_job_duration_seconds_count") == len(ended)
        assert _metric(c, "raybench_job_duration_seconds_bucket", '{le="+Inf"}') == len(ended)


def test_zz_every_row_stored_once(svc):
    """After the service stops: the DuckDB holds each record once, each job's rows as the job table
    says, and none of the cancelled job's."""
    import duckdb

    from raybench.service.store import JobStore

    svc.stop()
    store = JobStore(str(svc.state / "jobs.sqlite"))
    jobs = store.list(limit=1000)
    store.close()
    con = duckdb.connect(str(svc.db), read_only=True)
    try:
        n, distinct = con.execute("SELECT count(*), count(DISTINCT record_id) FROM cdr").fetchone()
        assert n == distinct == sum(j["rows_stored"] or 0 for j in jobs)
        by_job = dict(con.execute("SELECT ingest_job, count(*) FROM cdr GROUP BY 1").fetchall())
        for j in jobs:
            assert by_job.get(j["id"], 0) == (j["rows_stored"] or 0), j["id"]
        cancelled = getattr(svc, "cancelled_job", None)
        if cancelled:
            assert con.execute("SELECT count(*) FROM chunks WHERE ingest_job = ?", [cancelled]).fetchone()[0] == 0
            assert con.execute("SELECT status FROM ingest_jobs WHERE ingest_job = ?", [cancelled]).fetchone()[0] \
                == "cancelled"
    finally:
        con.close()
    assert json.dumps(jobs, default=str).count("tok-") == 0  # no token in the job table
