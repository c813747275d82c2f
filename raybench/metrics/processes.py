"""Memory and CPU of the Ray processes on one node, read with psutil.

PSS (proportional set size) splits shared pages (the object store, shared libraries) between the
processes that map them, so summing PSS over processes does not count a page twice; RSS would.
PSS comes from ``/proc/<pid>/smaps_rollup`` through ``psutil.Process.memory_full_info``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

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


def memory_bytes(proc: psutil.Process) -> tuple[int, int]:
    """``(rss, pss)`` of one process, bytes; PSS falls back to RSS where the platform has no PSS.

    Raises:
        psutil.Error: the process is gone or may not be read.
    """
    full = proc.memory_full_info()
    return int(full.rss), int(getattr(full, "pss", full.rss))


def tree_pss_bytes(root: int | psutil.Process) -> int:
    """PSS summed over ``root`` (a pid or a process) and every process below it, bytes (0 when it is
    gone; a child that ends or may not be read while summing counts 0)."""
    try:
        root = root if isinstance(root, psutil.Process) else psutil.Process(root)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += memory_bytes(p)[1]
        except psutil.Error:
            pass
    return total


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
        disk_busy_s: device -> seconds it has been busy (physical disks; loop and RAM disks left out).
    """

    disk_read_bytes: int
    disk_write_bytes: int
    net_sent_bytes: int
    net_recv_bytes: int
    shm_used_bytes: int
    disk_busy_s: dict = field(default_factory=dict)


def node_io() -> NodeIO:
    """Read the node's disk, network and shared-memory counters."""
    disk = psutil.disk_io_counters()
    net = psutil.net_io_counters()
    try:
        shm = psutil.disk_usage("/dev/shm").used
    except OSError:
        shm = 0
    try:
        busy = {d: c.busy_time / 1000 for d, c in (psutil.disk_io_counters(perdisk=True) or {}).items()
                if hasattr(c, "busy_time") and not d.startswith(("loop", "ram", "zram"))}
    except (OSError, RuntimeError):
        busy = {}
    return NodeIO(int(disk.read_bytes) if disk else 0, int(disk.write_bytes) if disk else 0,
                  int(net.bytes_sent), int(net.bytes_recv), int(shm), busy)


class ProcessSampler:
    """Samples the processes of this job's Ray session on this node, plus some extra pids (drivers).

    Inside a Ray worker (the coordinator or a node sampler actor), the parent process is the node's
    raylet: the sampled set is that raylet and everything under it (workers, agents) and, with
    ``session_wide=True``, the session's other processes (GCS, dashboard, monitors: their command lines
    name the session folder). Ray processes of other clusters on the same machine are never counted.
    Outside Ray (tests), every Ray-looking process is taken, as :func:`is_ray_process` says.

    Keeps one ``psutil.Process`` per pid so that ``cpu_pct`` is the CPU use between two samples.

    Args:
        extra_pids: pids to sample whatever their name (the driver).
        session_wide: also take the session's processes that are not under this node's raylet
            (the driver's node does; other nodes' samplers do not, so nothing is counted twice).
    """

    def __init__(self, extra_pids: tuple[int, ...] = (), session_wide: bool = True):
        self.extra_pids = set(extra_pids)
        self.session_wide = session_wide
        self._procs: dict[int, psutil.Process] = {}
        self._me = os.getpid()
        self._raylet: psutil.Process | None = None
        self._session: str | None = None
        self._in_session: dict[int, bool] = {}  # pid -> its command line names the session
        try:
            parent = psutil.Process(os.getppid())
            if parent.name() == "raylet":
                self._raylet = parent
                m = re.search(r"(/\S*?/session_[^/\s]+)", " ".join(parent.cmdline()))
                self._session = m.group(1) if m else None
        except psutil.Error:
            pass

    def add_pid(self, pid: int) -> None:
        """Sample ``pid`` from now on."""
        self.extra_pids.add(pid)

    def _members(self) -> set[int]:
        members = set(self.extra_pids) | {self._me}
        if self._raylet is None:
            members |= {p.pid for p in psutil.process_iter() if is_ray_process(p)}
            return members
        try:
            members.add(self._raylet.pid)
            members |= {c.pid for c in self._raylet.children(recursive=True)}
        except psutil.Error:
            pass
        if self.session_wide and self._session:
            alive = set(psutil.pids())
            for pid in alive - set(self._in_session):
                try:
                    proc = psutil.Process(pid)
                    self._in_session[pid] = proc.name() != "raylet" and self._session in " ".join(proc.cmdline())
                except psutil.Error:
                    self._in_session[pid] = False
            for pid in list(self._in_session):
                if pid not in alive:
                    del self._in_session[pid]
            members |= {pid for pid, yes in self._in_session.items() if yes}
        return members

    def _discover(self) -> None:
        members = self._members()
        for pid in members - set(self._procs):
            try:
                proc = psutil.Process(pid)
                proc.cpu_percent(None)  # start the CPU clock for this process
            except psutil.Error:
                continue
            self._procs[pid] = proc
        for pid in list(self._procs):
            if pid not in members:
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
                    rss, pss = memory_bytes(proc)
                    cpu = proc.cpu_percent(None)
                out.append(ProcessSample(pid, name, rss, pss, cpu))
            except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                self._procs.pop(pid, None)
        return out
