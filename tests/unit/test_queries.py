"""The named queries (raybench.query.calls) on a small hand-built production, with exact answers.

The production: 13 records of five US numbers A..D (E.164) and E (stored as the national digits a source
gave, unresolved), one UK number, three cells; one copy (r04, a second file's copy of r03: 1 s later) and
one call of two legs (r06 A->B forwarded by B to C as r07). Times are UTC; 2024-03-10 is the day US
clocks went forward (the day in America/New_York is 23 hours, 05:00Z to 04:00Z).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from raybench.dedupe.tables import DEDUPE_DDL
from raybench.errors import ConfigError
from raybench.query import calls as q
from raybench.schema import CDR_DDL

A, B, C, D = "+12125550101", "+13055550102", "+14045550103", "+13125550104"
E = "4155550106"  # stored as the source wrote it (no region known to resolve it)
UK = "+442079460123"
CELLS = {"1001": (40.71, -74.01), "1002": (40.75, -73.99), "2001": (41.88, -87.63)}

# record_id, file, row, direction, start (UTC), duration_s, caller, callee, cell, duplicate_of
ROWS = [
    ("r00", "a.csv", 1, "outgoing", "2024-03-10 03:00:00", 20, A, B, "2001", None),
    ("r01", "a.csv", 2, "outgoing", "2024-03-10 09:00:00", 60, A, B, "1001", None),
    ("r02", "a.csv", 3, "incoming", "2024-03-10 10:00:00", 120, B, A, "1002", None),
    ("r03", "a.csv", 4, "outgoing", "2024-03-10 12:00:00", 30, A, C, "1001", None),
    ("r04", "b.csv", 1, "outgoing", "2024-03-10 12:00:01", 30, A, C, "1001", "r03"),
    ("r05", "a.csv", 5, "outgoing", "2024-03-10 23:30:00", 300, A, D, "2001", None),
    ("r06", "a.csv", 6, "outgoing", "2024-03-11 08:00:00", 45, A, B, "1002", None),
    ("r07", "c.csv", 1, "forwarded", "2024-03-11 08:00:02", 40, B, C, "1002", None),
    ("r08", "c.csv", 2, "incoming", "2024-03-11 15:00:00", 10, C, B, "1001", None),
    ("r09", "d.csv", 1, "outgoing", "2024-03-11 16:00:00", 15, D, E, "1001", None),
    ("r10", "a.csv", 7, "outgoing", "2024-03-11 17:00:00", 200, A, E, "2001", None),
    ("r11", "c.csv", 3, "outgoing", "2024-03-12 09:00:00", 50, C, D, "1002", None),
    ("r12", "c.csv", 4, "outgoing", "2024-03-12 10:00:00", 25, C, UK, "1002", None),
]
LEGS = [("r06", "r06", 1, 2), ("r07", "r06", 2, 2)]


def build(con, verdicts: bool = True) -> None:
    """Create ``cdr`` (and, with ``verdicts``, ``duplicates``/``call_legs`` as dedupe would set them)."""
    con.execute(CDR_DDL)
    for rid, f, row, direction, start, dur, caller, callee, cell, dup in ROWS:
        lat, lon = CELLS[cell]
        con.execute(
            "INSERT INTO cdr (record_id, source_file, source_sha256, source_row, carrier, layout, record_type, "
            "direction, start_utc, start_raw, tz_assumed, duration_s, caller, callee, cell_id, cell_lat, cell_lon, "
            "duplicate_of, ingest_job) VALUES (?, ?, ?, ?, 'att', 'att_mobility_voice', 'voice', ?, "
            "?::TIMESTAMP AT TIME ZONE 'UTC', ?, 'UTC', ?, ?, ?, ?, ?, ?, ?, 'j1')",
            [rid, f, "sha-" + f, row, direction, start, start, dur, caller, callee, cell, lat, lon,
             dup if verdicts else None])
    for ddl in DEDUPE_DDL:
        con.execute(ddl)
    if verdicts:
        con.execute("INSERT INTO duplicates VALUES ('r04', 'r03', 'clock_skew', NULL, 1, 'j1')")
        con.executemany("INSERT INTO call_legs VALUES (?, ?, ?, ?, 'j1')", LEGS)


@pytest.fixture(params=["scan", "indexed"])
def con(request):
    """The production in memory; every query test runs on it as stored (one scan) and with the ART
    indexes on the party columns (two index lookups, another plan)."""
    import duckdb

    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    build(c)
    if request.param == "indexed":
        q.create_party_indexes(c)
        assert q.has_party_indexes(c) and q._catalog(c).legs_indexed
    yield c
    c.close()


def ids(table) -> list[str]:
    return table.column("record_id").to_pylist()


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


def test_number_forms_cover_e164_and_as_written():
    assert q.number_forms("(212) 555-0101") == ("+12125550101", "12125550101", "2125550101")
    assert q.number_forms("+12125550101") == q.number_forms("2125550101") == q.number_forms("1 212 555 0101")
    assert set(q.number_forms("020 7946 0123", region="GB")) == {"+442079460123", "02079460123", "442079460123",
                                                                "2079460123"}
    with pytest.raises(ConfigError):
        q.number_forms("anonymous")


@pytest.mark.parametrize("given", [A, "2125550101", "(212) 555-0101", "12125550101", "212.555.0101"])
def test_calls_of_a_number_in_any_form(con, given):
    assert ids(q.calls(con, given)) == ["r00", "r01", "r02", "r03", "r05", "r06", "r10"]


def test_calls_window_is_half_open_and_duplicates_are_opt_in(con):
    assert ids(q.calls(con, A, "2024-03-10T09:00:00Z", "2024-03-10T12:00:00Z")) == ["r01", "r02"]
    assert ids(q.calls(con, A, "2024-03-10T12:00:00", "2024-03-10T13:00")) == ["r03"]
    assert ids(q.calls(con, A, "2024-03-10T12:00:00", "2024-03-10T13:00", include_duplicates=True)) == ["r03", "r04"]
    assert ids(q.calls(con, A, limit=2)) == ["r00", "r01"]
    t = q.calls(con, A, start="2024-03-11")
    assert t.column("other").to_pylist() == [B, E]
    assert t.column("call_id").to_pylist() == ["r06", None] and t.column("legs").to_pylist() == [2, None]
    with pytest.raises(ConfigError):
        q.calls(con, A, "2024-03-11", "2024-03-10")


def test_calls_match_a_number_stored_unresolved_and_a_foreign_one(con):
    assert ids(q.calls(con, "+14155550106")) == ["r09", "r10"]
    assert ids(q.calls(con, "415-555-0106")) == ["r09", "r10"]
    assert ids(q.calls(con, "020 7946 0123", region="GB")) == ["r12"]
    assert ids(q.calls(con, UK)) == ["r12"]


def test_top_contacts(con):
    t = q.top_contacts(con, "212 555 0101")
    assert t.column("contact").to_pylist() == [B, D, E, C]
    assert t.column("calls").to_pylist() == [4, 1, 1, 1]
    assert t.column("duration_s").to_pylist() == [245, 300, 200, 30]
    assert t.column("first_utc").to_pylist()[0] == utc("2024-03-10 03:00:00")
    assert t.column("last_utc").to_pylist()[0] == utc("2024-03-11 08:00:00")
    assert q.top_contacts(con, A, limit=1).column("contact").to_pylist() == [B]
    # B's contacts: A in four calls; C in two (r07 is the second leg of A's call r06, r08 its own)
    t = q.top_contacts(con, B)
    assert list(zip(t.column("contact").to_pylist(), t.column("calls").to_pylist())) == [(A, 4), (C, 2)]


def test_shared_contacts(con):
    t = q.shared_contacts(con, A, "(404) 555-0103")
    assert t.to_pylist() == [
        {"contact": B, "calls_number": 4, "calls_other": 2,
         "first_utc": utc("2024-03-10 03:00:00"), "last_utc": utc("2024-03-11 15:00:00")},
        {"contact": D, "calls_number": 1, "calls_other": 1,
         "first_utc": utc("2024-03-10 23:30:00"), "last_utc": utc("2024-03-12 09:00:00")},
    ]
    assert q.shared_contacts(con, A, C, "2024-03-12").num_rows == 0


def test_timeline_in_utc_and_in_a_zone_with_a_dst_change(con):
    t = q.timeline(con, A, "2024-03-10")
    assert ids(t) == ["r00", "r01", "r02", "r03", "r05"]
    assert t.column("cell_id").to_pylist() == ["2001", "1001", "1002", "1001", "2001"]
    assert t.column("cell_lat").to_pylist()[1] == 40.71 and t.column("cell_lon").to_pylist()[1] == -74.01
    assert t.column("end_utc").to_pylist()[1] == utc("2024-03-10 09:01:00")
    assert t.column("other").to_pylist() == [B, B, B, C, D]
    ny = q.timeline(con, A, "2024-03-10", tz="America/New_York")
    assert ids(ny) == ["r01", "r02", "r03", "r05"]  # r00 is 22:00 on the 9th in New York
    assert ny.column("start_local").to_pylist()[0] == dt.datetime(2024, 3, 10, 5, 0)  # EDT: 09:00Z - 4 h
    assert ids(q.timeline(con, A, "2024-03-11", tz="America/New_York")) == ["r06", "r10"]
    with pytest.raises(ConfigError):
        q.timeline(con, A, "2024-03-10", tz="Mars/Olympus")


def test_cell_calls(con):
    assert ids(q.cell_calls(con, "1001", "2024-03-10", "2024-03-11")) == ["r01", "r03"]
    assert ids(q.cell_calls(con, "1001", "2024-03-10", "2024-03-11", include_duplicates=True)) == ["r01", "r03", "r04"]
    assert ids(q.cell_calls(con, "1001")) == ["r01", "r03", "r08", "r09"]
    assert q.cell_calls(con, "1001", carrier="verizon").num_rows == 0


def test_counts_exclude_duplicates_and_fold_legs(con):
    assert q.counts(con).to_pylist() == [
        {"records": 13, "duplicates": 1, "unique_records": 12, "calls": 11, "multi_leg_calls": 1}]
    assert q.counts(con, A).to_pylist() == [
        {"records": 8, "duplicates": 1, "unique_records": 7, "calls": 7, "multi_leg_calls": 1}]
    assert q.counts(con, B).to_pylist() == [
        {"records": 6, "duplicates": 0, "unique_records": 6, "calls": 5, "multi_leg_calls": 1}]
    assert q.counts(con, start="2024-03-11", end="2024-03-12").to_pylist() == [
        {"records": 5, "duplicates": 0, "unique_records": 5, "calls": 4, "multi_leg_calls": 1}]


def _sql_of(monkeypatch) -> list[str]:
    """The SQL of every query statement run from here on."""
    seen: list[str] = []
    real = q._arrow

    def spy(con, sql, params):
        seen.append(sql)
        return real(con, sql, params)

    monkeypatch.setattr(q, "_arrow", spy)
    return seen


def test_legs_of_a_number_are_looked_up_by_its_record_ids_with_the_indexes(monkeypatch):
    """With the ART indexes, calls/counts/top-contacts join only the call_legs rows of the number's record
    ids (a constant IN list); above LEGS_LOOKUP_MAX records, or without the call_legs index, the whole
    table: the same rows every way."""
    import duckdb

    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    build(c)
    plain = {n: (q.calls(c, n), q.counts(c, n), q.top_contacts(c, n, "2024-03-01", "2024-04-01")) for n in (A, B, C)}
    q.create_party_indexes(c)
    seen = _sql_of(monkeypatch)
    for n, want in plain.items():
        got = (q.calls(c, n), q.counts(c, n), q.top_contacts(c, n, "2024-03-01", "2024-04-01"))
        assert [g.equals(w) for g, w in zip(got, want)] == [True] * 3, n
    # B's records r00-r02, r06-r08: its legs r06, r07 are among them; A's call_legs rows are looked up by A's ids
    assert all("FROM call_legs WHERE record_id IN (" in sql for sql in seen) and len(seen) == 9
    assert "'r00', 'r01', 'r02', 'r06', 'r07', 'r08')" in seen[3]
    monkeypatch.setattr(q, "LEGS_LOOKUP_MAX", 5)  # B has 6 records: the whole table
    seen.clear()
    assert q.calls(c, B).equals(plain[B][0]) and "WHERE record_id IN (" not in seen[0]
    monkeypatch.setattr(q, "LEGS_LOOKUP_MAX", 2000)
    c.execute(f"DROP INDEX {q.LEGS_INDEX[0]}")
    seen.clear()
    assert q.calls(c, B).equals(plain[B][0]) and "WHERE record_id IN (" not in seen[0]


def test_legs_lookup_quotes_record_ids():
    """A record id with a quote in it is looked up as itself (the ids are written into the SQL)."""
    import duckdb

    c = duckdb.connect()
    c.execute(CDR_DDL)
    for ddl in DEDUPE_DDL:
        c.execute(ddl)
    c.execute("INSERT INTO cdr (record_id, start_utc, caller, callee) VALUES "
              "('it''s', '2024-01-01 00:00:00+00', ?, ?), ('x', '2024-01-01 00:00:01+00', ?, ?)", [A, B, B, C])
    c.execute("INSERT INTO call_legs VALUES ('it''s', 'it''s', 1, 2, 'j'), ('x', 'it''s', 2, 2, 'j')")
    q.create_party_indexes(c)
    assert q.calls(c, A).select(["record_id", "call_id", "leg"]).to_pylist() == [
        {"record_id": "it's", "call_id": "it's", "leg": 1}]
    assert q.counts(c, B).to_pylist()[0]["calls"] == 1


def test_queries_without_dedupe_tables():
    """A database whose jobs never ran duplicate detection has no call_legs: nothing folds, nothing fails."""
    import duckdb

    c = duckdb.connect()
    c.execute(CDR_DDL)
    c.execute("INSERT INTO cdr (record_id, start_utc, caller, callee) VALUES ('x', '2024-01-01 00:00:00+00', ?, ?)", [A, B])
    assert q.counts(c).to_pylist()[0]["calls"] == 1
    assert ids(q.calls(c, A)) == ["x"] and q.top_contacts(c, B).column("contact").to_pylist() == [A]


def test_run_query_checks_parameters(con):
    assert ids(q.run_query(con, "calls", number=A, start="2024-03-11", end=None)) == ["r06", "r10"]
    assert q.run_query(con, "timeline", number=A, day="2024-03-12").num_rows == 0
    with pytest.raises(ConfigError, match="needs --number"):
        q.run_query(con, "calls")
    with pytest.raises(ConfigError, match="no query"):
        q.run_query(con, "nope")
    with pytest.raises(ConfigError, match="takes no cell"):
        q.run_query(con, "calls", number=A, cell="1001")
    assert set(q.QUERIES) == {"calls", "top-contacts", "shared-contacts", "timeline", "cell", "counts"}


@pytest.mark.parametrize("indexed", [False, True])
def test_hand_built_verdicts_are_what_dedupe_finds(tmp_path, indexed):
    """The fixture's duplicates and legs are the ones raybench.dedupe finds in the same rows (also with
    the party indexes in place: dedupe's updates of cdr work on an indexed table)."""
    import duckdb

    from raybench.dedupe import dedupe_job

    c = duckdb.connect(str(tmp_path / "d.duckdb"))
    build(c, verdicts=False)
    if indexed:
        q.create_party_indexes(c)
    dedupe_job(c, "j1")
    assert c.execute("SELECT record_id, duplicate_of FROM cdr WHERE duplicate_of IS NOT NULL").fetchall() == [("r04", "r03")]
    assert sorted(c.execute("SELECT record_id, call_id, leg, legs FROM call_legs").fetchall()) == LEGS
    assert q.counts(c).to_pylist()[0] == {"records": 13, "duplicates": 1, "unique_records": 12, "calls": 11,
                                          "multi_leg_calls": 1}


def test_cli_query(tmp_path):
    import duckdb
    from click.testing import CliRunner

    from raybench.cli import main

    db = str(tmp_path / "q.duckdb")
    c = duckdb.connect(db)
    build(c)
    c.close()
    runner = CliRunner()
    out = runner.invoke(main, ["query", "calls", "--db", db, "--number", "(212) 555-0101", "--from", "2024-03-11",
                               "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert [r["record_id"] for r in rows] == ["r06", "r10"]
    assert rows[0]["start_utc"] == "2024-03-11T08:00:00Z" and rows[0]["call_id"] == "r06"
    out = runner.invoke(main, ["query", "top-contacts", "--db", db, "--number", A, "--limit", "2"])
    assert out.exit_code == 0, out.output
    assert B in out.stdout and D in out.stdout and C not in out.stdout
    out = runner.invoke(main, ["query", "counts", "--db", db, "--json"])
    assert json.loads(out.stdout) == [{"records": 13, "duplicates": 1, "unique_records": 12, "calls": 11,
                                       "multi_leg_calls": 1}]
    out = runner.invoke(main, ["query", "shared-contacts", "--db", db, "--number", A])
    assert out.exit_code == 2 and "needs --other" in out.output
    out = runner.invoke(main, ["query", "calls", "--db", str(tmp_path / "none.duckdb"), "--number", A])
    assert out.exit_code == 2 and "no such database" in out.output
    asked = [["top-contacts", "--number", A], ["shared-contacts", "--number", A, "--other", C], ["counts"],
             ["counts", "--from", "2024-03-10", "--to", "2024-03-11"]]
    before = [runner.invoke(main, ["query", *a, "--db", db, "--json"]).stdout for a in asked]
    out = runner.invoke(main, ["query", "index", "--db", db])
    assert out.exit_code == 0 and "cdr_caller, cdr_callee, call_legs_record ready" in out.output, out.output
    assert "query summary rebuilt" in out.output
    with duckdb.connect(db, read_only=True) as c:
        assert q.has_party_indexes(c) and q.uses_summary(c) and q._catalog(c).legs_indexed
    assert [runner.invoke(main, ["query", *a, "--db", db, "--json"]).stdout for a in asked] == before


def test_json_rows_write_times_in_utc_and_decimals_as_numbers(con):
    rows = q.json_rows(q.top_contacts(con, A, limit=1))
    assert rows == [{"contact": B, "calls": 4, "records": 4, "duration_s": 245,
                     "first_utc": "2024-03-10T03:00:00Z", "last_utc": "2024-03-11T08:00:00Z"}]
    import decimal

    assert q.json_value(decimal.Decimal("60.5")) == 60.5
    assert q.json_value(dt.datetime(2024, 3, 10, 9, 0, 0, 250000, tzinfo=dt.timezone(dt.timedelta(hours=-4)))) == \
        "2024-03-10T13:00:00.250000Z"
    assert q.json_rows(q.timeline(con, A, "2024-03-10", tz="America/New_York"))[0]["start_local"] == "2024-03-10T05:00:00"
