"""The HTTP API: a FastAPI ingress on Ray Serve, in front of the job table and the job runner.

``build_app(args)`` is the Serve application builder (``serve run raybench.service.app:build_app
db=cdr.duckdb`` or ``import_path`` in ``cluster/serve-config.yaml``): ``args`` are
:class:`raybench.service.config.ServiceConfig`'s fields. Two deployments: :class:`Ingress` (the routes
below; no CPU reserved) and the job runner (:class:`raybench.service.runner.JobRunner`, one replica).

Routes (JSON; OpenAPI at ``/docs`` and ``/openapi.json``; scopes in brackets):

- ``POST /v1/uploads?name=N`` [submit]: the body is the file, streamed to the spool with its SHA-256 taken
  as it comes; 201 ``{upload_id, sha256, bytes, name}`` (the same content gives the same id). 413 past
  ``upload_max_bytes`` (at once from ``Content-Length``, else as soon as the stream passes it); 422 for a
  workbook that unzips past ``xlsx_max_unzipped_bytes``; a body that stops half way leaves nothing.
- ``POST /v1/jobs`` [submit]: ``{uploads: [id], paths: [abs path under a root], tz, chunk_bytes}``; 202
  ``{job_id, status, queue_position}`` at once. 400 for an unknown upload or a path outside the roots,
  429 past the token's submission rate, 503 when the queue is full (both with ``Retry-After``).
- ``GET /v1/jobs/{id}`` [read]: status, queue position, rows done of planned, per-file rows.
- ``GET /v1/jobs/{id}/results`` [read]: the results JSON as ``raybench ingest`` writes it (409 before
  the job ends).
- ``GET /v1/jobs?status=&token=&limit=`` [read]: jobs, newest first.
- ``DELETE /v1/jobs/{id}`` [submit]: cancel (202); a running job stops between chunks and its rows are
  removed (:meth:`raybench.service.runner.JobRunner._cancel`); 409 for a job already ended.
- ``POST /v1/jobs/{id}/retry`` [submit]: a new job reading the ended job's failed and suspect files
  again with the templates known now (409 when it has none). A file that failed because no layout
  matched, or ended suspect, shows ``mapping`` at ``GET /v1/jobs/{id}``: the models' top 3 and a
  proposed template (:func:`raybench.classify.suggest.mapping_suggestion`).
- ``POST /v1/templates`` [admin]: store a template (JSON of the template's YAML keys) once it validates
  (422 naming the bad key); ``GET /v1/templates`` [read] lists them.
- The named queries of :mod:`raybench.query.calls` [read], answered by the job runner over the committed
  rows while jobs write (docs/service.md, "Queries"); ``from``/``to`` are ISO 8601 (a naive time or a
  bare date is UTC), the window half-open; numbers E.164 or as written. Each answers ``{query, source,
  columns, rows, row_count, limit, query_ms}`` (times ISO 8601 UTC with ``Z``); a bad parameter is 400
  naming it, a missing or mistyped one 422:

  - ``GET /v1/calls?number=&from=&to=&limit=&include_duplicates=&region=``: a number's records;
  - ``GET /v1/contacts/{number}?from=&to=&limit=``: its top contacts (legs of a call counted once);
  - ``GET /v1/contacts/{number}/shared/{other}?from=&to=&limit=``: the contacts two numbers share;
  - ``GET /v1/timeline/{number}?day=&tz=``: a number's day with cells and coordinates;
  - ``GET /v1/cells/{cell}/calls?from=&to=&carrier=``: records through a cell;
  - ``GET /v1/counts?number=&from=&to=``: records, duplicates, unique records, calls (legs folded).
- ``GET /healthz``, ``GET /readyz`` (the runner answers), ``GET /metrics`` (Prometheus text,
  :mod:`raybench.service.metrics`): no token needed.

Every error is ``{"error": "one line"}`` with its status code; no token gives 401, a token without the
scope 403.

(No ``from __future__ import annotations`` here: Serve's class-based view reads the route signatures'
annotations as objects.)
"""

import asyncio
import logging
import os

from fastapi import FastAPI, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from ray import serve
from starlette.exceptions import HTTPException as StarletteHTTPException

from raybench.errors import ConfigError, InputFileError
from raybench.service.auth import Principal, RateLimiter, Tokens
from raybench.service.config import ServiceConfig
from raybench.service.inputs import (
    SpoolWriter,
    TooLarge,
    check_workbook,
    confine,
    upload_id,
)
from raybench.service.runner import JobRunner
from raybench.service.store import FINAL_STATUSES, STATUSES, JobStore

log = logging.getLogger(__name__)

RETRY_AFTER_QUEUE_FULL_S = 5
"""``Retry-After`` of a 503 (queue full), seconds."""

READY_TIMEOUT_S = 5.0
"""Longest wait for the runner's answer to ``/readyz``."""

RELEASE_AFTER_UPLOAD_BYTES = 1 << 20
"""After an upload of this many bytes or more, the replica hands its free memory back
(:func:`raybench.service.memory.release_memory`)."""

QUERY_TIMEOUT_S = 60.0
"""Longest wait for the runner's answer to a named query (503 past it)."""

QUERY_LIMIT_DEFAULT = 1000
"""Rows a listing query answers unless ``limit`` says otherwise."""

QUERY_LIMIT_MAX = 100_000
"""The most rows one query answers (``limit`` above it is 400)."""

api = FastAPI(title="raybench ingestion service", version="1",
              description="Upload CDR and billing files, queue ingest jobs, follow them, read their results.")

_replica: dict = {}
"""This HTTP replica's state for the monitoring routes (set by :class:`Ingress`)."""

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from raybench.classify.templates import load_templates, parse_template
from raybench.monitor.live import PanelSampler
from raybench.monitor.routes import (
    SqliteAlertStore,
    monitor_router,  # noqa: E402
)
from raybench.service.memory import release_memory
from raybench.service.metrics import CONTENT_TYPE, render

# POST/GET /v1/alerts (Alertmanager's webhook), GET /v1/dashboard/data, GET /dashboard
api.include_router(monitor_router(jobs=lambda: _replica["store"].list(limit=50), sampler=lambda: _replica["sampler"],
                                  alerts=lambda: _replica["alerts"]))


class ApiError(HTTPException):
    """An error answered as ``{"error": message}``."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(status_code=status, detail=message, headers=headers)


def _one_line(text) -> str:
    return " ".join(str(text).split())[:500]


@api.exception_handler(StarletteHTTPException)
async def _http_error(request: Request, exc: StarletteHTTPException):
    return JSONResponse({"error": _one_line(exc.detail)}, status_code=exc.status_code, headers=exc.headers)


@api.exception_handler(RequestValidationError)
async def _validation_error(request: Request, exc: RequestValidationError):
    errors = exc.errors()
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return JSONResponse({"error": _one_line(f"{where}: {first.get('msg', 'invalid request')}")}, status_code=422)


@api.exception_handler(Exception)
async def _unexpected(request: Request, exc: Exception):
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse({"error": _one_line(f"internal error: {type(exc).__name__}")}, status_code=500)


class JobRequest(BaseModel):
    """A job: uploads by id and/or paths under the service's roots, with ``raybench ingest``'s options."""

    uploads: list[str] = Field(default_factory=list, description="upload ids from POST /v1/uploads")
    paths: list[str] = Field(default_factory=list, description="absolute paths (files or folders) under a root")
    tz: str | None = Field(None, description="IANA zone for layouts written in local time (--tz)")
    chunk_bytes: int | None = Field(None, ge=4096, description="bytes per chunk (--chunk-size)")


def job_view(row: dict) -> dict:
    """What ``GET /v1/jobs/{id}`` answers for a job-table row."""
    files = [{k: f.get(k) for k in ("path", "status", "layout", "carrier", "rows_read", "rows_stored",
                                     "rows_quarantined", "rows_flagged", "error", "mapping") if k != "mapping" or k in f}
             for f in row.get("files") or []]
    return {"job_id": row["id"], "status": row["status"], "queue_position": row["queue_position"],
            "submitted_utc": row["submitted_utc"], "started_utc": row["started_utc"],
            "finished_utc": row["finished_utc"], "rows_planned": row["rows_planned"], "rows_done": row["rows_done"],
            "rows_stored": row["rows_stored"], "rows_quarantined": row["rows_quarantined"],
            "rows_flagged": row["rows_flagged"], "error": row["error"], "token": row["token"],
            "inputs": row["inputs"], "files": files, "runs": row["runs"]}


@serve.deployment(name="Ingress", ray_actor_options={"num_cpus": 0}, max_ongoing_requests=64)
@serve.ingress(api)
class Ingress:
    """The HTTP replica.

    Args:
        config: :meth:`ServiceConfig.to_args`.
        runner: the job runner's deployment handle.
    """

    def __init__(self, config: dict, runner):
        self.config = ServiceConfig.from_args(config)
        self.tokens = Tokens(self.config.tokens)
        self.store = JobStore(self.config.jobs_db)
        self.limiter = RateLimiter(self.config.submit_rate_per_min, self.config.submit_burst)
        self.runner = runner

        _replica.update(store=self.store, alerts=SqliteAlertStore(os.path.join(self.config.state_dir, "alerts.sqlite")),
                        sampler=PanelSampler(read=self._metrics_text))

    def _metrics_text(self) -> bytes:
        """The job table's metrics, then the runner's (its ingests' registry): what ``/metrics`` serves."""
        return render(self.store) + self.runner.metrics_text.remote().result(timeout_s=READY_TIMEOUT_S)

    def _auth(self, authorization: str | None, scope: str) -> Principal:
        who = self.tokens.principal(authorization)
        if who is None:
            raise ApiError(401, "a valid bearer token is required (Authorization: Bearer TOKEN)",
                           {"WWW-Authenticate": "Bearer"})
        if not who.allows(scope):
            raise ApiError(403, f"token {who.name!r} lacks the {scope!r} scope")
        return who

    @api.get("/healthz")
    async def healthz(self) -> dict:
        """The HTTP replica answers."""
        return {"ok": True}

    @api.get("/readyz")
    async def readyz(self):
        """Ready when the job runner answers and its scheduling thread runs (else 503)."""
        try:
            state = await asyncio.wait_for(self.runner.ready.remote(), READY_TIMEOUT_S)
        except Exception as exc:
            raise ApiError(503, f"the job runner does not answer: {type(exc).__name__}") from None
        if not state["ok"]:
            raise ApiError(503, f"the job runner stopped: {state['error']}")
        return {"ready": True, "workers": len(state["workers"]), "active_jobs": len(state["active"]),
                "queued_jobs": self.store.count("queued"), "runner_memory": state.get("memory")}

    @api.get("/metrics")
    async def metrics(self):
        """Prometheus text (:mod:`raybench.service.metrics`)."""
        try:  # the ingests' metrics live in the runner (raybench.monitor.metrics.REGISTRY)
            ingests = await asyncio.wait_for(self.runner.metrics_text.remote(), READY_TIMEOUT_S)
        except Exception:  # the job table's figures still answer; up{job="raybench-service"} stays 1
            ingests = b""
        return Response(render(self.store) + ingests, media_type=CONTENT_TYPE)

    @api.post("/v1/uploads", status_code=201)
    async def upload(self, request: Request, name: str | None = None,
                     authorization: str | None = Header(None)) -> dict:
        """Stream the request body into the spool (see the module docstring)."""
        self._auth(authorization, "submit")
        cap = self.config.upload_max_bytes
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > cap:
            raise ApiError(413, f"upload of {length} bytes is over the cap of {cap} bytes")
        writer = SpoolWriter(self.config.spool, cap)
        try:
            async for block in request.stream():
                writer.write(block)
            if not writer.size_bytes:
                writer.abort()
                raise ApiError(400, "the upload is empty")
            sha, path = writer.commit(name)
        except TooLarge:
            raise ApiError(413, f"upload is over the cap of {cap} bytes") from None
        except BaseException:  # the client went away half way (ClientDisconnect, cancelled): nothing kept
            writer.abort()
            raise
        try:
            check_workbook(path, self.config.xlsx_max_unzipped_bytes)
        except InputFileError as exc:
            if not self.store.upload(upload_id(sha)):
                os.remove(path)
            label = name or "upload"
            raise ApiError(422, f"{os.path.basename(label)}: {exc.reason}") from None
        rec = self.store.add_upload(upload_id(sha), sha, name, writer.size_bytes, path)
        if writer.size_bytes >= RELEASE_AFTER_UPLOAD_BYTES:  # the body's blocks go back to the system

            await asyncio.to_thread(release_memory)
        return {"upload_id": rec["id"], "sha256": rec["sha256"], "bytes": rec["bytes"], "name": rec["name"]}

    @api.post("/v1/jobs", status_code=202)
    async def submit(self, body: JobRequest, authorization: str | None = Header(None)) -> dict:
        """Queue a job; answers at once with its id."""
        who = self._auth(authorization, "submit")
        if not body.uploads and not body.paths:
            raise ApiError(400, "give uploads (ids from POST /v1/uploads) or paths")
        wait_s = self.limiter.take(who.name, who.rate_per_min, who.burst)
        if wait_s:
            raise ApiError(429, f"token {who.name!r} is over its rate of {who.rate_per_min or self.config.submit_rate_per_min:g} "
                                "submissions a minute", {"Retry-After": str(max(1, int(wait_s + 0.999)))})
        if self.store.count("queued") >= self.config.max_queued_jobs:
            raise ApiError(503, f"the queue is full ({self.config.max_queued_jobs} jobs waiting)",
                           {"Retry-After": str(RETRY_AFTER_QUEUE_FULL_S)})
        if body.tz:
            try:
                ZoneInfo(body.tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ApiError(400, f"tz {body.tz!r} is not an IANA time zone (e.g. America/New_York)") from None
        inputs, paths = [], []
        for uid in body.uploads:
            rec = self.store.upload(uid)
            if rec is None or not os.path.exists(rec["path"]):
                raise ApiError(400, f"upload {uid!r} is not known (POST /v1/uploads first)")
            inputs.append({"upload": uid, "name": rec["name"]})
            paths.append(rec["path"])
        for p in body.paths:
            try:
                paths.append(confine(p, self.config.roots))
            except ConfigError as exc:
                raise ApiError(400, str(exc)) from None
            inputs.append({"path": p})
        options = {k: v for k, v in (("tz", body.tz), ("chunk_bytes", body.chunk_bytes)) if v is not None}
        row = self.store.submit(inputs, paths, options, who.name)
        self.runner.wake.remote()
        return {"job_id": row["id"], "status": row["status"], "queue_position": row["queue_position"]}

    @api.get("/v1/jobs")
    async def list_jobs(self, status: str | None = None, token: str | None = None, limit: int = 100,
                        authorization: str | None = Header(None)) -> dict:
        """Jobs, newest first; ``status`` one of the job statuses, ``token`` a submitter's token name."""
        self._auth(authorization, "read")
        if status is not None and status not in STATUSES:
            raise ApiError(400, f"status {status!r} is not one of {', '.join(STATUSES)}")
        if not 1 <= limit <= 1000:
            raise ApiError(400, f"limit must be 1 to 1000, got {limit}")
        return {"jobs": [job_view(r) for r in self.store.list(status=status, token=token, limit=limit)]}

    @api.get("/v1/jobs/{job_id}")
    async def get_job(self, job_id: str, authorization: str | None = Header(None)) -> dict:
        """One job's status, queue position, rows done of planned and per-file rows."""
        self._auth(authorization, "read")
        return job_view(self._job(job_id))

    @api.get("/v1/jobs/{job_id}/results")
    async def get_results(self, job_id: str, authorization: str | None = Header(None)):
        """The results JSON of a finished job, as ``raybench ingest`` writes it."""
        self._auth(authorization, "read")
        row = self._job(job_id)
        if row["status"] not in FINAL_STATUSES:
            raise ApiError(409, f"job {job_id} is {row['status']}: its results come when it ends")
        if not row["results_path"] or not os.path.exists(row["results_path"]):
            raise ApiError(404, f"job {job_id} ended {row['status']} without results: {row['error']}")
        with open(row["results_path"], "rb") as f:
            return Response(f.read(), media_type="application/json")

    @api.delete("/v1/jobs/{job_id}", status_code=202)
    async def cancel(self, job_id: str, authorization: str | None = Header(None)) -> dict:
        """Cancel a queued or running job (see the module docstring)."""
        self._auth(authorization, "submit")
        self._job(job_id)
        status = self.store.cancel(job_id)
        if status in ("done", "failed", "suspect"):
            raise ApiError(409, f"job {job_id} already ended ({status})")
        self.runner.wake.remote()
        return {"job_id": job_id, "status": status,
                "note": "a running job stops after its chunks in flight; its rows are removed"}

    @api.post("/v1/jobs/{job_id}/retry", status_code=202)
    async def retry(self, job_id: str, authorization: str | None = Header(None)) -> dict:
        """Read a finished job's failed and suspect files again, with the templates known now, as a new
        job (a suspect file's earlier rows are replaced, never stored twice)."""
        who = self._auth(authorization, "submit")
        row = self._job(job_id)
        if row["status"] not in FINAL_STATUSES:
            raise ApiError(409, f"job {job_id} is {row['status']}: retry it once it ends")
        new = self.store.retry(job_id, who.name)
        if new is None:
            raise ApiError(409, f"job {job_id} has no failed or suspect file to read again")
        self.runner.wake.remote()
        return {"job_id": new["id"], "status": new["status"], "queue_position": new["queue_position"],
                "retry_of": job_id}

    @api.post("/v1/templates", status_code=201)
    async def add_template(self, body: dict, authorization: str | None = Header(None)) -> dict:
        """Store a template (the YAML keys of :mod:`raybench.classify.templates`, as JSON) after
        validating it: 422 with a one-line error naming the bad key. Later jobs read with it."""
        self._auth(authorization, "admin")
        name = str(body.get("name") or "")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name) or name.endswith((".", "-")):
            raise ApiError(422, f"name {name!r}: 1 to 64 letters, digits, '_', '.', '-', starting with a "
                                "letter or digit")
        try:
            template = parse_template(body, f"template {name}")
        except ConfigError as exc:
            raise ApiError(422, str(exc)) from None
        path = os.path.join(self.config.templates_dir, f"{name}.yaml")
        replaced = os.path.exists(path)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            yaml.safe_dump(body, f, sort_keys=False, allow_unicode=True)
        os.replace(tmp, path)
        return {"name": template.name, "layout": template.layout, "replaced": replaced}

    @api.get("/v1/templates")
    async def list_templates(self, authorization: str | None = Header(None)) -> dict:
        """The templates jobs are read with."""
        self._auth(authorization, "read")
        try:
            found = load_templates(self.config.templates_dir)
        except ConfigError as exc:
            raise ApiError(500, str(exc)) from None
        return {"templates": [{"name": t.name, "layout": t.layout, "header": list(t.header)} for t in found]}

    # --- the named queries (raybench.query.calls), answered by the runner -----------------------------
    async def _query(self, authorization: str | None, name: str, **params) -> dict:
        self._auth(authorization, "read")
        limit = params.get("limit")
        if limit is not None and not 1 <= limit <= QUERY_LIMIT_MAX:
            raise ApiError(400, f"limit must be 1 to {QUERY_LIMIT_MAX}, got {limit}")
        params = {k: v for k, v in params.items() if v is not None}
        try:
            answer = await asyncio.wait_for(self.runner.query.remote(name, params), QUERY_TIMEOUT_S)
        except asyncio.TimeoutError:
            raise ApiError(503, f"the job runner did not answer the query in {QUERY_TIMEOUT_S:.0f} s",
                           {"Retry-After": str(RETRY_AFTER_QUEUE_FULL_S)}) from None
        if "error" in answer:
            status = answer.get("status", 400)
            raise ApiError(status, answer["error"],
                           {"Retry-After": str(RETRY_AFTER_QUEUE_FULL_S)} if status == 503 else None)
        return {"query": name, "source": "writer", "columns": answer["columns"], "rows": answer["rows"],
                "row_count": len(answer["rows"]), "limit": params.get("limit"),
                "query_ms": round(1000 * answer["query_s"], 2)}

    @api.get("/v1/calls")
    async def q_calls(self, number: str, from_: str | None = Query(None, alias="from"),
                      to: str | None = None, limit: int = QUERY_LIMIT_DEFAULT, include_duplicates: bool = False,
                      region: str | None = None, authorization: str | None = Header(None)) -> dict:
        """All records of ``number`` (caller or callee) starting in ``[from, to)``, by start; copies of
        calls only with ``include_duplicates``; a leg of a multi-leg call carries ``call_id``, ``leg``,
        ``legs``."""
        return await self._query(authorization, "calls", number=number, start=from_, end=to, limit=limit,
                                 include_duplicates=include_duplicates, region=region)

    @api.get("/v1/contacts/{number}")
    async def q_top_contacts(self, number: str, from_: str | None = Query(None, alias="from"),
                             to: str | None = None, limit: int = 10, region: str | None = None,
                             authorization: str | None = Header(None)) -> dict:
        """The parties ``number`` was in contact with most in ``[from, to)`` (copies left out, the legs
        of one call counted once)."""
        return await self._query(authorization, "top-contacts", number=number, start=from_, end=to,
                                 limit=limit, region=region)

    @api.get("/v1/contacts/{number}/shared/{other}")
    async def q_shared_contacts(self, number: str, other: str, from_: str | None = Query(None, alias="from"),
                                to: str | None = None, limit: int = QUERY_LIMIT_DEFAULT,
                                region: str | None = None, authorization: str | None = Header(None)) -> dict:
        """The parties both ``number`` and ``other`` were in contact with in ``[from, to)``."""
        return await self._query(authorization, "shared-contacts", number=number, other=other, start=from_,
                                 end=to, limit=limit, region=region)

    @api.get("/v1/timeline/{number}")
    async def q_timeline(self, number: str, day: str, tz: str = "UTC", limit: int = QUERY_LIMIT_DEFAULT,
                         include_duplicates: bool = False, region: str | None = None,
                         authorization: str | None = Header(None)) -> dict:
        """``number``'s records of calendar day ``day`` in zone ``tz``, with cells and coordinates."""
        return await self._query(authorization, "timeline", number=number, day=day, tz=tz, limit=limit,
                                 include_duplicates=include_duplicates, region=region)

    @api.get("/v1/cells/{cell}/calls")
    async def q_cell_calls(self, cell: str, from_: str | None = Query(None, alias="from"), to: str | None = None,
                           carrier: str | None = None, limit: int = QUERY_LIMIT_DEFAULT,
                           include_duplicates: bool = False, authorization: str | None = Header(None)) -> dict:
        """Records through cell ``cell`` (as the carrier writes it; ``carrier`` to pick one carrier's)
        starting in ``[from, to)``."""
        return await self._query(authorization, "cell", cell=cell, start=from_, end=to, carrier=carrier,
                                 limit=limit, include_duplicates=include_duplicates)

    @api.get("/v1/counts")
    async def q_counts(self, number: str | None = None, from_: str | None = Query(None, alias="from"),
                       to: str | None = None, region: str | None = None,
                       authorization: str | None = Header(None)) -> dict:
        """Records, copies, unique records and calls (legs folded into one), of ``number`` when given,
        in ``[from, to)``."""
        return await self._query(authorization, "counts", number=number, start=from_, end=to, region=region)

    def _job(self, job_id: str) -> dict:
        row = self.store.get(job_id)
        if row is None:
            raise ApiError(404, f"no job {job_id!r}")
        return row


Runner = serve.deployment(JobRunner, name="JobRunner", num_replicas=1, ray_actor_options={"num_cpus": 0},
                          max_ongoing_requests=100, health_check_period_s=10, health_check_timeout_s=30)
"""The job runner as a Serve deployment (one replica: the one DuckDB writer)."""


def build_app(args: dict):
    """The Serve application (``serve run raybench.service.app:build_app db=... [key=value...]``).

    Args:
        args: :class:`raybench.service.config.ServiceConfig` fields (strings are parsed).

    Raises:
        ConfigError: a bad setting (naming it).
    """
    config = ServiceConfig.from_args(dict(args))
    Tokens(config.tokens)  # a bad tokens file fails here, before any replica starts
    settings = config.to_args()
    return Ingress.bind(settings, Runner.bind(settings))
