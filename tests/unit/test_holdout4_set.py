"""The fourth held-out group of the independent set: written deterministically, each file readable as its
own format with a plain library (csv, fastexcel), and what is written is what the truth says, read back
by hand here (never raybench's readers, never its score on the group)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest

from raybench.harness.independent import FILES, write_set
from raybench.harness.independent.holdout import HOLDOUT
from raybench.harness.independent.holdout2 import HOLDOUT2
from raybench.harness.independent.holdout3 import HOLDOUT3
from raybench.harness.independent.holdout4 import HOLDOUT4
from raybench.harness.independent.score import FIELDS

from heldout_helpers import assert_written_deterministically, options, read_text, starts

CHICAGO = ZoneInfo("America/Chicago")
DAMAGED = {"hold4_03_fs_bleg.csv": 2, "hold4_11_phone_log.csv": 2}
"""Files with records that must be quarantined, and how many."""


@pytest.fixture(scope="module")
def held(tmp_path_factory):
    out = tmp_path_factory.mktemp("holdout4")
    docs = {d["file"]: d for d in write_set(str(out), seed=0, group="holdout4")}
    return out, docs


def _local(text: str, fmt: str, zone=CHICAGO) -> datetime:
    return datetime.strptime(text, fmt).replace(tzinfo=zone).astimezone(timezone.utc)


def _rows(out, name: str, encoding: str = "utf-8", delim: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(read_text(out, name, encoding), newline=""), delimiter=delim))


def _truth(docs, name):
    return docs[name]["truth"]


def test_the_group_is_apart_from_the_others(held):
    out, docs = held
    assert 10 <= len(HOLDOUT4) <= 14
    names = [s.name for s in HOLDOUT4]
    assert all(re.fullmatch(r"hold4_\d\d_[a-z0-9_]+\.[a-z]+", n) for n in names)
    assert [int(n[6:8]) for n in names] == list(range(1, len(names) + 1))
    earlier = {s.name for group in (FILES, HOLDOUT, HOLDOUT2, HOLDOUT3) for s in group}
    assert not set(names) & earlier and list(docs) == names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["group"] == "holdout4" and [f["file"] for f in manifest["files"]] == names
    assert len({s.family for s in HOLDOUT4}) >= 10
    assert not any(s.write.__module__.startswith(("raybench.generate", "raybench.classify")) for s in HOLDOUT4)


def test_written_deterministically(tmp_path, held):
    out, _ = held
    assert_written_deterministically(tmp_path, out, "holdout4", HOLDOUT4, "hold4_07_de_evn.csv")
    write_set(str(tmp_path / "x1"), seed=1, group="holdout4", only=["hold4_01_tmo_workbook.xlsx"])
    assert (tmp_path / "x1" / "hold4_01_tmo_workbook.xlsx").read_bytes() != (
        out / "hold4_01_tmo_workbook.xlsx").read_bytes()


def test_truth_documents_are_well_formed(held):
    _, docs = held
    for d in docs.values():
        truth = d["truth"]
        assert 20 <= d["records"] == len(truth) <= 80, d["file"]
        assert [t["source_row"] for t in truth] == list(range(1, d["records"] + 1))
        keys = [t["start_key"] for t in truth if t["start_key"] is not None]
        assert len(set(keys)) == len(keys), d["file"]
        for t in truth:
            assert set(t["fields"]) == set(FIELDS) and t["expect"] in ("store", "quarantine")
            assert (t["why"] is None) == (t["expect"] == "store")
            assert t["start_key"] is not None or t["expect"] == "quarantine"
            for s in starts(t):
                assert s.year == 2024, (d["file"], s)
            for f in ("record_type", "direction"):
                assert options(t["fields"][f]), (d["file"], f)
        bad = DAMAGED.get(d["file"], 0)
        assert d["expected_quarantined"] == bad == sum(t["expect"] == "quarantine" for t in truth), d["file"]
        assert d["expected_status"] == ("suspect" if bad > 0.05 * d["records"] else "ok"), d["file"]


def test_tmobile_workbook_sheets(held):
    fastexcel = pytest.importorskip("fastexcel")
    out, docs = held
    book = fastexcel.read_excel(str(out / "hold4_01_tmo_workbook.xlsx"))
    assert book.sheet_names == ["Cover", "Voice", "Messages"]
    cover = book.load_sheet("Cover", header_row=None).to_arrow().column(0).to_pylist()
    assert "All times are in UTC" in " ".join(str(c) for c in cover)
    voice = book.load_sheet("Voice").to_arrow().to_pylist()
    msgs = book.load_sheet("Messages").to_arrow().to_pylist()
    truth = _truth(docs, "hold4_01_tmo_workbook.xlsx")
    assert len(voice) + len(msgs) == len(truth) and voice and msgs
    for r, t in zip(voice + msgs, truth, strict=True):
        stamp = r.get("Start Date/Time (UTC)") or r.get("Date/Time (UTC)")
        assert starts(t) == [datetime.strptime(stamp, "%m/%d/%Y %H:%M:%S").replace(tzinfo=timezone.utc)]
        caller = r.get("Calling Number") or r.get("Sender")
        assert "+" + caller in options(t["fields"]["caller"])
        if "Duration (Seconds)" in r:
            assert r["Duration (Seconds)"] == t["fields"]["duration_s"] and t["fields"]["record_type"] == "voice"
            assert r["1st Cell ID"] == t["fields"]["cell_id"]
        else:
            assert "sms" in options(t["fields"]["record_type"]) and t["fields"]["cell_id"] is None
    assert {r["Type of Message"] for r in msgs} <= {"mSOriginatingSMSinMSC", "mSTerminatingSMSinMSC", "SMSc",
                                                    "RCS-IMChat"}


def test_asterisk_accountcode_file(held):
    out, docs = held
    raw = read_text(out, "hold4_02_ast_sales.csv")
    assert raw.startswith('"sales","')  # no header (carrier-formats.md 1.6)
    rows = _rows(out, "hold4_02_ast_sales.csv")
    assert {len(r) for r in rows} == {17}
    dispositions = set()
    for r, t in zip(rows, _truth(docs, "hold4_02_ast_sales.csv"), strict=True):
        dispositions.add(r[14])
        assert starts(t) == [_local(r[9], "%Y-%m-%d %H:%M:%S")]
        assert int(r[16].split(".")[0]) == int(starts(t)[0].timestamp())
        assert (r[10] == "") == (r[13] == "0") and int(r[13]) in options(t["fields"]["duration_s"])
        assert r[1] in options(t["fields"]["caller"]) and r[2] in options(t["fields"]["callee"])
        assert r[15] in ("BILLING", "DOCUMENTATION", "OMIT")
    assert {"ANSWERED", "FAILED"} <= dispositions or {"ANSWERED", "CONGESTION"} <= dispositions


def test_freeswitch_b_legs_without_start_stamp(held):
    out, docs = held
    rows = _rows(out, "hold4_03_fs_bleg.csv")
    assert {len(r) for r in rows} == {13} and {r[2] for r in rows} == {"outbound"}
    for r, t in zip(rows, _truth(docs, "hold4_03_fs_bleg.csv"), strict=True):
        if r[5] == "":
            assert t["expect"] == "quarantine" and r[7] == "0"
            continue
        assert starts(t) == [_local(r[5], "%Y-%m-%d %H:%M:%S")]
        end = _local(r[6], "%Y-%m-%d %H:%M:%S")
        assert (end - starts(t)[0]).total_seconds() == int(r[7]) == t["fields"]["duration_s"]
        assert r[3] in options(t["fields"]["caller"]) and r[4] in options(t["fields"]["callee"])


def test_3cx_history_cp1252(held):
    out, docs = held
    raw = (out / "hold4_04_3cx_history.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = _rows(out, "hold4_04_3cx_history.csv", "cp1252")
    assert rows[0][:3] == ["Call Time", "Call ID", "From"]
    for r, t in zip(rows[1:], _truth(docs, "hold4_04_3cx_history.csv"), strict=True):
        assert len(r) == 10 and r[4] in ("Inbound", "Outbound", "Internal")
        assert _local(r[0], "%m/%d/%Y %I:%M:%S %p") in starts(t)
        h, m, s = (int(x) for x in r[7].split(":"))
        assert 3600 * h + 60 * m + s in options(t["fields"]["duration_s"])
        assert r[2] in options(t["fields"]["caller"]) and r[3] in options(t["fields"]["callee"])
        assert t["fields"]["direction"] == {"Inbound": "incoming", "Outbound": "outgoing",
                                            "Internal": "internal"}[r[4]]


def test_avaya_cm_fixed_columns(held):
    out, docs = held
    lines = read_text(out, "hold4_05_avaya_cm.txt").split("\r\n")[:-1]
    conds = set()
    for x, t in zip(lines, _truth(docs, "hold4_05_avaya_cm.txt"), strict=True):
        assert re.fullmatch(r"\d{6} \d{4} \d{5} [079A] .{4} .{4} .{4} .{18} .{15} \d", x), x
        assert _local(x[:11], "%m%d%y %H%M") in starts(t)
        assert int(x[12:17]) == t["fields"]["duration_s"]
        conds.add(x[18])
        dialed, calling = x[34:52].strip(), x[53:68].strip()
        assert dialed in options(t["fields"]["callee"]) and calling in options(t["fields"]["caller"])
    assert conds == {"0", "7", "9", "A"}


def test_sprint_duration_is_end_minus_start(held):
    out, docs = held
    rows = _rows(out, "hold4_06_spr_noduration.csv")
    assert rows[0] == ["CALLING_NBR", "CALLED_NBR", "DIALED_DIGITS", "M_R", "START_DATE", "END_DATE", "NEID",
                       "REPOLL", "1ST CELL", "LAST CELL"]
    roles = set()
    for r, t in zip(rows[1:], _truth(docs, "hold4_06_spr_noduration.csv"), strict=True):
        roles.add(r[3])
        start, end = (datetime.strptime(v, "%m/%d/%Y %H:%M:%S") for v in (r[4], r[5]))
        assert start.replace(tzinfo=CHICAGO).astimezone(timezone.utc) in starts(t)
        assert (end - start).total_seconds() == t["fields"]["duration_s"]
        assert r[1] in options(t["fields"]["callee"])
        if r[8] == "0":
            assert "sms" in options(t["fields"]["record_type"]) and r[4] == r[5]
    assert "Undetermined" in roles or "Routed" in roles


def test_german_evn_semicolon_decimal_commas(held):
    out, docs = held
    rows = _rows(out, "hold4_07_de_evn.csv", "cp1252", ";")
    assert rows[-1] == [] and read_text(out, "hold4_07_de_evn.csv", "cp1252").endswith("\r\n\r\n")
    rows = rows[:-1]  # the empty line after the Summe row
    assert rows[0][0].startswith("Einzelverbindungsnachweis für") and rows[2][0] == "Datum"
    assert rows[-1][0] == "Summe" and re.fullmatch(r"\d+,\d\d", rows[-1][-1])
    recs = rows[3:-1]
    cents = 0
    for r, t in zip(recs, _truth(docs, "hold4_07_de_evn.csv"), strict=True):
        assert len(r) == 7 and re.fullmatch(r"\d+,\d\d", r[6])
        cents += int(r[6].replace(",", ""))
        assert _local(f"{r[0]} {r[1]}", "%d.%m.%Y %H:%M:%S", ZoneInfo("Europe/Berlin")) in starts(t)
        if r[2]:
            h, m, s = (int(x) for x in r[2].split(":"))
            assert 3600 * h + 60 * m + s == t["fields"]["duration_s"]
        assert r[3] in options(t["fields"]["callee"])
    assert cents == int(rows[-1][-1].replace(",", ""))
    assert sum(r[3].endswith("xxx") for r in recs) >= 5


def test_att_two_exports_overlap(held):
    out, docs = held
    a, b = _rows(out, "hold4_08_att_part1.csv"), _rows(out, "hold4_09_att_part2.csv")
    assert a[0] == b[0] and a[0][2] == "Conn. Time (UTC)"
    assert [r[1:] for r in a[-10:]] == [r[1:] for r in b[1:11]] and b[1][0] == "1"
    assert b[-2][0].startswith("Total Items:") and b[-1][0].startswith("AT&T Proprietary")
    for name, recs in (("hold4_08_att_part1.csv", a[1:]), ("hold4_09_att_part2.csv", b[1:-2])):
        for r, t in zip(recs, _truth(docs, name), strict=True):
            assert starts(t) == [datetime.strptime(f"{r[1]} {r[2]}", "%m/%d/%Y %H:%M:%S").replace(
                tzinfo=timezone.utc)]
            m, s = (int(x) for x in r[4].split(":"))
            assert (60 * m + s) in options(t["fields"]["duration_s"])
    numbers = [r[5] for r in a[1:] + b[1:-2]] + [r[6] for r in a[1:] + b[1:-2]]
    assert any(n.startswith("+1") for n in numbers) and any(re.fullmatch(r"\d{10}", n) for n in numbers)


def test_mitel_smdr_year_from_banner(held):
    out, docs = held
    lines = read_text(out, "hold4_10_mitel_smdr.txt").split("\n")[:-1]
    year = int(re.search(r"PERIOD \d\d/(\d{4})", lines[0]).group(1))
    for x, t in zip(lines[2:], _truth(docs, "hold4_10_mitel_smdr.txt"), strict=True):
        m = re.match(r" (\d\d/\d\d) (\d\d:\d\d)([AP]) (\d\d):(\d\d):(\d\d) (\S+)", x)
        assert m, x
        when = _local(f"{year}/{m[1]} {m[2]} {m[3]}M", "%Y/%m/%d %I:%M %p")
        assert when in starts(t)
        assert 3600 * int(m[4]) + 60 * int(m[5]) + int(m[6]) == t["fields"]["duration_s"]
        assert m[7] in options(t["fields"]["caller"])


def test_phone_log_bom_and_lossy_numbers(held):
    out, docs = held
    raw = (out / "hold4_11_phone_log.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = _rows(out, "hold4_11_phone_log.csv", "utf-8-sig")
    assert rows[0] == ["Date", "Time", "Contact", "Number", "Type", "Duration (min)"] and rows[-2][0] == "Total"
    for r, t in zip(rows[1:-2], _truth(docs, "hold4_11_phone_log.csv"), strict=True):
        assert _local(f"{r[0]} {r[1]}", "%m/%d/%Y %I:%M %p") in starts(t)
        assert round(float(r[5]) * 60) in options(t["fields"]["duration_s"])
        lossy = re.fullmatch(r"\d\.\d{5}E\+09", r[3]) is not None
        assert lossy == (t["expect"] == "quarantine")
        side = "callee" if r[4] == "Outgoing" else "caller"
        digits = re.sub(r"\D", "", r[3])
        if not lossy:
            assert t["fields"][side] == "+1" + digits[-10:]


def test_twilio_rfc2822(held):
    out, docs = held
    rows = _rows(out, "hold4_12_twilio_calls.csv")
    assert rows[0][11] == "StartTime" and {len(r) for r in rows} == {22}
    for r, t in zip(rows[1:], _truth(docs, "hold4_12_twilio_calls.csv"), strict=True):
        assert starts(t) == [parsedate_to_datetime(r[11])]
        assert int(r[13]) == t["fields"]["duration_s"]
        assert parsedate_to_datetime(r[12]) - parsedate_to_datetime(r[11]) >= timedelta(seconds=int(r[13]))
        assert r[7] in options(t["fields"]["caller"]) and r[5] in options(t["fields"]["callee"])
        assert r[16] in ("inbound", "outbound-api", "outbound-dial")


def test_verizon_bill_incoming_cl_and_totals(held):
    out, docs = held
    rows = _rows(out, "hold4_13_vzw_bill.csv")
    assert rows[2][0] == "Date" and rows[-2][0].startswith("Subtotal") and rows[-1][0] == "Total"
    recs = rows[3:-2]
    assert int(rows[-1][5]) == sum(int(r[5]) for r in recs)
    for r, t in zip(recs, _truth(docs, "hold4_13_vzw_bill.csv"), strict=True):
        assert _local(f"{r[0]} {r[1].upper()}", "%m/%d/%y %I:%M%p") in starts(t)
        assert int(r[5]) * 60 == t["fields"]["duration_s"]
        incoming = r[4] == "INCOMING, CL"
        assert ("incoming" if incoming else "outgoing") in options(t["fields"]["direction"])
        if r[2] != "*86":
            assert "+1" + r[2].replace("-", "") in options(t["fields"]["caller" if incoming else "callee"])
