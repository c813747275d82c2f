"""The runner's trim of DuckDB's cache after a job (:func:`raybench.service.memory.trim_duckdb_cache`):
it evicts the stored tables' cached blocks and leaves TEMP tables in memory (issue 17's soak)."""

import duckdb

from raybench.service.memory import trim_duckdb_cache


def _limit_text(limit: str) -> str:
    """How DuckDB shows ``memory_limit`` once set to ``limit``."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{limit}'")
    return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


def _held(con) -> dict[str, int]:
    return {t: int(b) for t, b in con.execute("SELECT tag, memory_usage_bytes FROM duckdb_memory()").fetchall()}


def test_trim_evicts_the_stored_tables_blocks_and_keeps_temp_tables(tmp_path):
    path = str(tmp_path / "t.duckdb")
    con = duckdb.connect(path)
    # 2M rows of random 64-bit values (they do not compress): about 15 MiB a column on disk
    con.execute("CREATE TABLE stored AS SELECT hash(i) AS k, hash(i + 1) AS v FROM range(2000000) r(i)")
    con.close()
    con = duckdb.connect(path, config={"memory_limit": "256MB"})
    con.execute("CREATE TEMP TABLE mine AS SELECT hash(i + 7) AS k FROM range(1000000) r(i)")
    assert con.execute("SELECT count(*) FROM stored WHERE (k % 7) + (v % 7) = 3").fetchall()[0][0] > 0
    before = _held(con)
    assert before["BASE_TABLE"] > 20 << 20 and before["IN_MEMORY_TABLE"] > 4 << 20

    out = trim_duckdb_cache(con, 1 << 20, "256MB")

    after = _held(con)
    assert out["cached_before_bytes"] == before["BASE_TABLE"]
    assert out["cached_after_bytes"] == after["BASE_TABLE"] <= 1 << 20
    # the TEMP table was not written out to make room: it is held as it was
    assert after["IN_MEMORY_TABLE"] == before["IN_MEMORY_TABLE"]
    assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == _limit_text("256MB")
    # and the stored rows read again from the file
    assert con.execute("SELECT count(*) FROM stored").fetchall()[0][0] == 2_000_000
    assert con.execute("SELECT count(*) FROM mine").fetchall()[0][0] == 1_000_000


def test_trim_leaves_a_cache_under_the_keep_alone(tmp_path):
    con = duckdb.connect(str(tmp_path / "t.duckdb"), config={"memory_limit": "256MB"})
    con.execute("CREATE TABLE stored AS SELECT i AS k FROM range(1000) r(i)")
    out = trim_duckdb_cache(con, 64 << 20, "128MB")
    assert out["cached_after_bytes"] == out["cached_before_bytes"] < 64 << 20
    assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == _limit_text("128MB")
