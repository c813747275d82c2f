"""Bills as carriers print them through the whole job (Ray actor pool, DuckDB): a bill with a scanned page
ends ``suspect`` (never silently ``ok``) with its rows stored, source pages and all; a bill of an unknown
layout ends ``failed`` with a one-line error. The bills come from the test-only writer (tests/bills)."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime as dt
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bills"))

from bill_writer import Usage, att_bill  # noqa: E402

from raybench.pipeline.job import IngestOptions, run_ingest  # noqa: E402

pytestmark = pytest.mark.usefixtures("ray_local")


def test_a_bill_with_a_scanned_page_is_suspect_and_its_rows_are_stored(tmp_path):
    calls = [Usage(dt(2025, 5, 25, 22, 32), "voice", "outgoing", "8165550142", 3, "KANSAS MO"),
             Usage(dt(2025, 5, 26, 9, 1), "voice", "incoming", "8165550143", 12),
             Usage(dt(2025, 5, 26, 10, 2), "sms", "incoming", "3125550188")]
    bill = att_bill({"3125550100": calls}, (date(2025, 5, 4), date(2025, 6, 3)), scanned_before_detail=True)
    bill.save(str(tmp_path / "scanned.pdf"))
    (tmp_path / "other.pdf").write_bytes(b"%PDF-1.7\n\x00not a pdf")
    db = tmp_path / "bills.duckdb"
    out = run_ingest([str(tmp_path)], IngestOptions(db=str(db), progress=False, results=str(tmp_path / "r.json")))
    files = {os.path.basename(r["path"]): r for r in out["files"]}
    scanned = files["scanned.pdf"]
    assert scanned["status"] == "suspect" and scanned["layout"] == "att_wireless_bill"
    assert scanned["error"].endswith("page 3") and scanned["lines_skipped"]["scanned_page"] == 1
    assert files["other.pdf"]["status"] == "failed" and "\n" not in files["other.pdf"]["error"]
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute("SELECT source_row, source_page, caller, callee, strftime(start_utc AT TIME ZONE 'UTC', "
                      "'%Y-%m-%dT%H:%M:%SZ'), duration_s, record_type, direction, tz_assumed FROM cdr "
                      "ORDER BY source_row").fetchall()
    assert [list(r) for r in got] == [
        [1, 4, "+13125550100", "+18165550142", "2025-05-26T02:32:00Z", 180, "voice", "outgoing", "America/New_York"],
        [2, 4, "+18165550143", "+13125550100", "2025-05-26T13:01:00Z", 720, "voice", "incoming", "America/New_York"],
        [3, 4, "+13125550188", "+13125550100", "2025-05-26T14:02:00Z", None, "sms", "incoming", "America/New_York"],
    ]
