"""Duplicates end to end: generated productions with labelled copies and hard negatives, ingested on
local Ray (in one job, and split over two jobs), scored pair by pair against the labels."""

from __future__ import annotations

import os
import shutil

import duckdb
import polars as pl
import pytest

from raybench.harness.dedupe_eval import score_dedupe
from raybench.generate.duplicates import COPY_KINDS, DuplicateRates, generate_duplicates
from raybench.generate.production import generate_file
from raybench.pipeline.job import IngestOptions, run_ingest
from raybench.query import calls as q
from raybench.query import summary as query_summary

pytestmark = pytest.mark.usefixtures("ray_local")

LAYOUTS = ["att_mobility_voice", "tmobile_cdr", "verizon_billing_detail", "asterisk_master_csv"]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    data = tmp_path_factory.mktemp("dups")
    base, companions = [], []
    for layout in LAYOUTS:
        g = generate_file(layout, str(data / "base"), rows=2000, seed=8, chunk_rows=1000)
        base.append(g)
        companions += generate_duplicates(g, str(data / "copies"), seed=8,
                                          rates=DuplicateRates(0.03, 0.03, 0.03, 0.03, negatives=0.01))
    return data, base, companions


def _ingest(paths, db, results):
    return run_ingest([str(p) for p in paths], IngestOptions(db=str(db), results=str(results), progress=False))


def _tz_copies_expected(files) -> int:
    """Zone-shifted copies the labels say are stored together with their stored original, counted from the
    truth Parquets alone (the scorer joins the stored rows instead): each must be found."""
    truth = pl.concat([pl.read_parquet(t).select(
        "source_row", "quarantine_reason",
        *[pl.col(c) if c in pl.read_parquet_schema(t) else pl.lit(None, d).alias(c)
          for c, d in (("dup_kind", pl.String), ("dup_of_file", pl.String), ("dup_of_row", pl.Int64))]
    ).with_columns(file=pl.lit(os.path.basename(p))) for p, t in files], how="vertical_relaxed")
    stored = truth.filter(pl.col("quarantine_reason").is_null())
    copies = stored.filter(pl.col("dup_kind") == "tz_shift")
    originals = stored.select(pl.col("file").alias("dup_of_file"), pl.col("source_row").alias("dup_of_row"))
    return copies.join(originals, on=["dup_of_file", "dup_of_row"], how="inner").height


def _check(score, files):
    assert score["overall"]["true_pairs"] > 300
    for kind in COPY_KINDS:
        s = score["by_kind"][kind]
        assert s["true_pairs"] > 0, kind
        assert (s["precision"], s["recall"]) == (1.0, 1.0), (kind, s)
    assert (score["overall"]["precision"], score["overall"]["recall"]) == (1.0, 1.0), score["overall"]
    for kind, s in score["negatives"].items():
        assert s["records"] > 0 and s["false_pairs"] == 0, (kind, s)
    assert score["legs"]["labelled"] > 0 and score["legs"]["recall"] == 1.0
    expected_tz = _tz_copies_expected(files)
    assert expected_tz > 10
    assert score["tz_offsets"]["copies_found"] == expected_tz
    assert score["tz_offsets"]["offset_correct"] == score["tz_offsets"]["copies_found"]


def test_one_job_precision_recall(tmp_path, production):
    data, base, companions = production
    out = _ingest([data], tmp_path / "cdr.duckdb", tmp_path / "r.json")
    assert out["totals"]["validation_coverage"] == 1.0
    assert out["totals"]["rows_read"] == out["totals"]["rows_stored"] + out["totals"]["rows_quarantined"]
    d = out["dedupe"]
    assert d["duplicates"] > 300 and d["wall_s"] > 0 and set(d["by_kind"]) == {"exact", "clock_skew", "billing",
                                                                                  "tz_shift"}
    con = duckdb.connect(str(tmp_path / "cdr.duckdb"))
    files = [(g.path, g.truth_path) for g in base + companions]
    _check(score_dedupe(con, files), files)
    # every record is kept; duplicate_of points at a stored record that is itself first of its cluster
    assert con.execute("SELECT count(*) FROM cdr").fetchone()[0] == out["totals"]["rows_stored"]
    assert con.execute("""SELECT count(*) FROM cdr d LEFT JOIN cdr f ON f.record_id = d.duplicate_of
                          WHERE d.duplicate_of IS NOT NULL AND (f.record_id IS NULL OR f.duplicate_of IS NOT NULL)
                          """).fetchone()[0] == 0
    con.close()
    # ingesting the same files again stores nothing twice and changes no verdict
    again = _ingest([data], tmp_path / "cdr.duckdb", tmp_path / "r2.json")
    assert again["totals"]["rows_stored"] == 0 and again["dedupe"]["duplicates"] == 0
    con = duckdb.connect(str(tmp_path / "cdr.duckdb"), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT record_id) FROM cdr").fetchone() == (
        out["totals"]["rows_stored"], out["totals"]["rows_stored"])
    con.close()


def test_across_jobs(tmp_path, production):
    data, base, companions = production
    first = tmp_path / "first"
    second = tmp_path / "second"
    for g in base + companions:
        # bills and zone-shifted copies come later and start earlier: earlier clusters get renamed
        target = first if (g in base or "dup-resent" in g.path or "dup-skew" in g.path) else second
        target.mkdir(exist_ok=True)
        shutil.copy(g.path, target / os.path.basename(g.path))
    db = tmp_path / "cdr.duckdb"
    _ingest([first], db, tmp_path / "r1.json")
    out = _ingest([second], db, tmp_path / "r2.json")
    assert out["dedupe"]["duplicates"] > 0 and out["dedupe"]["clusters_renamed"] > 0
    # the query summary was folded in as a delta, recounting the pairs of the renamed clusters' records
    s = out["query_summary"]
    assert s["how"] == "delta" and s["pairs_recounted"] > 0 and s["records_changed"] > out["totals"]["rows_stored"]
    con = duckdb.connect(str(db))
    files = [(g.path, g.truth_path) for g in base + companions]
    _check(score_dedupe(con, files), files)
    _summary_equals_cdr(con)
    con.close()


def _summary_equals_cdr(con) -> None:
    """The summary's answers (top contacts of the busiest numbers, counts of each day) are the same as
    the queries over cdr (the summary dropped in a transaction rolled back)."""
    con.execute("SET TimeZone = 'UTC'")
    assert q.uses_summary(con)
    numbers = [r[0] for r in con.execute("""SELECT n FROM (SELECT caller AS n FROM cdr UNION ALL SELECT callee FROM cdr)
                                            WHERE n IS NOT NULL GROUP BY n ORDER BY count(*) DESC, n LIMIT 20""").fetchall()]
    days = [r[0].isoformat() for r in con.execute(
        "SELECT DISTINCT timezone('UTC', start_utc)::DATE AS d FROM cdr WHERE start_utc IS NOT NULL ORDER BY d").fetchall()]

    def answers():
        out = {("top", n): q.top_contacts(con, n, limit=None) for n in numbers}
        out.update({("shared", a, b): q.shared_contacts(con, a, b) for a, b in zip(numbers, numbers[1:])})
        out.update({("counts", d): q.counts(con, None, d, e) for d, e in zip(days, days[1:])})
        out["counts"] = q.counts(con)
        return out

    got = answers()
    con.execute("BEGIN TRANSACTION")
    query_summary.drop_summary(con)
    want = answers()
    con.execute("ROLLBACK")
    assert sum(t.num_rows for t in got.values()) > 100
    for key, table in want.items():
        assert got[key].equals(table), key
