"""PDF bills as carriers print them (raybench.read.pdf_bills): the year from the bill period, carried state
across chunks, scanned pages and unknown tables made visible, bills of 40+ pages where call detail is a
minority. Bills come from the test-only writer (tests/bills/bill_writer.py), never from raybench/generate;
expected rows are the writer's own values."""

from __future__ import annotations

import sys
from datetime import date, datetime as dt
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bills"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bill_writer import Usage, att_bill, tmobile_bill  # noqa: E402
from test_cases_formats import canonical, ingest_local  # noqa: E402

from raybench import local_verdict, plan, read_local  # noqa: E402
from raybench.read.pdf_bills import BillState, parse_period, resolve_date  # noqa: E402


@pytest.mark.parametrize("text, want", [
    ("Billing period: Dec 15, 2024 - Jan 14, 2025", (2024, 12, 15, 2025, 1, 14)),
    ("Bill period: Dec 20 - Jan 19, 2025", (2024, 12, 20, 2025, 1, 19)),
    ("Bill period: Aug 15 - Sep 14, 2025", (2025, 8, 15, 2025, 9, 14)),
    ("Bill Period: 12/15/24 - 01/14/25", (2024, 12, 15, 2025, 1, 14)),
    ("Service period: September 3, 2025 through October 2, 2025", (2025, 9, 3, 2025, 10, 2)),
    ("Issue Date: Jun 6, 2025", None),
])
def test_bill_period(text, want):
    assert parse_period(text) == want


@pytest.mark.parametrize("month, day, want", [
    (12, 30, date(2024, 12, 30)),   # inside the period, first year
    (1, 2, date(2025, 1, 2)),       # inside, second year
    (11, 20, date(2024, 11, 20)),   # late usage, before the period start
    (2, 29, None),                  # no year near the period makes it a date
    (6, 1, None),                   # far from the period in either year
])
def test_day_gets_the_year_of_the_period_around_new_year(month, day, want):
    assert resolve_date(month, day, (2024, 12, 15, 2025, 1, 14)) == want


def test_state_goes_through_json():
    state = BillState("tmobile_bill", 1, True, "(206) 555-0100", (9, 12, -1), (2025, 8, 15, 2025, 9, 14))
    assert BillState.from_json(state.to_json()) == state
    assert state.to_json().startswith('{"bill"')  # how read_pdf_chunk tells a bill chunk


def _calls(n: int, line_digits: str = "31255501", start: dt = dt(2025, 5, 10, 8, 0)) -> list[Usage]:
    out = []
    for k in range(n):
        when = start.replace(day=start.day + k // 20, hour=8 + (k % 20) // 2, minute=(k * 7) % 60)
        out.append(Usage(when, "voice", "incoming" if k % 3 == 0 else "outgoing", f"{line_digits}{k % 90 + 10}",
                         k % 17 + 1))
    return out


def _check(bill, layout: str, tmp_path, chunk_bytes: int = 4 << 20):
    path = tmp_path / "bill.pdf"
    bill.save(str(path))
    want = bill.expected(layout, "")
    row, rows, _ = ingest_local(path, chunk_bytes)
    cdr, quarantine = canonical(rows)
    assert row["layout"] == layout and row["lines_skipped"] == want["lines_skipped"]
    assert cdr == want["cdr"] and quarantine == want["quarantine"]
    return row, cdr


def test_a_60_page_att_bill_with_call_detail_a_minority_of_its_pages(tmp_path):
    calls = {"3125550100": _calls(150), "3125550101": _calls(60, "63055501", dt(2025, 5, 20, 9, 0))}
    bill = att_bill(calls, (date(2025, 5, 4), date(2025, 6, 3)), summary_before=40, summary_after=14)
    row, cdr = _check(bill, "att_wireless_bill", tmp_path, chunk_bytes=1 << 20)
    pages = {r[1] for r in cdr}
    assert row["dialect"] == f"pdf bill, {len(bill.pages)} pages" and len(bill.pages) >= 58
    assert len(cdr) == 210 and min(pages) == 42 and len(pages) <= len(bill.pages) // 4
    # incoming: the other party (3125550110) called the line; 8:00am EDT is 12:00 UTC; 1 minute
    assert cdr[0] == [1, 42, "+13125550110", "+13125550100", None, "2025-05-10T12:00:00Z", 60, "voice",
                      "incoming", None]


def test_a_tmobile_bill_split_across_many_pages_at_one_page_a_chunk(tmp_path):
    calls = _calls(120, "50555501", dt(2025, 9, 1, 8, 0))
    calls += [Usage(dt(2025, 9, 9, 12, k), "sms", "outgoing", "5055550111") for k in range(30)]
    bill = tmobile_bill({"2065550100": calls}, (date(2025, 8, 15), date(2025, 9, 14)), summary_before=30)
    row, cdr = _check(bill, "tmobile_bill", tmp_path, chunk_bytes=7)
    assert row["lines_skipped"]["continued"] >= 4 and len(cdr) == 150
    # 8:00 AM PDT on Sep 1 is 15:00 UTC; the first row is incoming: the other party called the line
    assert cdr[0][2:] == ["+15055550110", "+12065550100", None, "2025-09-01T15:00:00Z", 60, "voice", "incoming",
                          None]


def test_the_zone_note_decides_the_zone(tmp_path):
    bill = tmobile_bill({"2065550100": [Usage(dt(2025, 9, 12, 9, 5), "voice", "outgoing", "5055550110", 3)]},
                        (date(2025, 8, 15), date(2025, 9, 14)), zone_note="Eastern")
    path = tmp_path / "east.pdf"
    bill.save(str(path))
    read = read_local(str(path))
    assert read.layout.tz == "America/New_York"
    assert read.layout.tz_source.startswith("stated: the bill's note on page 3")
    _, cdr = _check(bill, "tmobile_bill", tmp_path)
    assert cdr[0][5] == "2025-09-12T13:05:00Z"


@pytest.mark.parametrize("tesseract", [False, True])
def test_a_scanned_page_is_counted_and_makes_the_file_suspect(tmp_path, monkeypatch, tesseract):
    from raybench.read.ocr import ocr_available

    if tesseract and not ocr_available():
        pytest.skip("Tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-eng; .ci/run installs it)")
    if not tesseract:
        monkeypatch.setattr("raybench.read.pdf_bills.ocr_available", lambda: False)
    bill = att_bill({"3125550100": _calls(5)}, (date(2025, 5, 4), date(2025, 6, 3)), scanned_before_detail=True)
    path = tmp_path / "scanned.pdf"
    bill.save(str(path))
    read = read_local(str(path))
    assert read.file["lines_skipped"]["scanned_page"] == 1  # a picture with no text on it: OCR reads nothing
    how = ("OCR found no text on it" if tesseract else
           "OCR through Tesseract is not installed here: Debian tesseract-ocr tesseract-ocr-eng")
    assert read.file["status"] == "suspect"
    assert read.file["error"] == f"scanned page without a text layer, not read ({how}): page 3"
    _check(bill, "att_wireless_bill", tmp_path)


def test_lines_that_read_like_calls_outside_a_known_table_make_the_file_suspect(tmp_path):
    bill = att_bill({"3125550100": _calls(4)}, (date(2025, 5, 4), date(2025, 6, 3)), unknown_table=True)
    path = tmp_path / "roaming.pdf"
    bill.save(str(path))
    read = read_local(str(path))
    assert read.file["lines_skipped"]["unknown_table"] == 3
    assert read.file["status"] == "suspect" and read.file["error"].startswith("3 line(s) that read like calls outside a known bill table (an unknown table): "
                                   "page 3")


def _other_carrier_pdf(path: Path, rows: list[tuple[str, ...]], pages: int = 1) -> None:
    """A usage table of no known bill layout (an unknown carrier's), on ``pages`` pages."""
    import pymupdf

    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page()
        page.insert_text((40, 60), "Usage Details", fontsize=8)
        y = 80
        for cells in [("Date", "Time", "Number", "Place", "Minutes")] + rows:
            for x, text in zip((40, 110, 170, 260, 340), cells):
                page.insert_text((x, y), text, fontsize=8)
            y += 12
    doc.save(path)


def test_a_table_of_no_known_layout_is_read_through_the_table_finder_flagged(tmp_path):
    path = tmp_path / "other_carrier.pdf"
    _other_carrier_pdf(path, [("05/01/2025", "9:05 AM", "312-555-0100", "CHICAGO IL", "3"),
                              ("05/02/2025", "1:10 PM", "773-555-0142", "EVANSTON IL", "12")], pages=2)
    read = read_local(str(path))
    assert read.file["dialect"].startswith("pdf table found by pymupdf's table finder (2 pages)")
    assert read.file["confidence"] < 0.8  # the finder's guess is worth less than a known layout
    assert read.file["rows_read"] == 4 and read.file["rows_stored"] == 4
    rows = sorted(read.rows, key=lambda r: r["source_row"])
    assert [(r["start_utc"].strftime("%Y-%m-%dT%H:%M:%SZ"), r["duration_s"]) for r in rows] == [
        ("2025-05-01T13:05:00Z", 180), ("2025-05-02T17:10:00Z", 720)] * 2  # New York time, whole minutes
    assert all("pdf_table_finder" in r["flags"] for r in rows)
    assert {r["source_file"] for r in rows} == {str(path)}


def test_a_found_table_without_years_is_suspect_not_guessed(tmp_path):
    path = tmp_path / "no_year.pdf"
    _other_carrier_pdf(path, [("05/01", "9:05 AM", "312-555-0100", "CHICAGO", "3"),
                              ("05/01", "9:45 AM", "312-555-0101", "CHICAGO", "1")])
    read = read_local(str(path))
    assert read.file["rows_read"] == 2 and read.file["rows_quarantined"] == 2
    assert all(r["reasons"] == ["start_parse"] for r in read.rows)
    status, error = local_verdict(read)
    assert status == "suspect" and error.startswith("2 of 2 records quarantined (100%), most for start_parse")


def test_a_pdf_with_no_table_fails_naming_the_closest(tmp_path):
    import pymupdf

    path = tmp_path / "letter.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    for y, text in ((60, "Usage Details"), (80, "Date Time Number Place Minutes"), (100, "Thank you.")):
        page.insert_text((40, y), text, fontsize=8)
    doc.save(path)
    task = plan(str(path), str(tmp_path), ingest_job="job-other")
    error = task.row["error"]
    assert task.plan is None and task.row["status"] == "failed" and "\n" not in error
    assert "no known bill table in 1 pages; closest bill table: " in error
    assert error.startswith(f"{path}: no known table header on the first 1 pages")


def test_a_pdf_of_scanned_pages_only_fails_saying_so(tmp_path, monkeypatch):
    monkeypatch.setattr("raybench.read.pdf_bills.ocr_available", lambda: False)
    bill = att_bill({}, (date(2025, 5, 4), date(2025, 6, 3)), summary_before=0, summary_after=0)
    bill.pages = [[], []]
    bill.scanned = {0, 1}
    path = tmp_path / "scan.pdf"
    bill.save(str(path))
    task = plan(str(path), str(tmp_path), ingest_job="job-scan-only")
    assert task.row["error"] == (f"{path}: scanned pages: none of the 2 pages has a text layer (OCR through "
                                 "Tesseract is not installed here: Debian tesseract-ocr tesseract-ocr-eng)")


def test_the_bill_evaluation_counts_a_silently_wrong_row_and_a_missed_one(tmp_path):
    import json
    import shutil

    from raybench.harness.bill_eval import evaluate_bills

    case = Path(__file__).resolve().parents[1] / "cases" / "pdf" / "bill_att_new_year.pdf"
    shutil.copy(case, tmp_path / case.name)
    want = json.loads(Path(f"{case}.json").read_text())
    want["cdr"][0][5] = "2025-12-31T02:59:00Z"  # the year a reader that ignored the period would give
    want["cdr"].append([99, 3, "+14695550100", None, None, "2025-01-03T12:00:00Z", None, "data", "outgoing", None])
    (tmp_path / f"{case.name}.json").write_text(json.dumps(want))
    total = evaluate_bills(str(tmp_path))["total"]
    assert (total["rows_expected"], total["rows_right"], total["rows_wrong"], total["rows_missed"]) == (5, 3, 1, 1)


def test_a_day_heading_whose_weekday_is_not_the_periods_date_is_quarantined(tmp_path):
    # the writer prints "Sunday, May 25" (2025); a period of 2024 would make it a Saturday: not stored as one
    calls = [Usage(dt(2025, 5, 25, 22, 32), "voice", "outgoing", "8165550142", 3)]
    bill = att_bill({"3125550100": calls}, (date(2024, 5, 4), date(2024, 6, 3)))
    path = tmp_path / "weekday.pdf"
    bill.save(str(path))
    _, rows, _ = ingest_local(path, 4 << 20)
    assert [(r["source_row"], r["reasons"]) for r in rows] == [(1, ["bill_weekday"])]
