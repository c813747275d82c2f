"""Splink (probabilistic record linkage, DuckDB backend) on the same stored ``cdr`` rows, for comparison.

Optional: ``pip install 'raybench[splink]'``. Splink sees every ``cdr`` row that has both numbers, with
the same number keys and blocking as raybench's detector (:mod:`raybench.dedupe.rules`): caller key,
callee key and billed minutes equal, start on the same or the next day. A Fellegi-Sunter model compares
the starts (equal, within the tolerance, within a minute, whole hours off within the tolerance, else) and
the durations (equal, one of them whole minutes, else; null when either is missing); it is trained
without labels (u by random sampling, m by expectation maximisation on the blocked pairs), and the pairs
at or above ``threshold`` match probability are clustered into connected components. Nothing of
raybench's own detector is used.
"""

from __future__ import annotations

import logging
import time

import duckdb

from raybench.dedupe.rules import DedupeOptions, number_key
from raybench.timing import PhaseTimer

log = logging.getLogger(__name__)

INSTALL_HINT = "Splink is not installed: pip install 'raybench[splink]' (or pip install splink)"


def splink_available() -> bool:
    """Whether ``import splink`` works."""
    try:
        import splink  # noqa: F401
    except Exception:
        return False
    return True


def _settings(o: DedupeOptions):
    import splink.comparison_library as cl  # local: optional extra: only --splink
    from splink import SettingsCreator, block_on  # local: optional extra: only --splink

    t = o.tolerance_s
    d = "(start_s_l - start_s_r)"
    hour_off = f"abs({d} - 3600 * round({d} / 3600.0)) <= {t} AND abs({d}) <= {o.max_offset_h * 3600 + t}"
    start = cl.CustomComparison(output_column_name="start", comparison_levels=[
        {"sql_condition": "start_s_l IS NULL OR start_s_r IS NULL", "label_for_charts": "null", "is_null_level": True},
        {"sql_condition": f"{d} = 0", "label_for_charts": "equal"},
        {"sql_condition": f"abs({d}) <= {t}", "label_for_charts": f"within {t} s"},
        {"sql_condition": f"abs({d}) <= {59 + t}", "label_for_charts": "within a minute"},
        {"sql_condition": hour_off, "label_for_charts": "whole hours off"},
        {"sql_condition": "ELSE", "label_for_charts": "else"},
    ])
    duration = cl.CustomComparison(output_column_name="duration", comparison_levels=[
        {"sql_condition": "duration_s_l IS NULL OR duration_s_r IS NULL", "label_for_charts": "null",
         "is_null_level": True},
        {"sql_condition": "duration_s_l = duration_s_r", "label_for_charts": "equal"},
        {"sql_condition": "duration_s_l % 60 = 0 OR duration_s_r % 60 = 0", "label_for_charts": "whole minutes"},
        {"sql_condition": "ELSE", "label_for_charts": "else"},
    ])
    blocking = [block_on("a", "b", "dmin", "day"),
                "l.a = r.a AND l.b = r.b AND l.dmin = r.dmin AND l.day + 1 = r.day",
                "l.a = r.a AND l.b = r.b AND l.dmin = r.dmin AND l.day = r.day + 1"]
    numbers = [cl.ExactMatch("a"), cl.ExactMatch("b")]
    return SettingsCreator(link_type="dedupe_only", unique_id_column_name="unique_id",
                           comparisons=numbers + [start, duration],
                           blocking_rules_to_generate_predictions=blocking, retain_matching_columns=False,
                           retain_intermediate_calculation_columns=False), blocking


def run_splink(db_path: str, *, threshold: float = 0.9, options: DedupeOptions | None = None, seed: int = 1,
               ingest_jobs: list[str] | None = None) -> dict:
    """Deduplicate the ``cdr`` rows of a raybench database with Splink.

    Args:
        db_path: the DuckDB file (opened read-only, attached to Splink's own in-memory DuckDB).
        threshold: match probability at or above which a pair is a match.
        options: tolerances (the start comparison levels use ``tolerance_s`` and ``max_offset_h``).
        seed: seed of u's random sampling.
        ingest_jobs: restrict to these jobs (default: all rows).

    Returns:
        ``wall_s`` (everything from reading the rows to the clusters), ``phases_s`` (prepare, train,
        predict, cluster), ``records``, ``pairs_scored`` (blocked pairs above the threshold),
        ``clusters`` (a pyarrow table ``record_id``, ``pcluster``), ``threshold``, ``splink_version``.

    Raises:
        ImportError: Splink is not installed.
    """
    import splink  # local: optional extra: only --splink
    from splink import (  # local: optional extra: only --splink
        DuckDBAPI,
        Linker,
        block_on,
    )

    o = options or DedupeOptions()
    timer = PhaseTimer(digits=3)
    phases, t0 = timer.phases_s, timer.t0

    def phase(name: str) -> None:
        log.info("splink %s: %.1f s", name, timer.mark(name))

    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{db_path}' AS src (READ_ONLY)")
        where = ""
        if ingest_jobs:
            where = "AND ingest_job IN (" + ", ".join("'" + j.replace("'", "''") + "'" for j in ingest_jobs) + ")"
        con.execute(f"""
            CREATE TABLE splink_input AS
            SELECT record_id AS unique_id, a, b, start_s, duration_s,
                   CASE WHEN duration_s IS NULL THEN 0 ELSE greatest(1, (duration_s + 59) // 60) END AS dmin,
                   start_s // 86400 AS day
            FROM (SELECT record_id, {number_key('caller')} AS a, {number_key('callee')} AS b,
                         epoch_us(start_utc) // 1000000 AS start_s, duration_s
                  FROM src.cdr WHERE true {where})
            WHERE a IS NOT NULL AND b IS NOT NULL AND start_s IS NOT NULL""")
        con.execute("DETACH src")
        records = con.execute("SELECT count(*) FROM splink_input").fetchall()[0][0]
        db_api = DuckDBAPI(connection=con)
        settings, blocking = _settings(o)
        sdf = db_api.register("splink_input")
        linker = Linker(sdf, settings, log_level=logging.WARNING)
        phase("prepare")
        log.info("splink: %d records", records)
        exact = "l.a = r.a AND l.b = r.b AND l.start_s = r.start_s AND l.duration_s = r.duration_s"
        linker.training.estimate_probability_two_random_records_match([exact], recall=0.3)
        linker.training.estimate_u_using_random_sampling(max_pairs=2e7, seed=seed)
        # two sessions: the numbers' m from pairs with one start, the start's and duration's from the blocks
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("start_s"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("a", "b", "dmin", "day"))
        phase("train")
        pred = linker.inference.predict(threshold_match_probability=threshold)
        pairs = con.execute(f"SELECT count(*) FROM {pred.physical_name}").fetchall()[0][0]
        phase("predict")
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold)
        table = con.sql(f"""SELECT unique_id AS record_id, cluster_id::VARCHAR AS pcluster
                            FROM {clusters.physical_name}""").to_arrow_table()
        phase("cluster")
    finally:
        con.close()
    return {"wall_s": time.perf_counter() - t0, "phases_s": phases, "records": int(records),
            "pairs_scored": int(pairs), "clusters": table, "threshold": threshold,
            "splink_version": splink.__version__}
