"""The third held-out group of the independent set: written deterministically, well formed, and what is
written is what the truth says, read back by hand here (never raybench's score on it)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from raybench.harness.independent import FILES, write_set
from raybench.harness.independent.holdout import HOLDOUT
from raybench.harness.independent.holdout2 import HOLDOUT2
from raybench.harness.independent.holdout3 import CUCM_COLS, HOLDOUT3
from raybench.harness.independent.score import FIELDS

from heldout_helpers import assert_written_deterministically, options, read_text, starts, utc

CHICAGO = ZoneInfo("America/Chicago")
DAMAGED = {"hold3_03_spr_tab.txt": 2, "hold3_11_cucm_damaged.csv": 4}
"""Files with records damaged on purpose, and how many."""


@pytest.fixture(scope="module")
def held(tmp_path_factory):
    out = tmp_path_factory.mktemp("holdout3")
    docs = {d["file"]: d for d in write_set(str(out), seed=0, group="holdout3")}
    return out, docs


def _local(text: str, fmt: str) -> datetime:
    return datetime.strptime(text, fmt).replace(tzinfo=CHICAGO).astimezone(timezone.utc)


def _stored(docs, name):
    return [t for t in docs[name]["truth"] if t["expect"] == "store"]


def test_the_group_is_apart_from_the_others(held):
    out, docs = held
    assert 10 <= len(HOLDOUT3) <= 12 and len(FILES) == 26 and len(HOLDOUT) == 12 and len(HOLDOUT2) == 12
    names = [s.name for s in HOLDOUT3]
    assert all(re.fullmatch(r"hold3_\d\d_[a-z0-9_]+\.[a-z]+", n) for n in names)
    assert [int(n[6:8]) for n in names] == list(range(1, len(names) + 1))
    assert not set(names) & ({s.name for s in FILES} | {s.name for s in HOLDOUT} | {s.name for s in HOLDOUT2})
    assert list(docs) == names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["group"] == "holdout3" and [f["file"] for f in manifest["files"]] == names
    assert len({s.family for s in HOLDOUT3}) >= 9
    assert not any(s.write.__module__.startswith(("raybench.generate", "raybench.classify")) for s in HOLDOUT3)


def test_written_deterministically(tmp_path, held):
    out, _ = held
    assert_written_deterministically(tmp_path, out, "holdout3", HOLDOUT3, "hold3_07_2n_gsm.txt")


def test_truth_documents_are_well_formed(held):
    _, docs = held
    for d in docs.values():
        truth = d["truth"]
        assert 40 <= d["records"] == len(truth) <= 60, d["file"]
        assert [t["source_row"] for t in truth] == list(range(1, d["records"] + 1))
        keys = [t["start_key"] for t in truth]
        assert None not in keys and len(set(keys)) == len(keys), d["file"]
        for t in truth:
            assert set(t["fields"]) == set(FIELDS) and t["expect"] in ("store", "quarantine")
            assert (t["why"] is None) == (t["expect"] == "store")
            for s in options(t["fields"]["start_utc"]):
                assert s.endswith("Z") and utc(s).year == 2024, (d["file"], s)
            for f in ("record_type", "direction", "caller", "callee"):
                assert options(t["fields"][f]), (d["file"], f)
        bad = DAMAGED.get(d["file"], 0)
        assert d["expected_quarantined"] == bad
        assert d["expected_status"] == ("suspect" if bad > 0.05 * d["records"] else "ok"), d["file"]
    assert docs["hold3_11_cucm_damaged.csv"]["expected_status"] == "suspect"


def test_att_dialed_digits_on_a_second_line(held):
    out, docs = held
    raw = (out / "hold3_01_att_dialed.csv").read_bytes()
    assert b"(D)\",", raw and re.search(rb'"\d{10}\n\d{7,10}\(D\)"', raw)
    rows = list(csv.reader(io.StringIO(raw.decode(), newline="")))[2:]
    multi = 0
    for r, t in zip(rows, docs["hold3_01_att_dialed.csv"]["truth"], strict=True):
        assert len(r) == 11
        assert starts(t) == [datetime.strptime(f"{r[1]} {r[2]}", "%m/%d/%Y %H:%M:%S").replace(tzinfo=timezone.utc)]
        first = r[5].split("\n")[0]
        multi += "\n" in r[5]
        assert "+1" + first in options(t["fields"]["caller"])
        assert "+1" + r[6] in options(t["fields"]["callee"])
        m, s = (int(x) for x in r[4].split(":"))
        if "Voice" in r[9]:
            assert t["fields"]["duration_s"] == 60 * m + s
        if r[9] == "CFU Voice":
            assert "\n" in r[5] and t["fields"]["direction"] == "forwarded"
    assert multi >= 3


def test_tmobile_utf16_le_with_bom(held):
    out, docs = held
    raw = (out / "hold3_02_tmo_utf16.csv").read_bytes()
    assert raw[:2] == b"\xff\xfe"
    lines = raw.decode("utf-16").split("\r\n")
    assert lines[0].startswith("Type of Call,Date (UTC),Time (UTC)") and lines[-2] == "*** End of Report ***"
    rows = list(csv.reader(lines[1:-3]))
    truth = docs["hold3_02_tmo_utf16.csv"]["truth"]
    assert lines[-3] == f"Total Records: {len(truth)}"
    for r, t in zip(rows, truth, strict=True):
        assert starts(t) == [datetime.strptime(f"{r[1]} {r[2]}", "%Y/%m/%d %H:%M:%S").replace(tzinfo=timezone.utc)]
        m, s = (int(x) for x in r[5].split(":"))
        assert (60 * m + s) in options(t["fields"]["duration_s"])
        for written, want in ((r[3], t["fields"]["caller"]), (r[4], t["fields"]["callee"])):
            digits = re.sub(r"\D", "", written)
            assert want == "+" + (digits if len(digits) == 11 else "1" + digits)


def test_sprint_tab_local_iso_two_cut(held):
    out, docs = held
    lines = read_text(out, "hold3_03_spr_tab.txt").split("\n")[:-1]
    assert lines[0].split("\t")[3] == "Mobile Role"
    truth = docs["hold3_03_spr_tab.txt"]["truth"]
    cut = 0
    for x, t in zip(lines[1:], truth, strict=True):
        r = x.split("\t")
        if t["expect"] == "quarantine":
            cut += 1
            assert len(r) < 11 and t["why"] == "truncated record"
            continue
        assert len(r) == 11 and re.fullmatch(r"\d{3}\.555\.01\d\d", r[0])
        assert starts(t) == [_local(r[4], "%Y-%m-%d %H:%M:%S")]
        assert t["fields"]["duration_s"] == int(r[6])
        assert r[3] in ("Originating", "Terminating", "Routed")
    assert cut == 2


def test_verizon_voice_text_data_and_a_second_header(held):
    out, docs = held
    rows = list(csv.reader(io.StringIO(read_text(out, "hold3_04_vzw_mixed.csv"))))
    heads = [k for k, r in enumerate(rows) if r[0] == "Date"]
    assert heads[0] == 0 and len(heads) == 2 and 10 < heads[1] < len(rows) - 10
    recs = [r for r in rows if r[0] != "Date"]
    kinds = {r[5] for r in recs}
    assert kinds == {"Voice", "Text", "Data"}
    for r, t in zip(recs, docs["hold3_04_vzw_mixed.csv"]["truth"], strict=True):
        assert starts(t) == [_local(f"{r[0]} {r[1]}", "%Y-%m-%d %I:%M %p")]
        rt = t["fields"]["record_type"]
        assert rt == {"Voice": "voice", "Text": "sms", "Data": "data"}[r[5]]
        if r[5] == "Voice":
            assert r[7] == "min" and t["fields"]["duration_s"] == 60 * int(r[6])
        if r[5] == "Data":
            assert r[7] == "KB" and r[3] == "" and None in options(t["fields"]["callee"])


def test_asterisk_userfield_over_two_lines(held):
    out, docs = held
    text = read_text(out, "hold3_05_ast_multiline.csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    truth = docs["hold3_05_ast_multiline.csv"]["truth"]
    assert {len(r) for r in rows} == {18} and len(text.split("\n")) - 1 > len(rows)
    assert sum("\n" in r[17] for r in rows) >= 3
    for r, t in zip(rows, truth, strict=True):
        assert starts(t) == [_local(r[9], "%Y-%m-%d %H:%M:%S")]
        assert int(r[16].split(".")[0]) == int(starts(t)[0].timestamp())
        assert int(r[13]) in options(t["fields"]["duration_s"]) and int(r[12]) in options(t["fields"]["duration_s"])
        assert r[1] in options(t["fields"]["caller"]) and r[2] in options(t["fields"]["callee"])


def test_freeswitch_epoch_and_billmsec(held):
    out, docs = held
    rows = list(csv.reader(io.StringIO(read_text(out, "hold3_06_fs_epochms.csv"))))
    assert {len(r) for r in rows} == {9}
    for r, t in zip(rows, docs["hold3_06_fs_epochms.csv"]["truth"], strict=True):
        assert starts(t) == [datetime.fromtimestamp(int(r[4]), timezone.utc)]
        assert r[1] == "inbound" and (r[5] == "0") == (r[7] == "0")
        assert int(r[7]) // 1000 in options(t["fields"]["duration_s"])


def test_2n_gateway_columns(held):
    out, docs = held
    lines = read_text(out, "hold3_07_2n_gsm.txt").split("\r\n")[:-1]
    assert lines[0].split()[:4] == ["Date", "Time", "Type", "Cause"]
    failed = 0
    for x, t in zip(lines[1:], docs["hold3_07_2n_gsm.txt"]["truth"], strict=True):
        r = x.split()
        assert len(r) == 8 and r[2] in ("I-OK", "O-OK", "O-FD")
        assert starts(t) == [_local(f"{r[0]} {r[1]}", "%d.%m.%Y %H:%M:%S")]
        if r[2] == "O-FD":
            failed += 1
            assert r[7].isalpha() and 0 in options(t["fields"]["duration_s"])
        else:
            m, s = (int(v) for v in r[7].split(":"))
            assert len(r[7]) == 6 and t["fields"]["duration_s"] == 60 * m + s
        side = "caller" if r[2] == "I-OK" else "callee"
        assert r[4] in options(t["fields"][side]) or "+" + r[4] in options(t["fields"][side])
    assert failed >= 1


def test_telenor_extract(held):
    out, docs = held
    rows = list(csv.reader(io.StringIO(read_text(out, "hold3_08_telenor.csv"))))
    assert rows[0][:2] == ["B_PARTY", "A_PARTY"]
    for r, t in zip(rows[1:], docs["hold3_08_telenor.csv"]["truth"], strict=True):
        naive = datetime.strptime(f"{r[4]} {r[5]}", "%Y%m%d %H%M%S")
        assert starts(t) == [naive.replace(tzinfo=timezone.utc), naive.replace(tzinfo=CHICAGO).astimezone(
            timezone.utc)]
        assert r[1] in options(t["fields"]["caller"]) and r[0] in options(t["fields"]["callee"])
        assert re.fullmatch(r"\d{3}[ABC]", r[3]) and t["fields"]["cell_id"] == r[3]
        assert t["fields"]["record_type"] == ("sms" if r[6].startswith("SMS") else "voice")


def test_cdrstats_trailing_comma_cp1252(held):
    out, docs = held
    raw = (out / "hold3_09_cdrstats.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = raw.decode("cp1252").split("\n")[:-1]
    for x, t in zip(lines, docs["hold3_09_cdrstats.txt"]["truth"], strict=True):
        assert x.endswith(",") and ", " in x
        r = x[:-1].split(", ")
        assert len(r) == 8
        assert starts(t) == [_local(r[3], "%Y-%m-%d %H:%M:%S")]
        assert int(r[5]) in options(t["fields"]["duration_s"]) and r[2] in options(t["fields"]["callee"])
    assert any(", 011" in x for x in lines)


def test_telco_report_tenths_of_minutes(held):
    out, docs = held
    lines = read_text(out, "hold3_10_fix_npa.txt").split("\n")[:-1]
    recs = [x for x in lines if re.match(r"2024\d{4}  \d{4}  ", x)]
    truth = docs["hold3_10_fix_npa.txt"]["truth"]
    assert len(recs) == len(truth) and lines[-1] == "END OF REPORT"
    for x, t in zip(recs, truth, strict=True):
        assert starts(t) == [_local(x[:14], "%Y%m%d  %H%M")]
        npa, nxx, line = x[16:19], x[20:23], x[24:28]
        assert t["fields"]["callee"] == f"+1{npa}{nxx}{line}"
        minutes = x[48:54]
        assert re.fullmatch(r"\d{4}\.\d", minutes) and t["fields"]["duration_s"] == round(float(minutes) * 60)


def test_cucm_damaged_rows(held):
    out, docs = held
    lines = read_text(out, "hold3_11_cucm_damaged.csv").split("\n")[:-1]
    assert lines[0] == ",".join(c for c, _ in CUCM_COLS) and lines[1].endswith("UNIQUEIDENTIFIER")
    truth = docs["hold3_11_cucm_damaged.csv"]["truth"]
    assert len(lines) - 2 == len(truth)
    for x, t in zip(lines[2:], truth, strict=True):
        if t["expect"] == "quarantine":
            assert x.count('"') % 2 == 1 or len(x.split(",")) < len(CUCM_COLS)
            continue
        r = next(csv.reader([x]))
        assert len(r) == len(CUCM_COLS) and starts(t) == [datetime.fromtimestamp(int(r[3]), timezone.utc)]
        assert int(r[11]) == t["fields"]["duration_s"] and (r[7] == "0") == (r[11] == "0")
