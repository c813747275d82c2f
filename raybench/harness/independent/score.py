"""Ingest the independent set in one job and give each file a verdict.

Verdicts, first that applies:

* ``failed``: the file was not read (``files.status`` failed, errors, incomplete, skipped, or no row).
* ``silently wrong``: a stored row has a canonical field that differs from the truth and no flag naming
  that field (:data:`raybench.validate.rules.FLAG_FIELDS`, rule id -> fields it puts in doubt); or a
  stored row matches no record (invented); or records are lost (``stored + quarantined != records``);
  or the file says ``ok`` where it should say ``suspect`` (its unreadable records hide behind ``ok``).
* ``suspect``: the file says ``suspect`` where ``ok`` was expected (honest, not right).
* ``quarantined``: records that should be stored went to quarantine (visible, but the calls are not
  stored).
* ``right``: status as expected, every record accounted for, every readable record stored, every stored
  row equal to the truth in every canonical field or carrying a flag that names the field.

Stored rows are matched to the truth by ``source_row``; where the row's ``start_raw`` is not the truth's
start as written (a footer counted as a record shifts the numbers), by ``start_raw`` (unique per file). A
record whose start is written in two columns (a local stamp and an epoch) has both as its ``start_key``
(a list): either is the start as written.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import duckdb

from raybench.harness.independent.parties import LOCAL_ZONE
from raybench.harness.independent.writer import write_set
from raybench.pipeline.job import IngestOptions, run_ingest
from raybench.validate import rules

VERDICTS = ("right", "suspect", "quarantined", "failed", "silently wrong")
FIELDS = ("start_utc", "duration_s", "caller", "callee", "record_type", "direction", "imsi", "imei", "cell_id",
          "lac")
"""The canonical fields compared with the truth."""
NOT_READ = ("failed", "errors", "incomplete", "skipped", None)


def _key(text) -> str | None:
    if text is None:
        return None
    out = " ".join(str(text).replace("\x00", "").replace('"', "").split())
    return out or None


def _keys(truth: dict) -> list[str]:
    """A truth record's start as written, normalised: one key, or each of a list (a start in two columns)."""
    raw = truth["start_key"]
    keys = [_key(k) for k in (raw if isinstance(raw, list) else [raw])]
    return [k for k in keys if k is not None]


def _norm(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _accepts(truth, got) -> bool:
    options = truth if isinstance(truth, list) else [truth]
    return any(_norm(o) == got for o in options)


def truth_epoch_us(iso: str | None) -> int | None:
    """An ISO instant of a truth file (``Z`` or an offset) as microseconds since the epoch, as
    ``cdr.start_utc`` is read back; None for None."""
    if iso is None:
        return None
    t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return int(t.timestamp()) * 1_000_000 + t.microsecond


def accepts_start(truth, got) -> bool:
    """A start truth is one ISO instant, or a list of the instants accepted (a zone the file does not
    state; milliseconds kept, cut or rounded)."""
    options = truth if isinstance(truth, list) else [truth]
    return any(got == truth_epoch_us(o) for o in options)


def flag_fields() -> dict[str, tuple[str, ...]]:
    """Rule id -> canonical fields its flag puts in doubt (empty where the reader has no flags yet)."""
    return dict(getattr(rules, "FLAG_FIELDS", {}))


def _stored_rows(con, sha: str, job: str) -> list[dict]:
    cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'cdr'").fetchall()}
    flags = "flags" if "flags" in cols else "NULL::VARCHAR[] AS flags"
    cur = con.execute(f"""SELECT source_row, start_raw, epoch_us(start_utc) AS start_utc, duration_s, caller,
                                 callee, record_type, direction, imsi, imei, cell_id, lac, {flags}
                          FROM cdr WHERE source_sha256 = ? AND ingest_job = ? ORDER BY source_row""", [sha, job])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def score_file(con, job: str, file_row: dict | None, doc: dict, doubt: dict[str, tuple[str, ...]]) -> dict:
    """One file's figures and verdict (see the module docstring).

    Args:
        con: DuckDB connection on the job's database.
        job: the ingest job.
        file_row: the file's ``files`` row (None when it has none).
        doc: its truth document (:func:`raybench.harness.independent.writer.write_file`).
        doubt: rule id -> fields in doubt (:func:`flag_fields`).
    """
    truth = doc["truth"]
    n = len(truth)
    out = {"file": doc["file"], "family": doc["family"], "notes": doc.get("notes", ""), "records": n,
           "expected_status": doc["expected_status"], "status": file_row.get("status") if file_row else None,
           "error": file_row.get("error") if file_row else "no files row", "layout": (file_row or {}).get("layout"),
           "rows_read": (file_row or {}).get("rows_read"), "stored": 0, "quarantined": 0, "matched": 0,
           "renumbered": 0, "invented": 0, "readable_not_stored": 0, "unreadable_stored": 0,
           "wrong_fields": {}, "flagged_fields": {}, "examples": [], "reasons": []}
    if file_row is None or file_row.get("status") in NOT_READ or not file_row.get("sha256"):
        out["verdict"] = "failed"
        return out
    sha = file_row["sha256"]
    stored = _stored_rows(con, sha, job)
    out["stored"] = len(stored)
    out["quarantined"] = int(con.execute("SELECT count(*) FROM quarantine WHERE source_sha256 = ? AND ingest_job = ?",
                                         [sha, job]).fetchone()[0])
    by_row = {t["source_row"]: t for t in truth}
    by_key: dict[str, list[dict]] = {}  # a start written twice (a re-exported call) holds both records
    for t in truth:
        for k in _keys(t):
            by_key.setdefault(k, []).append(t)
    seen: set[int] = set()
    wrong, flagged = out["wrong_fields"], out["flagged_fields"]
    for row in stored:
        t = by_row.get(row["source_row"])
        if t is None or (row["start_raw"] is not None and _key(row["start_raw"]) not in _keys(t)):
            same = by_key.get(_key(row["start_raw"]), [])
            t2 = next((c for c in same if c["source_row"] not in seen), same[-1] if same else None)
            if t2 is None:
                out["invented"] += 1
                if len(out["examples"]) < 3:
                    out["examples"].append(f"row {row['source_row']}: no such record (start {row['start_raw']!r})")
                continue
            t = t2
            out["renumbered"] += 1
        if t["source_row"] in seen:
            out["invented"] += 1  # the same record stored twice
            continue
        seen.add(t["source_row"])
        out["matched"] += 1
        if t["expect"] == "quarantine":
            out["unreadable_stored"] += 1
        in_doubt = {f for rule in (row["flags"] or []) for f in doubt.get(rule, ())}
        for f in FIELDS:
            want = t["fields"][f]
            got = _norm(row[f])
            ok = accepts_start(want, got) if f == "start_utc" else _accepts(want, got)
            if ok:
                continue
            bucket = flagged if f in in_doubt else wrong
            bucket[f] = bucket.get(f, 0) + 1
            if f not in in_doubt and sum(1 for e in out["examples"] if e.startswith(f + ":")) < 3:
                shown = got
                if f == "start_utc" and got is not None:
                    shown = datetime.fromtimestamp(got / 1e6, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                out["examples"].append(f"{f}: got {shown!r} want {want!r} (row {t['source_row']})")
    out["readable_not_stored"] = sum(1 for t in truth if t["expect"] == "store" and t["source_row"] not in seen)
    lost = n - out["matched"] - out["quarantined"]
    reasons = out["reasons"]
    if wrong:
        reasons.append("unflagged wrong values: " + ", ".join(f"{f} {c}" for f, c in wrong.items()))
    if out["invented"]:
        reasons.append(f"{out['invented']} stored rows match no record")
    if out["stored"] + out["quarantined"] != n or lost > 0:
        reasons.append(f"accounting: {out['stored']} stored + {out['quarantined']} quarantined for {n} records")
    if out["status"] == "ok" and doc["expected_status"] == "suspect":
        reasons.append("status ok, expected suspect")
    if reasons:
        out["verdict"] = "silently wrong"
    elif out["status"] != doc["expected_status"]:
        out["verdict"] = "suspect" if out["status"] == "suspect" else "failed"
        reasons.append(f"status {out['status']}, expected {doc['expected_status']}")
    elif out["readable_not_stored"] or out["unreadable_stored"]:
        out["verdict"] = "quarantined"
        reasons.append(f"{out['readable_not_stored']} readable records not stored")
    else:
        out["verdict"] = "right"
    return out


def score_db(db: str, job: str, files: list[dict], docs: list[dict]) -> list[dict]:
    """Score every truth document against the job's tables in ``db`` (``files``: the job's files rows)."""
    doubt = flag_fields()
    by_name = {os.path.basename(r["path"]): r for r in files}
    con = duckdb.connect(db, read_only=True)
    try:
        return [score_file(con, job, by_name.get(d["file"]), d, doubt) for d in docs]
    finally:
        con.close()


def summarize(per_file: list[dict]) -> dict:
    """Files per verdict, the share right, and row figures over the set."""
    counts = {v: sum(1 for r in per_file if r["verdict"] == v) for v in VERDICTS}
    return {"files": len(per_file), "verdicts": counts,
            "right_share": counts["right"] / len(per_file) if per_file else 0.0,
            "records": sum(r["records"] for r in per_file), "stored": sum(r["stored"] for r in per_file),
            "quarantined": sum(r["quarantined"] for r in per_file),
            "rows_silently_wrong_fields": sum(sum(r["wrong_fields"].values()) for r in per_file),
            "flags_known": sorted(flag_fields())}


def evaluate_independent(out_dir: str, seed: int = 0, only: list[str] | None = None, workers: int | None = 1,
                         tz: str = LOCAL_ZONE, address: str | None = None, group: str = "main") -> dict:
    """Write the set into ``out_dir/set``, ingest it in one job (``out_dir/eval.duckdb``), score it.

    Args:
        out_dir: working folder (the set, the database, the ingest results, ``independent-eval.json``).
        seed: the set's seed.
        only: file names or families to keep (None: all).
        workers: actors in the pool.
        tz: ``--tz`` of the job: the zone the set's local-time files are written in.
        address: a Ray cluster to join; None starts an embedded one (or reuses a running one).
        group: ``main`` (the 26 files), ``holdout`` (:mod:`.holdout`), ``holdout2`` (:mod:`.holdout2`) or
            ``holdout3`` (:mod:`.holdout3`) or ``holdout4`` (:mod:`.holdout4`) or ``holdout5`` (:mod:`.holdout5`)
            or ``holdout6`` (:mod:`.holdout6`) or ``holdout7`` (:mod:`.holdout7`).

    Returns:
        ``job``, ``seed``, ``files`` (per-file figures and verdicts), ``totals`` (:func:`summarize`),
        ``results_path``.
    """
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    set_dir = os.path.join(out_dir, "set")
    docs = write_set(set_dir, seed=seed, only=only, group=group)
    db = os.path.join(out_dir, "eval.duckdb")
    for suffix in ("", ".wal"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    paths = [os.path.join(set_dir, d["file"]) for d in docs]
    ingest = run_ingest(paths, IngestOptions(db=db, tz=tz, workers=workers, progress=False, address=address,
                                             results=os.path.join(out_dir, "ingest.json")))
    per_file = score_db(db, ingest["job"], ingest["files"], docs)
    result = {"job": ingest["job"], "seed": seed, "group": group, "db": db, "tz": tz, "files": per_file,
              "totals": summarize(per_file)}
    path = os.path.join(out_dir, "independent-eval.json")
    result["results_path"] = path
    with open(path, "w") as f:
        json.dump(result, f, indent=1, default=str)
    return result


def format_table(result: dict) -> str:
    """The per-file table and the totals, as text."""
    w = max([26] + [len(r["file"]) for r in result["files"]])
    lines = [f"{'file':{w}} {'family':10} {'exp/got':17} {'rec':>4} {'stor':>4} {'quar':>4}  {'verdict':14} "
             "wrong fields"]
    for r in result["files"]:
        wrong = ", ".join(f"{f} {c}" for f, c in r["wrong_fields"].items()) or "-"
        lines.append(f"{r['file']:{w}} {r['family']:10} {r['expected_status'] + '/' + str(r['status']):17} "
                     f"{r['records']:>4} {r['stored']:>4} {r['quarantined']:>4}  {r['verdict']:14} {wrong}")
        for e in r["examples"][:3]:
            lines.append(f"{'':30}e.g. {e}")
        if r["verdict"] != "right" and r["reasons"]:
            lines.append(f"{'':30}why: {'; '.join(r['reasons'])}" + (f" [{r['error']}]" if r.get("error") else ""))
        elif r["verdict"] == "failed" and r.get("error"):
            lines.append(f"{'':30}error: {r['error']}")
    t = result["totals"]
    v = t["verdicts"]
    lines.append("")
    lines.append(f"files {t['files']}: " + ", ".join(f"{k} {v[k]}" for k in VERDICTS)
                 + f"; right {100 * t['right_share']:.0f}%")
    lines.append(f"records {t['records']}: stored {t['stored']}, quarantined {t['quarantined']}; "
                 f"unflagged wrong field values {t['rows_silently_wrong_fields']}; flags known: "
                 f"{', '.join(t['flags_known']) or 'none (no FLAG_FIELDS yet)'}")
    return "\n".join(lines)
