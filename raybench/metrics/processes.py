"""Memory and CPU of the Ray processes on one node, read with psutil.

PSS (proportional set size) splits shared pages (the object store, shared libraries) between the
processes that map them, so summing PSS over processes does not count a page twice; RSS would.
PSS comes from ``/proc/<pid>/smaps_rollup`` through ``psutil.Process.memory_full_info``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import psutil

_RAY_NAMES = ("raylet", "gcs_server", "plasma_store", "redis-server")
_RAY_CMD_MARKERS = ("ray/_private", "ray/dashboard", "ray/autoscaler", "default_worker.py",
                    "ray/core/src", "ray/util/client")


@dataclass(frozen=True)
class ProcessSample:
    """One process at one instant.

    Attributes:
        pid: process id.
        name: short process name (``ray::IngestWorker``, ``raylet``...).
        rss_bytes, pss_bytes: resident and proportional set size, in bytes.
        cpu_pct: CPU use since the previous sample of this process, percent of one core.
    """

    pid: int
    name: str
    rss_bytes: int
    pss_bytes: int
    cpu_pct: float


def is_ray_process(proc: psutil.Process) -> bool:
    """True for Ray's own processes and workers (raylet, GCS, dashboard, ``ray::`` workers)."""
    try:
        name = proc.name()
        if name.startswith("ray::") or name in _RAY_NAMES:
            return True
        cmdline = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
    return cmdline.startswith("ray::") or any(m in cmdline for m in _RAY_CMD_MARKERS)


@dataclass(frozen=True)
class NodeIO:
    """Node-wide counters at one instant (cumulative since boot).

    Attributes:
        disk_read_bytes, disk_write_bytes: all disks.
        net_sent_bytes, net_recv_bytes: all interfaces.
        shm_used_bytes: bytes in use in ``/dev/shm``, where Ray's object store lives on Linux.
    """

    disk_read_bytes: int
    disk_write_bytes: int
    net_sent_bytes: int
    net_recv_bytes: int
    shm_used_bytes: int


def node_io() -> NodeIO:
    """Read the node's disk, network and shared-memory counters."""
    disk = psutil.disk_io_counters()
    net = psutil.net_io_counters()
    try:
        shm = psutil.disk_usage("/dev/shm").used
    except OSError:
        shm = 0
    return NodeIO(int(disk.read_bytes) if disk else 0, int(disk.write_bytes) if disk else 0,
                  int(net.bytes_sent), int(net.bytes_recv), int(shm))


class ProcessSampler:
    """Samples every Ray process on this node plus some extra pids (drivers).

    Keeps one ``psutil.Process`` per pid so that ``cpu_pct`` is the CPU use between two samples.

    Args:
        extra_pids: pids to sample whatever their name (the driver).
    """

    def __init__(self, extra_pids: tuple[int, ...] = ()):
        self.extra_pids = set(extra_pids)
        self._procs: dict[int, psutil.Process] = {}
        self._me = os.getpid()

    def add_pid(self, pid: int) -> None:
        """Sample ``pid`` from now on."""
        self.extra_pids.add(pid)

    def _discover(self) -> None:
        seen = set()
        for proc in psutil.process_iter():
            pid = proc.pid
            seen.add(pid)
            if pid in self._procs:
                continue
            if pid in self.extra_pids or pid == self._me or is_ray_process(proc):
                try:
                    proc.cpu_percent(None)  # start the CPU clock for this process
                except psutil.Error:
                    continue
                self._procs[pid] = proc
        for pid in list(self._procs):
            if pid not in seen:
                del self._procs[pid]

    def sample(self) -> list[ProcessSample]:
        """Read every tracked process once (processes that ended are dropped)."""
        self._discover()
        out: list[ProcessSample] = []
        for pid, proc in list(self._procs.items()):
            try:
                with proc.oneshot():
                    name = proc.name()
                    if not name.startswith("ray::"):
                        cmd = proc.cmdline()
                        if cmd and cmd[0].startswith("ray::"):
                            name = cmd[0].split()[0]
                    full = proc.memory_full_info()
                    cpu = proc.cpu_percent(None)
                out.append(ProcessSample(pid, name, int(full.rss), int(getattr(full, "pss", full.rss)), cpu))
            except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                self._procs.pop(pid, None)
        return out
