#!/usr/bin/env python3
"""Benchmark: an N-page carrier bill (AT&T Call Detail or T-Mobile usage sections, call detail a minority of
its pages) through ``raybench ingest``.

The bill is written by the test-only writer (tests/bills/bill_writer.py, independent of raybench/generate),
seeded. Prints pages/s, rows/s, wall seconds and peak PSS summed over the ingest process and its
descendants (embedded Ray included; sampled every 0.2 s with psutil), and checks every stored row against
the writer's own values: rows right, rows missed, rows silently wrong. Not a test: run it by hand.

    RAY_AUTH_MODE=disabled .venv/bin/python scripts/bench_pdf_bills.py --layout att --pages 90
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "bills"))

from bill_writer import Usage, att_bill, tmobile_bill  # noqa: E402

from raybench.harness.peers import measure_ingest  # noqa: E402

ROWS_PER_DETAIL_PAGE = 62
"""About how many usage rows the writer fits on one page of call detail (with day headings)."""


def usages(n: int, seed: int, start: date) -> list[Usage]:
    """``n`` calls, texts and data sessions over 28 days from ``start``, in time order (seeded)."""
    rng = random.Random(seed)
    out = []
    t = datetime(start.year, start.month, start.day, 7, 0)
    step = timedelta(days=28) / max(1, n)
    for _ in range(n):
        t += step
        when = t.replace(second=0, microsecond=0)
        if when.hour < 6:  # keep clear of the DST change hours
            when = when.replace(hour=when.hour + 6)
        kind = rng.choices(("voice", "sms", "mms", "data"), (70, 20, 3, 7))[0]
        area = rng.choice(("312", "773", "505", "206"))
        other = None if kind == "data" else f"{area}555{rng.randrange(100, 200):04d}"
        out.append(Usage(when, kind, rng.choice(("outgoing", "incoming")) if kind != "data" else "outgoing", other,
                         rng.randrange(1, 40)))
    return out


def build(layout: str, pages: int, share: float, seed: int):
    """A bill of about ``pages`` pages whose usage detail is ``share`` of them, over 4 lines."""
    period = (date(2025, 5, 4), date(2025, 6, 3))
    rows = int(pages * share * ROWS_PER_DETAIL_PAGE)
    lines = {f"312555{100 + k:04d}": [] for k in range(4)}
    for k, line in enumerate(lines):
        lines[line] = sorted(usages(rows // 4, seed + k, period[0]), key=lambda u: (u.kind != "voice", u.when))
    summary = max(0, pages - int(pages * share) - 2)
    writer = att_bill if layout == "att" else tmobile_bill
    bill = writer(lines, period, summary_before=summary * 2 // 3, summary_after=summary - summary * 2 // 3)
    return bill, ("att_wireless_bill" if layout == "att" else "tmobile_bill")


def check(db: str, want: dict) -> dict:
    """Rows right, missed and silently wrong against the writer's expectation."""
    import duckdb

    con = duckdb.connect(db, read_only=True)
    got = {r[0]: list(r) for r in con.execute(
        "SELECT source_row, source_page, caller, callee, dialed, "
        "strftime(start_utc AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ'), duration_s, record_type, direction, tz_flag "
        "FROM cdr").fetchall()}
    right = sum(1 for r in want["cdr"] if got.get(r[0]) == r)
    missed = sum(1 for r in want["cdr"] if r[0] not in got)
    return {"rows_right": right, "rows_missed": missed, "rows_wrong": len(want["cdr"]) - right - missed,
            "rows_extra": len(set(got) - {r[0] for r in want["cdr"]})}


def reader_only(path: str) -> dict:
    """The reader alone, in this process: planning (identify + every page once) and reading every page
    again as one chunk, in seconds."""
    import time

    from raybench.read.chunk import ChunkDescriptor
    from raybench.read.pdf_bills import plan_bill, read_bill_chunk

    t0 = time.perf_counter()
    plan = plan_bill(path, 1 << 20)
    t1 = time.perf_counter()
    chunk = plan.chunks[0]
    rows = read_bill_chunk(ChunkDescriptor(
        chunk_id="bench:0", format="pdf_bill", path=path, source_file=path, sha256="", ingest_job="bench",
        layout=plan.layout.id, layout_key=plan.layout.id, first_row=1, n_records=plan.n_records, encoding="pdf",
        page_start=chunk.page_start, page_end=plan.pages, context=chunk.context))
    t2 = time.perf_counter()
    assert rows.n_records == plan.n_records
    return {"plan_s": t1 - t0, "read_s": t2 - t1, "pages": plan.pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layout", choices=("att", "tmobile"), default="att")
    parser.add_argument("--pages", type=int, default=90)
    parser.add_argument("--detail-share", type=float, default=0.3, help="share of pages that are usage detail")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    bill, layout = build(args.layout, args.pages, args.detail_share, args.seed)
    want = bill.expected(layout, "bench")
    env = dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled"))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"{args.layout}-{args.pages}p.pdf")
        bill.save(path)
        db = os.path.join(tmp, "bill.duckdb")
        m, result = measure_ingest(path, db, os.path.join(tmp, "r.json"), workers=args.workers, env=env)
        score = check(db, want)
        size = os.path.getsize(path)
        reader = reader_only(path)
    f = result["files"][0]
    pages = len(bill.pages)
    detail = len({r[1] for r in want["cdr"] + want["quarantine"]})
    gib = 2**30
    print(f"bill: {layout}, {pages} pages ({detail} of usage detail), {size / 2**20:.1f} MiB, "
          f"{want['rows_read']} rows (writer)")
    print(f"machine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / gib:.0f} GiB, load "
          f"{os.getloadavg()[0]:.1f}")
    print(f"status {f['status']}; rows read {f['rows_read']}, stored {f['rows_stored']}, quarantined "
          f"{f['rows_quarantined']}; lines skipped {f['lines_skipped']}")
    print("rows right {rows_right}, missed {rows_missed}, silently wrong {rows_wrong}, extra {rows_extra}"
          .format(**score))
    print(f"wall_s {m['wall_s']:.1f}  pages_per_s {pages / m['wall_s']:.1f}  rows_per_s "
          f"{f['rows_read'] / m['wall_s']:,.0f}  peak_pss_GiB {m['pss_bytes_peak'] / gib:.2f}")
    print(f"reader alone: plan {reader['plan_s']:.2f} s ({pages / reader['plan_s']:.0f} pages/s), read "
          f"{reader['read_s']:.2f} s ({pages / reader['read_s']:.0f} pages/s)")
    print("phases_s: " + ", ".join(f"{k} {v:.1f}" for k, v in result.get("phases_s", {}).items()))


if __name__ == "__main__":
    main()
