"""tests/cases/delimited, pdf, xlsx and fixed through the whole job (Ray actor pool, DuckDB): the files
rows and the stored and quarantined rows are the canonical outcome written beside each case."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from raybench.pipeline.job import IngestOptions, run_ingest

pytestmark = pytest.mark.usefixtures("ray_local")

CASES = Path(__file__).resolve().parents[1] / "cases" / "delimited"


def test_every_case_through_run_ingest(tmp_path):
    db = tmp_path / "cases.duckdb"
    out = run_ingest([str(CASES)], IngestOptions(db=str(db), progress=False, results=str(tmp_path / "r.json"),
                                                 chunk_bytes=4096))
    rows = {os.path.basename(r["path"]): r for r in out["files"]}
    names = sorted(p.name for p in CASES.iterdir() if p.suffix != ".json")
    assert sorted(rows) == names
    con = duckdb.connect(str(db), read_only=True)
    for name in names:
        want = json.loads((CASES / f"{name}.json").read_text())
        row = rows[name]
        assert row["status"] == "ok", (name, row["error"])
        got = {k: row[k] for k in ("layout", "dialect", "encoding", "rows_read", "rows_stored",
                                   "rows_quarantined", "lines_skipped")}
        assert got == {k: want[k] for k in got}, name
        cdr = con.execute(
            "SELECT source_row, caller, callee, strftime(start_utc AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ'), "
            "duration_s, record_type, direction FROM cdr WHERE source_sha256 = ? ORDER BY source_row",
            [row["sha256"]]).fetchall()
        assert [list(r) for r in cdr] == want["cdr"], name
        quarantine = con.execute("SELECT source_row, reasons, raw FROM quarantine WHERE source_sha256 = ? "
                                 "ORDER BY 1", [row["sha256"]]).fetchall()
        assert [list(r) for r in quarantine] == want["quarantine"], name


def test_pdf_xlsx_fixed_cases_through_run_ingest(tmp_path):
    folders = [CASES.parent / f for f in ("pdf", "xlsx", "fixed")]
    db = tmp_path / "formats.duckdb"
    out = run_ingest([str(f) for f in folders], IngestOptions(db=str(db), progress=False, chunk_bytes=4096,
                                                              results=str(tmp_path / "r.json")))
    rows = {os.path.basename(r["path"]): r for r in out["files"]}
    names = sorted(p.name for f in folders for p in f.iterdir() if p.suffix != ".json")
    assert sorted(rows) == names
    con = duckdb.connect(str(db), read_only=True)
    for folder in folders:
        for name in sorted(p.name for p in folder.iterdir() if p.suffix != ".json"):
            want = json.loads((folder / f"{name}.json").read_text())
            row = rows[name]
            assert row["status"] == want.get("status", "ok"), (name, row["error"])
            got = {k: row[k] for k in ("layout", "dialect", "encoding", "rows_read", "rows_stored",
                                       "rows_quarantined", "lines_skipped")}
            assert got == {k: want[k] for k in got}, name
            cdr = con.execute(
                "SELECT source_row, source_page, caller, callee, dialed, "
                "strftime(start_utc AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ'), duration_s, record_type, "
                "direction, tz_flag FROM cdr WHERE source_sha256 = ? ORDER BY source_row",
                [row["sha256"]]).fetchall()
            assert [list(r) for r in cdr] == want["cdr"], name
            quarantine = con.execute("SELECT source_row, reasons, raw FROM quarantine WHERE source_sha256 = ? "
                                     "ORDER BY 1", [row["sha256"]]).fetchall()
            assert [list(r) for r in quarantine] == [[q[0], q[2], q[3]] for q in want["quarantine"]], name
