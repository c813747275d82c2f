"""Issue 13, held-out 4 classes as general capabilities: headerless fixed columns, dates without a year,
12-hour times with one letter, trunk ids, a B-number in two columns, workbooks of several call sheets,
masked numbers. The case files (tests/cases/fixed/headerless_pbx_cdr.txt, smdr_yearless_12h.txt,
tests/cases/xlsx/generic_sheets.xlsx) pin the stored values; these tests pin what the values cannot show:
which values are in doubt (flags), and where the year comes from when the file says less."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from raybench.classify.aligned import find_headerless
from raybench.classify.generic import YearEvidence, map_generic, year_evidence
from raybench.normalize.times import strptime_naive
from raybench.pipeline.local import local_verdict, read_local

CASES = Path(__file__).resolve().parents[1] / "cases"


def _flags(path: Path, **kw) -> list[set[str]]:
    read = read_local(str(path), ingest_job="job-pbx", **kw)
    return [set(r["flags"]) for r in sorted(read.rows, key=lambda r: r["source_row"])]


def test_headerless_pbx_columns_are_found_from_the_data_and_their_guesses_flagged():
    flags = _flags(CASES / "fixed" / "headerless_pbx_cdr.txt")
    # the A/B order comes from how numbers are written (a dialled 1 in front), not from a name: in doubt on
    # every row; a five-digit duration no name calls seconds: in doubt
    assert all({"guessed_caller", "guessed_callee", "guessed_duration_s"} <= f for f in flags)
    assert not any("guessed_start_utc" in f for f in flags)  # 011525: only month-first reads the 15th


def test_a_zero_padded_duration_is_not_taken_for_extensions():
    lines = [f"01{d:02d}25 0807 {s:05d} 2301 {n}" for d, s, n in
             ((10, 65, "12125550143"), (11, 301, "6175550111"), (12, 12, "2304"), (13, 0, "14155550123"),
              (14, 740, "3125550198"), (15, 98, "13125550198"))]
    first, names, positions = find_headerless(lines)
    assert first == 0 and len(names) == 5, (names, positions)
    cols = [[line[a:b].strip() for line in lines] for a, b in positions]
    mapping = map_generic(names, cols)
    assert mapping.fields["col3"] == "duration"  # 00065...: a quantity, not an extension
    assert "col3" not in (mapping.by_field("caller"), mapping.by_field("callee"))


def test_a_date_read_both_ways_without_separators_is_in_doubt(tmp_path):
    # every date is a day <= 12: 010325 may be 3 January or 1 March; nothing says which
    rows = [f"0{m}0{d}25 0807 00065 2301 1212555014{d}" for m, d in ((1, 3), (1, 4), (1, 5), (1, 6), (1, 7),
                                                                     (1, 8))]
    path = tmp_path / "ambiguous.txt"
    path.write_text("\n".join(rows) + "\n")
    assert all("guessed_start_utc" in f for f in _flags(path))


def test_the_banner_states_the_year_of_dates_written_without_one():
    flags = _flags(CASES / "fixed" / "smdr_yearless_12h.txt")
    assert not any("guessed_start_utc" in f for f in flags)  # PERIOD 03/2025 over March's calls
    assert year_evidence(("SMDR CAPTURE  PBX-MAIN  PERIOD 10/2024",)) == YearEvidence((2024,), (10,), None)
    assert year_evidence(("Report 2024-11 to 2024-12",), 2026) == YearEvidence((2024,), (11, 12), 2026)


def _smdr_lines(banner: str | None) -> str:
    text = (CASES / "fixed" / "smdr_yearless_12h.txt").read_text().splitlines()[2:]
    return ((banner + "\n\n") if banner is not None else "") + "\n".join(text) + "\n"


def test_a_banner_whose_period_does_not_hold_the_dates_leaves_the_start_in_doubt(tmp_path):
    path = tmp_path / "smdr.txt"
    path.write_text(_smdr_lines("PBX-2 STATION MESSAGE DETAIL   PERIOD 02/2025"))
    read = read_local(str(path), ingest_job="job-pbx")
    assert {r["start_utc"].year for r in read.rows} == {2025}
    assert all("guessed_start_utc" in r["flags"] for r in read.rows)


def test_without_a_banner_the_year_is_the_files_own_and_in_doubt(tmp_path):
    path = tmp_path / "smdr.txt"
    path.write_text(_smdr_lines(None))
    stamp = datetime(2023, 6, 1, 12, 0).timestamp()
    os.utime(path, (stamp, stamp))
    read = read_local(str(path), ingest_job="job-pbx")
    assert [r["start_utc"].strftime("%Y-%m-%d %H:%M") for r in read.rows][:2] == ["2023-03-04 08:05",
                                                                                 "2023-03-04 09:15"]
    assert all("guessed_start_utc" in r["flags"] for r in read.rows)


@pytest.mark.parametrize("text, fmt, want", [
    ("01:05P", "%I:%M%p", "13:05"), ("12:10a", "%I:%M%p", "00:10"), ("1:05 p", "%I:%M %p", "13:05"),
    ("11:59 PM", "%I:%M %p", "23:59"), ("13:05", "%I:%M%p", None),
])
def test_twelve_hour_times_with_one_letter(text, fmt, want):
    got = pl.select(strptime_naive(pl.lit("2024-01-02 " + text), "%Y-%m-%d " + fmt)).item()
    assert (got.strftime("%H:%M") if got else None) == want


def test_a_workbook_reads_each_call_sheet_with_its_own_layout():
    read = read_local(str(CASES / "xlsx" / "generic_sheets.xlsx"), ingest_job="job-xlsx")
    layouts = {r["source_row"]: r for r in read.rows}
    assert read.file["dialect"] == "xlsx, sheets Calls, Texts"
    # a text's direction is in its record type ('SMS MO'); the calls' in their Direction column
    assert [layouts[k]["direction"] for k in (1, 2, 4, 5)] == ["outgoing", "incoming", "outgoing", "incoming"]
    assert not any(r["flags"] for r in read.rows)


def test_a_masked_far_end_is_stored_as_written_flagged_and_the_bill_is_ok(tmp_path):
    text = ("Datum;Uhrzeit;Dauer;Zielrufnummer;Betrag (EUR)\n"
            + "".join(f"0{d}.03.2025;1{d}:05:00;00:0{d}:10;0305550{d}xxx;0,{d}9\n" for d in range(1, 8)))
    path = tmp_path / "evn.csv"
    path.write_text(text)
    read = read_local(str(path), ingest_job="job-evn")
    assert [r["callee"] for r in read.rows][:2] == ["03055501xxx", "03055502xxx"]
    assert all("number_masked" in r["flags"] and "number_format" not in r["flags"] for r in read.rows)
    assert local_verdict(read)[0] == "ok"
