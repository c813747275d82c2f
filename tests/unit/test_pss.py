"""The one PSS reader (raybench.metrics.processes) on real processes: a child that touches 200 MiB."""

from __future__ import annotations

import os
import subprocess
import sys

import psutil

from raybench.metrics.processes import ProcessSampler, memory_bytes, tree_pss_bytes

_HOLD = ("import sys; b = bytearray(200 << 20)\n"
         "for i in range(0, len(b), 4096): b[i] = 1\n"
         "print('ready', flush=True); sys.stdin.read()")


def test_tree_pss_counts_a_child_below_the_root_and_zero_for_a_gone_pid():
    # the root is a shell, the 200 MiB are in its child: only a reader that walks the tree sees them
    proc = subprocess.Popen(["/bin/sh", "-c", f'{sys.executable} -c "$0"', _HOLD], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        shell = psutil.Process(proc.pid)
        assert memory_bytes(shell)[1] < 50 << 20
        assert tree_pss_bytes(proc.pid) >= 200 << 20
        assert tree_pss_bytes(shell) >= 200 << 20  # a process as well as a pid
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    assert tree_pss_bytes(proc.pid) == 0


def test_sampler_reads_the_same_memory_as_memory_bytes():
    sample = next(s for s in ProcessSampler(extra_pids=()).sample() if s.pid == os.getpid())
    rss, pss = memory_bytes(psutil.Process())
    assert sample.pss_bytes > 0 and sample.rss_bytes >= sample.pss_bytes
    assert abs(sample.pss_bytes - pss) < 16 << 20 and abs(sample.rss_bytes - rss) < 16 << 20
