"""The sixth held-out group of the independent set: written deterministically, its records counted and its
values read back by hand from the written bytes (csv, fastexcel, string slicing; never raybench's readers,
never its score on the group), so that the truth says what the files hold."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import fastexcel
import pytest
from click.testing import CliRunner
from heldout_helpers import assert_written_deterministically, options, read_text, starts

from raybench.cli import INDEPENDENT_GROUPS, independent_group, main
from raybench.harness.independent import FILES, write_set
from raybench.harness.independent.holdout import HOLDOUT
from raybench.harness.independent.holdout2 import HOLDOUT2
from raybench.harness.independent.holdout3 import HOLDOUT3
from raybench.harness.independent.holdout4 import HOLDOUT4
from raybench.harness.independent.holdout5 import HOLDOUT5
from raybench.harness.independent.holdout6 import HOLDOUT6
from raybench.harness.independent.score import FIELDS, truth_epoch_us
from raybench.harness.independent.writer import GROUPS

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture(scope="module")
def held(tmp_path_factory):
    out = tmp_path_factory.mktemp("holdout6")
    docs = {d["file"]: d for d in write_set(str(out), seed=0, group="holdout6")}
    return out, docs


def _rows(out, name, encoding="utf-8", delim=","):
    return list(csv.reader(io.StringIO(read_text(out, name, encoding), newline=""), delimiter=delim))


def _truth(docs, name):
    return docs[name]["truth"]


def _us(t: datetime) -> int:
    return int(t.timestamp()) * 1_000_000 + t.microsecond


def _accepted(t: dict) -> set[int]:
    return {truth_epoch_us(s) for s in options(t["fields"]["start_utc"])}


def _secs(hms: str) -> int:
    h, m, s = (int(x) for x in hms.split(":"))
    return 3600 * h + 60 * m + s


# --- records and readable records per file, counted from the bytes -------------------------------------

NEC_RECORD = re.compile(r"^(OUTGOING|INCOMING) +\d{3} +\d{3} +(\d{4}/\d\d/\d\d) (\d\d:\d\d:\d\d) "
                        r"(\d\d:\d\d:\d\d) (\S+)")
HIPATH_RECORD = re.compile(r"^(\d\d\.\d\d\.\d\d) (\d\d:\d\d:\d\d) +\d\d +(\d+) +(\d*) +(\d\d:\d\d:\d\d) +(\d+) +"
                           r"(\d+) +(\d+,\d\d) ([1-4])$")


def _count(out, name: str) -> tuple[int, int]:
    """(records, readable records) of one written file, from its bytes alone."""
    if name.endswith(".xlsx"):
        sheet = fastexcel.read_excel(str(out / name)).load_sheet(0, header_row=None).to_polars()
        n = sheet.height - 2
        return n, n
    if name == "hold6_01_nec_smdr.txt":
        lines = [ln for ln in read_text(out, name).split("\r\n") if ln and not ln.startswith(("NEC ", "TYPE "))]
        return len(lines), sum(1 for ln in lines if NEC_RECORD.match(ln))
    if name == "hold6_09_hipath_charges.txt":
        lines = read_text(out, name, "cp1252").split("\r\n")[2:]
        lines = [ln.lstrip("\x00") for ln in lines if ln]
        return len(lines), sum(1 for ln in lines if HIPATH_RECORD.match(ln))
    if name == "hold6_05_att_blocks.txt":
        rows = [r for r in _rows(out, name) if r and r[0].isdigit()]
        return len(rows), len(rows)
    if name in ("hold6_06_es_detalle.csv", "hold6_13_br_detalhe.csv"):
        enc = "utf-8-sig" if name.startswith("hold6_06") else "cp1252"
        rows = [r for r in _rows(out, name, enc, ";") if re.fullmatch(r"\d\d/\d\d/\d{4}", r[0])]
        return len(rows), len(rows)
    if name == "hold6_12_au_bill.csv":
        rows = [r for r in _rows(out, name)[1:] if not r[0].startswith("Sub-total")]
        return len(rows), len(rows)
    if name == "hold6_14_ribbon_sbc.act":
        rows = _rows(out, name)
        return len(rows), len(rows)
    if name == "hold6_08_ios_callhistory.csv":
        rows = _rows(out, name)[1:]
        ok = 0
        for r in rows:
            try:
                ok += len(r) == 16 and float(r[9]) > 7e8
            except ValueError:
                pass
        return len(rows), ok
    delim = "\t" if name.endswith(".tsv") else ","
    rows = _rows(out, name, delim=delim)[1:]
    return len(rows), len(rows)


def test_each_file_holds_the_records_and_the_readable_records_its_truth_says(held):
    out, docs = held
    assert len(docs) == 15
    for name, d in docs.items():
        records, readable = _count(out, name)
        unreadable = sum(1 for t in d["truth"] if t["expect"] == "quarantine")
        assert (records, readable) == (d["records"], d["records"] - unreadable), name
        assert d["expected_quarantined"] == unreadable
    damaged = {n: d["expected_quarantined"] for n, d in docs.items() if d["expected_quarantined"]}
    assert damaged == {"hold6_01_nec_smdr.txt": 7, "hold6_08_ios_callhistory.csv": 2,
                       "hold6_09_hipath_charges.txt": 2}
    assert [n for n, d in docs.items() if d["expected_status"] == "suspect"] == ["hold6_01_nec_smdr.txt"]
    assert 700 <= sum(d["records"] for d in docs.values()) <= 800


def test_the_group_is_apart_from_the_others(held):
    out, docs = held
    names = [s.name for s in HOLDOUT6]
    assert all(re.fullmatch(r"hold6_\d\d_[a-z0-9_]+\.[a-z]+", n) for n in names)
    assert [int(n[6:8]) for n in names] == list(range(1, 16))
    earlier = {s.name for group in (FILES, HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4, HOLDOUT5) for s in group}
    assert not set(names) & earlier and list(docs) == names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["group"] == "holdout6" and [f["file"] for f in manifest["files"]] == names
    assert not any(s.write.__module__.startswith(("raybench.generate", "raybench.classify")) for s in HOLDOUT6)


def test_written_deterministically(tmp_path, held):
    out, _ = held
    assert_written_deterministically(tmp_path, out, "holdout6", HOLDOUT6, "hold6_14_ribbon_sbc.act")


def test_truth_documents_are_well_formed(held):
    _, docs = held
    for d in docs.values():
        truth = d["truth"]
        assert [t["source_row"] for t in truth] == list(range(1, d["records"] + 1))
        keys = [k for t in truth for k in options(t["start_key"]) if k is not None]
        assert len(set(keys)) == len(keys), d["file"]
        for t in truth:
            assert set(t["fields"]) == set(FIELDS) and t["expect"] in ("store", "quarantine")
            assert (t["why"] is None) == (t["expect"] == "store")
            for s in starts(t):
                assert s.year == 2024, (d["file"], s)
            for f in ("record_type", "direction"):
                assert options(t["fields"][f]) != [None], (d["file"], f)


# --- values read back by hand -------------------------------------------------------------------------

def test_nec_duration_is_end_minus_start_and_noise_is_unreadable(held):
    out, docs = held
    lines = [ln for ln in read_text(out, "hold6_01_nec_smdr.txt").split("\r\n")
             if ln and not ln.startswith(("NEC ", "TYPE "))]
    crossed = 0
    for line, t in zip(lines, _truth(docs, "hold6_01_nec_smdr.txt")):
        m = NEC_RECORD.match(line)
        assert (m is None) == (t["expect"] == "quarantine"), line
        if m is None:
            continue
        start = datetime.strptime(f"{m[2]} {m[3]}", "%Y/%m/%d %H:%M:%S")
        end = datetime.strptime(f"{m[2]} {m[4]}", "%Y/%m/%d %H:%M:%S")
        if end < start:
            end += timedelta(days=1)
            crossed += 1
        assert t["fields"]["duration_s"] == (end - start).total_seconds()
        assert _us(start.replace(tzinfo=CHICAGO).astimezone(UTC)) in _accepted(t)
        if m[1] == "OUTGOING" and len(m[5]) == 12:  # 9 + 1 + ten digits
            assert "+" + m[5][1:] in options(t["fields"]["callee"])
    assert crossed >= 1  # a call past midnight, whose end reads earlier than its start


def test_broadworks_compact_stamps_and_release_minus_answer(held):
    out, docs = held
    rows = _rows(out, "hold6_02_broadworks_acct.csv")
    col = {h: i for i, h in enumerate(rows[0])}
    for r, t in zip(rows[1:], _truth(docs, "hold6_02_broadworks_acct.csv")):
        start = datetime.strptime(r[col["startTime"]], "%Y%m%d%H%M%S.%f").replace(tzinfo=UTC)
        assert _us(start) in _accepted(t) and _us(start.replace(microsecond=0)) in _accepted(t)
        if r[col["answerIndicator"]] == "Yes":
            talk = (datetime.strptime(r[col["releaseTime"]], "%Y%m%d%H%M%S.%f")
                    - datetime.strptime(r[col["answerTime"]], "%Y%m%d%H%M%S.%f")).total_seconds()
            assert int(talk) in options(t["fields"]["duration_s"])
        else:
            assert r[col["answerTime"]] == "" and 0 in options(t["fields"]["duration_s"])
        assert t["fields"]["caller"] == r[col["callingNumber"]] and t["fields"]["callee"] == r[col["calledNumber"]]


def test_genesys_notes_span_lines_and_durations_carry_milliseconds(held):
    out, docs = held
    raw = read_text(out, "hold6_03_genesys_notes.tsv")
    rows = list(csv.reader(io.StringIO(raw, newline=""), delimiter="\t"))[1:]
    assert any("\n" in r[10] for r in rows) and any("\t" in r[10] for r in rows)
    assert len(raw.split("\r\n")) - 2 == len(rows)  # CRLF only between records
    for r, t in zip(rows, _truth(docs, "hold6_03_genesys_notes.tsv")):
        local = datetime.strptime(r[1], "%m/%d/%Y %I:%M:%S.%f %p")
        assert _us(local.replace(tzinfo=CHICAGO).astimezone(UTC)) in _accepted(t)
        hms, ms = r[2].split(".")
        assert _secs(hms) in options(t["fields"]["duration_s"]) and len(ms) == 3
        assert r[5][4:] in options(t["fields"]["caller"]) and r[5].startswith("tel:+1")


def test_callcenter_serials_are_the_local_start(held):
    out, docs = held
    sheet = fastexcel.read_excel(str(out / "hold6_04_callcenter_serial.xlsx")).load_sheet(
        0, header_row=1).to_polars()
    assert sheet.columns[:2] == ["CALL ID", "TIMESTAMP"]
    for serial, ani, t in zip(sheet["TIMESTAMP"], sheet["ANI"], _truth(docs, "hold6_04_callcenter_serial.xlsx")):
        local = datetime(1899, 12, 30) + timedelta(days=float(serial))
        local = (local + timedelta(microseconds=500_000)).replace(microsecond=0)
        assert _us(local.replace(tzinfo=CHICAGO).astimezone(UTC)) in _accepted(t)
        assert f"{float(ani):.0f}" in options(t["fields"]["caller"]) + options(t["fields"]["callee"])


def test_att_blocks_restart_their_items_and_state_their_totals(held):
    out, docs = held
    text = read_text(out, "hold6_05_att_blocks.txt")
    totals = [int(x) for x in re.findall(r"^Total Records: (\d+)$", text, re.MULTILINE)]
    assert len(totals) == 3 and sum(totals) == docs["hold6_05_att_blocks.txt"]["records"]
    rows = [r for r in _rows(out, "hold6_05_att_blocks.txt") if r and r[0].isdigit()]
    assert [int(r[0]) for r in rows].count(1) == 3
    truth = _truth(docs, "hold6_05_att_blocks.txt")
    kinds = [t["fields"]["record_type"] for t in truth]
    assert kinds == ["voice"] * totals[0] + ["sms"] * totals[1] + ["data"] * totals[2]
    for r, t in zip(rows[: totals[0]], truth):
        mm, ss = r[4].split(":")
        assert t["fields"]["duration_s"] == 60 * int(mm) + int(ss)
        start = datetime.strptime(f"{r[1]} {r[2]}", "%m/%d/%Y %H:%M:%S").replace(tzinfo=UTC)
        assert _accepted(t) == {_us(start)}


def test_spanish_decimal_comma_minutes(held):
    out, docs = held
    rows = [r for r in _rows(out, "hold6_06_es_detalle.csv", "utf-8-sig", ";") if re.match(r"\d\d/", r[0])]
    assert (out / "hold6_06_es_detalle.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    for r, t in zip(rows, _truth(docs, "hold6_06_es_detalle.csv")):
        if r[4]:
            assert "," in r[4] and round(float(r[4].replace(",", ".")) * 60) in options(t["fields"]["duration_s"])
        else:
            assert t["fields"]["record_type"] == "sms"
        local = datetime.strptime(f"{r[0]} {r[1]}", "%d/%m/%Y %H:%M:%S")
        assert _us(local.replace(tzinfo=ZoneInfo("Europe/Madrid")).astimezone(UTC)) in _accepted(t)


def test_android_epoch_ms_and_type_codes(held):
    out, docs = held
    rows = _rows(out, "hold6_07_android_calllog.csv")[1:]
    for r, t in zip(rows, _truth(docs, "hold6_07_android_calllog.csv")):
        assert int(r[3]) * 1000 in _accepted(t)
        assert options(t["fields"]["direction"])[0] == ("outgoing" if r[5] == "2" else "incoming")
        if r[5] in ("3", "5", "6"):
            assert t["fields"]["duration_s"] == 0


def test_ios_core_data_dates_count_from_2001(held):
    out, docs = held
    rows = _rows(out, "hold6_08_ios_callhistory.csv")[1:]
    readable = 0
    for r, t in zip(rows, _truth(docs, "hold6_08_ios_callhistory.csv")):
        if t["expect"] == "quarantine":
            continue
        readable += 1
        start = datetime(2001, 1, 1, tzinfo=UTC) + timedelta(seconds=float(r[9]))
        assert abs(_us(start) - truth_epoch_us(options(t["fields"]["start_utc"])[0])) <= 1
        assert int(float(r[10])) in options(t["fields"]["duration_s"])
        assert t["fields"]["direction"] == ("outgoing" if r[7] == "1" else "incoming")
    assert readable == len(rows) - 2


def test_hipath_records_and_damage(held):
    out, docs = held
    lines = [ln for ln in read_text(out, "hold6_09_hipath_charges.txt", "cp1252").split("\r\n")[2:] if ln]
    assert sum(1 for ln in lines if ln.startswith("\x00")) == 1
    for line, t in zip(lines, _truth(docs, "hold6_09_hipath_charges.txt")):
        m = HIPATH_RECORD.match(line.lstrip("\x00"))
        assert (m is None) == (t["expect"] == "quarantine")
        if m:
            assert t["fields"]["duration_s"] == _secs(m[5])
            local = datetime.strptime(f"{m[1]} {m[2]}", "%d.%m.%y %H:%M:%S")
            assert _us(local.replace(tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)) in _accepted(t)


def test_business_log_eastern_abbreviations(held):
    out, docs = held
    rows = _rows(out, "hold6_10_business_edt.csv")[1:]
    for r, t in zip(rows, _truth(docs, "hold6_10_business_edt.csv")):
        assert r[0].endswith(" EDT")
        local = datetime.strptime(r[0][:-4], "%m/%d/%Y %I:%M:%S %p")
        assert _accepted(t) == {_us(local.replace(tzinfo=timezone(timedelta(hours=-4))))}
        words = {unit: int(v) for v, unit in re.findall(r"(\d+) (hr|min|sec)", r[7])}
        assert t["fields"]["duration_s"] == 3600 * words.get("hr", 0) + 60 * words.get("min", 0) + words["sec"]


def test_cloudpbx_rows_read_in_their_own_zone(held):
    out, docs = held
    rows = _rows(out, "hold6_11_cloudpbx_zones.csv")[1:]
    assert len({r[2] for r in rows}) == 5
    for r, t in zip(rows, _truth(docs, "hold6_11_cloudpbx_zones.csv")):
        local = datetime.strptime(r[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(r[2]))
        assert _accepted(t) == {_us(local.astimezone(UTC))}
        assert int(r[7]) // 1000 in options(t["fields"]["duration_s"])


def test_au_bill_aest_and_numbers(held):
    out, docs = held
    rows = [r for r in _rows(out, "hold6_12_au_bill.csv")[1:] if not r[0].startswith("Sub-total")]
    for r, t in zip(rows, _truth(docs, "hold6_12_au_bill.csv")):
        local = datetime.strptime(f"{r[1]} {r[2]}", "%d/%m/%Y %H:%M:%S").replace(tzinfo=timezone(timedelta(hours=10)))
        assert _accepted(t) == {_us(local)}
        digits = r[3].replace(" ", "")
        if digits.startswith("04"):
            assert "+61" + digits[1:] in options(t["fields"]["callee"])
        if digits.startswith("0011"):
            assert "+" + digits[4:] in options(t["fields"]["callee"])


def test_brazil_hms_words_and_collect_calls(held):
    out, docs = held
    rows = [r for r in _rows(out, "hold6_13_br_detalhe.csv", "cp1252", ";") if re.match(r"\d\d/", r[0])]
    for r, t in zip(rows, _truth(docs, "hold6_13_br_detalhe.csv")):
        m = re.fullmatch(r"(\d\d)h(\d\d)m(\d\d)s", r[5])
        if m:
            assert t["fields"]["duration_s"] == 3600 * int(m[1]) + 60 * int(m[2]) + int(m[3])
        else:
            assert r[5] == "-" and t["fields"]["record_type"] == "sms"
        if r[4] == "Recebida a cobrar":
            assert options(t["fields"]["direction"])[0] == "incoming"
            assert r[2] in options(t["fields"]["caller"])


def test_ribbon_tenths_and_ten_millisecond_units(held):
    out, docs = held
    rows = _rows(out, "hold6_14_ribbon_sbc.act")
    assert {r[0] for r in rows} == {"STOP", "ATTEMPT"}
    for r, t in zip(rows, _truth(docs, "hold6_14_ribbon_sbc.act")):
        start = datetime.strptime(f"{r[3]} {r[4]}", "%m/%d/%Y %H:%M:%S.%f").replace(tzinfo=UTC)
        assert _us(start) in _accepted(t) and r[5] == "GMT"
        assert int(r[7]) // 100 in options(t["fields"]["duration_s"])
        assert (r[0] == "ATTEMPT") == (r[7] == "0")


def test_32298_timestamps_in_hex_with_their_offset(held):
    out, docs = held
    rows = _rows(out, "hold6_15_msc_32298.csv")
    col = {h: i for i, h in enumerate(rows[0])}
    for r, t in zip(rows[1:], _truth(docs, "hold6_15_msc_32298.csv")):
        stamp = r[col["seizureTime"]] or r[col["originationTime"]] or r[col["deliveryTime"]]
        assert len(stamp) == 18 and stamp[12:14] in ("2B", "2D")
        sign = 1 if stamp[12:14] == "2B" else -1
        zone = timezone(sign * timedelta(hours=int(stamp[14:16]), minutes=int(stamp[16:18])))
        start = datetime.strptime(stamp[:12], "%y%m%d%H%M%S").replace(tzinfo=zone)
        assert _accepted(t) == {_us(start)}
        assert str(int(r[col["cellIdentifier"]], 16)) in options(t["fields"]["cell_id"])
        assert t["fields"]["record_type"] == ("sms" if "SMS" in r[0] else "voice")


# --- the command line: --group and its aliases ---------------------------------------------------------

def test_group_choices_are_the_writers_groups():
    assert INDEPENDENT_GROUPS == ("independent", *GROUPS[1:]) and GROUPS[0] == "main"


def test_group_flags_are_aliases_and_one_group_at_a_time():
    off = {f"holdout{k}" if k else "holdout": False for k in ("", 2, 3, 4, 5, 6)}
    assert independent_group(None, off) is None
    assert independent_group("holdout6", off) == "holdout6"
    assert independent_group(None, {**off, "holdout3": True}) == "holdout3"
    assert independent_group("holdout3", {**off, "holdout3": True}) == "holdout3"
    run = CliRunner().invoke(main, ["evaluate", "--group", "holdout2", "--holdout5"])
    assert run.exit_code == 2 and "one group at a time" in run.output
    run = CliRunner().invoke(main, ["evaluate", "--group", "holdout9"])
    assert run.exit_code == 2 and "holdout6" in run.output
