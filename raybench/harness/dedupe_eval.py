"""Pairwise precision and recall of the duplicate detector against the generator's labels.

Truth (:mod:`raybench.generate.duplicates`): a record's true cluster is its original's
``<file name>:<source_row>`` (a copy's ``dup_of_file:dup_of_row``; any other record is its own
original). Prediction: ``coalesce(cdr.duplicate_of, cdr.record_id)``. A pair is two records of one
cluster; precision = true pairs predicted / pairs predicted, recall = true pairs predicted / true pairs,
F1 their harmonic mean (report P and R, not F1 alone: Hand & Christen 2018). Per copy kind, the pairs
counted are those with a member of that kind; per negative kind, the pairs wrongly predicted with a
member of that kind. Only records stored in ``cdr`` and valid in the truth take part.
"""

from __future__ import annotations

import os

import polars as pl

from raybench.dedupe.tables import create_tables
from raybench.generate.duplicates import COPY_KINDS, LEG_KINDS, NEGATIVE_KINDS


def _truth_table(con, truth_paths: list[tuple[str, str]]) -> None:
    frames = []
    for path, truth_path in truth_paths:
        t = pl.read_parquet(truth_path)
        for col, dtype in (("dup_kind", pl.String), ("dup_of_file", pl.String), ("dup_of_row", pl.Int64),
                           ("dup_offset_h", pl.Int32)):
            if col not in t.columns:
                t = t.with_columns(pl.lit(None, dtype).alias(col))
        frames.append(t.select("source_row", "quarantine_reason", "dup_kind", "dup_of_file", "dup_of_row",
                               "dup_offset_h").with_columns(file=pl.lit(os.path.basename(path))))
    truth = pl.concat(frames).to_arrow()
    con.register("_ev_truth_view", truth)
    con.execute("CREATE OR REPLACE TEMP TABLE _ev_truth AS SELECT * FROM _ev_truth_view")
    con.unregister("_ev_truth_view")


def _prf(tp: int, pred: int, true: int) -> dict:
    p = tp / pred if pred else 1.0
    r = tp / true if true else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "true_pairs": true, "predicted_pairs": pred, "correct_pairs": tp}


def score_dedupe(con, files: list[tuple[str, str]], ingest_jobs: list[str] | None = None,
                 prediction: str | None = None) -> dict:
    """Score the stored ``duplicate_of`` and ``call_legs`` against the labels.

    Args:
        con: DuckDB connection holding ``cdr`` (and ``call_legs``, ``duplicates``).
        files: ``(file path, truth Parquet path)`` of every generated file ingested (originals and
            companions); files are matched to ``cdr.source_file`` by file name.
        ingest_jobs: restrict to these jobs (default: all rows).
        prediction: a table ``(record_id, pcluster)`` to score instead of ``cdr.duplicate_of`` (another
            method's clusters, e.g. Splink's); a record missing from it is alone.

    Returns:
        ``overall`` and ``by_kind`` (copy kind -> ``precision``, ``recall``, ``f1``, ``true_pairs``,
        ``predicted_pairs``, ``correct_pairs``), ``negatives`` (negative or leg kind -> ``records``,
        ``false_pairs``), ``legs`` (``labelled``, ``linked``, ``recall``), ``tz_offsets`` (``copies_found``,
        ``offset_correct``: the flagged hours equal the injected ones) and ``records`` (scored rows).
    """
    create_tables(con, migrate=False)  # scoring changes nothing stored
    _truth_table(con, files)
    where = ""
    if ingest_jobs:
        where = "WHERE c.ingest_job IN (" + ", ".join("'" + j.replace("'", "''") + "'" for j in ingest_jobs) + ")"
    pcluster = "coalesce(c.duplicate_of, c.record_id)"
    join_prediction = ""
    if prediction:
        pcluster = "coalesce(pr.pcluster, c.record_id)"
        join_prediction = f"LEFT JOIN {prediction} pr ON pr.record_id = c.record_id"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _ev AS
        SELECT c.record_id, {pcluster} AS pcluster,
               CASE WHEN t.dup_kind IN ({', '.join(f"'{k}'" for k in COPY_KINDS)})
                    THEN t.dup_of_file || ':' || t.dup_of_row ELSE t.file || ':' || t.source_row END AS tcluster,
               t.dup_kind AS kind, t.dup_of_file || ':' || t.dup_of_row AS of_key, t.file || ':' || t.source_row AS key,
               t.dup_offset_h, c.start_utc
        FROM (SELECT *, parse_filename(source_file) AS file FROM cdr c {where}) c
        JOIN _ev_truth t ON t.file = c.file AND t.source_row = c.source_row {join_prediction}
        WHERE t.quarantine_reason IS NULL""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _ev_pairs AS
        SELECT a.record_id AS x, b.record_id AS y, a.kind AS xk, b.kind AS yk,
               a.tcluster = b.tcluster AS is_true, a.pcluster = b.pcluster AS is_pred
        FROM (SELECT a.record_id AS x, b.record_id AS y FROM _ev a JOIN _ev b
                  ON a.tcluster = b.tcluster AND a.record_id < b.record_id
              UNION
              SELECT a.record_id, b.record_id FROM _ev a JOIN _ev b
                  ON a.pcluster = b.pcluster AND a.record_id < b.record_id) p
        JOIN _ev a ON a.record_id = p.x JOIN _ev b ON b.record_id = p.y""")
    out: dict = {"records": con.execute("SELECT count(*) FROM _ev").fetchone()[0]}

    def counts(cond: str) -> tuple[int, int, int]:
        return con.execute(f"""SELECT count(*) FILTER (WHERE is_true AND is_pred), count(*) FILTER (WHERE is_pred),
                                      count(*) FILTER (WHERE is_true) FROM _ev_pairs WHERE {cond}""").fetchone()

    out["overall"] = _prf(*counts("true"))
    out["by_kind"] = {k: _prf(*counts(f"(xk = '{k}' OR yk = '{k}')")) for k in COPY_KINDS}
    out["negatives"] = {}
    for k in NEGATIVE_KINDS + LEG_KINDS:
        records = con.execute(f"SELECT count(*) FROM _ev WHERE kind = '{k}'").fetchone()[0]
        false = con.execute(f"SELECT count(*) FROM _ev_pairs WHERE (xk = '{k}' OR yk = '{k}') AND is_pred AND NOT is_true").fetchone()[0]
        out["negatives"][k] = {"records": int(records), "false_pairs": int(false)}
    labelled, linked = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE la.call_id IS NOT NULL AND la.call_id = lb.call_id)
        FROM _ev l JOIN _ev o ON o.key = l.of_key
        LEFT JOIN call_legs la ON la.record_id = l.pcluster
        LEFT JOIN call_legs lb ON lb.record_id = o.pcluster
        WHERE l.kind IN ({', '.join(f"'{k}'" for k in LEG_KINDS)})""").fetchone()
    out["legs"] = {"labelled": int(labelled), "linked": int(linked), "recall": linked / labelled if labelled else 1.0}
    found, right = con.execute("""
        SELECT count(*), count(*) FILTER (WHERE round((epoch(c.start_utc) - epoch(o.start_utc)) / 3600) = c.dup_offset_h
                                          AND coalesce(dc.offset_h, 0) - coalesce(dor.offset_h, 0) = c.dup_offset_h)
        FROM _ev c JOIN _ev o ON o.key = c.of_key AND o.pcluster = c.pcluster
        LEFT JOIN duplicates dc ON dc.record_id = c.record_id
        LEFT JOIN duplicates dor ON dor.record_id = o.record_id
        WHERE c.kind = 'tz_shift'""").fetchone()
    out["tz_offsets"] = {"copies_found": int(found), "offset_correct": int(right)}
    for t in ("_ev", "_ev_pairs", "_ev_truth"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return out
