"""The named queries: the questions analysts ask of a production, each a plain function over a DuckDB
connection that returns an Arrow table.

Every query reads ``cdr`` (and ``call_legs`` when duplicate detection has run). Conventions shared by all:

* **Numbers** are given as the analyst has them: E.164 (``+12125550123``) or as written
  (``(212) 555-0123``, ``2125550123``, ``12125550123``). :func:`number_forms` turns one into every form
  it may be stored in (``cdr`` holds E.164 where the number resolved, else the digits as given), and a
  record matches when its caller or callee is one of them.
* **Windows** are half-open, ``[start, end)``, in UTC instants; either bound may be None (unbounded).
  :func:`parse_instant` reads ISO 8601 (a naive time or a bare date is UTC).
* **Duplicates** (``cdr.duplicate_of IS NOT NULL``: a copy of a call already stored) are left out unless
  ``include_duplicates``; counts of *calls* fold the legs of one call (``call_legs.call_id``) into one.
* Results are ordered deterministically (by start, then source file and row, or by count then number).
* **Summary tables** (:mod:`raybench.query.summary`): while fresh, ``top-contacts`` and ``shared-contacts``
  without a window and ``counts`` of all numbers over whole UTC days read them instead of ``cdr``, with
  the same rows (:func:`uses_summary`).

The same functions serve the CLI (``raybench query NAME``) and, later, the service
(``GET /v1/calls`` and the others named in :data:`QUERIES`): :func:`run_query` takes the query's name
and its parameters as plain values (strings are parsed), so a web handler can pass its query string.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import pyarrow as pa

from raybench.errors import ConfigError
from raybench.normalize.numbers import NumberNormalizer, clean_number
from raybench.query.summary import summary_fresh

DEFAULT_REGION = "US"
"""Numbering plan for numbers given without a country code (as in :mod:`raybench.normalize.numbers`)."""

Instant = dt.datetime | dt.date | str | None

_FORM = re.compile(r"\+?[0-9]{1,20}")
"""What a number form may be: the forms are written into the SQL as literals, so nothing else gets in."""

_NO_LEGS = ("(SELECT NULL::VARCHAR AS record_id, NULL::VARCHAR AS call_id, NULL::INTEGER AS leg, "
            "NULL::INTEGER AS legs WHERE false)")


def number_forms(number: str, region: str | None = DEFAULT_REGION) -> tuple[str, ...]:
    """Every form in which ``number`` may be stored in ``cdr.caller`` / ``cdr.callee``.

    The E.164 form (:class:`raybench.normalize.numbers.NumberNormalizer` with ``region``), and the
    digits as they may have been kept when a source's number did not resolve: the cleaned input, the
    E.164 digits without ``+``, the national number with its trunk prefix and the national significant
    number. ``'(212) 555-0123'`` -> ``('+12125550123', '12125550123', '2125550123')``.

    Raises:
        ConfigError: nothing dialable is left after cleaning.
    """
    cleaned = clean_number(number)
    if cleaned is None or not _FORM.fullmatch(cleaned):
        raise ConfigError(f"number {number!r}: not a phone number (digits, optionally with + and separators)")
    forms = {cleaned}
    e164 = NumberNormalizer(region).one(number)
    if e164 and e164.startswith("+"):
        forms.add(e164)
        parsed = phonenumbers.parse(e164, None)
        forms.add(e164[1:])
        forms.add(phonenumbers.national_significant_number(parsed))
        national = clean_number(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL))
        if national and _FORM.fullmatch(national):
            forms.add(national)
    return tuple(sorted(forms))


def parse_instant(value: Instant, name: str = "time") -> dt.datetime | None:
    """An aware UTC datetime from ISO 8601 text, a datetime or a date (naive and bare dates are UTC).

    Raises:
        ConfigError: the text is not ISO 8601.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ConfigError(f"{name} {value!r}: not an ISO 8601 time (e.g. 2024-03-10 or 2024-03-10T14:00:00Z)") from None
    if not isinstance(value, dt.datetime):  # a date
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class _Catalog:
    """What a query needs to know of the database, read in one catalog query."""

    legs: str  # the call_legs table, or an empty stand-in when dedupe never ran
    indexed: bool  # cdr has PARTY_INDEXES
    summary: bool  # the summary tables are fresh (raybench.query.summary)
    legs_indexed: bool = False  # call_legs has LEGS_INDEX: a number's legs are looked up, not joined by a scan


def _catalog(con) -> _Catalog:
    tables, indexes = con.execute(
        "SELECT (SELECT list(table_name) FROM duckdb_tables() "
        "        WHERE database_name = current_database() AND schema_name = current_schema()), "
        "       (SELECT list(table_name || '.' || index_name) FROM duckdb_indexes() "
        "        WHERE table_name IN ('cdr', 'call_legs') AND database_name = current_database())").fetchall()[0]
    tables, indexes = set(tables or []), set(indexes or [])
    legs = "call_legs" in tables
    return _Catalog("call_legs" if legs else _NO_LEGS,
                    all(f"cdr.{n}" in indexes for n, _ in PARTY_INDEXES), summary_fresh(con, tables),
                    legs and f"call_legs.{LEGS_INDEX[0]}" in indexes)


def uses_summary(con) -> bool:
    """True when the queries would answer from the summary tables (they are fresh, see
    :func:`raybench.query.summary.summary_fresh`): ``top-contacts`` and ``shared-contacts`` without a
    window, ``counts`` of all numbers over whole UTC days or without a window."""
    return _catalog(con).summary


def has_party_indexes(con) -> bool:
    """True when ``cdr`` has an index on ``caller`` and one on ``callee`` (see :data:`PARTY_INDEXES`)."""
    return _catalog(con).indexed


def _window(start: Instant, end: Instant, col: str = "start_utc") -> tuple[str, list]:
    lo, hi = parse_instant(start, "from"), parse_instant(end, "to")
    if lo is not None and hi is not None and hi <= lo:
        raise ConfigError(f"the window is empty: to ({hi.isoformat()}) is not after from ({lo.isoformat()})")
    sql, params = [], []
    if lo is not None:
        sql.append(f"{col} >= ?")
        params.append(lo)
    if hi is not None:
        sql.append(f"{col} < ?")
        params.append(hi)
    return " AND ".join(sql) or "true", params


def _in(forms: tuple[str, ...]) -> str:
    """``('+1212...', '1212...')`` as SQL (the forms are digits and ``+`` only, see :data:`_FORM`)."""
    if not all(_FORM.fullmatch(f) for f in forms):
        raise ValueError(f"not number forms: {forms!r}")
    return "(" + ", ".join(f"'{f}'" for f in forms) + ")"


PARTY_INDEXES = (("cdr_caller", "caller"), ("cdr_callee", "callee"))
"""The ART indexes that serve the number queries: ``(index name, column)``. With them, a number's records
are read as two index lookups (caller, then callee) instead of a scan of both columns; docs/queries.md has
the measurement."""


LEGS_INDEX = ("call_legs_record", "record_id")
"""The ART index on ``call_legs`` that serves the legs of a number's records: ``(index name, column)``.
With it, the queries fetch the ``call_legs`` rows of the records they found by a constant ``IN`` list
(:func:`_with_legs`) instead of joining the whole table (200k rows at 10M records: ~20-50 ms a query)."""

LEGS_LOOKUP_MAX = 2000
"""Most record ids looked up in :data:`LEGS_INDEX` as one ``IN`` list (DuckDB scans an index for at most
``index_scan_max_count``, 2,048, row ids); more records (a target's), and ``call_legs`` is joined whole."""


def create_party_indexes(con) -> None:
    """Create :data:`PARTY_INDEXES` on ``cdr`` (and :data:`LEGS_INDEX` on ``call_legs`` when it exists) when
    missing. For a database no ingest is writing: the sink drops them when it opens the file
    (:func:`drop_party_indexes`), since an indexed ``cdr`` makes every commit slower and, at 10M rows, a
    commit does not fit the sink's 128 MB (docs/queries.md)."""
    for name, col in PARTY_INDEXES:
        con.execute(f"CREATE INDEX IF NOT EXISTS {name} ON cdr ({col})")
    has_legs = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'call_legs' "
                           "AND database_name = current_database() AND schema_name = current_schema()").fetchall()[0][0]
    if has_legs:
        con.execute(f"CREATE INDEX IF NOT EXISTS {LEGS_INDEX[0]} ON call_legs ({LEGS_INDEX[1]})")


def drop_party_indexes(con) -> list[str]:
    """Drop :data:`PARTY_INDEXES` and :data:`LEGS_INDEX` where they exist (the sink does before it
    writes); returns the names dropped."""
    names = {r[0] for r in con.execute(
        "SELECT index_name FROM duckdb_indexes() WHERE table_name IN ('cdr', 'call_legs') "
        "AND database_name = current_database()").fetchall()}
    dropped = [n for n, _ in (*PARTY_INDEXES, LEGS_INDEX) if n in names]
    for name in dropped:
        con.execute(f"DROP INDEX {name}")
    return dropped


def of_number(cat: _Catalog, forms: tuple[str, ...], cols: str, where: str = "true") -> str:
    """SQL for the rows of ``cdr`` (as ``c``) where the number (``forms``) is the caller or the callee,
    projected to ``cols`` and filtered by ``where`` (over ``c``; with the indexes its parameters are used
    twice, see :func:`_twice`).

    Without :data:`PARTY_INDEXES`, one scan with ``caller IN .. OR callee IN ..``. With them, a caller
    lookup and a callee lookup (a record whose caller is the number too is taken once), each in a
    ``MATERIALIZED`` CTE: DuckDB scans an index only when the index's column has the scan's only filter,
    and would otherwise push the window and the duplicate filter into the scan and read every row group.
    """
    f = _in(forms)
    if not cat.indexed:
        return f"SELECT {cols} FROM cdr c WHERE (c.caller IN {f} OR c.callee IN {f}) AND {where}"
    # only the columns used: each row found is fetched from its row group column by column
    used = ", ".join(sorted(set(_COLUMN.findall(cols + " " + where)) | {"caller", "callee"}))
    return (f"WITH _by_caller AS MATERIALIZED (SELECT {used} FROM cdr WHERE caller IN {f}), "
            f"_by_callee AS MATERIALIZED (SELECT {used} FROM cdr WHERE callee IN {f}) "
            f"SELECT {cols} FROM _by_caller c WHERE {where} UNION ALL "
            f"SELECT {cols} FROM _by_callee c WHERE (c.caller IS NULL OR c.caller NOT IN {f}) AND {where}")


_COLUMN = re.compile(r"\bc\.([a-z_]+)\b")
"""A column of ``cdr`` named in an :func:`of_number` projection or filter (always as ``c.column``)."""


def _twice(cat: _Catalog, params: list) -> list:
    """The parameters of an :func:`of_number` ``where``, as many times as it uses them."""
    return params * 2 if cat.indexed else params


def _dups(include_duplicates: bool, alias: str = "") -> str:
    return "true" if include_duplicates else f"{alias + '.' if alias else ''}duplicate_of IS NULL"


def _limit(limit: int | None) -> str:
    if limit is None or limit <= 0:
        return ""
    return f" LIMIT {int(limit)}"


def json_value(value):
    """A query result's value as JSON: an aware time as ISO 8601 UTC with ``Z`` (whole seconds without
    a fraction), a naive one (``start_local``) and a date as ISO 8601, a decimal (``duration_s``) as a
    number (an integer when whole), anything else as it is."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            text = value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
            return text.removesuffix(".000000") + "Z"
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def json_rows(table: pa.Table) -> list[dict]:
    """A query result as a list of ``{column: JSON value}`` (:func:`json_value`), in its order."""
    return [{k: json_value(v) for k, v in row.items()} for row in table.to_pylist()]


def _arrow(con, sql: str, params: list) -> pa.Table:
    return con.sql(sql, params=params).to_arrow_table()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _with_legs(con, cat: _Catalog, forms: tuple[str, ...], final: str, params: list) -> pa.Table:
    """Run ``final`` with ``params``: SQL over the records of the number (``forms``) that joins them with
    ``{legs}``, the ``call_legs`` rows to consider.

    ``{legs}`` is the whole of ``call_legs``, except with :data:`PARTY_INDEXES` and :data:`LEGS_INDEX`: then
    the record ids of the number (as caller or callee, any time, copies too: a superset of the records
    ``final`` keeps) are read first by two index lookups of one column, and ``{legs}`` is the ``call_legs``
    rows of those ids, found by an index lookup (a constant ``IN`` list) instead of a scan of the table.
    The same rows either way: it holds every ``call_legs`` row the join can match. More than
    :data:`LEGS_LOOKUP_MAX` records (a target's): the whole table."""
    legs = cat.legs
    if cat.indexed and cat.legs_indexed:
        f = _in(forms)
        ids = [r[0] for r in con.execute(
            f"SELECT record_id FROM cdr WHERE caller IN {f} UNION ALL "
            f"SELECT record_id FROM cdr WHERE callee IN {f} LIMIT {LEGS_LOOKUP_MAX + 1}").fetchall()
            if r[0] is not None]
        if len(ids) <= LEGS_LOOKUP_MAX:
            legs = (f"(SELECT * FROM call_legs WHERE record_id IN ({', '.join(_quote(i) for i in sorted(set(ids)))}))"
                    if ids else _NO_LEGS)
    return _arrow(con, final.replace("{legs}", legs), params)


def calls(con, number: str, start: Instant = None, end: Instant = None, *, limit: int | None = None,
          region: str | None = DEFAULT_REGION, include_duplicates: bool = False) -> pa.Table:
    """All records of ``number`` (as caller or callee) that start in ``[start, end)``.

    Returns:
        One row per record, by start: ``start_utc``, ``direction``, ``record_type``, ``caller``,
        ``callee``, ``other`` (the party that is not ``number``), ``dialed``, ``duration_s``, ``cell_id``,
        ``lac``, ``cell_lat``, ``cell_lon``, ``carrier``, ``source_file``, ``source_row``, ``record_id``,
        ``duplicate_of``, and for a leg of a call of several legs ``call_id``, ``leg``, ``legs`` (else
        null).
    """
    cat = _catalog(con)
    forms = number_forms(number, region)
    window, wp = _window(start, end, "c.start_utc")
    cols = (f"c.start_utc, c.direction, c.record_type, c.caller, c.callee, "
            f"CASE WHEN c.caller IN {_in(forms)} THEN c.callee ELSE c.caller END AS other, c.dialed, c.duration_s, "
            "c.cell_id, c.lac, c.cell_lat, c.cell_lon, c.carrier, c.source_file, c.source_row, c.record_id, "
            "c.duplicate_of")
    sql = f"""
        WITH mine AS ({of_number(cat, forms, cols, f"{window} AND {_dups(include_duplicates, 'c')}")})
        SELECT m.*, l.call_id, l.leg, l.legs
        FROM mine m LEFT JOIN {{legs}} l ON l.record_id = m.record_id
        ORDER BY m.start_utc, m.source_file, m.source_row{_limit(limit)}"""
    return _with_legs(con, cat, forms, sql, _twice(cat, wp))


def _contacts_of(cat: _Catalog, forms: tuple[str, ...], window: str) -> str:
    """SQL: the number's non-duplicate records in the window as ``record_id, contact, duration_s,
    start_utc``."""
    cols = (f"c.record_id, CASE WHEN c.caller IN {_in(forms)} THEN c.callee ELSE c.caller END AS contact, "
            "c.duration_s, c.start_utc")
    return of_number(cat, forms, cols, f"{window} AND c.duplicate_of IS NULL")


def _summary_contacts(forms: tuple[str, ...]) -> str:
    """SQL over the summary tables (:mod:`raybench.query.summary`): the number's contacts over all time as
    ``contact, calls, records, duration_s, first_utc, last_utc``, the same values as :func:`top_contacts`
    computes from ``cdr``. A record whose caller and callee are both forms of the number counts once, with
    its callee as the contact (as in :func:`of_number`)."""
    f = _in(forms)
    return f"""
        WITH g AS (SELECT contact, sum(records) AS records, sum(single_calls) AS singles,
                          sum(duration_s) AS duration_s, min(first_utc) AS first_utc, max(last_utc) AS last_utc
                   FROM contacts WHERE number IN {f} AND NOT (side = 2 AND contact IN {f}) GROUP BY contact),
             legs AS (SELECT contact, count(DISTINCT call_id) AS calls FROM (
                          SELECT callee AS contact, call_id FROM summary_legs WHERE caller IN {f}
                          UNION ALL
                          SELECT caller, call_id FROM summary_legs WHERE callee IN {f} AND caller NOT IN {f})
                      WHERE contact IS NOT NULL GROUP BY contact)
        SELECT g.contact, (g.singles + coalesce(legs.calls, 0))::BIGINT AS calls, g.records::BIGINT AS records,
               g.duration_s, g.first_utc, g.last_utc
        FROM g LEFT JOIN legs ON legs.contact = g.contact"""


def _stored_form(con, forms: tuple[str, ...]) -> str | None:
    """The one form of ``forms`` stored as a number in the summary's ``contacts``, or None when none or
    several are (then only ``contacts`` side by side gives the exact answer: a record between two forms
    of the number is a self call, see :func:`_summary_contacts`). A lookup per form in the sorted
    ``number_contacts`` (row-group min/max), not a scan."""
    _in(forms)  # the forms are digits and + only: written into the SQL as literals
    probes = ", ".join(f"(SELECT 1 FROM number_contacts WHERE number = '{f}' LIMIT 1)" for f in forms)
    found = con.execute(f"SELECT [{probes}]").fetchall()[0][0]
    stored = [f for f, hit in zip(forms, found) if hit is not None]
    return stored[0] if len(stored) == 1 else None


def _number_contacts(number: str) -> str:
    """SQL over ``number_contacts`` (:mod:`raybench.query.summary`): the contacts of a number stored in the
    one form ``number`` (:func:`_stored_form`), the same rows and types as :func:`_summary_contacts`."""
    return f"""
        SELECT contact, (single_calls + leg_calls)::BIGINT AS calls, records, duration_s, first_utc, last_utc
        FROM number_contacts WHERE number = '{number}'"""


def top_contacts(con, number: str, start: Instant = None, end: Instant = None, *, limit: int | None = 10,
                 region: str | None = DEFAULT_REGION) -> pa.Table:
    """The parties ``number`` was in contact with most, in ``[start, end)`` (duplicates left out).

    Returns:
        One row per contact, most calls first (then most seconds, then the number): ``contact``,
        ``calls`` (legs of one call counted once), ``records``, ``duration_s`` (sum), ``first_utc``,
        ``last_utc``.
    """
    cat = _catalog(con)
    forms = number_forms(number, region)
    window, wp = _window(start, end, "c.start_utc")
    if cat.summary and not wp:
        stored = _stored_form(con, forms)
        sql = f"""
        SELECT * FROM ({_number_contacts(stored) if stored else _summary_contacts(forms)})
        ORDER BY calls DESC, duration_s DESC NULLS LAST, contact{_limit(limit)}"""
        return _arrow(con, sql, [])
    sql = f"""
        WITH mine AS ({_contacts_of(cat, forms, window)})
        SELECT m.contact, count(DISTINCT coalesce(l.call_id, m.record_id)) AS calls, count(*) AS records,
               sum(m.duration_s) AS duration_s, min(m.start_utc) AS first_utc, max(m.start_utc) AS last_utc
        FROM mine m LEFT JOIN {{legs}} l ON l.record_id = m.record_id
        WHERE m.contact IS NOT NULL
        GROUP BY m.contact
        ORDER BY calls DESC, duration_s DESC NULLS LAST, m.contact{_limit(limit)}"""
    return _with_legs(con, cat, forms, sql, _twice(cat, wp))


def shared_contacts(con, number: str, other: str, start: Instant = None, end: Instant = None, *,
                    limit: int | None = None, region: str | None = DEFAULT_REGION) -> pa.Table:
    """The parties both ``number`` and ``other`` were in contact with in ``[start, end)`` (duplicates
    left out; the two numbers themselves are not counted as contacts of each other).

    Returns:
        One row per shared contact, most calls in all first: ``contact``, ``calls_number``,
        ``calls_other`` (legs of one call counted once), ``first_utc``, ``last_utc`` (over both).
    """
    cat = _catalog(con)
    a, b = number_forms(number, region), number_forms(other, region)
    window, wp = _window(start, end, "c.start_utc")
    if cat.summary and not wp:
        sa, sb = _stored_form(con, a), _stored_form(con, b)
        ca = _number_contacts(sa) if sa else _summary_contacts(a)
        cb = _number_contacts(sb) if sb else _summary_contacts(b)
        sql = f"""
        WITH ca AS ({ca}), cb AS ({cb})
        SELECT ca.contact, ca.calls AS calls_number, cb.calls AS calls_other,
               least(ca.first_utc, cb.first_utc) AS first_utc, greatest(ca.last_utc, cb.last_utc) AS last_utc
        FROM ca JOIN cb ON ca.contact = cb.contact
        WHERE ca.contact NOT IN {_in(a)} AND ca.contact NOT IN {_in(b)}
        ORDER BY ca.calls + cb.calls DESC, ca.contact{_limit(limit)}"""
        return _arrow(con, sql, [])
    legs = cat.legs
    per = """SELECT s.contact, count(DISTINCT coalesce(l.call_id, s.record_id)) AS calls,
                    min(s.start_utc) AS first_utc, max(s.start_utc) AS last_utc
             FROM {side} s LEFT JOIN {legs} l ON l.record_id = s.record_id GROUP BY s.contact"""
    sql = f"""
        WITH side_a AS ({_contacts_of(cat, a, window)}),
             side_b AS ({_contacts_of(cat, b, window)}),
             ca AS ({per.format(side="side_a", legs=legs)}),
             cb AS ({per.format(side="side_b", legs=legs)})
        SELECT ca.contact, ca.calls AS calls_number, cb.calls AS calls_other,
               least(ca.first_utc, cb.first_utc) AS first_utc, greatest(ca.last_utc, cb.last_utc) AS last_utc
        FROM ca JOIN cb ON ca.contact = cb.contact
        WHERE ca.contact IS NOT NULL AND ca.contact NOT IN {_in(a)} AND ca.contact NOT IN {_in(b)}
        ORDER BY ca.calls + cb.calls DESC, ca.contact{_limit(limit)}"""
    return _arrow(con, sql, _twice(cat, wp) * 2)


def timeline(con, number: str, day: Instant, *, tz: str = "UTC", limit: int | None = None,
             region: str | None = DEFAULT_REGION, include_duplicates: bool = False) -> pa.Table:
    """``number``'s records of one calendar day in zone ``tz``, with the cell and its coordinates.

    Args:
        day: the day (a date, or a time whose date in ``tz`` is taken).
        tz: IANA zone the day is counted in; ``start_local`` is in it.

    Returns:
        One row per record, by start: ``start_utc``, ``start_local``, ``end_utc`` (start plus duration;
        null without one), ``direction``, ``record_type``, ``other``, ``duration_s``, ``cell_id``, ``lac``,
        ``sector``, ``cell_lat``, ``cell_lon``, ``record_id``.
    """
    cat = _catalog(con)
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"tz {tz!r}: not an IANA zone (e.g. America/New_York)") from None
    if day is None:
        raise ConfigError("timeline needs the day (day, or --from on the command line: 2024-03-10)")
    if isinstance(day, str) and len(day.strip()) == 10:
        try:
            d = dt.date.fromisoformat(day.strip())
        except ValueError:
            raise ConfigError(f"day {day!r}: not an ISO 8601 date (e.g. 2024-03-10)") from None
    elif isinstance(day, (dt.datetime, str)):
        d = parse_instant(day, "day").astimezone(zone).date()
    else:
        d = day
    lo = dt.datetime(d.year, d.month, d.day, tzinfo=zone).astimezone(dt.timezone.utc)
    hi = dt.datetime.combine(d + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(dt.timezone.utc)
    forms = number_forms(number, region)
    cols = (f"c.start_utc, timezone('{zone.key}', c.start_utc) AS start_local, "
            "c.start_utc + to_seconds(c.duration_s) AS end_utc, c.direction, c.record_type, "
            f"CASE WHEN c.caller IN {_in(forms)} THEN c.callee ELSE c.caller END AS other, c.duration_s, "
            "c.cell_id, c.lac, c.sector, c.cell_lat, c.cell_lon, c.record_id, c.source_file, c.source_row")
    where = f"c.start_utc >= ? AND c.start_utc < ? AND {_dups(include_duplicates, 'c')}"
    sql = f"""
        SELECT * EXCLUDE (source_file, source_row) FROM ({of_number(cat, forms, cols, where)})
        ORDER BY start_utc, source_file, source_row{_limit(limit)}"""
    return _arrow(con, sql, _twice(cat, [lo, hi]))


def cell_calls(con, cell: str, start: Instant = None, end: Instant = None, *, carrier: str | None = None,
               limit: int | None = None, include_duplicates: bool = False) -> pa.Table:
    """Records through cell ``cell`` (``cdr.cell_id`` as given) that start in ``[start, end)``.

    Args:
        carrier: only this carrier's cell of that id (ids are per carrier).

    Returns:
        One row per record, by start: ``start_utc``, ``carrier``, ``cell_id``, ``lac``, ``sector``,
        ``cell_lat``, ``cell_lon``, ``caller``, ``callee``, ``direction``, ``record_type``, ``duration_s``,
        ``record_id``.
    """
    if not cell:
        raise ConfigError("cell needs the cell id as the carrier writes it (cell, --cell)")
    window, wp = _window(start, end)
    extra, ep = ("carrier = ?", [carrier]) if carrier else ("true", [])
    sql = f"""
        SELECT start_utc, carrier, cell_id, lac, sector, cell_lat, cell_lon, caller, callee, direction,
               record_type, duration_s, record_id
        FROM cdr WHERE cell_id = ? AND {extra} AND {window} AND {_dups(include_duplicates)}
        ORDER BY start_utc, source_file, source_row{_limit(limit)}"""
    return _arrow(con, sql, [cell, *ep, *wp])


def _midnight(t: dt.datetime) -> bool:
    return t.time() == dt.time(0)


def _summary_counts(start: Instant, end: Instant) -> tuple[str, list]:
    """SQL and its parameters over ``day_counts`` and ``summary_legs`` (:mod:`raybench.query.summary`):
    :func:`counts` of all numbers in a window of whole UTC days (bounds at 00:00 UTC, or none)."""
    days, dp = _window(start, end, "day")
    legs, lp = _window(start, end, "start_utc")
    return f"""
        WITH d AS (SELECT coalesce(sum(records), 0) AS records, coalesce(sum(duplicates), 0) AS duplicates,
                          coalesce(sum(unique_records), 0) AS unique_records,
                          coalesce(sum(single_calls), 0) AS singles
                   FROM day_counts WHERE {days}),
             l AS (SELECT count(DISTINCT call_id) AS calls FROM summary_legs WHERE {legs})
        SELECT d.records::BIGINT AS records, d.duplicates::BIGINT AS duplicates,
               d.unique_records::BIGINT AS unique_records, (d.singles + l.calls)::BIGINT AS calls,
               l.calls::BIGINT AS multi_leg_calls
        FROM d, l""", [t.date() for t in dp] + lp


def counts(con, number: str | None = None, start: Instant = None, end: Instant = None, *,
           region: str | None = DEFAULT_REGION) -> pa.Table:
    """How many records, copies and calls there are (of ``number`` when given) in ``[start, end)``.

    Returns:
        One row: ``records`` (every stored record), ``duplicates`` (copies of a call already stored),
        ``unique_records`` (``duplicate_of IS NULL``), ``calls`` (unique records with the legs of one
        call folded into one), ``multi_leg_calls`` (calls of two or more legs among them).
    """
    cat = _catalog(con)
    window, wp = _window(start, end, "c.start_utc")
    if not number and cat.summary and all(_midnight(t) for t in wp):
        return _arrow(con, *_summary_counts(start, end))
    if number:
        forms = number_forms(number, region)
        rows, wp = of_number(cat, forms, "c.record_id, c.duplicate_of", window), _twice(cat, wp)
    else:
        forms, rows = (), f"SELECT c.record_id, c.duplicate_of FROM cdr c WHERE {window}"
    sql = f"""
        SELECT count(*) AS records, count(c.duplicate_of) AS duplicates,
               count(*) FILTER (WHERE c.duplicate_of IS NULL) AS unique_records,
               count(DISTINCT coalesce(l.call_id, c.record_id)) FILTER (WHERE c.duplicate_of IS NULL) AS calls,
               count(DISTINCT l.call_id) FILTER (WHERE c.duplicate_of IS NULL) AS multi_leg_calls
        FROM ({rows}) c LEFT JOIN {{legs}} l ON l.record_id = c.record_id"""
    if not number:  # all numbers' records: more than an IN list
        return _arrow(con, sql.replace("{legs}", cat.legs), wp)
    return _with_legs(con, cat, forms, sql, wp)


@dataclass(frozen=True)
class NamedQuery:
    """One named query: its function, the parameters it needs, and where the service serves it.

    Attributes:
        name: the name on the command line (``raybench query NAME``).
        function: ``function(con, **params) -> pa.Table``.
        required: parameters that must be given (``number``, ``other``, ``cell``, ``day``).
        optional: parameters it also takes (``start``, ``end``, ``limit``, ``region``, ``tz``, ...).
        route: the service's route for it (issue 19), e.g. ``GET /v1/calls``.
    """

    name: str
    function: Callable[..., pa.Table]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    route: str


QUERIES: dict[str, NamedQuery] = {q.name: q for q in (
    NamedQuery("calls", calls, ("number",), ("start", "end", "limit", "region", "include_duplicates"),
               "GET /v1/calls?number=&from=&to="),
    NamedQuery("top-contacts", top_contacts, ("number",), ("start", "end", "limit", "region"),
               "GET /v1/contacts/{number}"),
    NamedQuery("shared-contacts", shared_contacts, ("number", "other"), ("start", "end", "limit", "region"),
               "GET /v1/contacts/{number}/shared/{other}"),
    NamedQuery("timeline", timeline, ("number", "day"), ("tz", "limit", "region", "include_duplicates"),
               "GET /v1/timeline/{number}?day="),
    NamedQuery("cell", cell_calls, ("cell",), ("start", "end", "carrier", "limit", "include_duplicates"),
               "GET /v1/cells/{cell}/calls"),
    NamedQuery("counts", counts, (), ("number", "start", "end", "region"), "GET /v1/counts"),
)}
"""Every named query by name."""


def run_query(con, name: str, **params) -> pa.Table:
    """Run the named query ``name`` with ``params`` (None values are left out).

    Raises:
        ConfigError: an unknown name, a missing required parameter, or one the query does not take.
    """
    q = QUERIES.get(name)
    if q is None:
        raise ConfigError(f"no query {name!r}; the queries are: {', '.join(QUERIES)}")
    given = {k: v for k, v in params.items() if v is not None}
    missing = [k for k in q.required if k not in given]
    if missing:
        raise ConfigError(f"query {name} needs {', '.join('--' + m for m in missing)}")
    unknown = [k for k in given if k not in q.required and k not in q.optional]
    if unknown:
        raise ConfigError(f"query {name} takes no {', '.join(unknown)} (it takes: "
                          f"{', '.join(q.required + q.optional)})")
    return q.function(con, **given)
