"""Local Ray clusters the harness starts the way users do (``ray start``), and stops, them only.

``ray stop`` ends every Ray process on the machine, other users' and other tests' included. A cluster
the harness starts with ``ray start --temp-dir DIR`` is stopped by ending the processes whose command
line names ``DIR`` (GCS, raylets, workers, agents), with their children (job drivers).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time


def stop_ray_processes(temp_dir: str, timeout_s: float = 10.0, gcs_port: int | None = None) -> int:
    """SIGKILL every process whose command line names ``temp_dir`` (or, with ``gcs_port``, has
    ``--address=HOST:gcs_port``: the head's Ray client proxy names no folder), and their descendants.

    Returns:
        Processes signalled.
    """
    import psutil

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
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_local_cluster(nodes: int, cpus_per_node: int = 1, object_store_bytes: int | None = None):
    """A local cluster of ``nodes`` Ray nodes on this machine: ``ray start --head``, then one
    ``ray start --address`` per other node, all under a temp dir of their own.

    Returns:
        ``(stop, address)``: ``stop()`` ends exactly these nodes' processes and removes the temp dir.

    Raises:
        RuntimeError: a node did not come up within 120 s.
        subprocess.CalledProcessError: ``ray start`` failed.
    """
    import tempfile

    import ray

    ray_bin = os.path.join(os.path.dirname(sys.executable), "ray")
    port = free_port()
    temp_dir = tempfile.mkdtemp(prefix="rb-cluster-", dir="/tmp")  # short: Ray's socket paths are limited
    common = [f"--num-cpus={cpus_per_node}", "--disable-usage-stats",
              f"--object-store-memory={object_store_bytes or 150 * 2**20}"]
    env = dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled"))

    def stop() -> None:
        stop_ray_processes(temp_dir, gcs_port=port)
        shutil.rmtree(temp_dir, ignore_errors=True)

    try:
        subprocess.run([ray_bin, "start", "--head", f"--port={port}", "--include-dashboard=false",
                        f"--ray-client-server-port={free_port()}", f"--temp-dir={temp_dir}", *common], check=True, capture_output=True, timeout=180, env=env)
        address = f"127.0.0.1:{port}"
        for _ in range(nodes - 1):
            subprocess.run([ray_bin, "start", f"--address={address}", *common], check=True,
                           capture_output=True, timeout=180, env=env)
        ray.init(address=address, log_to_driver=False)
        try:
            deadline = time.monotonic() + 120
            while (alive := sum(1 for n in ray.nodes() if n["Alive"])) < nodes:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"only {alive} of {nodes} Ray nodes came up")
                time.sleep(0.5)
        finally:
            ray.shutdown()
    except BaseException:
        stop()
        raise
    return stop, address
