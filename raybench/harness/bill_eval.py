"""Evaluate the PDF readers on bills with their expected rows beside them (``NAME.pdf`` + ``NAME.pdf.json``
in the shape of tests/cases/pdf: ``cdr`` rows ``[source_row, source_page, caller, callee, dialed,
start_utc, duration_s, record_type, direction, tz_flag]`` and ``quarantine`` rows), such as the bills the
test-only writer (tests/bills, independent of raybench/generate) writes from carrier-formats.md 1.4a.

Each bill goes through the driver's own steps (identify, plan, chunk descriptors, the worker's read and
:func:`raybench.pipeline.transform.process_chunk`) in this process, without Ray. Per bill and in total:

- ``rows_right``: expected rows stored with every value as expected;
- ``rows_missed``: expected rows not stored (quarantined, or not read at all);
- ``rows_wrong``: rows stored with a value that differs from the expectation (silently wrong: the
  worst outcome), plus rows stored that were expected in quarantine or not at all;
- ``quarantine_right``: rows expected in quarantine that are quarantined with the expected reasons.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from raybench.pipeline.local import descriptors, plan, read_chunk
from raybench.read.partition import BLOCK_BYTES_DEFAULT


def _rows(path: Path) -> tuple[dict, list[dict]]:
    with tempfile.TemporaryDirectory() as staging:
        task = plan(str(path), staging, chunk_bytes=BLOCK_BYTES_DEFAULT, ingest_job="job-eval")
        if task.plan is None:
            return dict(task.row), []
        rows: list[dict] = []
        for item in descriptors(task):
            rows += read_chunk(item, task.layout).table.to_pylist()
    row = dict(task.row, status="suspect" if task.suspect else "ok", error=task.suspect)
    return row, rows


def _canonical(r: dict) -> list:
    start = r["start_utc"].strftime("%Y-%m-%dT%H:%M:%SZ") if r["start_utc"] else None
    return [r["source_row"], r["source_page"], r["caller"], r["callee"], r["dialed"], start, r["duration_s"],
            r["record_type"], r["direction"], r["tz_flag"]]


def score_bill(path: Path) -> dict:
    """One bill against its JSON: the counts above, its layout, status and error."""
    want = json.loads(Path(f"{path}.json").read_text())
    row, rows = _rows(path)
    stored = {r["source_row"]: _canonical(r) for r in rows if not r["reasons"]}
    quarantined = {r["source_row"]: r["reasons"] for r in rows if r["reasons"]}
    expected = {r[0]: r for r in want["cdr"]}
    right = sum(1 for k, r in expected.items() if stored.get(k) == r)
    missed = sum(1 for k in expected if k not in stored)
    wrong = len(expected) - right - missed + sum(1 for k in stored if k not in expected)
    q_right = sum(1 for r in want["quarantine"] if quarantined.get(r[0]) == r[2])
    return {"file": path.name, "layout": row.get("layout"), "status": row.get("status", "failed"),
            "error": row.get("error"), "rows_expected": len(expected), "rows_right": right,
            "rows_missed": missed, "rows_wrong": wrong, "quarantine_expected": len(want["quarantine"]),
            "quarantine_right": q_right}


def evaluate_bills(folder: str, pattern: str = "*.pdf") -> dict:
    """Every PDF in ``folder`` with a JSON beside it; ``{"bills": [...], "total": {...}}``."""
    bills = [score_bill(p) for p in sorted(Path(folder).glob(pattern)) if Path(f"{p}.json").is_file()]
    keys = ("rows_expected", "rows_right", "rows_missed", "rows_wrong", "quarantine_expected", "quarantine_right")
    return {"bills": bills, "total": {k: sum(b[k] for b in bills) for k in keys}}


def format_bills(result: dict) -> str:
    """A plain table of :func:`evaluate_bills`."""
    head = (f"{'bill':40} {'layout':18} {'status':8} {'expected':>8} {'right':>6} {'missed':>6} {'wrong':>6} "
            f"{'quar.':>6}")
    lines = [head]
    for b in result["bills"] + [dict(result["total"], file="total", layout="", status="")]:
        lines.append(f"{b['file'][:40]:40} {b['layout'] or '-':18} {b['status']:8} {b['rows_expected']:>8} "
                     f"{b['rows_right']:>6} {b['rows_missed']:>6} {b['rows_wrong']:>6} "
                     f"{b['quarantine_right']:>3}/{b['quarantine_expected']:<2}")
    return "\n".join(lines)
