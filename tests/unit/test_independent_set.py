"""The independent evaluation set: what is written is what the truth says, read back by hand here."""

from __future__ import annotations

import ast
import csv
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from raybench.harness.independent import FILES, write_set
from raybench.harness.independent.score import score_file

PACKAGE = Path(__file__).resolve().parents[2] / "raybench" / "harness" / "independent"
CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture(scope="module")
def the_set(tmp_path_factory):
    out = tmp_path_factory.mktemp("independent")
    docs = {d["file"]: d for d in write_set(str(out), seed=0)}
    return out, docs


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def test_the_set_has_its_files_and_families(the_set):
    out, docs = the_set
    assert len(docs) == len(FILES) >= 24
    assert {d["family"] for d in docs.values()} == {"att", "tmobile", "sprint", "verizon", "asterisk", "freeswitch",
                                                    "fixed"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert [f["file"] for f in manifest["files"]] == [s.name for s in FILES]
    for d in docs.values():
        assert [t["source_row"] for t in d["truth"]] == list(range(1, d["records"] + 1))
        keys = [t["start_key"] for t in d["truth"]]
        assert len(set(keys)) == len(keys), d["file"]  # the scorer matches by it
    assert {d["file"] for d in docs.values() if d["expected_status"] == "suspect"} == {"tmo_05_torn.csv",
                                                                                      "spr_04_broken.csv"}


def test_seeded(tmp_path, the_set):
    out, _ = the_set
    write_set(str(tmp_path), seed=0, only=["asterisk"])
    for name in ("ast_01_16col.csv", "ast_04_damaged.csv"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()
    write_set(str(tmp_path / "s1"), seed=1, only=["ast_01_16col.csv"])
    assert (tmp_path / "s1" / "ast_01_16col.csv").read_bytes() != (out / "ast_01_16col.csv").read_bytes()


def test_asterisk_17_columns_uniqueid_is_the_start_in_utc(the_set):
    out, docs = the_set
    rows = list(csv.reader(io.StringIO((out / "ast_02_17col_utc.csv").read_text())))
    truth = docs["ast_02_17col_utc.csv"]["truth"]
    assert len(rows) == len(truth) and {len(r) for r in rows} == {17}
    for r, t in zip(rows, truth):
        start = datetime.strptime(r[9], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)  # usegmtime
        assert _utc(t["fields"]["start_utc"]) == start
        assert int(r[16].split(".")[0]) == int(start.timestamp())
        assert int(r[12]) in (t["fields"]["duration_s"] if isinstance(t["fields"]["duration_s"], list)
                              else [t["fields"]["duration_s"]])
        assert r[4].endswith(f"<{r[1]}>")
        if r[1].isdigit() and len(r[1]) == 4:  # an extension is stored as written
            assert t["fields"]["caller"] == r[1]


def test_asterisk_18_columns_local_stamps_and_the_offset(the_set):
    out, docs = the_set
    rows = list(csv.reader(io.StringIO((out / "ast_03_18col_local.csv").read_text())))
    assert {len(r) for r in rows} == {18}
    for r, t in zip(rows, docs["ast_03_18col_local.csv"]["truth"]):
        local = datetime.strptime(r[9], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHICAGO)
        assert local.astimezone(timezone.utc) == _utc(t["fields"]["start_utc"])
        assert int(r[16].split(".")[0]) == int(local.timestamp())


def test_att_semicolon_dmy_float_numbers_and_totals(the_set):
    out, docs = the_set
    text = (out / "att_03_semicolon.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[2][:3] == ["Item", "Conn. Date", "Conn. Time (UTC)"] and rows[-1][0] == "Totals"
    records = [r for r in rows if r and r[0].isdigit()]
    truth = docs["att_03_semicolon.csv"]["truth"]
    assert len(records) == len(truth) == int(rows[-1][1])
    for r, t in zip(records, truth):
        day, month, year = (int(x) for x in r[1].split("/"))
        hh, mm, ss = (int(x) for x in r[2].split(":"))
        assert _utc(t["fields"]["start_utc"]) == datetime(year, month, day, hh, mm, ss, tzinfo=timezone.utc)
        minutes, seconds = (int(x) for x in r[4].split(":"))
        if r[10] == "Voice":
            assert t["fields"]["duration_s"] == minutes * 60 + seconds
        assert r[9] in ("Orig", "Term", "Fwd")
        assert t["fields"]["direction"] == {"Orig": "outgoing", "Term": "incoming", "Fwd": "forwarded"}[r[9]]
        for written, canonical in ((r[5], t["fields"]["caller"]), (r[6], t["fields"]["callee"])):
            if written.endswith(".0") and len(written) == 13:
                assert canonical == "+" + written[:-2]  # 13125550123.0 is the number 13125550123
            elif written.startswith("0") and not written.startswith("011"):
                assert canonical == written  # a trunk-0 national number is kept as written


def test_att_page_footers_are_not_records(the_set):
    out, docs = the_set
    lines = (out / "att_01_footers.csv").read_bytes().decode().split("\r\n")
    footers = [x for x in lines if x.startswith("AT&T Proprietary (Internal Use Only),Page ")]
    assert len(footers) >= 3
    assert sum(1 for x in lines if x[:1].isdigit()) == docs["att_01_footers.csv"]["records"]
    assert all(len(x.split(",")[1].split("/")[2]) == 2 for x in lines if x[:1].isdigit())  # 01/18/24


def test_verizon_minutes_and_local_12h_times(the_set):
    out, docs = the_set
    rows = list(csv.reader(io.StringIO((out / "vzw_01_bill.csv").read_text())))[1:]
    for r, t in zip(rows, docs["vzw_01_bill.csv"]["truth"]):
        local = datetime.strptime(f"{r[0]} {r[1]}", "%m/%d/%Y %I:%M %p").replace(tzinfo=CHICAGO)
        assert local.astimezone(timezone.utc) == _utc(t["fields"]["start_utc"])
        assert t["fields"]["duration_s"] == int(r[6]) * 60
        assert t["fields"]["direction"] == ("incoming" if r[5] == "INCOMING, CL" else "outgoing")


def test_sprint_end_minus_start_is_the_duration(the_set):
    out, docs = the_set
    rows = list(csv.reader(io.StringIO((out / "spr_02_key.csv").read_text())))
    assert rows[0][3] == "M_R #"
    for r, t in zip(rows[1:], docs["spr_02_key.csv"]["truth"]):
        start, end = (datetime.strptime(x, "%m/%d/%y %H:%M") for x in (r[4], r[5]))
        assert start.replace(tzinfo=CHICAGO).astimezone(timezone.utc) == _utc(t["fields"]["start_utc"])
        assert end - start <= timedelta(seconds=int(r[6])) < end - start + timedelta(minutes=1)
        assert r[3] in ("Orig", "Term", "Rtd")


def test_damage_is_where_the_truth_says(the_set):
    out, docs = the_set
    raw = (out / "att_04_damaged.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\x00" * 8 in raw
    lines = raw.decode("utf-8-sig").split("\n")
    odd = [x for x in lines if x.count('"') % 2]
    assert len(odd) == 1
    doc = docs["att_04_damaged.csv"]
    why = sorted(t["why"] for t in doc["truth"] if t["expect"] == "quarantine")
    assert why == ["quote never closes", "truncated record"] and doc["expected_status"] == "ok"
    assert (out / "att_02_unicode.txt").read_bytes()[:2] == b"\xff\xfe"
    torn = docs["tmo_05_torn.csv"]
    assert torn["expected_quarantined"] == 10 and torn["expected_status"] == "suspect"
    with pytest.raises(UnicodeDecodeError):
        (out / "ast_04_damaged.csv").read_bytes().decode("utf-8")


def test_freeswitch_default_template_space_before_the_last_field(the_set):
    out, docs = the_set
    for line in (out / "fs_01_default.csv").read_text().splitlines():
        assert '", "' in line and line.count('","') == 11


def test_shares_no_code_with_the_generator_corpus_or_catalog():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(("raybench.generate", "raybench.classify", "raybench.catalog")), \
                    f"{path.name} imports {name}"


# --- the scorer on a hand-made database (no Ray) ---------------------------------------------------

def _db_with(rows, quarantined=0, flags=True):
    import duckdb

    from raybench.schema import CDR_DDL, QUARANTINE_DDL

    con = duckdb.connect(":memory:")
    con.execute(CDR_DDL)
    con.execute(QUARANTINE_DDL)
    if flags:
        con.execute("ALTER TABLE cdr ADD COLUMN IF NOT EXISTS flags VARCHAR[]")
    for r in rows:
        con.execute("INSERT INTO cdr (source_sha256, ingest_job, source_row, start_raw, start_utc, duration_s, "
                    "caller, callee, record_type, direction" + (", flags" if flags else "") + ") VALUES "
                    "('s', 'j', ?, ?, to_timestamp(?), ?, ?, ?, 'voice', 'outgoing'" + (", ?" if flags else "") + ")",
                    [r["row"], r["raw"], r["epoch"], r["dur"], r["caller"], "+13125550100",
                     *([r.get("flags")] if flags else [])])
    for i in range(quarantined):
        con.execute("INSERT INTO quarantine VALUES ('f', 's', ?, 'x', ['field_count'], 'j')", [100 + i])
    return con


def _doc(n=3, expect_last="store"):
    truth = []
    for i in range(1, n + 1):
        truth.append({"source_row": i, "start_key": f"2024-01-1{i} 10:00:00", "expect": "store", "why": None,
                      "fields": {"start_utc": f"2024-01-1{i}T10:00:00Z", "duration_s": [60, 65],
                                 "caller": f"+1312555010{i}", "callee": "+13125550100", "record_type": "voice",
                                 "direction": ["outgoing", "unknown"], "imsi": None, "imei": None, "cell_id": None,
                                 "lac": None}})
    truth[-1]["expect"] = expect_last
    return {"file": "x.csv", "family": "att", "expected_status": "ok", "truth": truth}


def _row(i, **kw):
    epoch = datetime(2024, 1, 10 + i, 10, tzinfo=timezone.utc).timestamp()
    return {"row": i, "raw": f"2024-01-1{i} 10:00:00", "epoch": epoch, "dur": 60, "caller": f"+1312555010{i}", **kw}


FILE_ROW = {"status": "ok", "sha256": "s", "rows_read": 3, "layout": "x", "error": None}


def test_scorer_right_and_silently_wrong():
    doc = _doc()
    assert score_file(_db_with([_row(1), _row(2), _row(3, dur=65)]), "j", FILE_ROW, doc, {})["verdict"] == "right"
    out = score_file(_db_with([_row(1), _row(2, caller="+10205550102"), _row(3)]), "j", FILE_ROW, doc, {})
    assert out["verdict"] == "silently wrong" and out["wrong_fields"] == {"caller": 1}
    assert "got '+10205550102'" in out["examples"][0]
    hour_off = _row(3)
    hour_off["epoch"] += 3600
    out = score_file(_db_with([_row(1), _row(2), hour_off], flags=False), "j", FILE_ROW, doc, {})
    assert out["wrong_fields"] == {"start_utc": 1}


def test_scorer_a_flag_naming_the_field_excuses_it_and_only_it():
    doc = _doc()
    rows = [_row(1), _row(2, caller="0205550102", flags=["number_kept"]), _row(3)]
    doubt = {"number_kept": ("caller", "callee")}
    out = score_file(_db_with(rows), "j", FILE_ROW, doc, doubt)
    assert out["verdict"] == "right" and out["flagged_fields"] == {"caller": 1}
    rows[1]["dur"] = 1
    out = score_file(_db_with(rows), "j", FILE_ROW, doc, doubt)
    assert out["verdict"] == "silently wrong" and out["wrong_fields"] == {"duration_s": 1}
    assert score_file(_db_with(rows[:1] + [_row(2, caller="x", flags=["other"])] + rows[2:]), "j", FILE_ROW, doc,
                      doubt)["wrong_fields"] == {"caller": 1}


def test_scorer_start_written_in_two_columns():
    doc = _doc()
    for i, t in enumerate(doc["truth"], start=1):
        t["start_key"] = [t["start_key"], str(int(_row(i)["epoch"]))]
    epochs = [dict(_row(i), raw=str(int(_row(i)["epoch"]))) for i in (1, 2, 3)]
    out = score_file(_db_with(epochs), "j", FILE_ROW, doc, {})
    assert out["verdict"] == "right" and out["renumbered"] == 0 and out["invented"] == 0
    shifted = [epochs[0], dict(epochs[1], row=3), dict(epochs[2], row=2)]  # matched by the epoch, not the row
    out = score_file(_db_with(shifted), "j", FILE_ROW, doc, {})
    assert out["verdict"] == "right" and out["renumbered"] == 2
    out = score_file(_db_with([epochs[0], epochs[1], dict(epochs[2], raw="1700000000")]), "j", FILE_ROW, doc, {})
    assert out["verdict"] == "silently wrong" and out["invented"] == 1


def test_scorer_accounting_renumbering_quarantine_and_status():
    doc = _doc()
    shifted = [_row(1), dict(_row(2), row=3), dict(_row(3), row=4)]  # a footer counted as record 2
    out = score_file(_db_with(shifted, quarantined=1), "j", dict(FILE_ROW, rows_read=4), doc, {})
    assert out["renumbered"] == 2 and out["wrong_fields"] == {}
    assert out["verdict"] == "silently wrong" and "accounting" in out["reasons"][0]  # 3 + 1 for 3 records
    out = score_file(_db_with([_row(1), _row(2)], quarantined=1), "j", FILE_ROW, doc, {})
    assert out["verdict"] == "quarantined" and out["readable_not_stored"] == 1
    unreadable = _doc(expect_last="quarantine")
    assert score_file(_db_with([_row(1), _row(2)], quarantined=1), "j", FILE_ROW, unreadable, {})["verdict"] == "right"
    out = score_file(_db_with([_row(1), _row(2), _row(9, raw="Totals")]), "j", FILE_ROW, unreadable, {})
    assert out["verdict"] == "silently wrong" and out["invented"] == 1
    assert score_file(_db_with([_row(1), _row(2)], quarantined=1), "j", dict(FILE_ROW, status="suspect"),
                      unreadable, {})["verdict"] == "suspect"
    assert score_file(None, "j", None, doc, {})["verdict"] == "failed"
    suspect = dict(unreadable, expected_status="suspect")
    out = score_file(_db_with([_row(1), _row(2)], quarantined=1), "j", FILE_ROW, suspect, {})
    assert out["verdict"] == "silently wrong" and out["reasons"] == ["status ok, expected suspect"]
