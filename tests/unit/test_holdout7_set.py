"""The seventh held-out group of the independent set: written deterministically, its records counted and its
values read back by hand from the written bytes (csv, json, zipfile, fastexcel, string slicing; never
raybench's readers, never its score on the group), so that the truth says what the files hold."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import fastexcel
import pytest
from heldout_helpers import assert_written_deterministically, options, read_text, starts

from raybench.cli import INDEPENDENT_GROUPS
from raybench.harness.independent import FILES, write_set
from raybench.harness.independent.holdout import HOLDOUT
from raybench.harness.independent.holdout2 import HOLDOUT2
from raybench.harness.independent.holdout3 import HOLDOUT3
from raybench.harness.independent.holdout4 import HOLDOUT4
from raybench.harness.independent.holdout5 import HOLDOUT5
from raybench.harness.independent.holdout6 import HOLDOUT6
from raybench.harness.independent.holdout7 import HOLDOUT7
from raybench.harness.independent.score import FIELDS, truth_epoch_us

CHICAGO = ZoneInfo("America/Chicago")
UK_KINDS = ("Outgoing Call", "Incoming Call", "Diverted Call", "Outgoing SMS", "Incoming SMS")


@pytest.fixture(scope="module")
def held(tmp_path_factory):
    out = tmp_path_factory.mktemp("holdout7")
    docs = {d["file"]: d for d in write_set(str(out), seed=0, group="holdout7")}
    return out, docs


def _rows(out, name, encoding="utf-8", delim=","):
    return list(csv.reader(io.StringIO(read_text(out, name, encoding), newline=""), delimiter=delim))


def _us(t: datetime) -> int:
    return int(t.timestamp()) * 1_000_000 + t.microsecond


def _accepted(t: dict) -> set[int]:
    return {truth_epoch_us(s) for s in options(t["fields"]["start_utc"])}


def _local(text: str, fmt: str, zone: str | ZoneInfo) -> datetime:
    z = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    return datetime.strptime(text, fmt).replace(tzinfo=z)


def _xlsx_rows(out, name: str) -> list[list]:
    """The data rows of the ``Call Detail`` sheet (fastexcel gives the mixed column as text: a date-time cell
    reads ``2024-07-14 22:29:43``), the start parsed."""
    sheet = fastexcel.read_excel(str(out / name)).load_sheet("Call Detail", header_row=None).to_polars()
    return [[datetime.fromisoformat(r[0]), *r[1:]] for r in sheet.rows()
            if r[0] and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r[0])]


def _radius_blocks(out, name: str) -> list[dict[str, str]]:
    blocks = []
    for block in read_text(out, name).strip("\n").split("\n\n"):
        lines = block.split("\n")
        attrs = dict(ln.strip().split(" = ", 1) for ln in lines[1:])
        blocks.append({k: v.strip('"') for k, v in attrs.items()})
    return blocks


# --- records and readable records per file, counted from the bytes -------------------------------------

def _count(out, name: str) -> tuple[int, int]:
    """(records, readable records) of one written file, from its bytes alone."""
    if name.endswith(".xlsx"):
        n = len(_xlsx_rows(out, name))
        return n, n
    if name.endswith(".jsonl"):
        objs = [json.loads(ln) for ln in read_text(out, name).splitlines()]
        return len(objs), sum(1 for o in objs if o["InitiationTimestamp"])
    if name == "hold7_04_grandstream_ucm.csv":
        rows = [[f.lstrip("\x00") for f in r] for r in _rows(out, name)[1:]]
        return len(rows), sum(1 for r in rows if len(r) == 27)
    if name == "hold7_05_lync_sqlcmd.txt":
        lines = read_text(out, name).split("\r\n")[2:]
        recs = lines[: lines.index("")]
        return len(recs), sum(1 for r in recs if len(r.split("|")) == 9)
    if name in ("hold7_06_fi_erittely.csv", "hold7_07_jp_meisai.csv", "hold7_14_fr_detail.csv"):
        enc, delim, pattern = {"hold7_06_fi_erittely.csv": ("iso8859_15", ";", r"\d{1,2}\.\d{1,2}\.\d{4}"),
                               "hold7_07_jp_meisai.csv": ("shift_jis", ",", r"\d{4}/\d\d/\d\d"),
                               "hold7_14_fr_detail.csv": ("utf-8", ";", r"\d\d/\d\d/\d{4}")}[name]
        rows = [r for r in _rows(out, name, enc, delim) if r and re.fullmatch(pattern, r[0])]
        return len(rows), len(rows)
    if name == "hold7_10_uk_disclosure.csv":
        rows = [r for r in _rows(out, name, "utf-8-sig") if r and r[0] in UK_KINDS]
        return len(rows), len(rows)
    if name == "hold7_11_nextiva_history.csv":
        rows = [r for r in _rows(out, name)[2:] if r[0] != "Total"]
        return len(rows), len(rows)
    if name == "hold7_12_portal_usage.xls":
        rows = [ln for ln in read_text(out, name).split("\r\n") if ln.startswith("<tr><td>")]
        return len(rows), len(rows)
    if name == "hold7_13_radius_detail.log":
        n = len(_radius_blocks(out, name))
        return n, n
    if name == "hold7_15_dk_unicode.txt":
        rows = _rows(out, name, "utf-16", "\t")[1:]
        return len(rows), len(rows)
    rows = _rows(out, name)
    rows = rows if name == "hold7_09_cube_accounting.csv" else rows[1:]
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
    assert damaged == {"hold7_04_grandstream_ucm.csv": 4}
    assert [n for n, d in docs.items() if d["expected_status"] == "suspect"] == ["hold7_04_grandstream_ucm.csv"]
    assert 700 <= sum(d["records"] for d in docs.values()) <= 800


def test_the_group_is_apart_from_the_others(held):
    out, docs = held
    names = [s.name for s in HOLDOUT7]
    assert all(re.fullmatch(r"hold7_\d\d_[a-z0-9_]+\.[a-z]+", n) for n in names)
    assert [int(n[6:8]) for n in names] == list(range(1, 16))
    earlier = {s.name for group in (FILES, HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4, HOLDOUT5, HOLDOUT6) for s in group}
    assert not set(names) & earlier and list(docs) == names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["group"] == "holdout7" and [f["file"] for f in manifest["files"]] == names
    assert not any(s.write.__module__.startswith(("raybench.generate", "raybench.classify")) for s in HOLDOUT7)
    assert "holdout7" in INDEPENDENT_GROUPS


def test_written_deterministically(tmp_path, held):
    out, _ = held
    assert_written_deterministically(tmp_path, out, "holdout7", HOLDOUT7, "hold7_09_cube_accounting.csv")


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

def test_dialpad_float_minutes_and_utc_microseconds(held):
    out, docs = held
    rows = _rows(out, "hold7_01_dialpad_calls.csv")
    assert rows[0][0] == "date_started (UTC)"
    for r, t in zip(rows[1:], docs["hold7_01_dialpad_calls.csv"]["truth"]):
        start = datetime.strptime(r[0], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
        assert _us(start) in _accepted(t)
        assert round(float(r[9]) * 60) in options(t["fields"]["duration_s"])
        assert (r[4] == t["fields"]["caller"]) == (r[3] == "inbound")


def test_connect_ctr_lines_are_json_and_duration_is_disconnect_minus_start(held):
    out, docs = held
    lines = read_text(out, "hold7_02_connect_ctr.jsonl").splitlines()
    for ln, t in zip(lines, docs["hold7_02_connect_ctr.jsonl"]["truth"]):
        o = json.loads(ln)
        start = datetime.fromisoformat(o["InitiationTimestamp"])
        end = datetime.fromisoformat(o["DisconnectTimestamp"])
        assert _accepted(t) == {_us(start)}
        assert int((end - start).total_seconds()) in options(t["fields"]["duration_s"])
        customer = o["CustomerEndpoint"]["Address"]
        assert t["fields"]["caller" if o["InitiationMethod"] == "INBOUND" else "callee"] == customer


def test_yeastar_uid_is_the_unix_start_of_the_day_first_local_stamp(held):
    out, docs = held
    rows = _rows(out, "hold7_03_yeastar_cdr.csv")
    for r, t in zip(rows[1:], docs["hold7_03_yeastar_cdr.csv"]["truth"]):
        local = _local(r[0], "%d/%m/%Y %I:%M:%S %p", CHICAGO)
        assert int(r[10].split(".")[0]) == int(local.timestamp())
        assert _accepted(t) == {_us(local)}
        assert int(r[5]) in options(t["fields"]["duration_s"]) and int(r[3]) in options(t["fields"]["duration_s"])
    assert any(r[0].startswith(("13/", "14/", "15/", "16/")) for r in rows[1:2])  # the day first is provable


def test_grandstream_quoted_uniqueid_and_damage(held):
    out, docs = held
    raw = read_text(out, "hold7_04_grandstream_ucm.csv")
    assert raw.splitlines()[1].startswith('"1",""') and raw.count("\x00") >= 8
    rows = [[f.lstrip("\x00") for f in r] for r in _rows(out, "hold7_04_grandstream_ucm.csv")[1:]]
    for r, t in zip(rows, docs["hold7_04_grandstream_ucm.csv"]["truth"]):
        assert (len(r) == 27) == (t["expect"] == "store")
        if len(r) == 27:
            local = _local(r[10], "%Y-%m-%d %H:%M:%S", CHICAGO)
            assert int(r[17].split(".")[0]) == int(local.timestamp())
            assert _accepted(t) == {_us(local)} and int(r[14]) in options(t["fields"]["duration_s"])


def test_lync_sqlcmd_rows_affected_and_fractions(held):
    out, docs = held
    lines = read_text(out, "hold7_05_lync_sqlcmd.txt").split("\r\n")
    assert set(lines[1].replace("|", "")) == {"-"} and lines[1].count("|") == lines[0].count("|")
    truth = docs["hold7_05_lync_sqlcmd.txt"]["truth"]
    assert f"({len(truth)} rows affected)" in lines
    for ln, t in zip(lines[2:], truth):
        f = ln.split("|")
        start = datetime.strptime(f[0], "%Y-%m-%d %H:%M:%S.%f")
        assert _us(start.replace(tzinfo=UTC)) in _accepted(t)
        assert _us(start.replace(tzinfo=CHICAGO)) in _accepted(t)
        if f[1] != "NULL":
            talk = (datetime.strptime(f[2], "%Y-%m-%d %H:%M:%S.%f")
                    - datetime.strptime(f[1], "%Y-%m-%d %H:%M:%S.%f")).total_seconds()
            assert round(talk) in options(t["fields"]["duration_s"])
        if f[5] == "NULL":
            assert t["fields"]["caller"] == f[3]


def test_finnish_latin9_dots_and_unpadded_dates(held):
    out, docs = held
    data = (out / "hold7_06_fi_erittely.csv").read_bytes()
    assert b"Hinta (\xa4)" in data and b"Liittym\xe4" in data  # ISO-8859-15: the euro is A4
    rows = [r for r in _rows(out, "hold7_06_fi_erittely.csv", "iso8859_15", ";")
            if r and re.fullmatch(r"\d+\.\d+\.\d{4}", r[0])]
    assert any(not r[0].startswith("0") and len(r[0].split(".")[1]) == 1 for r in rows)
    for r, t in zip(rows, docs["hold7_06_fi_erittely.csv"]["truth"]):
        local = _local(f"{r[0]} {r[1]}", "%d.%m.%Y %H.%M.%S", "Europe/Helsinki")
        assert _us(local) in _accepted(t)
        if r[4]:
            h, m, s = (int(x) for x in r[4].split(":"))
            assert t["fields"]["duration_s"] == 3600 * h + 60 * m + s
        assert t["fields"]["record_type"] == {"Puhelu": "voice", "Tekstiviesti": "sms", "Multimediaviesti": "mms"}[r[3]]


def test_japanese_shift_jis_minutes_and_seconds(held):
    out, docs = held
    rows = [r for r in _rows(out, "hold7_07_jp_meisai.csv", "shift_jis") if re.fullmatch(r"\d{4}/\d\d/\d\d", r[0])]
    assert any("時間" in r[4] for r in rows)
    for r, t in zip(rows, docs["hold7_07_jp_meisai.csv"]["truth"]):
        assert _us(_local(f"{r[0]} {r[1]}", "%Y/%m/%d %H:%M:%S", "Asia/Tokyo")) in _accepted(t)
        m = re.fullmatch(r"(?:(\d+)時間)?(\d+)分(\d+)秒", r[4])
        if m:
            assert t["fields"]["duration_s"] == 3600 * int(m[1] or 0) + 60 * int(m[2]) + int(m[3])
        else:
            assert r[4] == "-" and t["fields"]["record_type"] == "sms"


def test_workbook_hides_its_first_sheet_and_states_eastern_time(held):
    out, docs = held
    name = "hold7_08_analytics_hidden.xlsx"
    with zipfile.ZipFile(out / name) as z:
        book = z.read("xl/workbook.xml").decode()
        sheet2 = z.read("xl/worksheets/sheet2.xml").decode()
    assert re.search(r'<sheet name="Codes" sheetId="1" state="hidden"', book)
    assert '<mergeCell ref="A1:I1"/>' in sheet2
    rows = _xlsx_rows(out, name)
    for r, t in zip(rows, docs[name]["truth"]):
        assert _accepted(t) == {_us(r[0].replace(tzinfo=ZoneInfo("America/New_York")))}
        assert int(r[6]) in options(t["fields"]["duration_s"])


def test_cube_stamps_and_durations(held):
    out, docs = held
    for r, t in zip(_rows(out, "hold7_09_cube_accounting.csv"), docs["hold7_09_cube_accounting.csv"]["truth"]):
        setup = datetime.strptime(r[7].lstrip("*."), "%H:%M:%S.%f UTC %a %b %d %Y").replace(tzinfo=UTC)
        end = datetime.strptime(r[10].lstrip("*."), "%H:%M:%S.%f UTC %a %b %d %Y").replace(tzinfo=UTC)
        assert _us(setup) in _accepted(t) and int(r[0]) == int(end.timestamp())
        if r[9]:
            conn = datetime.strptime(r[9].lstrip("*."), "%H:%M:%S.%f UTC %a %b %d %Y").replace(tzinfo=UTC)
            assert round((end - conn).total_seconds()) in options(t["fields"]["duration_s"])


def test_uk_offsets_cgi_and_signature_block(held):
    out, docs = held
    raw = (out / "hold7_10_uk_disclosure.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\nSignature:," in raw
    rows = [r for r in _rows(out, "hold7_10_uk_disclosure.csv", "utf-8-sig") if r and r[0] in UK_KINDS]
    for r, t in zip(rows, docs["hold7_10_uk_disclosure.csv"]["truth"]):
        assert _accepted(t) == {_us(datetime.strptime(r[3], "%Y-%m-%dT%H:%M:%S%z"))}
        mcc, mnc, lac, ci = r[7].split("-")
        assert (mcc, mnc) == ("234", "15") and ci in options(t["fields"]["cell_id"]) and lac in options(t["fields"]["lac"])
        assert t["fields"]["imsi"] == r[5] and t["fields"]["imei"] == r[6]


def test_nextiva_quoted_thousands(held):
    out, docs = held
    raw = read_text(out, "hold7_11_nextiva_history.csv")
    assert raw.startswith("sep=,\r\n") and re.search(r',"\d,\d{3}",', raw)
    rows = [r for r in _rows(out, "hold7_11_nextiva_history.csv")[2:] if r[0] != "Total"]
    for r, t in zip(rows, docs["hold7_11_nextiva_history.csv"]["truth"]):
        assert t["fields"]["duration_s"] == int(r[5].replace(",", ""))
        assert _us(_local(f"{r[0]} {r[1]}", "%m-%d-%Y %H:%M:%S", CHICAGO)) in _accepted(t)


def test_html_xls_minutes(held):
    out, docs = held
    raw = read_text(out, "hold7_12_portal_usage.xls")
    assert raw.startswith("<html") and "&amp;" in raw
    rows = [re.findall(r"<td>(.*?)</td>", ln) for ln in raw.split("\r\n") if ln.startswith("<tr><td>")]
    for r, t in zip(rows, docs["hold7_12_portal_usage.xls"]["truth"]):
        assert _us(_local(f"{r[0]} {r[1]}", "%m/%d/%Y %I:%M %p", CHICAGO)) in _accepted(t)
        assert options(t["fields"]["duration_s"])[0] == (int(r[5]) * 60 if r[5] else None)


def test_radius_blocks(held):
    out, docs = held
    for b, t in zip(_radius_blocks(out, "hold7_13_radius_detail.log"), docs["hold7_13_radius_detail.log"]["truth"]):
        assert b["Acct-Status-Type"] == "Stop" and t["fields"]["duration_s"] == int(b["Acct-Session-Time"])
        setup = b["h323-setup-time"].removeprefix("h323-setup-time=")
        assert _us(datetime.strptime(setup, "%H:%M:%S.%f UTC %a %b %d %Y").replace(tzinfo=UTC)) in _accepted(t)


def test_french_hours_h_minutes(held):
    out, docs = held
    rows = [r for r in _rows(out, "hold7_14_fr_detail.csv", delim=";") if r and re.fullmatch(r"\d\d/\d\d/\d{4}", r[0])]
    assert {"data", "sms", "voice"} <= {t["fields"]["record_type"] for t in docs["hold7_14_fr_detail.csv"]["truth"]}
    for r, t in zip(rows, docs["hold7_14_fr_detail.csv"]["truth"]):
        assert _us(_local(f"{r[0]} {r[1]}", "%d/%m/%Y %Hh%M", "Europe/Paris")) in _accepted(t)
        if t["fields"]["record_type"] == "data":
            assert r[2] == "" and r[4].endswith(" Mo") and t["fields"]["callee"] is None


def test_danish_minutes_past_59(held):
    out, docs = held
    raw = (out / "hold7_15_dk_unicode.txt").read_bytes()
    assert raw.startswith(b"\xff\xfe")
    rows = _rows(out, "hold7_15_dk_unicode.txt", "utf-16", "\t")[1:]
    assert any(r[4] and int(r[4].split(":")[0]) > 59 for r in rows)
    for r, t in zip(rows, docs["hold7_15_dk_unicode.txt"]["truth"]):
        assert _us(_local(f"{r[0]} {r[1]}", "%d-%m-%Y %H:%M:%S", "Europe/Copenhagen")) in _accepted(t)
        if r[4]:
            m, s = r[4].split(":")
            assert t["fields"]["duration_s"] == 60 * int(m) + int(s)
