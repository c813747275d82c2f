"""The ingest job end to end on local Ray: real samples, generated productions against truth, bad files."""

from __future__ import annotations

import json
import os
import shutil

import duckdb
import pytest

from raybench.generate.production import generate_file
from raybench.harness.accuracy import score_file
from raybench.pipeline.job import IngestOptions, run_ingest

pytestmark = pytest.mark.usefixtures("ray_local")


def _ingest(paths, tmp_path, **kw):
    options = IngestOptions(db=str(tmp_path / "cdr.duckdb"), results=str(tmp_path / "results.json"),
                            progress=False, **kw)
    return run_ingest([str(p) for p in paths], options)


def _by_name(out):
    return {os.path.basename(r["path"]): r for r in out["files"]}


def test_real_samples(tmp_path, real_dir):
    # the five files of ../shared/cases/real itself (its more/ folder is tests/integration/test_real_systems.py's)
    out = _ingest(sorted(p for p in real_dir.iterdir() if p.is_file() and p.suffix != ".md"), tmp_path)
    files = _by_name(out)
    assert files["bandicoot_antennas.csv"]["kind"] == "cell_sites"
    expect = {  # file: (layout, read, stored, quarantined)
        "bandicoot_antennas.csv": ("bandicoot_antennas", 27, 27, 0),
        "bandicoot_ego.csv": ("bandicoot_csv", 314, 314, 0),
        "bandicoot_orange_u_test.csv": ("orange_csv", 500, 500, 0),
        "cdrstats_import_cdr_100.txt": ("cdrstats_import_txt", 100, 100, 0),
        "cdrstats_cdrimport_2015-10-26.csv": ("cdrstats_cdrimport_csv", 5, 5, 0),
    }
    for name, (layout, read, stored, quarantined) in expect.items():
        row = files[name]
        assert (row["layout"], row["rows_read"], row["rows_stored"], row["rows_quarantined"], row["status"]) \
            == (layout, read, stored, quarantined, "ok"), name
    con = duckdb.connect(str(tmp_path / "cdr.duckdb"), read_only=True)
    # the antennas are a cell-site list, not calls
    assert con.execute("SELECT count(*) FROM cdr WHERE layout = 'bandicoot_antennas'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM cell_sites").fetchone()[0] == 27
    # every bandicoot record got its antenna's coordinates; antenna 1 is at 42.366944, -71.083611
    assert con.execute("SELECT count(*) FROM cdr WHERE carrier = 'bandicoot' AND cell_lat IS NULL").fetchone()[0] == 0
    lat, lon = con.execute("SELECT cell_lat, cell_lon FROM cdr WHERE carrier = 'bandicoot' AND cell_id = '1' LIMIT 1").fetchone()
    assert (lat, lon) == (42.366944, -71.083611)
    assert con.execute("SELECT count(*) FILTER (WHERE record_type = 'voice'), count(*) FILTER (WHERE record_type = 'sms') "
                       "FROM cdr WHERE carrier = 'bandicoot'").fetchone() == tuple(
        _count_interactions(real_dir / "bandicoot_ego.csv"))
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
    # row 37 has billsec -6: a call with its duration in doubt, stored with no duration and flagged
    flagged = con.execute("SELECT source_row, duration_s, flags FROM cdr WHERE len(flags) > 0").fetchall()
    assert flagged == [(37, None, ["duration_range"])]
    # the totals count the calls (`cdr` holds 919 rows); the 27 cell sites are counted apart
    assert con.execute("SELECT count(*) FROM cdr").fetchone()[0] == out["totals"]["rows_stored"] == 919
    assert out["totals"] == {"files": 5, "files_failed": 0, "files_suspect": 0, "rows_flagged": 1,
                             "rows_read": 919, "rows_stored": 919, "rows_quarantined": 0,
                             "cell_sites_read": 27, "cell_sites_stored": 27, "cell_sites_quarantined": 0,
                             "cells_joined": 314,
                             "rows_with_verdict": 946, "validation_coverage": 1.0}


def _count_interactions(path):
    rows = path.read_text().splitlines()[1:]
    return [sum(r.startswith("call,") for r in rows), sum(r.startswith("text,") for r in rows)]


LAYOUTS = ["att_mobility_voice", "tmobile_cdr", "sprint_cdma", "verizon_billing_detail", "asterisk_master_csv"]


def test_generated_productions_match_truth(tmp_path):
    data = tmp_path / "in"
    made = [generate_file(layout, str(data), rows=3000, seed=5, defect_rate=0.03, chunk_rows=1000)
            for layout in LAYOUTS]
    # 16 KiB chunks: every file is split into many batches, so source_row must carry across chunks
    out = _ingest([data], tmp_path, chunk_bytes=16 << 10)
    assert out["metrics"]["batches"] > 5 * 10
    con = duckdb.connect(str(tmp_path / "cdr.duckdb"), read_only=True)
    for g in made:
        s = score_file(con, g.path, g.truth_path, out["job"])
        assert s["rows_valid_stored"] == s["rows_valid_expected"], (g.layout, s)
        assert s["rows_valid_exact"] == s["rows_valid_expected"], (g.layout, s["field_errors"], s["examples"])
        assert s["quarantine_expected"] > 0
        assert s["quarantine_correct"] == s["quarantine_expected"], (g.layout, s)
        assert s["false_quarantine"] == 0 and s["missed_quarantine"] == 0
    for row in out["files"]:
        assert row["rows_read"] == 3000 == row["rows_stored"] + row["rows_quarantined"]
    # every record_id once
    assert con.execute("SELECT count(*) - count(DISTINCT record_id) FROM cdr").fetchone()[0] == 0


def test_metrics_in_results(tmp_path):
    data = tmp_path / "in"
    generate_file("tmobile_cdr", str(data), rows=20000, seed=1)
    out = _ingest([data], tmp_path, chunk_bytes=256 << 10)
    m = json.loads((tmp_path / "results.json").read_text())["metrics"]
    assert m["rows_processed"] == out["metrics"]["rows_processed"] == 20000  # the JSON is what was returned
    assert m["batches"] > 1
    lat = m["batch_latency_s"]
    assert 0 < lat["p50"] <= lat["p95"] <= lat["p99"]
    assert m["actors_alive_max"] >= 1 and m["workers"]["registered"] == out["metrics"]["pool_size"]
    assert m["sample_interval_s_max"] is not None and m["sample_interval_s_max"] <= 1.0
    names = [p["name"] for p in m["processes"].values()]
    assert any(n.startswith("ray::MapWorker") or "IngestWorker" in n for n in names), names
    assert any(n == "raylet" for n in names), names
    assert m["pss_bytes_peak"] > 0 and m["pss_bytes_peak"] <= m["rss_bytes_peak"]
    assert m["rule_counts"]["start_parse"] == {"passed": 20000, "failed": 0}
    # sampling goes on through dedupe and the end of the job, and the job's peak covers every phase
    by_phase = m["pss_bytes_peak_by_phase"]
    assert list(by_phase) == ["batches", "dedupe", "finalize"]
    assert m["pss_bytes_peak"] == max(by_phase.values())
    phases = [t["phase"] for t in m["timeseries"]]
    assert phases.index("dedupe") > phases.index("batches") and phases[-1] == "finalize"
    driver = [t["driver_pss_bytes"] for t in m["timeseries"]]
    assert all(0 < d < t["pss_bytes"] for d, t in zip(driver, m["timeseries"]))


def test_bad_files_fail_alone_and_reingest_is_skipped(tmp_path, real_dir):
    data = tmp_path / "in"
    data.mkdir()
    (data / "mystery.csv").write_text("foo,bar,baz\n1,2,3\n")
    (data / "empty.csv").write_text("")
    shutil.copy(real_dir / "bandicoot_orange_u_test.csv", data)
    out = _ingest([data], tmp_path)
    files = _by_name(out)
    assert files["mystery.csv"]["status"] == "failed"
    assert files["mystery.csv"]["error"].startswith(f"{data / 'mystery.csv'}:1: no known layout")
    assert "\n" not in files["mystery.csv"]["error"]
    assert files["empty.csv"]["status"] == "failed" and "empty" in files["empty.csv"]["error"]
    assert files["bandicoot_orange_u_test.csv"]["rows_stored"] == 500
    again = _ingest([data], tmp_path)
    files = _by_name(again)
    assert files["bandicoot_orange_u_test.csv"]["status"] == "skipped"
    assert files["bandicoot_orange_u_test.csv"]["error"] == f"already ingested by {out['job']}"
    con = duckdb.connect(str(tmp_path / "cdr.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM cdr").fetchone()[0] == 500


def test_missing_path_is_a_failed_file_and_the_job_goes_on(tmp_path, real_dir):
    out = _ingest([tmp_path / "nope.csv", real_dir / "cdrstats_cdrimport_2015-10-26.csv"], tmp_path)
    files = _by_name(out)
    assert files["nope.csv"]["status"] == "failed"
    assert files["nope.csv"]["error"] == f"{tmp_path / 'nope.csv'}: cannot read: No such file or directory"
    assert files["cdrstats_cdrimport_2015-10-26.csv"]["rows_stored"] == 5
