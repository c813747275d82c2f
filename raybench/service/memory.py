"""Giving freed memory back to the system in the service's long-lived processes (the soak's leak check,
docs/service.md "Soak").

A process that lives across thousands of jobs must not keep, after a large job, the heap that job's
buffers needed. Three allocators hold freed memory in these processes:

* **glibc malloc** (Python objects, request bodies, DuckDB's and ONNX Runtime's C++ allocations): freed
  blocks stay in the heap and its per-thread arenas until ``malloc_trim`` returns the free pages
  (glibc ``malloc_trim(3)``), and a process with many threads gets many arenas (``M_ARENA_MAX``);
  after a block over the mmap threshold is freed glibc raises the threshold (up to 32 MiB on 64-bit,
  ``mallopt(3)``, "M_MMAP_THRESHOLD"), so later large buffers come from the heap and stay there;
* **Arrow's pool** (mimalloc in pyarrow's wheels): ``MemoryPool.release_unused()`` hands its free pages
  back;
* **DuckDB's own jemalloc** (its Linux builds link one, its symbols prefixed ``duckdb_je_``): what
  DuckDB frees stays with it as dirty pages until jemalloc's decay purges them, and without jemalloc's
  background threads (DuckDB's ``allocator_background_threads``, off by default) decay runs only when
  the same arena allocates again; ``arena.<all>.purge`` (jemalloc's ``mallctl(3)``) returns them now;
* **DuckDB's buffer pool**: blocks stay cached up to ``memory_limit`` (a bound, not a leak, but one that
  follows the stored rows up to it): :func:`trim_duckdb_cache` evicts the stored tables' blocks.

:func:`release_memory` does the first three; :data:`MALLOC_ENV` fixes glibc's thresholds for the processes
of an embedded Ray session (set before Ray starts, every process it starts inherits it).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys

import pyarrow as pa

log = logging.getLogger(__name__)

MALLOC_ENV = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": str(1 << 20),
              "MALLOC_TRIM_THRESHOLD_": str(8 << 20), "ARROW_DEFAULT_MEMORY_POOL": "system"}
"""glibc malloc's tunables (``mallopt(3)``, as environment variables) for the service's processes: two
arenas per process instead of eight per core, and fixed thresholds (setting them turns off glibc's
dynamic raising of the mmap threshold): a block of 1 MiB or more is its own mapping, unmapped when freed
(an upload's blocks, a batch's buffers), and free heap above 8 MiB at its top is returned at once. And
Arrow allocates through glibc too (``ARROW_DEFAULT_MEMORY_POOL=system``): mimalloc keeps a heap per
thread, and ``release_unused`` collects only the calling thread's, so the pages of Arrow's own worker
threads stayed with the process."""

INLINE_RESULT_BYTES = 1 << 20
"""Largest result of a Ray call returned inline, in the reply to its caller (Ray's default: 100 KiB;
larger ones go through the node's object store, which the raylet manages)."""

RAY_ENV = {"RAY_enable_task_events": "0", "RAY_enable_core_worker_task_event_to_gcs": "0",
           "RAY_enable_metrics_collection": "0", "RAY_max_direct_call_object_size": str(INLINE_RESULT_BYTES)}
"""Ray's settings (as environment variables, read by each Ray process at its start) for the service's
embedded session: no task events, and no Ray metrics. Every task and actor call (each chunk, each call of
the runner from an HTTP replica) is otherwise reported by the calling process to the GCS, which keeps up
to 100,000 task attempts (``task_events_max_num_task_in_gcs``): measured on Ray 2.60
(``scripts/probe_ray_daemons.py``), about 3 KiB of gcs_server's anonymous memory per actor call, growing
alike over both halves of 12,000 calls. ``RAY_enable_task_events=0`` alone did not change it (the same
slope as with no settings); ``RAY_enable_core_worker_task_event_to_gcs=0`` (the core worker's reports to
the GCS, read in ``TaskEventBufferImpl::Start``) made it flat. Task events feed Ray's state API and
dashboard, which the embedded session does not start (``include_dashboard=False``). Ray's metrics (its
own OpenCensus views in every Ray process, read by the dashboard's agent) are not the service's: those
are raybench's own (:mod:`raybench.monitor.metrics`, ``GET /metrics``). Results of up to
:data:`INLINE_RESULT_BYTES` come back inline (``max_direct_call_object_size``): a named query's answer
(``GET /v1/calls`` of a number with 676 stored records: 226 KB) went through the object store, and the
raylet's memory grew with those answers (soaks of 1,000 jobs: +6.0% and +10.8% per 1,000 jobs with a
query every 0.5 s, -0.2% with none, +3.0% with them inline); docs/service.md "Soak"."""

_libc = None


def _malloc_trim():
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c")
        try:
            lib = ctypes.CDLL(name) if name else None
            _libc = lib.malloc_trim if lib is not None and hasattr(lib, "malloc_trim") else False
        except OSError:
            _libc = False
    return _libc or None


_MALLCTL_ARENAS_ALL = 4096
"""jemalloc's index for "every arena" in ``arena.<i>.purge`` (``MALLCTL_ARENAS_ALL``, jemalloc.h)."""

_je = None


def _duckdb_mallctl():
    """DuckDB's jemalloc ``mallctl`` (``duckdb_je_mallctl`` in its extension module), or None where DuckDB
    is not loaded in this process or was built without jemalloc (not Linux)."""
    global _je
    if _je is None:
        module = sys.modules.get("_duckdb")  # never imported here: a process without DuckDB has nothing to give
        if module is None or not getattr(module, "__file__", None):
            return None
        try:
            fn = ctypes.CDLL(module.__file__).duckdb_je_mallctl
        except (OSError, AttributeError):
            _je = False
        else:
            fn.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t), ctypes.c_void_p,
                           ctypes.c_size_t]
            fn.restype = ctypes.c_int
            _je = fn
    return _je or None


def duckdb_allocator_bytes() -> dict[str, int]:
    """What DuckDB's jemalloc holds in this process, bytes (its ``stats.*``, ``mallctl(3)``):
    ``allocated`` (in DuckDB's use), ``active`` (pages of those), ``resident`` (physical memory it
    holds, freed pages not yet purged included), ``retained`` (address space kept, not memory). Empty
    where DuckDB is not loaded here or has no jemalloc."""
    mallctl = _duckdb_mallctl()
    if mallctl is None:
        return {}
    epoch, size = ctypes.c_uint64(1), ctypes.c_size_t(8)
    mallctl(b"epoch", ctypes.byref(epoch), ctypes.byref(size), ctypes.byref(epoch), 8)  # refresh the stats
    out = {}
    for name in ("allocated", "active", "resident", "retained"):
        value, size = ctypes.c_size_t(0), ctypes.c_size_t(ctypes.sizeof(ctypes.c_size_t))
        if mallctl(f"stats.{name}".encode(), ctypes.byref(value), ctypes.byref(size), None, 0) == 0:
            out[name] = value.value
    return out


def purge_duckdb_allocator() -> bool:
    """Return the freed pages of every arena of DuckDB's jemalloc to the system now
    (``arena.<MALLCTL_ARENAS_ALL>.purge``). False where there is no such allocator here."""
    mallctl = _duckdb_mallctl()
    if mallctl is None:
        return False
    return mallctl(f"arena.{_MALLCTL_ARENAS_ALL}.purge".encode(), None, None, None, 0) == 0


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]


def glibc_heap_bytes() -> dict[str, int]:
    """glibc malloc's figures for this process, bytes (``mallinfo2(3)``, glibc 2.33+): ``in_use``
    (allocated blocks in the heap and arenas), ``free`` (freed blocks kept there), ``mmapped`` (blocks
    in their own mappings). Empty off glibc or before 2.33."""
    name = ctypes.util.find_library("c")
    try:
        fn = ctypes.CDLL(name).mallinfo2 if name else None
    except (OSError, AttributeError):
        fn = None
    if fn is None:
        return {}
    fn.restype = _MallInfo2
    m = fn()
    return {"in_use": m.uordblks, "free": m.fordblks, "mmapped": m.hblkhd}


def rss_bytes() -> int:
    """This process's resident set size, bytes (``/proc/self/statm``; 0 where there is none)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def release_memory() -> dict:
    """Hand the free memory of Arrow's default pool, of glibc's heap and of DuckDB's jemalloc (where
    DuckDB is loaded in this process) back to the system.

    Returns:
        ``rss_before_bytes``, ``rss_after_bytes``, ``trimmed`` (whether ``malloc_trim`` ran: glibc only)
        and ``duckdb_purged`` (whether DuckDB's jemalloc was purged).
    """
    before = rss_bytes()
    try:
        pa.default_memory_pool().release_unused()
    except Exception:  # noqa: BLE001  (giving memory back is help, never a failure)
        log.debug("pyarrow release_unused failed", exc_info=True)
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    purged = purge_duckdb_allocator()
    return {"rss_before_bytes": before, "rss_after_bytes": rss_bytes(), "trimmed": trim is not None,
            "duckdb_purged": purged}


def duckdb_memory_bytes(con) -> dict[str, int]:
    """What DuckDB says it holds, bytes per ``duckdb_memory()`` tag (``BASE_TABLE``: cached blocks of the
    stored tables; ``IN_MEMORY_TABLE``: TEMP tables; ``HASH_TABLE``, ``ORDER_BY``, ...: work memory), for
    the whole database ``con`` belongs to."""
    return {t: int(b) for t, b in con.execute("SELECT tag, memory_usage_bytes FROM duckdb_memory()").fetchall()}


def trim_duckdb_cache(con, keep_bytes: int, limit: str) -> dict[str, int]:
    """Evict the cached blocks of the stored tables of ``con``'s database down to ``keep_bytes``, leaving
    the rest of DuckDB's memory (TEMP tables, work memory) as it is, then set ``memory_limit`` to
    ``limit`` (a DuckDB size such as ``'128MB'``).

    DuckDB evicts when its limit is lowered (``SET memory_limit``), and it evicts the blocks that need no
    writing first (persistent blocks, read again from the file when needed) before TEMP tables' blocks,
    which it must write to its temp directory: so a limit of everything else plus ``keep_bytes`` evicts
    the ``BASE_TABLE`` part of ``duckdb_memory()`` only (measured on DuckDB 2.0:
    ``tests/unit/test_duckdb_trim.py``). Where pinned memory does not fit the lowered limit, DuckDB
    evicts what it can and raises: that is caught, and the limit is set back all the same.

    Returns:
        ``cached_before_bytes`` and ``cached_after_bytes`` (``BASE_TABLE``), ``other_bytes`` (the rest).
    """
    before = duckdb_memory_bytes(con)
    cached = before.get("BASE_TABLE", 0)
    other = sum(before.values()) - cached
    try:
        if cached > keep_bytes:
            con.execute(f"SET memory_limit = '{other + keep_bytes}B'")
    except Exception as exc:  # noqa: BLE001  (pinned memory over the limit: what could go, went)
        log.debug("DuckDB's cache trimmed only in part: %s", exc)
    finally:
        con.execute(f"SET memory_limit = '{limit}'")
    return {"cached_before_bytes": cached, "cached_after_bytes": duckdb_memory_bytes(con).get("BASE_TABLE", 0),
            "other_bytes": other}
