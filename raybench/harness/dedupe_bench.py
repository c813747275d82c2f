"""``raybench evaluate --dedupe``: generate a production with labelled copies, ingest it, score it.

Prints pairwise precision, recall and F1 per copy kind and overall, false pairs per hard-negative kind,
leg recall, and the dedupe step's time as a share of the ingest job's time.
"""

from __future__ import annotations

import os
import shutil
import time

import duckdb

from raybench.dedupe.splink_compare import run_splink
from raybench.generate.duplicates import DuplicateRates, generate_duplicates
from raybench.generate.production import generate_file
from raybench.harness.dedupe_eval import score_dedupe
from raybench.pipeline.job import IngestOptions, run_ingest

DEFAULT_LAYOUTS = ("att_mobility_voice", "tmobile_cdr", "sprint_cdma", "verizon_billing_detail",
                   "asterisk_master_csv")


def evaluate_dedupe(rows: int, out_dir: str, *, seed: int = 0, layouts: tuple[str, ...] = DEFAULT_LAYOUTS,
                    rates: DuplicateRates | None = None, workers: int | None = None,
                    chunk_bytes: int | None = None, progress: bool = False, file_rows: int = 50_000,
                    splink: bool = False, splink_threshold: float = 0.9) -> dict:
    """Generate ``rows`` base records (split over ``layouts``) plus companions, ingest, score.

    Args:
        rows: base records in all (the companions add about ``sum(rates)`` more).
        out_dir: working folder (``data/`` and ``cdr.duckdb`` are replaced).
        seed: generator seed.
        layouts: base layouts.
        rates: companion shares (default :class:`DuplicateRates`).
        workers, chunk_bytes: ingest options (None: the defaults).
        progress: show the ingest progress bar.
        file_rows: base records per production file; each file is another subscriber's production
            (its own seed, so its own target number), as when many productions are loaded together.
        splink: also deduplicate the stored rows with Splink (:mod:`raybench.dedupe.splink_compare`,
            the optional extra ``raybench[splink]``) and score its clusters the same way.
        splink_threshold: Splink's match probability threshold.

    Returns:
        ``score`` (:func:`raybench.harness.dedupe_eval.score_dedupe`), ``rows_ingested``, ``ingest_wall_s``,
        ``dedupe`` (the job's dedupe summary), ``dedupe_share`` (dedupe seconds / ingest seconds),
        ``dedupe_share_of_work`` (dedupe seconds / ingest seconds less Ray start and shutdown),
        ``validation_coverage``, ``generate_s``, ``score_s``; with ``splink``, ``splink`` (``score``,
        ``wall_s``, ``phases_s``, ``records``, ``pairs_scored``, ``threshold``, ``splink_version``).
    """
    data = os.path.join(out_dir, "data")
    db = os.path.join(out_dir, "cdr.duckdb")
    shutil.rmtree(data, ignore_errors=True)
    for p in (db, db + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    t = time.perf_counter()
    files = []
    per_layout = max(1, rows // len(layouts))
    n_files = max(1, -(-per_layout // file_rows))
    for layout in layouts:
        for i in range(n_files):  # one production per subscriber: each seed draws its own target
            g = generate_file(layout, os.path.join(data, "base"), rows=max(1, per_layout // n_files),
                              seed=seed * 1000 + i)
            files.append(g)
            files += generate_duplicates(g, os.path.join(data, "copies"), seed=seed * 1000 + i, rates=rates)
    generate_s = time.perf_counter() - t
    options = IngestOptions(db=db, results=os.path.join(out_dir, "ingest.json"), progress=progress,
                            workers=workers)
    if chunk_bytes:
        options.chunk_bytes = chunk_bytes
    out = run_ingest([data], options)
    t = time.perf_counter()
    con = duckdb.connect(db)
    try:
        score = score_dedupe(con, [(g.path, g.truth_path) for g in files])
    finally:
        con.close()
    splink_result = None
    if splink:
        sp = run_splink(db, threshold=splink_threshold, seed=seed)
        con = duckdb.connect(db)
        try:
            con.register("_splink_clusters", sp.pop("clusters"))
            splink_result = {"score": score_dedupe(con, [(g.path, g.truth_path) for g in files],
                                                   prediction="_splink_clusters"), **sp}
        finally:
            con.close()
    phases = out.get("phases_s", {})
    work = out["wall_s"] - phases.get("ray_init", 0.0) - phases.get("shutdown", 0.0)
    return {
        "score": score, "rows_ingested": out["totals"]["rows_read"], "ingest_wall_s": out["wall_s"],
        "dedupe": out["dedupe"], "dedupe_share": out["dedupe"]["wall_s"] / out["wall_s"],
        "dedupe_share_of_work": out["dedupe"]["wall_s"] / work if work > 0 else None,
        "validation_coverage": out["totals"]["validation_coverage"],
        "generate_s": generate_s, "score_s": time.perf_counter() - t, "files": len(files),
        **({"splink": splink_result} if splink_result else {}),
    }


def print_dedupe_evaluation(result: dict, console=None) -> None:
    """Print the tables of :func:`evaluate_dedupe`'s result."""
    from rich.console import Console  # local: only on a terminal: the progress bar
    from rich.table import Table  # local: only on a terminal: the progress bar

    console = console or Console()
    s = result["score"]
    table = Table(title="dedupe: pairwise precision / recall / F1")
    for col in ("kind", "precision", "recall", "F1", "true pairs", "predicted", "correct"):
        table.add_column(col, justify="right" if col != "kind" else "left")
    for kind, m in list(s["by_kind"].items()) + [("overall", s["overall"])]:
        table.add_row(kind, f"{m['precision']:.4%}", f"{m['recall']:.4%}", f"{m['f1']:.4%}", str(m["true_pairs"]),
                      str(m["predicted_pairs"]), str(m["correct_pairs"]))
    console.print(table)
    neg = Table(title="hard negatives and legs")
    for col in ("kind", "records", "false pairs"):
        neg.add_column(col)
    for kind, m in s["negatives"].items():
        neg.add_row(kind, str(m["records"]), str(m["false_pairs"]))
    console.print(neg)
    d = result["dedupe"]
    info = Table(show_header=False, title="dedupe run")
    info.add_column("metric")
    info.add_column("value")
    for name, value in (
        ("rows ingested / files", f"{result['rows_ingested']} / {result['files']}"),
        ("legs linked / labelled", f"{s['legs']['linked']} / {s['legs']['labelled']}"),
        ("zone offsets right / copies found", f"{s['tz_offsets']['offset_correct']} / {s['tz_offsets']['copies_found']}"),
        ("validation coverage", f"{result['validation_coverage']:.4%}"),
        ("ingest wall s", f"{result['ingest_wall_s']:.2f}"),
        ("dedupe wall s", f"{d['wall_s']:.2f}  ({', '.join(f'{k} {v:.2f}' for k, v in d['phases_s'].items())})"),
        ("dedupe share of ingest", f"{result['dedupe_share']:.1%}"),
        ("dedupe share of ingest less Ray start/stop", f"{result['dedupe_share_of_work']:.1%}"),
        ("duplicates marked", f"{d['duplicates']} {d['by_kind']}"),
    ):
        info.add_row(name, value)
    console.print(info)
    if "splink" in result:
        sp = result["splink"]
        side = Table(title="raybench and Splink on the same stored rows (pairwise, overall)")
        for col in ("method", "precision", "recall", "F1", "predicted pairs", "wall s"):
            side.add_column(col, justify="left" if col == "method" else "right")
        for name, m, wall in (("raybench dedupe", s["overall"], d["wall_s"]),
                              (f"Splink {sp['splink_version']} (p >= {sp['threshold']})", sp["score"]["overall"],
                               sp["wall_s"])):
            side.add_row(name, f"{m['precision']:.4%}", f"{m['recall']:.4%}", f"{m['f1']:.4%}",
                         str(m["predicted_pairs"]), f"{wall:.2f}")
        console.print(side)
        per = Table(title="Splink per kind")
        for col in ("kind", "precision", "recall", "F1"):
            per.add_column(col, justify="left" if col == "kind" else "right")
        for kind, m in sp["score"]["by_kind"].items():
            per.add_row(kind, f"{m['precision']:.4%}", f"{m['recall']:.4%}", f"{m['f1']:.4%}")
        console.print(per)
        console.print(f"Splink phases s: {sp['phases_s']}; {sp['records']} records, {sp['pairs_scored']} pairs "
                      "at or above the threshold")
