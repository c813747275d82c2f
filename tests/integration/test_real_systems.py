"""The real phone-system logs and research CDRs of ../shared/cases/real/more (issue 14), ingested as a user
would (one `run_ingest` on an embedded Ray over both real folders), checked against the facts their
README pins: ../shared/tools/check_real.py against facts.json, then the further facts one by one.

The files are other projects' data: they are read from ../shared, never copied here; without ../shared
these tests skip, saying so (tests/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from raybench.pipeline.job import IngestOptions, run_ingest

pytestmark = pytest.mark.usefixtures("ray_local")
UTC = timezone.utc


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, real_dir, more_real_dir):
    out_dir = tmp_path_factory.mktemp("real")
    db = str(out_dir / "real.duckdb")
    files = sorted(str(p) for d in (real_dir, more_real_dir) for p in d.iterdir()
                   if p.is_file() and p.suffix not in (".md", ".json"))
    out = run_ingest(files, IngestOptions(db=db, results=str(out_dir / "results.json"), progress=False))
    con = duckdb.connect(db, read_only=True)
    yield db, con, {os.path.basename(r["path"]): r for r in out["files"]}, out
    con.close()


def row(con, name: str, source_row: int, cols: str = "*") -> dict:
    cur = con.execute(f"SELECT {cols} FROM cdr WHERE source_file LIKE ? AND source_row = ?", [f"%/{name}", source_row])
    names = [d[0] for d in cur.description]
    got = cur.fetchone()
    assert got is not None, f"{name} row {source_row} not stored"
    return dict(zip(names, got))


def test_the_shared_checker_finds_every_file_right(ingested, more_real_dir):
    db, _, _, _ = ingested
    checker = more_real_dir.parents[2] / "tools" / "check_real.py"
    if not checker.is_file():
        pytest.skip(f"{checker} not found")
    done = subprocess.run([sys.executable, str(checker), db, str(more_real_dir / "facts.json")],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "real files right: 14/14", done.stdout


def test_every_file_ok_and_every_record_stored(ingested):
    _, _, files, out = ingested
    want = {"asterisk_bugadm_1.csv": 105, "asterisk_hackathon2025_1.csv": 33, "asterisk_simularent_1.csv": 269,
            "asterisk_synkbug_2.csv": 1, "freeswitch_powermedia_1.csv": 711, "freeswitch_fskampbx_1.csv": 185,
            "freeswitch_ekiga_1.csv": 199, "freeswitch_duynguyen_1.csv": 54, "cucm_ciscocucmcdr_1.txt": 3,
            "avayaipo_ipo500smdr_1.log": 285, "3cx_3cxcdrserver_1.csv": 200, "3cx_3cxcdrserver_2.csv": 1,
            "research_cdrtoolsstd_1.csv": 939, "indiacdr_cdranalyzer_1.csv": 180, "bandicoot_ego.csv": 314,
            "bandicoot_orange_u_test.csv": 500, "cdrstats_import_cdr_100.txt": 100,
            "cdrstats_cdrimport_2015-10-26.csv": 5, "bandicoot_antennas.csv": 27}
    got = {n: (r["status"], r["rows_read"], r["rows_stored"], r["rows_quarantined"]) for n, r in files.items()}
    assert got == {n: ("ok", k, k, 0) for n, k in want.items()}
    assert out["totals"]["files_failed"] == out["totals"]["files_suspect"] == 0


def test_layouts_and_zones_with_how_they_were_decided(ingested):
    _, _, files, _ = ingested
    layout = {n: r["layout"] for n, r in files.items()}
    assert layout["freeswitch_ekiga_1.csv"] == "freeswitch_cdr_csv"
    assert layout["cucm_ciscocucmcdr_1.txt"] == "cucm_cdr"
    assert layout["avayaipo_ipo500smdr_1.log"] == "avaya_ipo_smdr"
    assert layout["3cx_3cxcdrserver_2.csv"] == "3cx_cdr_service"
    assert layout["research_cdrtoolsstd_1.csv"] == "research_mobility_cdr"
    assert layout["indiacdr_cdranalyzer_1.csv"] == "india_lea_cdr"
    # Asterisk: the uniqueid epochs prove UTC (the layout alone would assume New York)
    for name in ("asterisk_bugadm_1.csv", "asterisk_hackathon2025_1.csv", "asterisk_simularent_1.csv"):
        assert files[name]["tz"] == "UTC"
        assert files[name]["tz_source"].startswith("proven: uniqueid epochs match the start times at UTC+0")
    # FreeSWITCH with time-based (v1) uuids: the switch wrote UTC+2; v4 uuids prove nothing: assumed
    assert files["freeswitch_powermedia_1.csv"]["tz"] == "Etc/GMT-2"
    assert files["freeswitch_powermedia_1.csv"]["tz_source"].startswith("proven: uuid time-based uuids")
    assert files["freeswitch_fskampbx_1.csv"]["tz_source"].startswith("assumed")
    assert files["cucm_ciscocucmcdr_1.txt"]["tz_source"].startswith("Unix epoch")


def test_asterisk_facts(ingested):
    _, con, _, _ = ingested
    r9 = row(con, "asterisk_bugadm_1.csv", 74, "duration_s")
    assert r9["duration_s"] == 27  # BUSY yet billsec 27: as written
    for n in (59, 60, 64, 65, 68):  # originated calls: no calling number, the s extension called
        r = row(con, "asterisk_bugadm_1.csv", n, "caller, callee, flags")
        assert (r["caller"], r["callee"], r["flags"]) == (None, "s", [])
    r25 = row(con, "asterisk_hackathon2025_1.csv", 25, "start_utc, duration_s")
    assert r25 == {"start_utc": datetime(2025, 7, 23, 5, 15, 33, tzinfo=UTC), "duration_s": 38}
    r1 = row(con, "asterisk_hackathon2025_1.csv", 1, "callee, flags")
    assert r1 == {"callee": "t", "flags": []}  # an IVR target is a party as written, not an error
    assert con.execute("SELECT count(*) FROM cdr WHERE source_file LIKE '%asterisk_simularent_1.csv' "
                       "AND caller IS NULL").fetchone()[0] == 200
    for n in (55, 56, 57):  # 8 in front of 1-NPA-NXX-XXXX: kept as written, flagged, never made +1...
        r = row(con, "asterisk_simularent_1.csv", n, "callee, flags")
        assert r["callee"].startswith("81") and len(r["callee"]) == 12 and "number_unresolved" in r["flags"]
    assert row(con, "asterisk_synkbug_2.csv", 1, "duration_s")["duration_s"] == 6  # billsec


def test_freeswitch_facts(ingested):
    _, con, files, _ = ingested
    assert files["freeswitch_ekiga_1.csv"]["lines_skipped"] == {"nul_padding": 3}
    for n in (11, 12, 51, 52):
        r = row(con, "freeswitch_ekiga_1.csv", n, "callee, flags")
        assert r["callee"].startswith("192.168.1.") and "number_format" not in r["flags"]
    r137 = row(con, "freeswitch_ekiga_1.csv", 137, "start_raw")
    assert r137["start_raw"].startswith("20")  # the record after the NUL padding reads whole
    assert row(con, "freeswitch_duynguyen_1.csv", 2, "callee")["callee"] == "voicemail"
    # the same A-leg written twice back to back: every copy points at the first of its pair
    dups = con.execute("""SELECT count(*), count(*) FILTER (WHERE d.kind = 'exact')
                          FROM cdr c JOIN duplicates d USING (record_id)
                          WHERE c.source_file LIKE '%freeswitch_powermedia_1.csv'""").fetchone()
    assert dups[0] >= 303 and dups[1] >= 303
    first = row(con, "freeswitch_powermedia_1.csv", 1, "record_id")["record_id"]
    assert row(con, "freeswitch_powermedia_1.csv", 2, "duplicate_of")["duplicate_of"] == first


def test_cucm_avaya_3cx_research_india_facts(ingested):
    _, con, files, _ = ingested
    assert files["cucm_ciscocucmcdr_1.txt"]["lines_skipped"] == {"header": 1, "header_types": 1}
    real_call = row(con, "cucm_ciscocucmcdr_1.txt", 3, "start_utc, duration_s, caller, callee, flags")
    assert real_call == {"start_utc": datetime(2025, 4, 18, 16, 32, 8, tzinfo=UTC), "duration_s": 11,
                         "caller": "+15033466594", "callee": "+15033466593", "flags": []}
    for n in (1, 2):  # built-in-bridge recording legs: stored, flagged as such
        assert "recording_leg" in row(con, "cucm_ciscocucmcdr_1.txt", n, "flags")["flags"]
    avaya = row(con, "avayaipo_ipo500smdr_1.log", 1, "start_raw, duration_s, caller, callee, direction")
    assert avaya == {"start_raw": "2017/08/01 07:28:53", "duration_s": 119, "caller": "215", "callee": "222",
                     "direction": "internal"}
    ext = row(con, "avayaipo_ipo500smdr_1.log", 28, "callee, dialed")  # line 29 of the file: the header first
    assert ext == {"callee": "566616074", "dialed": "0566616074"}  # the trunk 0 only in the dialled digits
    cx = row(con, "3cx_3cxcdrserver_1.csv", 2, "duration_s, caller, callee, flags")
    assert cx == {"duration_s": None, "caller": "Ext.315", "callee": "Ext.184", "flags": []}
    cx2 = row(con, "3cx_3cxcdrserver_2.csv", 1, "start_utc, duration_s, caller, callee")
    assert cx2 == {"start_utc": datetime(2024, 6, 17, 5, 59, 49, tzinfo=UTC), "duration_s": 25,
                   "caller": "Ext.10016", "callee": "+46703014082"}
    research = row(con, "research_cdrtoolsstd_1.csv", 1, "caller, duration_s, cell_id, cell_lat, cell_lon")
    assert research == {"caller": "A59432230", "duration_s": 5, "cell_id": "44786", "cell_lat": 7.478790558,
                        "cell_lon": 80.6321761}
    assert con.execute("SELECT count(*) FILTER (WHERE duration_s IS NULL), count(DISTINCT caller) FROM cdr "
                       "WHERE source_file LIKE '%research_cdrtoolsstd_1.csv'").fetchone() == (59, 88)
    india = con.execute("SELECT count(*) FILTER (WHERE record_type = 'voice'), count(*) FILTER "
                        "(WHERE record_type = 'sms'), count(*) FILTER (WHERE length(imei) = 14) FROM cdr "
                        "WHERE source_file LIKE '%indiacdr_cdranalyzer_1.csv'").fetchone()
    assert india == (100, 80, 15)
    r2 = row(con, "indiacdr_cdranalyzer_1.csv", 2, "direction, duration_s, caller, callee")
    assert r2 == {"direction": "outgoing", "duration_s": 2843, "caller": "+919812345678", "callee": "+919547605561"}


def test_the_samples_are_not_copied_into_the_repository():
    repo = Path(__file__).resolve().parents[2]
    names = {p.name for p in (repo.parent / "shared" / "cases" / "real" / "more").glob("*")} - {"README.md"}
    copies = [p for p in repo.rglob("*") if p.name in names and ".venv" not in p.parts and ".git" not in p.parts]
    assert copies == []
