"""The fifth held-out group of the independent set: written deterministically, each file readable as its
own format with a plain library (csv, fastexcel, string slicing), and what is written is what the truth
says, read back by hand here (never raybench's readers, never its score on the group)."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest

from raybench.harness.independent import FILES, write_set
from raybench.harness.independent.holdout import HOLDOUT
from raybench.harness.independent.holdout2 import HOLDOUT2
from raybench.harness.independent.holdout3 import HOLDOUT3
from raybench.harness.independent.holdout4 import HOLDOUT4
from raybench.harness.independent.holdout5 import HOLDOUT5, OVERPUNCH_POSITIVE
from raybench.harness.independent.score import FIELDS, truth_epoch_us

from heldout_helpers import assert_written_deterministically, options, read_text, starts

CHICAGO = ZoneInfo("America/Chicago")
UTC = timezone.utc


@pytest.fixture(scope="module")
def held(tmp_path_factory):
    out = tmp_path_factory.mktemp("holdout5")
    docs = {d["file"]: d for d in write_set(str(out), seed=0, group="holdout5")}
    return out, docs


def _local(text: str, fmt: str, zone=CHICAGO) -> datetime:
    return datetime.strptime(text, fmt).replace(tzinfo=zone).astimezone(UTC)


def _rows(out, name: str, encoding: str = "utf-8", delim: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(read_text(out, name, encoding), newline=""), delimiter=delim))


def _truth(docs, name):
    return docs[name]["truth"]


def _secs(hms: str) -> int:
    h, m, s = (int(x) for x in hms.split(":"))
    return 3600 * h + 60 * m + s


def _accepted_us(t: dict) -> set[int]:
    return {truth_epoch_us(s) for s in options(t["fields"]["start_utc"])}


def _us(t: datetime) -> int:
    return int(t.timestamp()) * 1_000_000 + t.microsecond


def test_the_group_is_apart_from_the_others(held):
    out, docs = held
    assert 14 <= len(HOLDOUT5) <= 16
    names = [s.name for s in HOLDOUT5]
    assert all(re.fullmatch(r"hold5_\d\d_[a-z0-9_]+\.[a-z]+", n) for n in names)
    assert [int(n[6:8]) for n in names] == list(range(1, len(names) + 1))
    earlier = {s.name for group in (FILES, HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4) for s in group}
    assert not set(names) & earlier and list(docs) == names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["group"] == "holdout5" and [f["file"] for f in manifest["files"]] == names
    assert len({s.family for s in HOLDOUT5}) >= 12
    assert not any(s.write.__module__.startswith(("raybench.generate", "raybench.classify")) for s in HOLDOUT5)


def test_written_deterministically(tmp_path, held):
    out, _ = held
    assert_written_deterministically(tmp_path, out, "holdout5", HOLDOUT5, "hold5_11_mainframe.dat")
    write_set(str(tmp_path / "x1"), seed=1, group="holdout5", only=["hold5_12_pbx_report.xlsx"])
    assert (tmp_path / "x1" / "hold5_12_pbx_report.xlsx").read_bytes() != (
        out / "hold5_12_pbx_report.xlsx").read_bytes()


def test_truth_documents_are_well_formed(held):
    _, docs = held
    for d in docs.values():
        truth = d["truth"]
        assert 20 <= d["records"] == len(truth) <= 80, d["file"]
        assert [t["source_row"] for t in truth] == list(range(1, d["records"] + 1))
        keys = [k for t in truth for k in options(t["start_key"])]
        assert None not in keys and len(set(keys)) == len(keys), d["file"]
        for t in truth:
            assert set(t["fields"]) == set(FIELDS) and t["expect"] == "store" and t["why"] is None
            for s in starts(t):
                assert s.year == 2024, (d["file"], s)
            for f in ("record_type", "direction", "duration_s"):
                assert options(t["fields"][f]) != [None], (d["file"], f)
        assert d["expected_quarantined"] == 0 and d["expected_status"] == "ok", d["file"]


def test_kamailio_mysql_batch_output(held):
    out, docs = held
    rows = _rows(out, "hold5_01_kamailio_acc.tsv", delim="\t")
    assert rows[0][:4] == ["id", "start_time", "end_time", "duration"] and {len(r) for r in rows} == {12}
    assert any("NULL" in r for r in rows[1:]) and '"' not in read_text(out, "hold5_01_kamailio_acc.tsv")
    for r, t in zip(rows[1:], _truth(docs, "hold5_01_kamailio_acc.tsv"), strict=True):
        assert _us(_local(r[1], "%Y-%m-%d %H:%M:%S")) in _accepted_us(t)
        assert re.fullmatch(r"\d+\.\d{3}", r[3])
        assert math.floor(float(r[3])) in options(t["fields"]["duration_s"])
        assert r[5] in options(t["fields"]["caller"]) and r[8] in options(t["fields"]["callee"])
        end = datetime.strptime(r[2], "%Y-%m-%d %H:%M:%S") - datetime.strptime(r[1], "%Y-%m-%d %H:%M:%S")
        assert end.total_seconds() == math.floor(float(r[3]))


def test_opensips_outfile_no_header_and_null(held):
    out, docs = held
    text = read_text(out, "hold5_02_opensips_acc.txt")
    assert text[0].isdigit()  # no header
    rows = _rows(out, "hold5_02_opensips_acc.txt")
    assert {len(r) for r in rows} == {15} and {r[1] for r in rows} == {"INVITE"}
    assert re.search(r',"OK",\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+,', text)  # DATETIME and numbers unquoted
    nulls = 0
    for r, t in zip(rows, _truth(docs, "hold5_02_opensips_acc.txt"), strict=True):
        created, answered = (datetime.strptime(v, "%Y-%m-%d %H:%M:%S") for v in (r[11], r[7]))
        assert (answered - created).total_seconds() == int(r[10])
        assert _us(created.replace(tzinfo=CHICAGO).astimezone(UTC)) in _accepted_us(t)
        assert t["start_key"] == r[11]
        assert int(r[9]) // 1000 in options(t["fields"]["duration_s"]) and int(r[8]) == round(int(r[9]) / 1000)
        assert r[12] in options(t["fields"]["caller"]) and r[13] in options(t["fields"]["callee"])
        if r[14] == "\\N":
            nulls += 1
            assert t["fields"]["direction"][0] == "internal"
    assert nulls >= 1


def test_freeswitch_json_flattened(held):
    out, docs = held
    rows = _rows(out, "hold5_03_fs_json_flat.csv")
    head = rows[0]
    assert "variables.start_uepoch" in head and "callflow.caller_profile.destination_number" in head
    col = {h: k for k, h in enumerate(head)}
    unanswered = 0
    for r, t in zip(rows[1:], _truth(docs, "hold5_03_fs_json_flat.csv"), strict=True):
        stamp = r[col["variables.start_stamp"]]
        assert "%20" in stamp and "%3A" in stamp
        assert t["start_key"] == [stamp, r[col["variables.start_uepoch"]]]
        uepoch = int(r[col["variables.start_uepoch"]])
        assert uepoch in _accepted_us(t) and uepoch // 1_000_000 * 1_000_000 in _accepted_us(t)
        local = _local(unquote(stamp), "%Y-%m-%d %H:%M:%S")
        assert int(local.timestamp()) == uepoch // 1_000_000
        billmsec = int(r[col["variables.billmsec"]])
        assert billmsec // 1000 in options(t["fields"]["duration_s"])
        if r[col["variables.answer_uepoch"]] == "0":
            unanswered += 1
            assert r[col["variables.answer_stamp"]] == "" and billmsec == 0
        assert r[col["callflow.caller_profile.caller_id_number"]] in options(t["fields"]["caller"])
        assert r[col["callflow.caller_profile.destination_number"]] in options(t["fields"]["callee"])
    assert unanswered >= 1 and {r[col["channel_data.direction"]] for r in rows[1:]} == {"inbound"}


def test_teams_seven_fraction_digits(held):
    out, docs = held
    assert (out / "hold5_04_teams_pstn.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _rows(out, "hold5_04_teams_pstn.csv", "utf-8-sig")
    assert rows[0][14] == "Start time" and {len(r) for r in rows} == {21}
    kinds = set()
    for r, t in zip(rows[1:], _truth(docs, "hold5_04_teams_pstn.csv"), strict=True):
        m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{7})Z", r[14])
        assert m, r[14]
        base = datetime.fromisoformat(m[1]).replace(tzinfo=UTC)
        assert _us(base) in _accepted_us(t) and _us(base) + int(m[2]) // 10 in _accepted_us(t)
        assert int(r[16]) == t["fields"]["duration_s"]
        assert r[8] in options(t["fields"]["caller"]) and r[13] in options(t["fields"]["callee"])
        kinds.add(r[9])
        if r[9] == "user_in":
            assert "incoming" in options(t["fields"]["direction"])
    assert {"user_in", "user_out"} <= kinds


def test_zoom_offsets_give_the_instant(held):
    out, docs = held
    rows = _rows(out, "hold5_05_zoom_phone.csv")
    assert rows[0][0] == "Date & Time"
    for r, t in zip(rows[1:], _truth(docs, "hold5_05_zoom_phone.csv"), strict=True):
        assert r[0].endswith("-07:00")
        assert starts(t) == [datetime.fromisoformat(r[0]).astimezone(UTC)]
        assert _secs(r[9]) == t["fields"]["duration_s"]
        assert r[2] in options(t["fields"]["caller"]) and r[5] in options(t["fields"]["callee"])


def test_ringcentral_weekday_dates(held):
    out, docs = held
    rows = _rows(out, "hold5_06_ringcentral.csv")
    assert rows[0][7:9] == ["Date", "Time"]
    faxes = 0
    for r, t in zip(rows[1:], _truth(docs, "hold5_06_ringcentral.csv"), strict=True):
        day, date = r[7].split(" ")
        assert datetime.strptime(date, "%m/%d/%Y").strftime("%a") == day
        assert re.fullmatch(r"\d{1,2}:\d\d [AP]M", r[8])
        assert _us(_local(f"{date} {r[8]}", "%m/%d/%Y %I:%M %p")) in _accepted_us(t)
        assert _secs(r[12]) == t["fields"]["duration_s"]
        assert "+1" + re.sub(r"\D", "", r[2]) in options(t["fields"]["caller"])
        faxes += r[0] == "Fax"
    assert faxes >= 1


def test_uk_bill_sections(held):
    out, docs = held
    rows = _rows(out, "hold5_07_uk_bill.csv", "utf-8-sig")
    headers = [k for k, r in enumerate(rows) if r[0] == "Date"]
    assert len(headers) >= 2 and all(rows[k - 1][0] in ("UK calls", "Calls to mobiles", "International calls")
                                     for k in headers)
    recs, sections = [], []
    for k in headers:
        body = []
        for r in rows[k + 1:]:
            if r[0] == "Sub-total":
                assert int(r[3].split()[0]) == len(body) and _secs(r[4]) == sum(_secs(b[4]) for b in body)
                break
            body.append(r)
        sections.append(body)
        recs += body
    truth = _truth(docs, "hold5_07_uk_bill.csv")
    assert len(recs) == len(truth)
    for r, t in zip(recs, truth, strict=True):
        assert _us(_local(f"{r[0]} {r[1]}", "%d/%m/%Y %H:%M:%S", ZoneInfo("Europe/London"))) in _accepted_us(t)
        assert _secs(r[4]) == t["fields"]["duration_s"] and r[2] in options(t["fields"]["callee"])
        national = re.sub(r"\D", "", r[2])
        if national.startswith("001"):
            assert "+1" + national[3:] in options(t["fields"]["callee"])
        else:
            assert "+44" + national[1:] in options(t["fields"]["callee"])


def test_verizon_gmt_and_cell_face(held):
    out, docs = held
    rows = _rows(out, "hold5_08_vzw_cdr.csv")
    assert rows[0][4] == "Seizure Dt Tm (GMT)" and rows[0][7] == "First Serving Cell Face"
    for r, t in zip(rows[1:], _truth(docs, "hold5_08_vzw_cdr.csv"), strict=True):
        assert starts(t) == [datetime.strptime(r[4], "%m/%d/%Y %H:%M:%S").replace(tzinfo=UTC)]
        assert int(r[12]) == t["fields"]["duration_s"] and (r[6] or None) == t["fields"]["cell_id"]
        assert r[7] in ("", "1", "2", "3") and (r[6] == "") == (r[7] == "")
        assert "+1" + r[10] in options(t["fields"]["caller"]) and "+1" + r[11] in options(t["fields"]["callee"])


def test_tmobile_banner_cell_and_location(held):
    out, docs = held
    rows = _rows(out, "hold5_09_tmo_location.csv")
    assert len(rows[0]) == 1 and rows[0][0].count("\n") == 2 and "UTC" in rows[0][0] and rows[1] == []
    head = rows[2]
    assert head[2:4] == ["Start Date (UTC)", "Start Time (UTC)"] and {len(r) for r in rows[2:]} == {24}
    for r, t in zip(rows[3:], _truth(docs, "hold5_09_tmo_location.csv"), strict=True):
        start = datetime.strptime(f"{r[2]} {r[3]}", "%m/%d/%Y %H:%M:%S").replace(tzinfo=UTC)
        end = datetime.strptime(f"{r[4]} {r[5]}", "%m/%d/%Y %H:%M:%S").replace(tzinfo=UTC)
        assert starts(t) == [start] and (end - start).total_seconds() == int(r[6])
        assert (r[13] or None) == t["fields"]["cell_id"] and (r[12] or None) == t["fields"]["lac"]
        assert r[10] == t["fields"]["imsi"] and r[11] == t["fields"]["imei"]
        assert "," in r[17] or r[17] == ""
        if r[0].endswith("SMSinMSC"):
            assert t["fields"]["record_type"] == "sms" and r[6] == "0"


def test_panasonic_smdr_pages(held):
    out, docs = held
    lines = read_text(out, "hold5_10_panasonic_smdr.txt").split("\r\n")[:-1]
    truth = _truth(docs, "hold5_10_panasonic_smdr.txt")
    assert sum(x.startswith("\f") for x in lines) == math.ceil(len(truth) / 20)
    recs = [x for x in lines if re.match(r"\d\d/\d\d/\d\d ", x)]
    for x, t in zip(recs, truth, strict=True):
        m = re.match(r"(\d\d/\d\d/\d\d \d\d:\d\d[AP]M) +(\d+) +(\d\d) +(\S+) +(?:(\d+'\d\d) +)?(\d\d:\d\d:\d\d)", x)
        assert m, x
        assert _us(_local(m[1], "%m/%d/%y %I:%M%p")) in _accepted_us(t)
        assert _secs(m[6]) == t["fields"]["duration_s"]
        if m[4].startswith("<I>"):
            assert m[5] and "+1" + m[4][3:] in options(t["fields"]["caller"]) and t["fields"]["callee"] == m[2]
        else:
            assert t["fields"]["caller"] == m[2] and m[4] in options(t["fields"]["callee"])


def _zoned(text: str) -> int:
    sign = -1 if text[-1] in "}JKLMNOPQR" else 1
    last = OVERPUNCH_POSITIVE.index(text[-1]) if sign == 1 else "}JKLMNOPQR".index(text[-1])
    return sign * int(text[:-1] + str(last))


def test_mainframe_extract_records(held):
    out, docs = held
    lines = read_text(out, "hold5_11_mainframe.dat").split("\r\n")[:-1]
    assert {len(x) for x in lines} == {100} and lines[0].startswith("HDR") and lines[-1].startswith("TRL")
    detail = lines[1:-1]
    truth = _truth(docs, "hold5_11_mainframe.dat")
    assert int(lines[-1][3:13]) == len(detail) == len(truth)
    assert _zoned(lines[-1][13:26]) == sum(_zoned(x[55:64]) for x in detail)
    for x, t in zip(detail, truth, strict=True):
        assert x[:3] == "DTL" and x[54] in "OI"
        assert _us(_local(x[3:16], "%Y%j%H%M%S")) in _accepted_us(t)
        h, m, s = int(x[16:18]), int(x[18:20]), int(x[20:22])
        assert 3600 * h + 60 * m + s == t["fields"]["duration_s"]
        assert x[22:37] in options(t["fields"]["caller"]) and x[37:52] in options(t["fields"]["callee"])


def test_pbx_workbook_two_header_rows(held):
    fastexcel = pytest.importorskip("fastexcel")
    out, docs = held
    book = fastexcel.read_excel(str(out / "hold5_12_pbx_report.xlsx"))
    assert book.sheet_names == ["Call Log"]
    top = book.load_sheet("Call Log", header_row=None, dtypes="string", n_rows=4).to_arrow().to_pylist()
    assert top[0]["__UNNAMED__0"].startswith("Call Log Report") and top[2]["__UNNAMED__2"] == "From"
    truth = _truth(docs, "hold5_12_pbx_report.xlsx")
    rows = book.load_sheet("Call Log", header_row=3, n_rows=len(truth)).to_arrow().to_pylist()
    assert len(rows) == len(truth)
    for r, t in zip(rows, truth, strict=True):
        assert isinstance(r["Date/Time"], datetime) and isinstance(r["Talk"], timedelta)
        assert _us(r["Date/Time"].replace(tzinfo=CHICAGO).astimezone(UTC)) in _accepted_us(t)
        assert int(r["Talk"].total_seconds()) in options(t["fields"]["duration_s"])
        assert r["Number"] in options(t["fields"]["caller"]) or "+1" + re.sub(r"\D", "", r["Number"]) == \
            t["fields"]["caller"]
    last = book.load_sheet("Call Log", header_row=None, dtypes="string").to_arrow().to_pylist()[-1]
    assert last["__UNNAMED__0"] == "Total"


def test_fusionpbx_twelve_then_twenty_four_hours(held):
    out, docs = held
    rows = _rows(out, "hold5_13_fusionpbx_mixed.csv")
    truth = _truth(docs, "hold5_13_fusionpbx_mixed.csv")
    clocks = []
    for r, t in zip(rows[1:], truth, strict=True):
        twelve = re.fullmatch(r"\d{1,2}:\d\d:\d\d [ap]m", r[6]) is not None
        clocks.append(twelve)
        fmt = "%d %b %Y %I:%M:%S %p" if twelve else "%d %b %Y %H:%M:%S"
        assert _us(_local(f"{r[5]} {r[6]}", fmt)) in _accepted_us(t)
        assert _secs(r[8]) in options(t["fields"]["duration_s"])
        assert r[3] in options(t["fields"]["caller"]) and r[4] in options(t["fields"]["callee"])
    cut = clocks.index(False)
    assert cut > 5 and all(clocks[:cut]) and not any(clocks[cut:])
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d", r[6]) for r in rows[1 + cut:])


def test_audiocodes_both_legs(held):
    out, docs = held
    lines = read_text(out, "hold5_14_audiocodes_sbc.txt").split("\n")[:-1]
    assert len({len(x) for x in lines}) == 1
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    col = {h: k for k, h in enumerate(head)}
    sessions: dict[str, list] = {}
    for x, t in zip(lines[1:], _truth(docs, "hold5_14_audiocodes_sbc.txt"), strict=True):
        v = [c.strip() for c in x.strip("|").split("|")]
        setup = datetime.strptime(v[col["SetupTime"]], "%H:%M:%S.%f  UTC %a %b %d %Y").replace(tzinfo=UTC)
        assert _us(setup) in _accepted_us(t) and _us(setup.replace(microsecond=0)) in _accepted_us(t)
        assert int(v[col["Durat"]]) == t["fields"]["duration_s"]
        assert v[col["SrcURI"]] in options(t["fields"]["caller"]) and v[col["DstURI"]] in options(t["fields"]["callee"])
        assert (v[col["ConnectTime"]] == "") == (v[col["Durat"]] == "0")
        sessions.setdefault(v[col["SessionId"]], []).append(v)
    pairs = [legs for legs in sessions.values() if len(legs) == 2]
    assert len(pairs) >= len(sessions) - 1
    for a, b in pairs:
        assert a[col["Durat"]] == b[col["Durat"]] and a[col["SrcURI"]] == b[col["SrcURIBeforeMap"]]


def test_webex_originating_and_terminating(held):
    out, docs = held
    rows = _rows(out, "hold5_15_webex_calls.csv")
    col = {h: k for k, h in enumerate(rows[0])}
    enterprise = []
    for r, t in zip(rows[1:], _truth(docs, "hold5_15_webex_calls.csv"), strict=True):
        start = datetime.strptime(r[col["Start time"]], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        assert _us(start) in _accepted_us(t)
        assert int(r[col["Duration"]]) == t["fields"]["duration_s"]
        assert (r[col["Answer time"]] == "") == (r[col["Answered"]] == "false")
        assert r[col["Calling number"]] in options(t["fields"]["caller"])
        assert r[col["Called number"]] in options(t["fields"]["callee"])
        if r[col["Call type"]] == "SIP_ENTERPRISE":
            enterprise.append(r)
    assert {r[col["Direction"]] for r in rows[1:]} == {"ORIGINATING", "TERMINATING"}
    pairs = [(a, b) for a, b in zip(enterprise, enterprise[1:]) if a[col["Direction"]] == "ORIGINATING"
             and b[col["Direction"]] == "TERMINATING" and a[col["Calling number"]] == b[col["Calling number"]]]
    assert pairs
