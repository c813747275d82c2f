"""Inputs and options that once failed silently or hung: each now fails loudly or is read right."""

from __future__ import annotations

import os

import duckdb
import pytest

from raybench.errors import ConfigError, IngestError
from raybench.generate.production import generate_file
from raybench.pipeline.job import IngestOptions, run_ingest

pytestmark = pytest.mark.usefixtures("ray_local")


def _ingest(paths, tmp_path, **kw):
    return run_ingest([str(p) for p in paths], IngestOptions(db=str(tmp_path / "x.duckdb"), progress=False,
                                                             results=str(tmp_path / "r.json"), **kw))


def test_cr_only_line_ends_are_read(tmp_path):
    g = generate_file("sprint_cdma", str(tmp_path / "g"), rows=300, seed=2)
    cr = tmp_path / "cr_only.csv"
    cr.write_bytes(open(g.path, "rb").read().replace(b"\n", b"\r"))
    row = _ingest([cr], tmp_path)["files"][0]
    assert (row["status"], row["rows_read"], row["rows_stored"]) == ("ok", 300, 300)


@pytest.mark.parametrize("options, message", [
    ({"tz": "Mars/Base"}, "option key '--tz': 'Mars/Base' is not an IANA time zone"),
    ({"chunk_bytes": 0}, "option key '--chunk-size': 0 must be a number of at least 4096 bytes"),
    ({"workers": 0}, "option key '--workers': 0 must be a number of at least 1"),
    ({"worker_cpus": 0.0}, "option key '--worker-cpus': 0.0 must be a number of at least 0.01"),
    ({"worker_cpus": float("inf")}, "option key '--worker-cpus': inf must be a number of at least 0.01"),
    ({"sample_interval_s": 0.0}, "option key '--sample-interval': 0.0 must be 0.1 to 60.0 s"),
    ({"sample_interval_s": float("nan")}, "option key '--sample-interval': nan must be 0.1 to 60.0 s"),
    ({"address": "127.0.0.1:1"}, "option key '--address': 127.0.0.1:1: no Ray cluster answers there"),
])
def test_bad_options_fail_before_any_work(tmp_path, real_dir, options, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _ingest([real_dir / "bandicoot_ego.csv"], tmp_path, **options)
    assert not (tmp_path / "x.duckdb").exists()


def test_db_that_is_another_kind_of_file_is_refused(tmp_path, real_dir):
    victim = tmp_path / "victim.csv"
    victim.write_text("a,b\n1,2\n")
    with pytest.raises(IngestError, match="not a DuckDB database"):
        run_ingest([str(real_dir / "bandicoot_ego.csv")], IngestOptions(db=str(victim), progress=False,
                                                                         results=str(tmp_path / "r.json")))
    assert victim.read_text() == "a,b\n1,2\n"


def test_fifo_and_binary_fail_alone(tmp_path, real_dir):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    out = _ingest([fifo, binary, real_dir / "cdrstats_cdrimport_2015-10-26.csv"], tmp_path)
    rows = {os.path.basename(r["path"]): r for r in out["files"]}
    assert rows["fifo.csv"]["status"] == "failed" and "not a regular file" in rows["fifo.csv"]["error"]
    assert rows["image.csv"]["status"] == "failed" and "binary content" in rows["image.csv"]["error"]
    assert rows["cdrstats_cdrimport_2015-10-26.csv"]["rows_stored"] == 5


def test_garbage_numbers_are_stored_as_written_flagged_and_the_file_suspect(tmp_path):
    path = tmp_path / "tmo.csv"
    path.write_text(
        "Type of Call,Calling Number,Called Number,Dialed Number,Start Date/Time (UTC),Duration (Sec),IMSI,IMEI,LAC,Cell ID\n"
        "mSOriginating,12125550123,13105550199,,2024-03-15 14:05:09,150,310260123456789,35209900176148,1234,5678\n"
        "mSOriginating,=cmd|calc!A0,13105550199,,2024-03-15 14:06:09,150,310260123456789,35209900176148,1234,5678\n"
        "mSOriginating,hello,+,,2024-03-15 14:07:09,150,310260123456789,35209900176148,1234,5678\n")
    out = _ingest([path], tmp_path)
    assert (out["totals"]["rows_stored"], out["totals"]["rows_quarantined"]) == (3, 0)
    con = duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True)
    assert con.execute("SELECT source_row, caller, callee, flags FROM cdr ORDER BY 1").fetchall() == [
        (1, "+12125550123", "+13105550199", []), (2, "=cmd|calc!A0", "+13105550199", ["number_format"]),
        (3, "hello", "+", ["number_format"])]
    row = out["files"][0]
    assert row["status"] == "suspect" and row["rows_flagged"] == 2
    assert row["error"] == "number_format on 2 of 3 stored rows: parties that are not phone numbers; e.g. '+', '=cmd|calc!A0', 'hello'"


def test_a_file_named_twice_is_stored_once_and_both_names_have_a_files_row(tmp_path):
    g = generate_file("sprint_cdma", str(tmp_path / "g"), rows=200, seed=3)
    out = _ingest([g.path, g.path], tmp_path)
    assert sorted(r["status"] for r in out["files"]) == ["ok", "skipped"]
    assert out["totals"]["rows_stored"] == 200
    with duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT record_id) FROM cdr").fetchone() == (200, 200)
        assert con.execute("SELECT status FROM ingest_jobs").fetchall() == [("done",)]


def test_an_actor_bigger_than_the_cluster_is_refused_not_waited_for(tmp_path, real_dir):
    with pytest.raises(ConfigError, match=r"--worker-cpus 64.0: the cluster has 2 CPUs"):
        _ingest([real_dir / "cdrstats_import_cdr_100.txt"], tmp_path, worker_cpus=64.0, num_cpus=2,
                batch_timeout_s=60)


def test_cli_ingest_exits_1_when_a_file_failed_and_stores_the_rest(tmp_path, real_dir):
    from click.testing import CliRunner

    from raybench.cli import main

    missing = tmp_path / "nope.csv"
    done = CliRunner().invoke(main, ["ingest", str(missing), str(real_dir / "cdrstats_cdrimport_2015-10-26.csv"),
                                     "--db", str(tmp_path / "x.duckdb"), "--results", str(tmp_path / "r.json"),
                                     "--no-progress"])
    assert done.exit_code == 1, done.output
    assert f"1 of 2 file(s) failed; first: {missing}: cannot read" in done.output
    with duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM cdr").fetchone()[0] == 5
        assert con.execute("SELECT status FROM files WHERE path LIKE '%nope.csv'").fetchall() == [("failed",)]
