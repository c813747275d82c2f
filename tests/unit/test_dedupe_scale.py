"""The detector's scale mechanics: components in SQL, joins in parts, the integer index, the old index
layout, and the optional Splink comparison's missing-package path (Splink itself is never needed here)."""

from __future__ import annotations

import random
import sys

import duckdb
import pytest
from click.testing import CliRunner

import raybench.dedupe.detect as detect
from raybench.dedupe import dedupe_job
from raybench.dedupe.clusters import first_of_components, sql_components
from test_dedupe import B, C, D, add, con, dup_of  # noqa: F401 (fixture and helpers)


def test_sql_components_match_union_find():
    rng = random.Random(5)
    edges = [(rng.randrange(200), rng.randrange(200)) for _ in range(150)] + [(7, 7), (500, 501), (501, 502)]
    db = duckdb.connect(":memory:")
    db.execute("CREATE TABLE e (u BIGINT, v BIGINT)")
    db.executemany("INSERT INTO e VALUES (?, ?)", edges)
    sql_components(db, "e", "cc")
    got = dict(db.execute("SELECT n, l FROM cc").fetchall())
    nodes = {n for e in edges for n in e}
    want = first_of_components(edges, {n: (n,) for n in nodes})
    assert got == want


def _scenario(con):
    add(con, "r1", file="a.csv")
    add(con, "r2", file="b.csv", start=1)
    add(con, "r3", file="c.csv", start=5 * 3600)
    add(con, "bill", file="bill.csv", start=-17, dur=120)
    add(con, "l2", file="a.csv", row=2, callee=C)
    add(con, "l3", file="a.csv", row=3, caller=B, callee=D, start=1, direction="forwarded")
    add(con, "n1", file="a.csv", row=4, start=6, dur=30)


_VERDICTS = ("cdr", "duplicates", "call_legs")


def _verdicts(db):
    return [db.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in _VERDICTS]


def _same_verdicts_with(con, monkeypatch, **settings) -> dict:
    """Dedupe the scenario as it is on ``con``, then on a fresh database with ``detect``'s ``settings``
    patched; asserts the verdict tables are the same and returns the second run's summary."""
    _scenario(con)
    dedupe_job(con, "j1")
    want = _verdicts(con)
    other = duckdb.connect(":memory:")
    from raybench.schema import ALL_DDL

    for ddl in ALL_DDL:
        other.execute(ddl)
    _scenario(other)
    for name, value in settings.items():
        monkeypatch.setattr(detect, name, value)
    out = dedupe_job(other, "j1")
    assert _verdicts(other) == want
    assert dup_of(other)["r2"] == "bill" and want[2]
    return out


def test_joins_in_parts_give_the_same_verdicts(con, monkeypatch):
    assert _same_verdicts_with(con, monkeypatch, PART_KEYS=2)["parts"] > 1


@pytest.mark.parametrize("need_by_file, copy_keys", [(0, 10**9), (10**9, 0), (0, 0)])
def test_reading_every_file_and_joining_call_keys_give_the_same_verdicts(con, monkeypatch, need_by_file, copy_keys):
    """Step 5 reads cdr in the needed records' files only up to NEED_BY_FILE records, and a job's keys are
    joined from a TEMP copy up to JOB_COPY_KEYS: the other side of each threshold gives the same tables."""
    _same_verdicts_with(con, monkeypatch, NEED_BY_FILE=need_by_file, JOB_COPY_KEYS=copy_keys)


def test_index_has_integer_columns_only(con):
    _scenario(con)
    dedupe_job(con, "j1")
    types = {r[0]: r[1] for r in con.execute("DESCRIBE call_keys").fetchall()}
    assert set(types.values()) <= {"BIGINT", "INTEGER", "BOOLEAN"}, types


def test_old_index_layout_is_dropped_and_rebuilt(con):
    con.execute("CREATE TABLE call_keys (record_id VARCHAR, a BIGINT, cluster VARCHAR)")
    con.execute("CREATE TABLE duplicates (record_id VARCHAR, duplicate_of VARCHAR, kind VARCHAR, offset_h INTEGER, "
                "delta_s BIGINT, ingest_job VARCHAR)")
    add(con, "r1", file="a.csv")
    add(con, "r2", file="b.csv")
    con.execute("UPDATE cdr SET duplicate_of = 'stale' WHERE record_id = 'r1'")
    dedupe_job(con, "j1")
    assert dup_of(con) == {"r1": None, "r2": "r1"}


def test_evaluate_splink_without_splink_exits_2(monkeypatch, tmp_path):
    from raybench.cli import main

    monkeypatch.setitem(sys.modules, "splink", None)  # import splink fails
    result = CliRunner().invoke(main, ["evaluate", "--dedupe", "--splink", "--rows", "10", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "pip install" in result.output and len(result.output.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())  # nothing was generated or ingested


@pytest.mark.parametrize("rid", ["0123456789abcdef0123456789abcdef", "late"])
def test_record_key_is_stable(rid):
    from raybench.dedupe.rules import record_key

    sql = f"SELECT {record_key('x')} FROM (SELECT ?::VARCHAR AS x)"
    k1 = duckdb.connect().execute(sql, [rid]).fetchall()[0][0]
    k2 = duckdb.connect().execute(sql, [rid]).fetchall()[0][0]
    assert k1 == k2 and 0 <= k1 < 2**60
    if len(rid) == 32:
        assert k1 == int(rid[:15], 16)
