"""``raybench serve``: start Ray (embedded, or join ``--address``), start Serve's HTTP proxy on
``host:port`` and run the application (:func:`raybench.service.app.build_app`) until SIGTERM or SIGINT.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

import psutil
import ray
from ray import serve

from raybench.errors import IngestError, RaybenchError
from raybench.ray_logs import configure_ray_logs, quiet_ray_init, ray_init_kwargs
from raybench.service.app import build_app
from raybench.service.auth import Tokens
from raybench.service.config import ServiceConfig
from raybench.service.memory import MALLOC_ENV, RAY_ENV

log = logging.getLogger(__name__)

APP_NAME = "raybench"

AGENTS_WAIT_S = 5.0
"""After the embedded Ray's shutdown, how long its leftover processes get to end before SIGTERM."""


def serve_forever(config: ServiceConfig, *, address: str | None = None, num_cpus: int | None = None,
                  on_ready=None) -> None:
    """Run the service until SIGTERM or SIGINT, then stop Serve (and the embedded Ray).

    Args:
        config: the service's settings.
        address: a Ray cluster to join; None starts an embedded local Ray of ``num_cpus`` CPUs (None:
            all), which ends with the service.
        on_ready: called with the base URL once the application answers.

    Raises:
        ConfigError: a bad setting; IngestError: Ray or Serve could not start.
    """
    Tokens(config.tokens)  # a bad tokens file is an error before Ray starts
    configure_ray_logs()
    kwargs = ray_init_kwargs()
    if address:
        kwargs["address"] = address
    else:
        kwargs.update(address="local", include_dashboard=False, num_cpus=num_cpus)
        # glibc's malloc thresholds and Ray's task events off for every process of the embedded session
        # (they inherit this process's environment): a large job's buffers are given back, the GCS keeps
        # no record per task (raybench.service.memory)

        for key, value in {**MALLOC_ENV, **RAY_ENV}.items():
            os.environ.setdefault(key, value)
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        with quiet_ray_init():
            ray.init(**kwargs)
        try:
            serve.start(http_options={"host": config.host, "port": config.port,
                                      "request_timeout_s": config.request_timeout_s})
            serve.run(build_app(config.to_args()), name=APP_NAME, route_prefix="/", blocking=False)
        except Exception as exc:
            if isinstance(exc, RaybenchError):
                raise
            raise IngestError(f"the service could not start: {type(exc).__name__}: "
                              f"{(str(exc).strip().splitlines() or [''])[0]}") from exc
        if on_ready is not None:
            on_ready(f"http://{config.host}:{config.port}")
        while not stop.wait(1.0):
            pass
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if ray.is_initialized():
            below = psutil.Process().children(recursive=True) if not address else []
            try:
                serve.shutdown()
            except Exception:
                log.exception("serve shutdown")
            ray.shutdown()
            # the embedded Ray's agents notice their raylet is gone only 30-60 s later: end them now
            _, alive = psutil.wait_procs(below, timeout=AGENTS_WAIT_S)
            for p in alive:
                try:
                    p.terminate()
                except psutil.NoSuchProcess:
                    pass
            psutil.wait_procs(alive, timeout=AGENTS_WAIT_S)
