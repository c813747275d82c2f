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


def stop_ray_processes(temp_dir: str, timeout_s: float = 10.0) -> int:
    """SIGKILL every process whose command line names ``temp_dir``, and their descendants.

    Returns:
        Processes signalled.
    """
    import psutil

    targets: dict[int, psutil.Process] = {}
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if any(temp_dir in part for part in proc.info["cmdline"] or ()):
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


def start_local_cluster(nodes: int, cpus_per_node: int = 1, object_store_bytes: int | None = None):
    """A local cluster of ``nodes`` Ray nodes on this machine: ``ray start --head``, then one
    ``ray start --address`` per other node, all under a temp dir of their own.

    Returns:
        ``(stop, address)``: ``stop()`` ends exactly these nodes' processes and removes the temp dir.

    Raises:
        RuntimeError: a node did not come up within 120 s.
        subprocess.CalledProcessError: ``ray start`` failed.
    """
    import socket
    import tempfile

    import ray

    ray_bin = os.path.join(os.path.dirname(sys.executable), "ray")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    temp_dir = tempfile.mkdtemp(prefix="rb-cluster-", dir="/tmp")  # short: Ray's socket paths are limited
    common = [f"--num-cpus={cpus_per_node}", "--disable-usage-stats",
              f"--object-store-memory={object_store_bytes or 150 * 2**20}"]
    env = dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled"))

    def stop() -> None:
        stop_ray_processes(temp_dir)
        shutil.rmtree(temp_dir, ignore_errors=True)

    try:
        subprocess.run([ray_bin, "start", "--head", f"--port={port}", "--include-dashboard=false",
                        f"--temp-dir={temp_dir}", *common], check=True, capture_output=True, timeout=180, env=env)
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
