"""tests/cases/delimited: one small file per defect of messy delimited text (banners, a SQL types header
line, repeated headers, footers, whitespace-only lines, dialects, encodings), each with a JSON beside it
giving the canonical outcome. Each goes through the driver's own steps (identify, transcode, plan,
chunk descriptors) and :func:`process_chunk` per chunk, without Ray, at several chunk sizes so that
junk lines fall on chunk and read-block edges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from raybench.pipeline.local import LocalRead, local_verdict, read_local


CASES = Path(__file__).resolve().parents[1] / "cases" / "delimited"
NAMES = sorted(p.name for p in CASES.iterdir() if p.suffix != ".json")


def expected(name: str) -> dict:
    return json.loads((CASES / f"{name}.json").read_text())


def ingest_local(path: Path, chunk_bytes: int) -> tuple[dict, list[dict]]:
    """The ``files`` row (counts from the plan and the rows) and the output rows of one file."""
    read = read_local(str(path), chunk_bytes=chunk_bytes, ingest_job="job-cases")
    return read.file, read.rows


def canonical(rows: list[dict]) -> tuple[list, list]:
    cdr = [[r["source_row"], r["caller"], r["callee"], r["start_utc"].strftime("%Y-%m-%dT%H:%M:%SZ"),
            r["duration_s"], r["record_type"], r["direction"]] for r in rows if not r["reasons"]]
    quarantine = [[r["source_row"], r["reasons"], r["raw"]] for r in rows if r["reasons"]]
    return cdr, quarantine


def verdict(row: dict, rows: list[dict]) -> tuple[str, str | None]:
    """The file's status as the driver's finalizer decides it."""
    return local_verdict(LocalRead(row, rows, 0, None))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("chunk_bytes", [7, 64, 4 << 20])
def test_case(name, chunk_bytes):
    want = expected(name)
    row, rows = ingest_local(CASES / name, chunk_bytes)
    got = {k: row.get(k) for k in ("layout", "dialect", "encoding", "rows_read", "rows_stored",
                                   "rows_quarantined", "lines_skipped")}
    assert got == {k: want[k] for k in got}
    assert row["rows_read"] == row["rows_stored"] + row["rows_quarantined"]
    cdr, quarantine = canonical(rows)
    assert cdr == want["cdr"]
    assert quarantine == want["quarantine"]
    if "flags" in want:  # soft rules: stored, with the values in doubt named
        assert [[r["source_row"], r["flags"]] for r in rows if r["flags"]] == want["flags"]
    for key in ("tz", "tz_source"):
        if key in want:
            assert row[key] == want[key]
    if "status" in want and chunk_bytes == 4 << 20:
        assert verdict(row, rows) == (want["status"], want.get("error"))


def test_every_case_has_its_expectation():
    for name in NAMES:
        assert (CASES / f"{name}.json").is_file(), name
    assert not [p.name for p in CASES.glob("*.json") if not (CASES / p.stem).exists()]
