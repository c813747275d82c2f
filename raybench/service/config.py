"""The service's settings: one dataclass, built from ``raybench serve``'s options or a Serve config's
``args`` (:func:`ServiceConfig.from_args`)."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields

from raybench.errors import ConfigError
from raybench.units import parse_bytes

UPLOAD_MAX_BYTES = 1 << 30
"""Default cap of one upload (1 GiB): past it the service answers 413 and reads no further."""

XLSX_MAX_UNZIPPED_BYTES = 2 << 30
"""Default cap of a workbook's uncompressed size (2 GiB, :func:`raybench.read.xlsx.check_unzipped_size`)."""


@dataclass
class ServiceConfig:
    """What one service runs with.

    Attributes:
        db: the results DuckDB file (one writer: the job runner).
        state_dir: folder of the job table (``jobs.sqlite``) and of each job's results JSON.
        spool: folder uploads are streamed into (named by their SHA-256, never by the upload's name).
        tokens: the tokens file (:mod:`raybench.service.auth`); None turns authentication off, which is
            only allowed on a loopback host.
        roots: folders path inputs must lie under (after resolving symlinks); empty: no path inputs.
        host, port: where the HTTP proxy listens.
        max_concurrent_jobs: jobs running at once; more wait in the queue.
        max_queued_jobs: queued jobs past which a submission gets 503 with ``Retry-After``.
        submit_rate_per_min: submissions (POST /v1/jobs) one token may make per minute (a token bucket
            of :attr:`submit_burst`); past it 429 with ``Retry-After``.
        submit_burst: submissions a token may make at once before the rate applies.
        upload_max_bytes: largest upload, bytes (413 past it).
        xlsx_max_unzipped_bytes: largest uncompressed size of a workbook upload, bytes (422 past it).
        request_timeout_s: seconds the HTTP proxy waits for one request before answering 408.
        workers: warm ingest actors; None: the cluster's CPUs minus one, at least one.
        worker_cpus: CPUs each ingest actor reserves.
        chunk_bytes: target size of one chunk, bytes (the unit the runner schedules across jobs).
        commit_rows: rows per DuckDB commit at most.
        batch_timeout_s: longest wait for one chunk before it is quarantined as ``worker_error``.
        templates_dir: folder of the templates jobs are read with (:mod:`raybench.classify.templates`;
            ``POST /v1/templates`` adds to it); None: ``STATE/templates``.
        reopen_every_jobs: jobs ended on one DuckDB connection after which the runner closes the database
            and opens it again at its next moment with no job active (DuckDB's C++ state grows with the
            jobs and is given back only with the database; docs/service.md "Soak").
        parquet_bytes: a job whose input files hold at least this many bytes goes through the Parquet sink
            (its actors write each chunk's rows as a Parquet part under :attr:`parts` and return only the
            part's report; the runner commits the reports and loads the parts at the job's end, as
            ``raybench ingest --sink parquet`` does); smaller jobs return their rows to the runner. None:
            ``raybench ingest``'s threshold (:data:`raybench.pipeline.job.AUTO_PARQUET_BYTES`).
        parts: folder or URI the actors write parts under; None: ``DB.parts``, used only while every
            actor runs on the runner's node (a cluster's other nodes need a shared path or an object
            store, which only the operator knows; otherwise every job returns its rows).
    """

    db: str
    state_dir: str
    spool: str
    tokens: str | None = None
    roots: list[str] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 8000
    max_concurrent_jobs: int = 4
    max_queued_jobs: int = 1000
    submit_rate_per_min: float = 1200.0
    submit_burst: int = 100
    upload_max_bytes: int = UPLOAD_MAX_BYTES
    xlsx_max_unzipped_bytes: int = XLSX_MAX_UNZIPPED_BYTES
    request_timeout_s: float = 120.0
    workers: int | None = None
    worker_cpus: float = 0.5
    chunk_bytes: int = 4 << 20
    commit_rows: int = 250_000
    batch_timeout_s: float = 600.0
    templates_dir: str | None = None
    reopen_every_jobs: int = 50
    parquet_bytes: int | None = None
    parts: str | None = None

    @property
    def jobs_db(self) -> str:
        """The job table's SQLite file."""
        return os.path.join(self.state_dir, "jobs.sqlite")

    @property
    def results_dir(self) -> str:
        """Folder of each finished job's results JSON."""
        return os.path.join(self.state_dir, "results")

    def to_args(self) -> dict:
        """The settings as a plain dict (what a Serve config's ``args`` holds)."""
        return asdict(self)

    @classmethod
    def from_args(cls, args: dict) -> "ServiceConfig":
        """Settings from a dict of values (numbers may be strings, as ``serve run mod:app key=value``
        passes them; ``roots`` a list or a comma-separated string); paths made absolute; folders made.

        Raises:
            ConfigError: an unknown key, a missing ``db``, or a value of the wrong kind, naming the key.
        """
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(args) - set(known))
        if unknown:
            raise ConfigError(f"service setting {unknown[0]!r} is not known; known: {', '.join(sorted(known))}")
        if not args.get("db"):
            raise ConfigError("service setting 'db' (the results DuckDB file) is required")
        values: dict = {}
        for name, value in args.items():
            if value is None:
                continue
            kind = known[name].type
            try:
                if name == "roots":
                    value = [v for v in (value.split(",") if isinstance(value, str) else value) if v]
                elif "int" in str(kind) and not isinstance(value, int):
                    value = _int(value)
                elif "float" in str(kind) and not isinstance(value, (int, float)):
                    value = float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"service setting {name}={value!r}: not a {kind}") from None
            values[name] = value
        db = os.path.abspath(values["db"])
        values["db"] = db
        values.setdefault("state_dir", db + ".service")
        values.setdefault("spool", os.path.join(values["state_dir"], "spool"))
        values.setdefault("templates_dir", os.path.join(values["state_dir"], "templates"))
        for key in ("state_dir", "spool", "templates_dir"):
            values[key] = os.path.abspath(values[key])
        if values.get("tokens"):
            values["tokens"] = os.path.abspath(values["tokens"])
        if values.get("parts") and "://" not in values["parts"]:
            values["parts"] = os.path.abspath(values["parts"])
        values["roots"] = [os.path.realpath(r) for r in values.get("roots", [])]
        config = cls(**values)
        config.check()
        os.makedirs(config.results_dir, exist_ok=True)
        os.makedirs(config.spool, exist_ok=True)
        os.makedirs(config.templates_dir, exist_ok=True)
        return config

    def check(self) -> None:
        """Raises ConfigError for a value out of bounds, naming the setting."""
        for name in ("max_concurrent_jobs", "max_queued_jobs", "submit_burst", "upload_max_bytes",
                     "xlsx_max_unzipped_bytes", "chunk_bytes", "commit_rows", "reopen_every_jobs"):
            if getattr(self, name) < 1:
                raise ConfigError(f"service setting {name} must be at least 1, got {getattr(self, name)}")
        if self.parquet_bytes is not None and self.parquet_bytes < 0:
            raise ConfigError(f"service setting parquet_bytes must be at least 0, got {self.parquet_bytes}")
        for name in ("submit_rate_per_min", "request_timeout_s", "worker_cpus", "batch_timeout_s"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"service setting {name} must be above 0, got {getattr(self, name)}")
        if self.workers is not None and self.workers < 1:
            raise ConfigError(f"service setting workers must be at least 1, got {self.workers}")
        if self.tokens is None and self.host not in ("127.0.0.1", "localhost", "::1"):
            raise ConfigError(f"--host {self.host}: a service reachable from other machines needs --tokens "
                              "(authentication is off without it)")
        for root in self.roots:
            if not os.path.isdir(root):
                raise ConfigError(f"--root {root}: not a folder")


def _int(value) -> int:
    text = str(value).strip()
    return int(text) if text.lstrip("-").isdigit() else parse_bytes(text)
