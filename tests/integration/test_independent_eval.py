"""The independent set through run_ingest, and the scorer on a database made wrong on purpose."""

from __future__ import annotations

import json
import os

import duckdb

from raybench.harness.independent import VERDICTS, evaluate_independent, format_table
from raybench.harness.independent.score import score_db

SUBSET = ["tmo_01_iso.csv", "ast_02_17col_utc.csv", "vzw_01_bill.csv"]


def _first(value):
    return value[0] if isinstance(value, list) else value


def test_independent_subset_and_a_deliberately_wrong_database(tmp_path, ray_local, monkeypatch):
    result = evaluate_independent(str(tmp_path), seed=0, only=SUBSET)
    print(format_table(result))  # the 'before' figure: not asserted, the reader is being fixed in parallel
    assert sorted(r["file"] for r in result["files"]) == sorted(SUBSET)
    assert all(r["verdict"] in VERDICTS for r in result["files"])
    assert json.loads(open(result["results_path"]).read())["totals"]["files"] == 3
    ingest = json.loads(open(os.path.join(tmp_path, "ingest.json")).read())
    docs = [json.loads(open(os.path.join(tmp_path, "set", f + ".truth.json")).read()) for f in SUBSET]
    target = max(result["files"], key=lambda r: r["stored"])
    assert target["stored"] > 0, "no file of the subset stored a row: nothing to score"
    doc = docs[SUBSET.index(target["file"])]
    sha = next(r["sha256"] for r in ingest["files"] if r["path"].endswith(target["file"]))
    by_row = {t["source_row"]: t for t in doc["truth"]}

    con = duckdb.connect(result["db"])
    rows = [r[0] for r in con.execute("SELECT source_row FROM cdr WHERE source_sha256 = ?", [sha]).fetchall()]
    for source_row in rows:  # make every stored row of the file right
        f = by_row[source_row]["fields"]
        con.execute("""UPDATE cdr SET start_raw = ?, start_utc = ?::TIMESTAMPTZ, duration_s = ?, caller = ?,
                              callee = ?, record_type = ?, direction = ?, imsi = ?, imei = ?, cell_id = ?, lac = ?
                       WHERE source_sha256 = ? AND source_row = ?""",
                    [by_row[source_row]["start_key"], f["start_utc"], *(_first(f[k]) for k in (
                        "duration_s", "caller", "callee", "record_type", "direction", "imsi", "imei", "cell_id",
                        "lac")), sha, source_row])
    con.close()

    def rescore():
        out = score_db(result["db"], result["job"], ingest["files"], docs)
        return next(r for r in out if r["file"] == target["file"])

    repaired = rescore()
    assert repaired["wrong_fields"] == {} and repaired["invented"] == 0 and repaired["matched"] == len(rows)

    con = duckdb.connect(result["db"])  # one value silently wrong: a trunk-0 style number made E.164
    con.execute("UPDATE cdr SET callee = '+10405550100' WHERE source_sha256 = ? AND source_row = ?", [sha, rows[0]])
    con.close()
    wrong = rescore()
    assert wrong["verdict"] == "silently wrong" and wrong["wrong_fields"] == {"callee": 1}
    assert "+10405550100" in wrong["examples"][0]

    con = duckdb.connect(result["db"])  # the same value, flagged by a rule that names the field
    if "flags" not in {c[0] for c in con.execute("DESCRIBE cdr").fetchall()}:
        con.execute("ALTER TABLE cdr ADD COLUMN flags VARCHAR[]")
    con.execute("UPDATE cdr SET flags = ['number_kept'] WHERE source_sha256 = ? AND source_row = ?", [sha, rows[0]])
    con.close()
    from raybench.validate import rules

    monkeypatch.setattr(rules, "FLAG_FIELDS", {"number_kept": ("callee",)}, raising=False)
    flagged = rescore()
    assert flagged["wrong_fields"] == {} and flagged["flagged_fields"] == {"callee": 1}
    assert flagged["verdict"] != "silently wrong" or flagged["reasons"][0].startswith(("accounting", "status"))
