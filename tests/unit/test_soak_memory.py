"""The soak's per-process memory reading (scripts/soak_service.py, issue 17): smaps_rollup in bytes, with
anonymous memory and USS moving with what the process itself allocates."""

import importlib.util
import os
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "soak_service.py"


def _soak():
    spec = importlib.util.spec_from_file_location("soak_service", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="Linux smaps_rollup only")
def test_memory_of_counts_an_allocation_as_anonymous_and_private_bytes():
    soak = _soak()
    before = soak.memory_of(os.getpid())
    block = bytearray(64 << 20)  # zero-filled: every page touched
    after = soak.memory_of(os.getpid())
    assert len(block) == 64 << 20
    for measure in ("anon", "uss", "pss"):
        grown = after[measure] - before[measure]
        assert 60 << 20 <= grown <= 80 << 20, (measure, grown)  # bytes, not kB
    assert after["pss_file"] > 0 and after["uss"] <= after["pss"] + after["pss_shmem"] + (1 << 20)


def test_memory_of_names_a_process_that_is_gone():
    soak = _soak()
    with pytest.raises(OSError):
        soak.memory_of(2**22 + 12345)  # above Linux's pid_max limit: no such process


def test_machine_state_counts_only_processes_outside_the_tree():
    import psutil

    soak = _soak()
    every = set(psutil.pids())
    alone = soak.machine_state(set())
    inside = soak.machine_state(every)
    # processes that start between the two looks are the only ones counted with every pid as the tree
    assert inside["other_processes"] <= 5 and inside["other_ray_daemons"] <= 1
    assert alone["other_processes"] >= len(every) - 5
    assert alone["load_1m"] >= 0
