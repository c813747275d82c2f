"""Property-based ingest tests (hypothesis): generated productions with random sizes, seeds, layouts and
defect rates, some with labelled duplicate companions, ingested on local Ray in small chunks.

For every file: ``rows_read = rows_stored + rows_quarantined``; no valid row is quarantined and every
defect row is (scored against the truth by :func:`raybench.harness.accuracy.score_file`); and every
labelled duplicate is found (:func:`raybench.harness.dedupe_eval.score_dedupe`: recall 1 per kind, legs
linked).

Some small headerless files (Asterisk Master.csv) with defects fail the header rules' probe ("no known
layout matches the first line"); the ONNX layout model identifies them (raybench.classify), pinned by the
test at the end. No generated input is discarded: every file must be read. A file whose hard-rule
quarantine passes 5% of its records is ``suspect`` (raybench.pipeline.verdict), else ``ok``. The examples
are drawn from a fixed seed (``derandomize``), so a failure is the same on every run."""

from __future__ import annotations

import itertools

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from raybench.catalog import GENERATED_LAYOUTS
from raybench.harness.dedupe_eval import score_dedupe
from raybench.generate.duplicates import COPY_KINDS, DuplicateRates, generate_duplicates
from raybench.generate.production import generate_file
from raybench.harness.accuracy import score_file
from raybench.pipeline.job import IngestOptions, run_ingest
from raybench.pipeline.verdict import SUSPECT_QUARANTINE_SHARE

pytestmark = pytest.mark.usefixtures("ray_local")

production_st = st.fixed_dictionaries({
    "layout": st.sampled_from(sorted(GENERATED_LAYOUTS)),
    "rows": st.integers(20, 400),
    "seed": st.integers(0, 10_000),
    "defect_rate": st.one_of(st.just(0.0), st.floats(0.01, 0.4)),
    "duplicates": st.booleans(),
})

_run = itertools.count()


@settings(max_examples=5, deadline=None, derandomize=True, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(productions=st.lists(production_st, min_size=1, max_size=3),
       chunk_bytes=st.sampled_from([4096, 8192, 32768]))
def test_ingest_accounting_quarantine_and_duplicates(tmp_path_factory, productions, chunk_bytes):
    root = tmp_path_factory.mktemp(f"prop{next(_run)}")
    data = root / "data"
    generated, labelled = [], []
    for i, p in enumerate(productions):
        seed = p["seed"] * 10 + i  # two equal productions would be one file named twice (skipped)
        g = generate_file(p["layout"], str(data / f"p{i}"), rows=p["rows"], seed=seed,
                          defect_rate=p["defect_rate"], chunk_rows=1000)
        generated.append(g)
        if p["duplicates"]:
            companions = generate_duplicates(g, str(data / f"p{i}-copies"), seed=seed,
                                             rates=DuplicateRates(0.1, 0.1, 0.1, 0.1, negatives=0.05))
            generated += companions
            labelled += [g] + companions
    db = root / "cdr.duckdb"
    out = run_ingest([str(data)], IngestOptions(db=str(db), results=str(root / "r.json"), progress=False,
                                                chunk_bytes=chunk_bytes))
    assert "error" not in out["dedupe"], out["dedupe"]
    rows = {r["path"]: r for r in out["files"]}
    assert len(rows) == len(generated)
    for g in generated:
        r = rows[g.path]
        assert r["status"] == ("suspect" if r["rows_quarantined"] > SUSPECT_QUARANTINE_SHARE * g.rows else "ok"), r
        assert r["rows_read"] == r["rows_stored"] + r["rows_quarantined"], r
        assert r["rows_read"] == g.rows, (r, g)
    con = duckdb.connect(str(db))
    try:
        for g in generated:
            s = score_file(con, g.path, g.truth_path, out["job"])
            assert s["false_quarantine"] == 0, (g.path, s)
            assert s["missed_quarantine"] == 0, (g.path, s)
            assert s["rows_valid_stored"] == s["rows_valid_expected"], (g.path, s)
            assert s["quarantine_correct"] == s["quarantine_expected"], (g.path, s)
        if labelled:
            d = score_dedupe(con, [(g.path, g.truth_path) for g in labelled])
            assert d["overall"]["recall"] == 1.0, d["overall"]
            for kind in COPY_KINDS:
                assert d["by_kind"][kind]["recall"] == 1.0, (kind, d["by_kind"][kind])
            assert d["legs"]["recall"] == 1.0, d["legs"]
            assert d["tz_offsets"]["offset_correct"] == d["tz_offsets"]["copies_found"], d["tz_offsets"]
    finally:
        con.close()


@pytest.mark.parametrize("seed, defect_rate", [(0, 0.4), (2, 0.2714305033698568)])
def test_small_headerless_file_with_defects_is_identified(tmp_path, seed, defect_rate):
    g = generate_file("asterisk_master_csv", str(tmp_path / "data"), rows=20, seed=seed, defect_rate=defect_rate)
    out = run_ingest([g.path], IngestOptions(db=str(tmp_path / "cdr.duckdb"), results=str(tmp_path / "r.json"),
                                             progress=False, chunk_bytes=4096))
    r = out["files"][0]
    assert r["status"] == ("suspect" if r["rows_quarantined"] > 1 else "ok"), r  # 5% of 20 records
    assert r["rows_read"] == r["rows_stored"] + r["rows_quarantined"] == 20, r
    assert r["layout"] == "asterisk_master_csv", r  # by the ONNX layout model: the probe rejects the file
