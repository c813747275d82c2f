"""A bill page that was printed, then scanned (an image of its text, no text layer): read through
Tesseract where it is installed (every row flagged ``ocr_text``), else counted ``scanned_page`` with the
file ``suspect``. The bill comes from the test-only writer (tests/bills/bill_writer.py)."""

from __future__ import annotations

import sys
from datetime import date, datetime as dt
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bills"))

from bill_writer import Usage, att_bill  # noqa: E402

from raybench.errors import InputFileError  # noqa: E402
from raybench.pipeline.local import local_verdict, read_local  # noqa: E402
from raybench.read import ocr  # noqa: E402

CALLS = [Usage(dt(2025, 5, 25, 22, 32), "voice", "outgoing", "8165550142", 3, "KANSAS MO"),
         Usage(dt(2025, 5, 25, 23, 5), "voice", "incoming", "8165550143", 12),
         Usage(dt(2025, 5, 26, 0, 4), "voice", "outgoing", "8005550100", 1, "Toll F CL"),
         Usage(dt(2025, 5, 26, 9, 41), "voice", "outgoing", "3125550177", 7),
         Usage(dt(2025, 5, 28, 17, 15), "voice", "outgoing", "7735550123", 45, "EVANSTON IL"),
         Usage(dt(2025, 5, 29, 8, 30), "sms", "outgoing", "3125550188")]


@pytest.fixture(scope="module")
def scanned_bill(tmp_path_factory) -> tuple[Path, list[list]]:
    """A 4-page AT&T bill whose call detail page (page 3) is a 200 dpi image; and the truth rows."""
    bill = att_bill({"3125550100": CALLS}, (date(2025, 5, 4), date(2025, 6, 3)))
    detail = next(i for i, lines in enumerate(bill.pages) if any(line.tag == "record" for line in lines))
    bill.scan_text = {detail}
    path = tmp_path_factory.mktemp("ocr") / "scanned_detail.pdf"
    bill.save(str(path))
    truth = [row[2:] for row in bill.expected("att_wireless_bill", "")["cdr"]]
    return path, truth


def _stored(rows: list[dict]) -> list[list]:
    return [[r["caller"], r["callee"], r["dialed"], r["start_utc"].strftime("%Y-%m-%dT%H:%M:%SZ"), r["duration_s"],
             r["record_type"], r["direction"], r["tz_flag"]] for r in rows if not r["reasons"]]


@pytest.mark.skipif(not ocr.ocr_available(), reason="Tesseract is not installed (Debian: tesseract-ocr "
                                                    "tesseract-ocr-eng; .ci/run installs it)")
def test_scanned_call_detail_is_read_through_ocr_and_flagged(scanned_bill):
    path, truth = scanned_bill
    read = read_local(str(path), ingest_job="job-ocr")
    assert read.file["lines_skipped"].get("ocr_page") == 1
    assert "scanned_page" not in read.file["lines_skipped"]
    stored = _stored(read.rows)
    assert len(stored) >= 4  # OCR reads most of a clean 200 dpi scan
    for r in read.rows:
        if not r["reasons"]:
            assert "ocr_text" in r["flags"], r  # a row read from OCR says so
    assert all(s in truth for s in stored)  # and what it stores is what the bill printed
    status, error = local_verdict(read)
    if len(stored) < len(truth):  # a row OCR could not place is counted, and the file is suspect
        assert status == "suspect" and "unknown table" in error
    else:
        assert status == "ok"


def test_without_tesseract_a_scanned_page_is_counted_and_the_file_fails_with_why(scanned_bill, monkeypatch):
    monkeypatch.setattr("raybench.read.pdf_bills.ocr_available", lambda: False)
    path, _ = scanned_bill
    with pytest.raises(InputFileError, match=r"no known bill table in 4 pages.*scanned page 3 not read \(OCR through Tesseract is not "
                                         "installed here"):
        read_local(str(path), ingest_job="job-ocr")


def test_ocr_header_words_may_be_one_letter_off():
    from raybench.read.bill_layouts import ATT_WIRELESS_BILL
    from raybench.read.pdf_bills import header_lines

    text = next(s for s in ATT_WIRELESS_BILL.sections if s.name == "Text Message")
    written = "Time To/From Number Type Sent/Revd Charges"  # Tesseract's 'Revd' for 'Rcvd'
    assert header_lines([written], 0, text) == 0  # a text layer must match exactly
    assert header_lines([written], 0, text, ocr=True) == 1
    assert header_lines(["Time To/From Number Type Sent/Xyzw Charges"], 0, text, ocr=True) == 0
