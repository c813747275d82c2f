"""Stop the Ray processes of one local cluster, and only them.

``ray stop`` ends every Ray process on the machine, other users' and other tests' included. A cluster
the harness starts with ``ray start --temp-dir DIR`` is stopped by ending the processes whose command
line names ``DIR`` (GCS, raylets, workers, agents), with their children (job drivers).
"""

from __future__ import annotations


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
