"""The second held-out group of the independent set: written deterministically, well formed, and what is
written is what the truth says, read back by hand here (never raybench's score on it)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from raybench.harness.independent import FILES, write_set
from raybench.harness.independent.holdout import HOLDOUT
from raybench.harness.independent.holdout2 import CUCM_SUBSET, HOLDOUT2, SMDR_FIELDS
from raybench.harness.independent.score import FIELDS, accepts_start, truth_epoch_us

from heldout_helpers import assert_written_deterministically, options, read_text, starts, utc

CHICAGO = ZoneInfo("America/Chicago")
REPEATED_STARTS = {"hold2_07_avaya_smdr.txt", "hold2_12_tmo_reexport.csv"}
"""Files where one start is written twice on purpose (a call's continuation record; a re-exported call)."""


@pytest.fixture(scope="module")
def held(tmp_path_factory):
    out = tmp_path_factory.mktemp("holdout2")
    docs = {d["file"]: d for d in write_set(str(out), seed=0, group="holdout2")}
    return out, docs


def test_the_group_is_apart_from_the_others(held):
    out, docs = held
    assert 10 <= len(HOLDOUT2) <= 14 and len(FILES) == 26 and len(HOLDOUT) == 12
    names = [s.name for s in HOLDOUT2]
    assert all(re.fullmatch(r"hold2_\d\d_[a-z0-9_]+\.[a-z]+", n) for n in names)
    assert [int(n[6:8]) for n in names] == list(range(1, len(names) + 1))
    assert not set(names) & ({s.name for s in FILES} | {s.name for s in HOLDOUT})
    assert list(docs) == names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["group"] == "holdout2" and [f["file"] for f in manifest["files"]] == names
    assert len({s.family for s in HOLDOUT2}) >= 8
    assert not any(s.write.__module__.startswith("raybench.generate") for s in HOLDOUT2)


def test_written_deterministically(tmp_path, held):
    out, _ = held
    assert_written_deterministically(tmp_path, out, "holdout2", HOLDOUT2, "hold2_08_3cx_cdr.log")


def test_truth_documents_are_well_formed(held):
    _, docs = held
    for d in docs.values():
        truth = d["truth"]
        assert 40 <= d["records"] == len(truth) <= 60, d["file"]
        assert [t["source_row"] for t in truth] == list(range(1, d["records"] + 1))
        keys = [t["start_key"] for t in truth]
        assert None not in keys
        assert (len(set(keys)) < len(keys)) == (d["file"] in REPEATED_STARTS), d["file"]
        for t in truth:
            assert set(t["fields"]) == set(FIELDS) and t["expect"] == "store" and t["why"] is None
            for s in options(t["fields"]["start_utc"]):
                assert s.endswith("Z") and utc(s).year == 2024, (d["file"], s)
            for f in ("record_type", "direction", "caller", "callee"):
                assert options(t["fields"][f]), (d["file"], f)
        assert d["expected_status"] == "ok" and d["expected_quarantined"] == 0


def test_scorer_reads_alternative_and_fractional_starts():
    assert truth_epoch_us("2024-07-15T13:05:07Z") == 1721048707 * 1_000_000
    assert truth_epoch_us("2024-07-15T13:05:07.456Z") == 1721048707 * 1_000_000 + 456_000
    assert accepts_start(["2024-07-15T13:05:07Z", "2024-07-15T18:05:07Z"], 1721066707 * 1_000_000)
    assert not accepts_start("2024-07-15T13:05:07Z", 1721066707 * 1_000_000)


def test_sprint_epoch_milliseconds(held):
    out, docs = held
    rows = list(csv.reader(io.StringIO(read_text(out, "hold2_01_spr_epochms.csv"), newline="")))
    assert rows[0][4] == "START_DATE" and {len(r) for r in rows} == {11}
    for r, t in zip(rows[1:], docs["hold2_01_spr_epochms.csv"]["truth"], strict=True):
        assert re.fullmatch(r"1\d{12}", r[4]) and int(r[5]) >= int(r[4])
        exact = datetime.fromtimestamp(int(r[4]) / 1000, timezone.utc)
        assert exact.replace(microsecond=0) in starts(t) and exact in starts(t)
        if r[9] != "0":
            assert t["fields"]["duration_s"] == int(r[6])
        assert r[3] in ("Outgoing", "Incoming", "Routed")


def test_tmobile_netherlands_day_first(held):
    out, docs = held
    lines = read_text(out, "hold2_02_tmo_nl.csv").split("\n")
    assert "Region: Europe (NL)" in lines[1] and "UTC" in lines[1]
    rows = [x.split(";") for x in lines[4:] if x]
    days = set()
    for r, t in zip(rows, docs["hold2_02_tmo_nl.csv"]["truth"], strict=True):
        start = datetime.strptime(r[1], "%d/%m/%Y %H:%M:%S").replace(tzinfo=timezone.utc)
        assert starts(t) == [start]
        days.add(start.day)
        for written, want in ((r[2], t["fields"]["caller"]), (r[3], t["fields"]["callee"])):
            assert written in options(want)
            if written.startswith("0"):
                assert "+31" + written[1:] in options(want)
            elif written.startswith("31"):
                assert "+" + written in options(want)
        assert r[5].startswith("20416")
    assert max(days) > 12  # day first is provable


def test_att_dotted_times(held):
    out, docs = held
    rows = list(csv.reader(io.StringIO(read_text(out, "hold2_03_att_dotted.csv"))))[2:]
    for r, t in zip(rows, docs["hold2_03_att_dotted.csv"]["truth"], strict=True):
        assert re.fullmatch(r"\d\d\.\d\d\.\d\d", r[2])
        start = datetime.strptime(f"{r[1]} {r[2]}", "%m/%d/%Y %H.%M.%S").replace(tzinfo=timezone.utc)
        assert starts(t) == [start]
        m, s = (int(x) for x in r[4].split(":"))
        if "Voice" in r[9]:
            assert t["fields"]["duration_s"] == 60 * m + s


def test_att_iso_offset_is_neither_utc_nor_the_job_zone(held):
    out, docs = held
    rows = list(csv.reader(io.StringIO(read_text(out, "hold2_04_att_isooffset.csv"))))
    assert rows[0][1] == "Conn. Date/Time"
    for r, t in zip(rows[1:], docs["hold2_04_att_isooffset.csv"]["truth"], strict=True):
        assert r[1].endswith("-05:00")
        start = datetime.fromisoformat(r[1])
        assert starts(t) == [start.astimezone(timezone.utc)]
        assert start.replace(tzinfo=CHICAGO).utcoffset() == timedelta(hours=-6)


def test_verizon_totals_in_the_middle(held):
    out, docs = held
    rows = list(csv.reader(io.StringIO(read_text(out, "hold2_05_vzw_totals.csv"), newline="")))
    truth = docs["hold2_05_vzw_totals.csv"]["truth"]
    recs = [(k, r) for k, r in enumerate(rows) if re.fullmatch(r"\d{1,2}/\d{1,2}/2024", r[0])]
    totals = [k for k, r in enumerate(rows) if r[0].startswith("Total for ")]
    assert len(totals) == 2 and recs[0][0] < totals[0] < recs[-1][0] < totals[1]
    first = [r for k, r in recs if k < totals[0]]
    assert int(rows[totals[0]][6]) == sum(int(r[6]) for r in first)
    assert rows[totals[0]][0] == f"Total for {first[0][2]}"
    for (_, r), t in zip(recs, truth, strict=True):
        local = datetime.strptime(f"{r[0]} {r[1]}", "%m/%d/%Y %I:%M %p").replace(tzinfo=CHICAGO)
        assert starts(t) == [local.astimezone(timezone.utc)]
        assert t["fields"]["duration_s"] == 60 * int(r[6])


def test_asterisk_semicolon_cp1252_commas(held):
    out, docs = held
    raw = (out / "hold2_06_ast_semicolon.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "Müller, Jürgen" in text or "José García" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert {len(r) for r in rows} == {16}
    assert sum(1 for r in rows if "," in r[4] or "," in r[8]) >= len(rows) // 2
    for r, t in zip(rows, docs["hold2_06_ast_semicolon.csv"]["truth"], strict=True):
        local = datetime.strptime(r[9], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHICAGO)
        assert starts(t) == [local.astimezone(timezone.utc)]
        assert r[1] in options(t["fields"]["caller"]) and r[2] in options(t["fields"]["callee"])
        assert int(r[13]) in options(t["fields"]["duration_s"]) and int(r[12]) in options(t["fields"]["duration_s"])
        assert r[4].endswith(f"<{r[1]}>")


def test_avaya_smdr_logger_and_continuations(held):
    out, docs = held
    lines = read_text(out, "hold2_07_avaya_smdr.txt").split("\r\n")
    assert lines[0].startswith("# SMDR capture") and lines[2] == ",".join(SMDR_FIELDS)
    rows = list(csv.reader([x for x in lines[3:] if x]))
    assert {len(r) for r in rows} == {30}
    truth = docs["hold2_07_avaya_smdr.txt"]["truth"]
    conts = [k for k, r in enumerate(rows) if r[10] == "1"]
    assert conts
    for k in conts:
        assert rows[k + 1][9] == rows[k][9] and rows[k + 1][0] == rows[k][0] and rows[k + 1][10] == "0"
        assert rows[k + 1][11].startswith("V")
    for r, t in zip(rows, truth, strict=True):
        local = datetime.strptime(r[0], "%Y/%m/%d %H:%M:%S").replace(tzinfo=CHICAGO)
        assert starts(t) == [local.astimezone(timezone.utc)]
        h, m, s = (int(x) for x in r[1].split(":"))
        assert 3600 * h + 60 * m + s in options(t["fields"]["duration_s"])
        assert r[4] in ("I", "O") and (r[8] == "1") == ("internal" in options(t["fields"]["direction"]))
        assert r[3] in options(t["fields"]["caller"])


def test_3cx_cdr_service(held):
    out, docs = held
    rows = list(csv.reader(io.StringIO(read_text(out, "hold2_08_3cx_cdr.log"), newline="")))
    assert {len(r) for r in rows} == {27} and rows[0][0].isdigit()  # no header
    for r, t in zip(rows, docs["hold2_08_3cx_cdr.log"]["truth"], strict=True):
        start = datetime.strptime(r[3], "%Y/%m/%d %H:%M:%S")
        local = start.replace(tzinfo=CHICAGO).astimezone(timezone.utc)
        assert starts(t) == [start.replace(tzinfo=timezone.utc), local]  # UTC as 3CX writes; local accepted
        h, m, s = (int(x) for x in r[2].split(":"))
        assert 3600 * h + 60 * m + s in options(t["fields"]["duration_s"])
        assert r[7] in options(t["fields"]["caller"]) and r[8] in options(t["fields"]["callee"])
        assert r[20] in ("Extension", "Line") and r[19].startswith("Chain: ")


def test_cucm_subset(held):
    out, docs = held
    text = read_text(out, "hold2_09_cucm_subset.csv")
    first, second = text.split("\n")[:2]
    assert first == ",".join(f'"{c}"' for c, _ in CUCM_SUBSET) and second.split(",")[-1] == "UNIQUEIDENTIFIER"
    rows = list(csv.reader(io.StringIO(text)))
    assert {len(r) for r in rows} == {13}
    for r, t in zip(rows[2:], docs["hold2_09_cucm_subset.csv"]["truth"], strict=True):
        assert starts(t) == [datetime.fromtimestamp(int(r[1]), timezone.utc)]
        assert int(r[7]) == t["fields"]["duration_s"] and (r[5] == "0") == (r[7] == "0")
        assert r[2] in options(t["fields"]["caller"]) and r[3] in options(t["fields"]["callee"])


def test_fixed_seconds_and_pages_of_30(held):
    out, docs = held
    lines = read_text(out, "hold2_10_fix_seconds.txt").split("\n")[:-1]
    pages = [k for k, x in enumerate(lines) if x.startswith("Page ")]
    assert pages == list(range(0, len(lines), 30)) and len(pages) >= 2
    recs = [x for x in lines if re.match(r"\d\d/\d\d/2024  ", x)]
    truth = docs["hold2_10_fix_seconds.txt"]["truth"]
    assert len(recs) == len(truth) and all(len(x) >= 64 for x in recs)
    assert lines[2].index("DUR(SEC)") == 45
    for x, t in zip(recs, truth, strict=True):
        local = datetime.strptime(x[:20], "%m/%d/%Y  %H:%M:%S").replace(tzinfo=CHICAGO)
        assert starts(t) == [local.astimezone(timezone.utc)]
        assert x[45:53].strip().isdigit() and x[52] != " " and int(x[45:53]) == t["fields"]["duration_s"]


def test_freeswitch_example_cr_only(held):
    out, docs = held
    raw = (out / "hold2_11_fs_example_cr.csv").read_bytes()
    assert b"\n" not in raw and raw.count(b"\r") == docs["hold2_11_fs_example_cr.csv"]["records"]
    assert b'", "' not in raw
    rows = list(csv.reader(io.StringIO(raw.decode(), newline="")))
    assert {len(r) for r in rows} == {15}
    for r, t in zip(rows, docs["hold2_11_fs_example_cr.csv"]["truth"], strict=True):
        local = datetime.strptime(r[4], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHICAGO)
        assert starts(t) == [local.astimezone(timezone.utc)]
        assert int(r[8]) in options(t["fields"]["duration_s"]) and (r[5] == "") == (r[8] == "0")


def test_tmobile_reexport_repeats_half(held):
    out, docs = held
    lines = read_text(out, "hold2_12_tmo_reexport.csv").split("\n")
    truth = docs["hold2_12_tmo_reexport.csv"]["truth"]
    assert sum(1 for x in lines if x.startswith("Call Type,")) == 2
    recs = [x for x in lines if re.match(r"[a-zA-Z]+,2024-", x)]
    assert len(recs) == len(truth)
    unique = list(dict.fromkeys(recs))
    again = recs[len(unique):]
    assert len(again) == len(recs) - len(unique) >= len(recs) // 4 and again == unique[-len(again):]
    for x, t in zip(recs, truth, strict=True):
        assert starts(t) == [datetime.strptime(x.split(",")[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)]
