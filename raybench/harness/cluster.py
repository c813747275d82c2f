"""Local Ray clusters the harness starts the way users do (``ray start``), and stops, them only.

``ray stop`` ends every Ray process on the machine, other users' and other tests' included. A cluster
the harness starts with ``ray start --temp-dir DIR`` is stopped by ending the processes whose command
line names ``DIR`` (GCS, raylets, workers, agents), with their children (job drivers).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psutil
import ray

from raybench.errors import IngestError

START_TIMEOUT_S = 300
"""Longest one ``ray start`` may take, seconds."""


def stop_ray_processes(temp_dir: str, timeout_s: float = 10.0, gcs_port: int | None = None) -> int:
    """SIGKILL every process whose command line names ``temp_dir`` (or, with ``gcs_port``, has
    ``--address=HOST:gcs_port``: the head's Ray client proxy names no folder), and their descendants.

    Returns:
        Processes signalled.
    """
    def ours(args) -> bool:
        return any(temp_dir in a or (gcs_port is not None and a.startswith("--address=")
                                     and a.endswith(f":{gcs_port}")) for a in args)

    targets: dict[int, psutil.Process] = {}
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if ours(proc.info["cmdline"] or ()):
                targets[proc.pid] = proc
                for child in proc.children(recursive=True):
                    targets[child.pid] = child
        except psutil.Error:
            continue
    for proc in targets.values():
        try:
            proc.kill()
        except psutil.Error:
            continue
    psutil.wait_procs(list(targets.values()), timeout=timeout_s)
    return len(targets)


def free_port() -> int:
    """A TCP port free on this machine now (for ``ray start``'s ports)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class LocalCluster:
    """A Ray cluster the harness started on this machine.

    Attributes:
        address: the GCS address, ``127.0.0.1:PORT`` (for ``ray.init`` and ``raybench ingest --address``).
        dashboard_url: ``http://127.0.0.1:PORT`` of the dashboard (for ``JobSubmissionClient``), or None
            when started without one.
        temp_dir: the cluster's own Ray temp folder.
    """

    address: str
    dashboard_url: str | None
    temp_dir: str

    @property
    def gcs_port(self) -> int:
        return int(self.address.rsplit(":", 1)[1])

    def stop(self) -> None:
        """End exactly this cluster's processes (not ``ray stop``) and remove its temp folder."""
        stop_ray_processes(self.temp_dir, gcs_port=self.gcs_port)
        shutil.rmtree(self.temp_dir, ignore_errors=True)


def start_local_cluster(nodes: int = 1, cpus_per_node: int | None = None, object_store_bytes: int | None = None,
                        dashboard: bool = False) -> LocalCluster:
    """A local cluster of ``nodes`` Ray nodes on this machine: ``ray start --head``, then one
    ``ray start --address`` per other node, all under a temp folder of their own, on free ports, with
    this Python's ``bin`` folder first on their ``PATH`` (a submitted job's ``raybench`` is this one).

    Args:
        nodes: Ray nodes, the head included.
        cpus_per_node: CPUs each node offers (None: each node counts the machine's).
        object_store_bytes: each node's object store (None: 150 MiB with several nodes, Ray's default
            for one).
        dashboard: start the head's dashboard (needed by Ray's job submission).

    Returns:
        The cluster; call :meth:`LocalCluster.stop` when done (or use :func:`local_cluster`).

    Raises:
        IngestError: ``ray start`` failed (its last error line) or took over ``START_TIMEOUT_S``, or a node
            did not come up within 120 s.
    """
    ray_bin = os.path.join(os.path.dirname(sys.executable), "ray")
    port = free_port()
    temp_dir = tempfile.mkdtemp(prefix="rb-cluster-", dir="/tmp")  # short: Ray's socket paths are limited
    common = ["--disable-usage-stats"]
    if cpus_per_node is not None:
        common.append(f"--num-cpus={cpus_per_node}")
    if object_store_bytes or nodes > 1:
        common.append(f"--object-store-memory={object_store_bytes or 150 * 2**20}")
    head = [ray_bin, "start", "--head", f"--port={port}", f"--ray-client-server-port={free_port()}",
            f"--temp-dir={temp_dir}"]
    dashboard_url = None
    if dashboard:
        dashboard_port = free_port()
        head += ["--include-dashboard=true", f"--dashboard-port={dashboard_port}"]
        dashboard_url = f"http://127.0.0.1:{dashboard_port}"
    else:
        head.append("--include-dashboard=false")
    cluster = LocalCluster(f"127.0.0.1:{port}", dashboard_url, temp_dir)
    bin_dir = os.path.dirname(sys.executable)  # a job's entrypoint `raybench ...` finds this install's
    env = dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled"),
               PATH=os.pathsep.join([bin_dir, os.environ.get("PATH", "")]))
    try:
        # each node's dashboard agent on a port of its own: the default (52365) may be another Ray's on this
        # machine, and a head whose agent cannot bind it refuses job submissions ("No available agent")
        cmds = [head + common] + [[ray_bin, "start", f"--address={cluster.address}", *common]
                                  for _ in range(nodes - 1)]
        for cmd in cmds:
            cmd.append(f"--dashboard-agent-listen-port={free_port()}")
        for cmd in cmds:
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=START_TIMEOUT_S, env=env)
            except subprocess.TimeoutExpired:
                raise IngestError(f"ray {' '.join(cmd[1:3])} did not return within {START_TIMEOUT_S} s") from None
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
                raise IngestError(f"ray {' '.join(cmd[1:3])} failed: {last}")
        if nodes > 1:
            _wait_for_nodes(cluster.address, nodes)
    except BaseException:
        cluster.stop()
        raise
    return cluster


@contextmanager
def local_cluster(**kwargs) -> Iterator[LocalCluster]:
    """:func:`start_local_cluster` (same arguments) as a context manager: the cluster is stopped on the
    way out, by an exception or Ctrl-C too."""
    cluster = start_local_cluster(**kwargs)
    try:
        yield cluster
    finally:
        cluster.stop()


def _wait_for_nodes(address: str, nodes: int, timeout_s: float = 120.0) -> None:
    """Block until ``nodes`` nodes of the cluster at ``address`` are alive.

    Raises:
        IngestError: fewer were alive after ``timeout_s``.
    """
    ray.init(address=address, log_to_driver=False)
    try:
        deadline = time.monotonic() + timeout_s
        while (alive := sum(1 for n in ray.nodes() if n["Alive"])) < nodes:
            if time.monotonic() > deadline:
                raise IngestError(f"only {alive} of {nodes} Ray nodes came up within {timeout_s:.0f} s")
            time.sleep(0.5)
    finally:
        ray.shutdown()
