"""Summary tables that answer the heaviest named queries without reading ``cdr``: kept by the finalizer
after each job's duplicate detection, used by the queries only while they are fresh.

Tables (in the same DuckDB file as ``cdr``):

``contacts``: one row per number-side and party, over the records that are not copies
(``cdr.duplicate_of IS NULL``); a record gives a row to its caller (``side`` 1, ``contact`` its callee)
and one to its callee (``side`` 2, ``contact`` its caller), numbers as stored (a side without a number
or without a party is left out: the queries leave out a null contact).

| column | type | meaning |
|---|---|---|
| number, contact | VARCHAR | ``cdr.caller`` / ``cdr.callee`` as stored (side 1), the other way round (side 2) |
| side | TINYINT | 1: ``number`` is the caller; 2: the callee |
| records | BIGINT | records |
| single_calls | BIGINT | records that are a call of their own (no ``call_legs`` row) |
| duration_s | HUGEINT | sum of ``duration_s``, null when every record's is null (``sum`` over ``cdr``) |
| first_utc, last_utc | TIMESTAMPTZ | earliest and latest start |

``summary_legs``: one row per record that is not a copy and is a leg of a call of several legs
(``call_legs``): ``record_id``, ``call_id``, ``start_utc``, ``caller``, ``callee``. The calls of a number
and party are its single calls plus its distinct ``call_id`` here (two legs of one call may have the same
parties, so per-row call counts could not be added up exactly).

``number_contacts``: ``contacts`` with the two sides together, for the queries of a number stored in
one form only (:func:`raybench.query.calls.top_contacts`): one row per ``number`` and ``contact``,
summing its side-1 and side-2 rows (a side-2 row whose contact is the number itself left out: a self
call is counted once, callee as contact, as the queries count it), with ``leg_calls``: the distinct
``call_id`` of ``summary_legs`` rows between the two (same rule). ``calls`` is ``single_calls +
leg_calls``. Derived from ``contacts`` and ``summary_legs``: each fold recomputes the rows of every pair
of numbers it touched.

``day_counts``: one row per UTC day of ``start_utc`` (null for records without a start): ``records``,
``duplicates``, ``unique_records``, ``single_calls`` (as in ``contacts``), all BIGINT.

``summary_state``: one row: ``cdr_rows``, ``duplicates_rows``, ``call_legs_rows`` when the tables were
last brought up to date, ``jobs`` (the ``ingest_job`` of each job folded in), ``updated_utc``, ``how``
(``rebuild``/``delta``), ``version`` (:data:`VERSION`), ``contacts_sorted`` (rows of ``contacts`` at its
last rewrite in number order, see :data:`COMPACT_TAIL`), ``number_contacts_tail`` (rows inserted into
``number_contacts`` since its last rewrite in number order).

**Fresh** (:func:`summary_fresh`): ``summary_state`` has this version and its three counts are today's.
Every job changes ``cdr``'s count and duplicate detection writes ``duplicates`` and ``call_legs`` with
``cdr.duplicate_of`` in one transaction, so a summary the finalizer did not bring up to date is stale, and
the queries read ``cdr``.

**Kept up to date** (:func:`capture_before`, then :func:`update_after`): before the job's duplicate
detection the finalizer notes which records were copies and which were legs; after it, every record whose
state changed (the job's records, records newly copies or no longer, records that joined, left or changed
calls) is taken out as it was counted and put in as it is now: additions to ``day_counts``,
``summary_legs`` and ``contacts`` (counts, sums, earliest and latest). Only a record that stops being
counted (an earlier record found to be a copy of a new one that started earlier) cannot be taken out of an
earliest/latest: its pairs of numbers are counted again from ``cdr``. A summary that was missing or stale
is rebuilt from ``cdr`` (:func:`rebuild_summary`). Costs: docs/queries.md.

Assumes ``cdr.record_id`` is unique (the sink's record key).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)

VERSION = 2
"""Layout of the summary tables; a ``summary_state`` of another version is stale (rebuilt by the next job)."""

TABLES = ("contacts", "summary_legs", "number_contacts", "day_counts", "summary_state")

_DDL = (
    """CREATE TABLE IF NOT EXISTS contacts (number VARCHAR, side TINYINT, contact VARCHAR, records BIGINT,
       single_calls BIGINT, duration_s HUGEINT, first_utc TIMESTAMPTZ, last_utc TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS summary_legs (record_id VARCHAR, call_id VARCHAR, start_utc TIMESTAMPTZ,
       caller VARCHAR, callee VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS number_contacts (number VARCHAR, contact VARCHAR, records BIGINT,
       single_calls BIGINT, leg_calls BIGINT, duration_s HUGEINT, first_utc TIMESTAMPTZ, last_utc TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS day_counts (day DATE, records BIGINT, duplicates BIGINT, unique_records BIGINT,
       single_calls BIGINT)""",
    """CREATE TABLE IF NOT EXISTS summary_state (cdr_rows BIGINT, duplicates_rows BIGINT, call_legs_rows BIGINT,
       jobs VARCHAR[], updated_utc TIMESTAMPTZ, how VARCHAR, version INTEGER, contacts_sorted BIGINT,
       number_contacts_tail BIGINT)""",
)

_NO_LEGS = "(SELECT NULL::VARCHAR AS record_id, NULL::VARCHAR AS call_id WHERE false)"
_NO_DUPS = "(SELECT NULL::VARCHAR AS record_id WHERE false)"
_DAY = "timezone('UTC', {t})::DATE"

_TEMP = ("_sum_touched", "_sum_pre_dup", "_sum_pre_legs", "_sum_post_dup", "_sum_post_legs", "_sum_t", "_sum_d", "_sum_x", "_sum_pairs",
         "_sum_add", "_sum_np")


def _temp_tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()}


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = current_schema()").fetchall()}


def _counts(con, tables: set[str]) -> tuple[int, int, int]:
    """``(cdr rows, duplicates rows, call_legs rows)``: counts of whole tables, read from DuckDB's row
    counts (about 1 ms at 10M rows, against 30 ms to count ``cdr.duplicate_of``)."""
    dups = "(SELECT count(*) FROM duplicates)" if "duplicates" in tables else "0"
    legs = "(SELECT count(*) FROM call_legs)" if "call_legs" in tables else "0"
    return tuple(int(x) for x in con.execute(f"SELECT (SELECT count(*) FROM cdr), {dups}, {legs}").fetchall()[0])


def summary_fresh(con, tables: set[str] | None = None) -> bool:
    """True when the summary tables exist, are of :data:`VERSION` and were brought up to date with
    today's ``cdr``, ``duplicates`` and ``call_legs`` (see the module docstring)."""
    tables = _tables(con) if tables is None else tables
    if not set(TABLES) <= tables:
        return False
    dups = "(SELECT count(*) FROM duplicates)" if "duplicates" in tables else "0"
    legs = "(SELECT count(*) FROM call_legs)" if "call_legs" in tables else "0"
    row = con.execute(f"""SELECT count(*) = 1 AND bool_and(version = {VERSION} AND cdr_rows = (SELECT count(*) FROM cdr)
                                 AND duplicates_rows = {dups} AND call_legs_rows = {legs})
                          FROM summary_state""").fetchall()
    return bool(row[0][0])


def _legs(tables: set[str]) -> str:
    return "call_legs" if "call_legs" in tables else _NO_LEGS


def _write_state(con, how: str, jobs_sql: str, params: dict, contacts_sorted: int, number_contacts_tail: int) -> None:
    rows, dups, legs = _counts(con, _tables(con))
    con.execute("DELETE FROM summary_state")
    con.execute("INSERT INTO summary_state (cdr_rows, duplicates_rows, call_legs_rows, jobs, updated_utc, how, "
                f"version, contacts_sorted, number_contacts_tail) VALUES ({rows}, {dups}, {legs}, {jobs_sql}, now(), "
                f"'{how}', {VERSION}, {int(contacts_sorted)}, {int(number_contacts_tail)})", params)


COMPACT_TAIL = 0.5
"""``contacts`` is rewritten in number order when the rows added after its last sort exceed this share of
the sorted ones. A number's rows are found by the row groups' min/max of ``number``: each job adds its new
pairs sorted, but as rows of their own at the end, so a lookup reads a row group of every job's addition
since the sort; rewriting whenever the table grew by half keeps that bounded at a constant cost per row."""


def _compact_contacts(con) -> int:
    """Rewrite ``contacts`` in number order; returns its rows."""
    con.execute("CREATE OR REPLACE TEMP TABLE _sum_sorted AS SELECT * FROM contacts ORDER BY number, contact, side")
    con.execute("DELETE FROM contacts")
    con.execute("INSERT INTO contacts SELECT * FROM _sum_sorted")
    con.execute("DROP TABLE _sum_sorted")
    return con.execute("SELECT count(*) FROM contacts").fetchall()[0][0]


def _compact_number_contacts(con) -> None:
    """Rewrite ``number_contacts`` in number order."""
    con.execute("CREATE OR REPLACE TEMP TABLE _sum_sorted AS SELECT * FROM number_contacts ORDER BY number, contact")
    con.execute("DELETE FROM number_contacts")
    con.execute("INSERT INTO number_contacts SELECT * FROM _sum_sorted")
    con.execute("DROP TABLE _sum_sorted")


def _number_contacts_sql(pairs: str | None) -> str:
    """SELECT of ``number_contacts`` rows from ``contacts`` and ``summary_legs``, of the ``(number, contact)``
    in the table ``pairs`` (columns ``number``, ``contact``; None: all), sorted by number."""
    only = "" if pairs is None else f" JOIN {pairs} p ON p.number = x.number AND p.contact = x.contact"
    return f"""
        WITH g AS (SELECT x.number, x.contact, sum(x.records) AS records, sum(x.single_calls) AS single_calls,
                          sum(x.duration_s) AS duration_s, min(x.first_utc) AS first_utc, max(x.last_utc) AS last_utc
                   FROM contacts x{only}
                   WHERE NOT (x.side = 2 AND x.contact = x.number) GROUP BY x.number, x.contact),
             s AS (SELECT caller AS number, callee AS contact, call_id FROM summary_legs
                   WHERE caller IS NOT NULL AND callee IS NOT NULL
                   UNION ALL
                   SELECT callee, caller, call_id FROM summary_legs
                   WHERE caller IS NOT NULL AND callee IS NOT NULL AND caller <> callee),
             l AS (SELECT x.number, x.contact, count(DISTINCT x.call_id) AS leg_calls FROM s x{only}
                   GROUP BY x.number, x.contact)
        SELECT g.number, g.contact, g.records::BIGINT, g.single_calls::BIGINT, coalesce(l.leg_calls, 0)::BIGINT,
               g.duration_s::HUGEINT, g.first_utc, g.last_utc
        FROM g LEFT JOIN l ON l.number = g.number AND l.contact = g.contact
        ORDER BY g.number, g.contact"""


def _apply_number_contacts(con) -> int:
    """Recompute the ``number_contacts`` rows of every pair of numbers of a record in ``_sum_d`` (both ways
    round: their ``contacts`` and ``summary_legs`` rows are the only ones the fold changed); returns the
    rows inserted."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _sum_np AS
        SELECT caller AS number, callee AS contact FROM _sum_d WHERE caller IS NOT NULL AND callee IS NOT NULL
        UNION SELECT callee, caller FROM _sum_d WHERE caller IS NOT NULL AND callee IS NOT NULL""")
    con.execute("DELETE FROM number_contacts USING _sum_np p "
                "WHERE number_contacts.number = p.number AND number_contacts.contact = p.contact")
    return int(con.execute(f"INSERT INTO number_contacts {_number_contacts_sql('_sum_np')}").fetchall()[0][0])


def _contacts_sql(where: str, legs: str) -> str:
    """SELECT of ``contacts`` rows from ``cdr`` rows (as ``c``) matching ``where``, sorted by number."""
    return f"""
        WITH r AS (SELECT c.caller, c.callee, c.duration_s, c.start_utc, l.call_id
                   FROM cdr c LEFT JOIN {legs} l ON l.record_id = c.record_id
                   WHERE c.duplicate_of IS NULL AND c.caller IS NOT NULL AND c.callee IS NOT NULL AND {where}),
             s AS (SELECT caller AS number, 1::TINYINT AS side, callee AS contact, duration_s, start_utc, call_id FROM r
                   UNION ALL
                   SELECT callee, 2::TINYINT, caller, duration_s, start_utc, call_id FROM r)
        SELECT number, side, contact, count(*), count(*) FILTER (WHERE call_id IS NULL), sum(duration_s)::HUGEINT,
               min(start_utc), max(start_utc)
        FROM s GROUP BY number, side, contact ORDER BY number, contact, side"""


def rebuild_summary(con) -> dict:
    """Build the summary tables from ``cdr`` (and ``call_legs`` when present), replacing what was there,
    in one transaction; every ``ingest_job`` in ``cdr`` is noted as folded in.

    Returns:
        ``how`` (``rebuild``), ``wall_s``, ``contacts`` (rows), ``legs`` (``summary_legs`` rows).
    """
    t0 = time.perf_counter()
    tables = _tables(con)
    legs = _legs(tables)
    con.execute("BEGIN TRANSACTION")
    try:
        for t in TABLES:
            con.execute(f"DROP TABLE IF EXISTS {t}")
        for ddl in _DDL:
            con.execute(ddl)
        con.execute(f"INSERT INTO contacts {_contacts_sql('true', legs)}")
        con.execute(f"""INSERT INTO summary_legs
                        SELECT l.record_id, l.call_id, c.start_utc, c.caller, c.callee
                        FROM {legs} l JOIN cdr c ON c.record_id = l.record_id WHERE c.duplicate_of IS NULL""")
        con.execute(f"INSERT INTO number_contacts {_number_contacts_sql(None)}")
        con.execute(f"""INSERT INTO day_counts
                        SELECT {_DAY.format(t='c.start_utc')} AS day, count(*), count(c.duplicate_of),
                               count(*) FILTER (WHERE c.duplicate_of IS NULL),
                               count(*) FILTER (WHERE c.duplicate_of IS NULL AND l.call_id IS NULL)
                        FROM cdr c LEFT JOIN {legs} l ON l.record_id = c.record_id GROUP BY day ORDER BY day""")
        jobs = ("(SELECT coalesce(list(DISTINCT ingest_job ORDER BY ingest_job) FILTER "
                "(WHERE ingest_job IS NOT NULL), []::VARCHAR[]) FROM cdr)")
        _write_state(con, "rebuild", jobs, {}, con.execute("SELECT count(*) FROM contacts").fetchall()[0][0], 0)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    n_contacts = con.execute("SELECT count(*) FROM contacts").fetchall()[0][0]
    n_legs = con.execute("SELECT count(*) FROM summary_legs").fetchall()[0][0]
    return {"how": "rebuild", "wall_s": time.perf_counter() - t0, "contacts": int(n_contacts), "legs": int(n_legs)}


@dataclass
class Before:
    """What :func:`capture_before` noted: whether the summary was fresh for everything stored before
    ``job``; the copies and legs of then are in the temporary tables ``_sum_pre_dup`` and ``_sum_pre_legs``
    (``fresh`` only)."""

    job: str
    fresh: bool
    wall_s: float
    noted: bool = False
    """Whether :meth:`before_writes` ran (the state of the records the detection touched is noted)."""

    def before_writes(self, con) -> None:
        """:func:`capture_touched`, for :func:`raybench.dedupe.dedupe_job`'s ``before_writes``."""
        if self.fresh:
            t0 = time.perf_counter()
            capture_touched(con, self.job)
            self.wall_s += time.perf_counter() - t0
        self.noted = True


def capture_before(con, job: str) -> Before:
    """Before ``job``'s duplicate detection (its rows stored, their verdicts not yet set): note whether the
    summary is fresh for the rows of earlier jobs. Pass the returned :meth:`Before.before_writes` to
    :func:`raybench.dedupe.dedupe_job`: it notes which of the records the detection touches were copies and
    which were legs (temporary tables on ``con``)."""
    t0 = time.perf_counter()
    tables = _tables(con)
    if not set(TABLES) <= tables:
        return Before(job, False, time.perf_counter() - t0)
    state = con.execute("SELECT cdr_rows, duplicates_rows, call_legs_rows, version, list_contains(jobs, $job) "
                        "FROM summary_state", {"job": job}).fetchall()
    rows, dups, legs = _counts(con, tables)
    job_rows = con.execute("SELECT count(*) FROM cdr WHERE ingest_job = $job", {"job": job}).fetchall()[0][0]
    fresh = (len(state) == 1 and state[0][3] == VERSION and not state[0][4]
             and tuple(state[0][:3]) == (rows - job_rows, dups, legs))
    for t in (*_TEMP, "_dd_touched"):  # an earlier job's, on this connection: made anew for this one
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return Before(job, fresh, time.perf_counter() - t0)


def capture_touched(con, job: str) -> None:
    """Note the state before ``job``'s duplicate detection writes it, of the records it may change: called
    by :func:`raybench.dedupe.dedupe_job` (its ``before_writes``) inside its transaction, once the TEMP
    table ``_dd_touched`` (``record_id``) holds every record whose ``cdr.duplicate_of``, ``duplicates``
    or ``call_legs`` row it will delete, insert or update. Those records' copies and legs go into
    ``_sum_pre_dup`` and ``_sum_pre_legs``, and the records into ``_sum_touched``; :func:`update_after`
    compares them with their state after. No other record's state changes, so this is exact, and it
    costs what the job changes, not what is stored: noting every copy and leg stored took 0.2 s and
    244 MiB for a 700-row job beside 10M stored rows (2.7M legs), measured. When the detection fails and
    rolls back, these TEMP tables go with it: nothing changed, and :func:`update_after` finds none."""
    p = {"job": job}
    con.execute("CREATE OR REPLACE TEMP TABLE _sum_touched AS SELECT DISTINCT record_id FROM _dd_touched")
    con.execute("""CREATE OR REPLACE TEMP TABLE _sum_pre_dup AS SELECT record_id FROM cdr
                   WHERE duplicate_of IS NOT NULL AND ingest_job IS DISTINCT FROM $job
                     AND record_id IN (SELECT record_id FROM _sum_touched)""", p)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _sum_pre_legs AS SELECT record_id, call_id FROM {_legs(_tables(con))}
                    WHERE record_id IN (SELECT record_id FROM _sum_touched)""")


def update_after(con, before: Before) -> dict:
    """After the job's duplicate detection: fold the job into the summary (a delta when ``before`` says
    the summary was fresh, else :func:`rebuild_summary`), in one transaction.

    Returns:
        ``how`` (``delta``/``rebuild``), ``wall_s`` (with :func:`capture_before`'s), and for a delta
        ``records_changed`` (records whose counted state changed, the job's included),
        ``pairs_recounted`` (pairs of numbers counted again from ``cdr``) and ``contacts_compacted``
        (``contacts`` rewritten in number order, :data:`COMPACT_TAIL`).
    """
    if not before.fresh:
        out = rebuild_summary(con)
        out["wall_s"] += before.wall_s
        return out
    t0 = time.perf_counter()
    job = before.job
    p = {"job": job}
    legs = _legs(_tables(con))
    try:
        temp = _temp_tables(con)
        if not before.noted and "_dd_touched" in temp:  # detection wrote, and nobody noted the state before
            log.warning("query summary: duplicate detection ran without before_writes; rebuilding")
            out = rebuild_summary(con)
            out["wall_s"] += before.wall_s
            return out
        if "_sum_touched" not in temp:  # detection wrote nothing (it failed and rolled back, or never ran)
            con.execute("CREATE OR REPLACE TEMP TABLE _sum_touched AS SELECT NULL::VARCHAR AS record_id WHERE false")
            con.execute(f"CREATE OR REPLACE TEMP TABLE _sum_pre_dup AS SELECT * FROM {_NO_DUPS}")
            con.execute(f"CREATE OR REPLACE TEMP TABLE _sum_pre_legs AS SELECT * FROM {_NO_LEGS}")
        # the legs of the records it touched, and of the job's records (new: counted as they are now)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _sum_post_legs AS SELECT record_id, call_id FROM {legs}
                        WHERE record_id IN (SELECT record_id FROM _sum_touched)
                           OR record_id IN (SELECT record_id FROM cdr WHERE ingest_job = $job)""", p)
        # earlier records whose state changed: copy <-> not, or a call joined, left or renamed
        con.execute("""CREATE OR REPLACE TEMP TABLE _sum_post_dup AS SELECT record_id FROM cdr
                       WHERE duplicate_of IS NOT NULL AND ingest_job IS DISTINCT FROM $job
                         AND record_id IN (SELECT record_id FROM _sum_touched)""", p)
        con.execute("""CREATE OR REPLACE TEMP TABLE _sum_t AS
            (SELECT * FROM _sum_pre_dup EXCEPT SELECT * FROM _sum_post_dup)
            UNION (SELECT * FROM _sum_post_dup EXCEPT SELECT * FROM _sum_pre_dup)
            UNION SELECT record_id FROM (SELECT * FROM _sum_pre_legs EXCEPT SELECT * FROM _sum_post_legs)
            UNION SELECT record_id FROM (SELECT * FROM _sum_post_legs EXCEPT SELECT * FROM _sum_pre_legs)""")
        # the job's records (none of them counted before), then earlier records whose state changed
        d = """SELECT c.record_id, c.start_utc, c.caller, c.callee, c.duration_s, {new} AS new,
                      pd.record_id IS NOT NULL AS pre_copy, pl.call_id AS pre_call,
                      c.duplicate_of IS NOT NULL AS post_copy, ql.call_id AS post_call
               FROM {rows} c LEFT JOIN {pre_dup} pd ON pd.record_id = c.record_id
                             LEFT JOIN {pre_legs} pl ON pl.record_id = c.record_id
                             LEFT JOIN _sum_post_legs ql ON ql.record_id = c.record_id"""
        con.execute("CREATE OR REPLACE TEMP TABLE _sum_d AS " + d.format(
            new="true", rows="(SELECT * FROM cdr WHERE ingest_job = $job)", pre_dup=_NO_DUPS, pre_legs=_NO_LEGS), p)
        if con.execute("SELECT count(*) FROM _sum_t").fetchall()[0][0]:
            con.execute("INSERT INTO _sum_d " + d.format(
                new="false", rows="(SELECT * FROM cdr WHERE record_id IN (SELECT record_id FROM _sum_t) "
                                  "AND ingest_job IS DISTINCT FROM $job)",
                pre_dup="_sum_pre_dup", pre_legs="_sum_pre_legs"), p)
        # each record as it was counted (sign -1; the job's records were not) and as it is (+1)
        con.execute("""CREATE OR REPLACE TEMP TABLE _sum_x AS
            SELECT record_id, start_utc, caller, callee, duration_s, -1 AS sign, pre_copy AS copy,
                   pre_call AS call, new, pre_copy, post_copy FROM _sum_d WHERE NOT new
            UNION ALL
            SELECT record_id, start_utc, caller, callee, duration_s, 1, post_copy, post_call, new, pre_copy,
                   post_copy FROM _sum_d""")
        # pairs with a record that stops being counted: their earliest/latest are counted again
        con.execute("""CREATE OR REPLACE TEMP TABLE _sum_pairs AS
            SELECT DISTINCT caller, callee FROM _sum_d
            WHERE NOT new AND NOT pre_copy AND post_copy AND caller IS NOT NULL AND callee IS NOT NULL""")
        n_changed, n_pairs = con.execute("SELECT (SELECT count(*) FROM _sum_d), (SELECT count(*) FROM _sum_pairs)").fetchall()[0]
        con.execute("BEGIN TRANSACTION")
        try:
            _apply_days(con)
            _apply_legs(con)
            _apply_contacts(con, legs)
            added = _apply_number_contacts(con)
            n, sorted_rows, nc, tail = con.execute(
                "SELECT (SELECT count(*) FROM contacts), (SELECT coalesce(max(contacts_sorted), 0) FROM summary_state), "
                "(SELECT count(*) FROM number_contacts), "
                "(SELECT coalesce(max(number_contacts_tail), 0) FROM summary_state)").fetchall()[0]
            compacted = n - sorted_rows > COMPACT_TAIL * sorted_rows
            if compacted:
                sorted_rows = _compact_contacts(con)
            tail += added
            if tail > COMPACT_TAIL * (nc - tail):
                _compact_number_contacts(con)
                tail = 0
            _write_state(con, "delta", "list_append((SELECT jobs FROM summary_state), $job)", p, sorted_rows, tail)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        for t in _TEMP:
            con.execute(f"DROP TABLE IF EXISTS {t}")
    return {"how": "delta", "wall_s": time.perf_counter() - t0 + before.wall_s, "records_changed": int(n_changed),
            "pairs_recounted": int(n_pairs), "contacts_compacted": bool(compacted)}


def _apply_days(con) -> None:
    day = _DAY.format(t="start_utc")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _sum_add AS
        SELECT {day} AS day, sum(sign) AS records, sum(sign * copy::INTEGER) AS duplicates,
               sum(sign * (NOT copy)::INTEGER) AS unique_records,
               sum(sign * (NOT copy AND call IS NULL)::INTEGER) AS single_calls
        FROM _sum_x GROUP BY day""")
    con.execute("""UPDATE day_counts SET records = day_counts.records + a.records,
                       duplicates = day_counts.duplicates + a.duplicates,
                       unique_records = day_counts.unique_records + a.unique_records,
                       single_calls = day_counts.single_calls + a.single_calls
                   FROM _sum_add a WHERE day_counts.day IS NOT DISTINCT FROM a.day""")
    con.execute("""INSERT INTO day_counts SELECT a.* FROM _sum_add a
                   WHERE NOT EXISTS (SELECT 1 FROM day_counts d WHERE d.day IS NOT DISTINCT FROM a.day)""")
    con.execute("DELETE FROM day_counts WHERE records = 0")


def _apply_legs(con) -> None:
    con.execute("DELETE FROM summary_legs WHERE record_id IN (SELECT record_id FROM _sum_d)")
    con.execute("""INSERT INTO summary_legs SELECT record_id, post_call, start_utc, caller, callee FROM _sum_d
                   WHERE NOT post_copy AND post_call IS NOT NULL""")


def _apply_contacts(con, legs: str) -> None:
    # the pairs counted again from cdr: out with their rows, in with their counts
    recount = con.execute("SELECT count(*) FROM _sum_pairs").fetchall()[0][0] > 0
    if recount:
        pair = ("((side = 1 AND (number, contact) IN (SELECT (caller, callee) FROM _sum_pairs)) OR "
                "(side = 2 AND (contact, number) IN (SELECT (caller, callee) FROM _sum_pairs)))")
        con.execute(f"DELETE FROM contacts WHERE {pair}")
        con.execute(f"INSERT INTO contacts {_contacts_sql('(c.caller, c.callee) IN (SELECT (caller, callee) FROM _sum_pairs)', legs)}")
    # every other pair: what its records add (a record newly counted) and calls moved between single and legs
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _sum_add AS
        WITH x AS (SELECT * FROM _sum_x WHERE caller IS NOT NULL AND callee IS NOT NULL AND NOT copy
                       {"AND (caller, callee) NOT IN (SELECT (caller, callee) FROM _sum_pairs)" if recount else ""}),
             s AS (SELECT caller AS number, 1::TINYINT AS side, callee AS contact, * EXCLUDE (caller, callee) FROM x
                   UNION ALL SELECT callee, 2::TINYINT, caller, * EXCLUDE (caller, callee) FROM x),
        SELECT number, side, contact,
               count(*) FILTER (WHERE sign = 1 AND (new OR pre_copy)) AS records,
               sum(sign * (call IS NULL)::INTEGER) AS single_calls,
               sum(duration_s) FILTER (WHERE sign = 1 AND (new OR pre_copy))::HUGEINT AS duration_s,
               min(start_utc) FILTER (WHERE sign = 1 AND (new OR pre_copy)) AS first_utc,
               max(start_utc) FILTER (WHERE sign = 1 AND (new OR pre_copy)) AS last_utc
        FROM s GROUP BY number, side, contact""")
    con.execute("""MERGE INTO contacts USING (SELECT * FROM _sum_add ORDER BY number, contact, side) a
                   ON contacts.number = a.number AND contacts.side = a.side AND contacts.contact = a.contact
                   WHEN MATCHED THEN UPDATE SET records = contacts.records + a.records,
                       single_calls = contacts.single_calls + a.single_calls,
                       duration_s = CASE WHEN a.duration_s IS NULL THEN contacts.duration_s
                                         WHEN contacts.duration_s IS NULL THEN a.duration_s
                                         ELSE contacts.duration_s + a.duration_s END,
                       first_utc = least(contacts.first_utc, a.first_utc),
                       last_utc = greatest(contacts.last_utc, a.last_utc)
                   WHEN NOT MATCHED AND a.records > 0 THEN INSERT VALUES (a.number, a.side, a.contact, a.records,
                       a.single_calls, a.duration_s, a.first_utc, a.last_utc)""")
    con.execute("DELETE FROM contacts WHERE records = 0")


def drop_summary(con) -> list[str]:
    """Drop the summary tables where they exist; returns the names dropped."""
    tables = _tables(con)
    dropped = [t for t in TABLES if t in tables]
    for t in dropped:
        con.execute(f"DROP TABLE {t}")
    return dropped


def summary_state(con) -> dict | None:
    """The ``summary_state`` row as a dict with ``fresh`` (:func:`summary_fresh`), or None without one."""
    tables = _tables(con)
    if "summary_state" not in tables:
        return None
    row = con.sql("SELECT * FROM summary_state").to_arrow_table().to_pylist()
    if not row:
        return None
    out = row[0]
    out["jobs"] = len(out["jobs"] or [])
    if isinstance(out.get("updated_utc"), dt.datetime):
        out["updated_utc"] = out["updated_utc"].astimezone(dt.timezone.utc).isoformat()
    out["fresh"] = summary_fresh(con, tables)
    return out
