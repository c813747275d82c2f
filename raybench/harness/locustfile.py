"""Locust users of the ingestion service, run by the ``locust`` command that
:func:`raybench.harness.service_load.run_service_load` starts (never imported by raybench itself:
Locust patches the standard library with gevent, which Ray must not see).

Each user, again and again: take the next file of the list (``$RAYBENCH_LOCUST_FILES``, one path a
line; every file once), upload it, submit it as a job, poll ``GET /v1/jobs/{id}`` every
``$RAYBENCH_LOCUST_POLL_S`` (default 0.2) seconds until it ends, and record the time from submission to
the end as a request of type ``JOB`` named ``submit-to-done`` (a failure unless the job ended ``done``).
A refused call is a failure named by its status code (``HTTP 503``). ``$RAYBENCH_LOCUST_TOKEN`` is sent
as the bearer token when set. Once the files run out, the run stops.
"""

import itertools
import os
import time

from locust import HttpUser, constant, events, task

_FILES = open(os.environ["RAYBENCH_LOCUST_FILES"]).read().split("\n") if os.environ.get("RAYBENCH_LOCUST_FILES") else []
_FILES = [f for f in _FILES if f]
_NEXT = itertools.count()
_POLL_S = float(os.environ.get("RAYBENCH_LOCUST_POLL_S", "0.2"))
_FINAL = {"done", "failed", "suspect", "cancelled"}


class ServiceUser(HttpUser):
    """Upload, submit, poll until done; one job at a time."""

    wait_time = constant(0)

    def on_start(self):
        token = os.environ.get("RAYBENCH_LOCUST_TOKEN")
        if token:
            self.client.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method, url, expect, name, **kwargs):
        with self.client.request(method, url, name=name, catch_response=True, **kwargs) as r:
            if r.status_code != expect:
                r.failure(f"HTTP {r.status_code}")
                return None
            return r.json()

    @task
    def one_job(self):
        i = next(_NEXT)
        if i >= len(_FILES):
            self.environment.runner.quit()
            return
        path = _FILES[i]
        with open(path, "rb") as f:
            data = f.read()
        up = self._call("POST", "/v1/uploads", 201, "/v1/uploads", params={"name": os.path.basename(path)},
                        data=data, headers={"Content-Type": "application/octet-stream"})
        if up is None:
            return
        t0 = time.perf_counter()
        job = self._call("POST", "/v1/jobs", 202, "/v1/jobs", json={"uploads": [up["upload_id"]]})
        if job is None:
            return
        while True:
            state = self._call("GET", f"/v1/jobs/{job['job_id']}", 200, "/v1/jobs/[id]")
            if state is None:
                return
            if state["status"] in _FINAL:
                break
            time.sleep(_POLL_S)
        events.request.fire(request_type="JOB", name="submit-to-done", response_time=(time.perf_counter() - t0) * 1000,
                            response_length=0, context={},
                            exception=None if state["status"] == "done" else RuntimeError(f"job {state['status']}"))
