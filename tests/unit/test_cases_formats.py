"""tests/cases/{pdf,xlsx,fixed}: one small file per defect of PDF bills, XLSX workbooks and fixed-width
switch reports, each with a JSON beside it giving the canonical outcome (written by hand). Each goes
through the driver's own steps (identify, plan, chunk descriptors) and :func:`process_chunk` per chunk,
without Ray, at one page / one row per chunk and at the default chunk size, so wrapped lines, page
breaks and junk rows fall on chunk edges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from raybench import LocalRead, descriptors, local_verdict, plan, quarantine_all, read_local


ROOT = Path(__file__).resolve().parents[1] / "cases"
FOLDERS = ("pdf", "xlsx", "fixed")
CASES = sorted((folder, p.name) for folder in FOLDERS for p in (ROOT / folder).iterdir() if p.suffix != ".json")


def ingest_local(path: Path, chunk_bytes: int) -> tuple[dict, list[dict], int]:
    """The ``files`` row, the output rows and the number of chunks of one file."""
    read = read_local(str(path), chunk_bytes=chunk_bytes, ingest_job="job-cases")
    return read.file, read.rows, read.chunks


def canonical(rows: list[dict]) -> tuple[list, list]:
    cdr = [[r["source_row"], r["source_page"], r["caller"], r["callee"], r["dialed"],
            r["start_utc"].strftime("%Y-%m-%dT%H:%M:%SZ"), r["duration_s"], r["record_type"], r["direction"],
            r["tz_flag"]] for r in rows if not r["reasons"]]
    quarantine = [[r["source_row"], r["source_page"], r["reasons"], r["raw"]] for r in rows if r["reasons"]]
    return cdr, quarantine


@pytest.mark.parametrize("folder,name", CASES)
@pytest.mark.parametrize("chunk_bytes", [7, 4 << 20])
def test_case(folder, name, chunk_bytes):
    want = json.loads((ROOT / folder / f"{name}.json").read_text())
    row, rows, n_chunks = ingest_local(ROOT / folder / name, chunk_bytes)
    got = {k: row.get(k) for k in ("layout", "dialect", "encoding", "rows_read", "rows_stored",
                                   "rows_quarantined", "lines_skipped")}
    assert got == {k: want[k] for k in got}
    assert row["rows_read"] == row["rows_stored"] + row["rows_quarantined"]
    # a bill with a scanned page is suspect by its plan; a file with too much quarantined, by its verdict
    status = local_verdict(LocalRead(row, rows, n_chunks, None))[0]
    assert status == want.get("status", "ok")
    cdr, quarantine = canonical(rows)
    assert cdr == want["cdr"]
    assert quarantine == want["quarantine"]
    if chunk_bytes == 7 and folder != "fixed":  # one page / one row a chunk: the edges are exercised
        assert n_chunks == (len({r[1] for r in want["cdr"] + want["quarantine"]}) if folder == "pdf"
                            else want["rows_read"])


def test_every_case_has_its_expectation():
    for folder, name in CASES:
        assert (ROOT / folder / f"{name}.json").is_file(), name
    for folder in FOLDERS:
        assert not [p.name for p in (ROOT / folder).glob("*.json") if not (ROOT / folder / p.stem).exists()]


@pytest.mark.parametrize("name, content, error", [
    ("broken.pdf", b"%PDF-1.7\n\x00garbage that is no PDF", "not a readable PDF"),
    ("notes.pdf", None, "no known table header on the first 1 pages"),
    ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a readable XLSX workbook"),
    ("notes.xlsx", None, "no sheet has a known header or a table of calls (sheets: 'Read Me')"),
])
def test_unreadable_pdf_or_workbook_fails_with_a_one_line_error(tmp_path, name, content, error):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    elif name.endswith(".pdf"):
        import pymupdf

        doc = pymupdf.open()
        doc.new_page().insert_text((72, 72), "Thank you for your payment.", fontsize=11)
        doc.save(path)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(path))
        book.add_worksheet("Read Me").write_string(0, 0, "Interpreting Call Detail Records")
        book.close()
    task = plan(str(path), str(tmp_path), ingest_job="job-bad")
    assert task.plan is None and task.row["status"] == "failed"
    assert task.row["error"].startswith(f"{path}: ") and error in task.row["error"]
    assert "\n" not in task.row["error"]


def test_a_failed_pdf_chunk_is_quarantined_record_by_record_naming_its_pages(tmp_path):
    path = ROOT / "pdf" / "table_across_pages.pdf"
    task = plan(str(path), str(tmp_path), chunk_bytes=7, ingest_job="job-q")
    item = descriptors(task)[1]
    table = quarantine_all(item, task.layout, "worker_error: RuntimeError: boom").to_pylist()
    assert [r["source_row"] for r in table] == [4, 5]
    assert table[0]["raw"] == "<not read: pages 2-2>" and table[1]["raw"] is None
    assert all(r["reasons"] == ["worker_error: RuntimeError: boom"] for r in table)
