"""Ray's own log lines on the console: off by default, back with ``--ray-logs`` (alias ``--verbose``).

A quiet run (the default) keeps stderr for raybench's own messages. It asks, through environment
variables that Ray reads when it starts a process (so this must run before ``ray.init``):

- Ray's C++ core (the driver's ``core_worker.cc: Actor ... has constructor arguments in the object store``
  and the like) for fatal lines only: ``RAY_BACKEND_LOG_LEVEL=fatal``. It also applies to the processes
  an embedded Ray starts, so their log files under the Ray session folder hold fatal lines only too;
  ``--ray-logs`` keeps Ray's default there as well;
- Ray Data for errors only on the console (its file log under the session folder stays complete):
  ``RAY_DATA_LOGGING_CONFIG`` = :data:`RAY_DATA_QUIET_CONFIG`;
- Ray's Python logger for errors only (``ray.init(logging_level=ERROR)``; the token-authentication
  notice of a fresh local Ray is a warning), and nothing on stderr while ``ray.init`` runs
  (:func:`quiet_ray_init`: the C++ core announces the log level it was given on stderr; an error of
  ``ray.init`` is raised as an exception all the same);
- workers' output is never forwarded to the driver (``log_to_driver=False``), and repeated lines are
  deduplicated (``RAY_DEDUP_LOGS=1``) when ``--ray-logs`` forwards it.

A variable the user set already is left alone.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

RAY_LOGS_ENV = "RAYBENCH_RAY_LOGS"
"""``1``: show Ray's own log lines (what ``--ray-logs`` sets, so a scenario's ingest and a job's
subprocess see it too)."""

RAY_DATA_QUIET_CONFIG = os.path.join(os.path.dirname(__file__), "ray_data_logging.yaml")
"""Ray Data's default logging config with the console handler at ERROR."""

_QUIET_ENV = {"RAY_BACKEND_LOG_LEVEL": "fatal", "RAY_DATA_LOGGING_CONFIG": RAY_DATA_QUIET_CONFIG}


def ray_logs_wanted() -> bool:
    """True when Ray's own log lines were asked for (``--ray-logs`` or ``RAYBENCH_RAY_LOGS=1``)."""
    return os.environ.get(RAY_LOGS_ENV, "") not in ("", "0")


def configure_ray_logs(show: bool | None = None) -> None:
    """Set the environment for a quiet (default) or verbose Ray; call before ``ray.init``.

    Args:
        show: True shows Ray's log lines (and remembers it in ``RAYBENCH_RAY_LOGS`` for the rest of
            this process and its children); None keeps what the environment says.
    """
    os.environ.setdefault("RAY_DEDUP_LOGS", "1")
    if show:
        os.environ[RAY_LOGS_ENV] = "1"
    if ray_logs_wanted():
        for key, value in _QUIET_ENV.items():
            if os.environ.get(key) == value:  # ours, from an earlier quiet call in this process
                del os.environ[key]
        return
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)
    logging.getLogger("ray").setLevel(logging.ERROR)  # before ray.init configures it: import-time notices


def ray_init_kwargs() -> dict:
    """The logging arguments of ``ray.init`` for the current setting."""
    return {"logging_level": logging.INFO if ray_logs_wanted() else logging.ERROR,
            "log_to_driver": ray_logs_wanted()}


@contextmanager
def quiet_ray_init() -> Iterator[None]:
    """Around ``ray.init``: file descriptor 2 goes to ``/dev/null`` unless Ray's logs were asked for.

    Ray's C++ core writes straight to the descriptor (its ``logging.cc: Set ray log level ...`` line),
    past ``sys.stderr``. The processes an embedded Ray starts write to their own log files.
    """
    if ray_logs_wanted():
        yield
        return
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 at all: nothing to keep quiet
        yield
        return
    sys.stderr.flush()
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
