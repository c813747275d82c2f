#!/usr/bin/env python3
"""Probe what Ray's own daemons (gcs_server, raylet) keep per round of what a service job does to Ray
(issue 17's soak: docs/service.md "Soak").

    RAY_AUTH_MODE=disabled .venv/bin/python scripts/probe_ray_daemons.py --rounds 2000 --calls actor,put

Starts a local Ray the way ``raybench serve`` does (``include_dashboard=False``, the environment of
:data:`raybench.service.memory.MALLOC_ENV` and :data:`~raybench.service.memory.RAY_ENV`; ``--no-env``
leaves them out), then runs ``--rounds`` rounds; each round does, for every kind named in ``--calls``:

* ``actor``: ``--chunks`` method calls on a pool of two actors, each with an Arrow table of ``--rows``
  rows as argument and one as result (the runner's ``ChunkWorker.process``), waited for with
  ``ray.wait`` and read with ``ray.get`` as the runner does;
* ``small``: the same number of calls with no payload (the replica's ``wake``/``ready`` calls);
* ``put``: ``ray.put`` of such a table and ``ray.get`` of it;
* ``lookup``: ``ray.get_actor`` of a named actor (a handle looked up by name);
* ``idle``: nothing: sleeps ``--idle-s`` (growth with time, not with calls).

Every ``--every`` rounds it reads the ``Anonymous``, ``Pss`` and private bytes of gcs_server's and the
raylet's ``/proc/PID/smaps_rollup`` (this session's daemons only, by the pids Ray started). At the end
it prints, per daemon, the least-squares slope of anonymous memory and of USS against rounds after the
first ``--warmup`` share of the rounds, in MiB per 1,000 rounds and as a share of the value then, and
the same over each half of the rounds after warm-up (a bounded cache slows down in the second half; an
unbounded growth does not). ``--json FILE`` writes the samples. Only this probe's Ray is shut down.
A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

KINDS = ("actor", "small", "put", "lookup", "idle")
MIB = 1 << 20


def smaps_rollup(pid: int) -> dict[str, int]:
    """``/proc/PID/smaps_rollup``'s fields, in bytes (Linux 4.14+).

    Raises:
        OSError: the process is gone or the file is not readable.
    """
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1]) * 1024
    out["Uss"] = out.get("Private_Clean", 0) + out.get("Private_Dirty", 0)
    return out


def daemon_pids() -> dict[str, int]:
    """Pids of this driver's own gcs_server and raylet (Ray's node object of this session)."""
    import ray._private.worker as rw

    node = rw._global_node
    pids = {}
    for key, name in (("gcs_server", "gcs_server"), ("raylet", "raylet")):
        infos = node.all_processes.get(key) or []
        if not infos:
            raise RuntimeError(f"this Ray session has no {name} process of its own")
        pids[name] = infos[0].process.pid
    return pids


def fit(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys against xs (0 with fewer than 2 points)."""
    import numpy as np

    if len(xs) < 2:
        return 0.0
    return float(np.polyfit(np.asarray(xs, float), np.asarray(ys, float), 1)[0])


def slopes(samples: list[dict], warm_rounds: int) -> dict[str, dict]:
    """Per daemon and measure (``Anonymous``, ``Uss``, ``Pss``): value after warm-up (MiB), slope per
    1,000 rounds (MiB and share of the value after warm-up), and the slope over each half after warm-up."""
    after = [s for s in samples if s["round"] >= warm_rounds]
    out = {}
    if len(after) < 4:
        return out
    mid = after[len(after) // 2]["round"]
    for name in after[0]["daemons"]:
        for field in ("Anonymous", "Uss", "Pss"):
            xs = [s["round"] for s in after]
            ys = [s["daemons"][name][field] for s in after]
            base = ys[0] or 1
            first = [(x, y) for x, y in zip(xs, ys) if x <= mid]
            second = [(x, y) for x, y in zip(xs, ys) if x >= mid]
            out[f"{name}.{field}"] = {
                "after_warmup_mib": base / MIB, "last_mib": ys[-1] / MIB,
                "mib_per_1000": fit(xs, ys) * 1000 / MIB,
                "share_per_1000": fit(xs, ys) * 1000 / base,
                "first_half_mib_per_1000": fit(*zip(*first)) * 1000 / MIB if len(first) > 1 else 0.0,
                "second_half_mib_per_1000": fit(*zip(*second)) * 1000 / MIB if len(second) > 1 else 0.0,
            }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=1000)
    ap.add_argument("--every", type=int, default=25, help="sample every this many rounds")
    ap.add_argument("--warmup", type=float, default=0.2, help="share of the rounds left out of the slope")
    ap.add_argument("--calls", default="actor", help=f"comma-separated, of {', '.join(KINDS)}")
    ap.add_argument("--chunks", type=int, default=4, help="actor calls per round (a job's chunks)")
    ap.add_argument("--rows", type=int, default=2000, help="rows of each Arrow payload")
    ap.add_argument("--idle-s", type=float, default=0.5, help="sleep per round of 'idle'")
    ap.add_argument("--num-cpus", type=int, default=2)
    ap.add_argument("--no-env", action="store_true", help="start Ray without MALLOC_ENV and RAY_ENV")
    ap.add_argument("--env", action="append", default=[], help="extra KEY=VALUE for the Ray session")
    ap.add_argument("--json", help="write the samples and slopes here")
    args = ap.parse_args()
    kinds = [k for k in args.calls.split(",") if k]
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        ap.error(f"--calls: unknown kind(s) {bad}; use {', '.join(KINDS)}")

    from raybench.service.memory import MALLOC_ENV, RAY_ENV

    env = {} if args.no_env else {**MALLOC_ENV, **RAY_ENV}
    for item in args.env:
        key, sep, value = item.partition("=")
        if not sep:
            ap.error(f"--env {item!r}: expected KEY=VALUE")
        env[key] = value
    for key, value in env.items():
        os.environ[key] = value

    import pyarrow as pa
    import ray

    ray.init(address="local", include_dashboard=False, num_cpus=args.num_cpus, log_to_driver=False)
    try:
        pids = daemon_pids()

        @ray.remote(num_cpus=0.5)
        class Worker:
            def process(self, table):
                return table.slice(0, max(1, table.num_rows // 2))

            def ping(self):
                return os.getpid()

        workers = [Worker.remote() for _ in range(2)]
        named = Worker.options(name="probe_named", namespace="probe").remote()
        ray.get([w.ping.remote() for w in workers + [named]])
        table = pa.table({"caller": [f"+1555{i:07d}" for i in range(args.rows)],
                          "duration_s": list(range(args.rows))})
        print(f"gcs_server pid {pids['gcs_server']}, raylet pid {pids['raylet']}; calls {kinds}; env {env}",
              flush=True)
        samples = []
        t0 = time.monotonic()
        for r in range(args.rounds + 1):
            if r % args.every == 0:
                s = {"round": r, "t_s": time.monotonic() - t0, "load1": os.getloadavg()[0], "daemons": {}}
                for name, pid in pids.items():
                    s["daemons"][name] = smaps_rollup(pid)
                samples.append(s)
                if r % (args.every * 8) == 0:
                    print(f"round {r:6d} t {s['t_s']:6.0f} s load {s['load1']:4.1f}  " + "  ".join(
                        f"{n} anon {d['Anonymous'] / MIB:6.2f} uss {d['Uss'] / MIB:6.2f} MiB"
                        for n, d in s["daemons"].items()), flush=True)
            if r == args.rounds:
                break
            for kind in kinds:
                if kind == "actor":
                    refs = [workers[i % 2].process.remote(table) for i in range(args.chunks)]
                    while refs:
                        ready, refs = ray.wait(refs, num_returns=1, timeout=5)
                        for ref in ready:
                            ray.get(ref)
                elif kind == "small":
                    ray.get([workers[i % 2].ping.remote() for i in range(args.chunks)])
                elif kind == "put":
                    ray.get(ray.put(table))
                elif kind == "lookup":
                    ray.get(ray.get_actor("probe_named", namespace="probe").ping.remote())
                elif kind == "idle":
                    time.sleep(args.idle_s)
        warm = int(args.rounds * args.warmup)
        result = slopes(samples, warm)
        print(f"\nper 1,000 rounds after round {warm} ({time.monotonic() - t0:.0f} s, calls {','.join(kinds)}):")
        for key, v in result.items():
            print(f"  {key:22s} {v['after_warmup_mib']:7.2f} -> {v['last_mib']:7.2f} MiB  "
                  f"{v['mib_per_1000']:+7.3f} MiB ({v['share_per_1000']:+.1%})  halves "
                  f"{v['first_half_mib_per_1000']:+.3f} / {v['second_half_mib_per_1000']:+.3f}")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"args": vars(args), "env": env, "samples": samples, "slopes": result}, f, indent=1)
    finally:
        ray.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
