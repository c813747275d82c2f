"""The match rules, as DuckDB SQL over ``call_keys`` (see :mod:`raybench.dedupe.tables`).

Two records are copies of one call when their number keys are equal (caller to caller, callee to callee)
and, with ``delta`` = the second start minus the first (seconds), ``N`` = ``delta`` rounded to whole hours
and ``r = delta - 3600 N``:

* ``exact``: equal durations (or both null), ``delta = 0``;
* ``clock_skew``: equal durations, ``N = 0``, ``|r| <= tolerance_s``;
* ``tz_shift``: equal durations, ``1 <= |N| <= max_offset_h``, ``|r| <= tolerance_s`` (one copy was read
  in the wrong zone; the offset is flagged);
* ``billing``: one copy is a billing line: its duration is the other's rounded up to whole minutes
  (``max(60, 60 ceil(d / 60))``), its start is on a whole minute and the other starts within
  ``[-tolerance_s, 59 + tolerance_s]`` seconds after it; ``N = 0``, or ``|N| = 1`` when either copy has
  ``tz_flag = 'dst_ambiguous'`` (the hour of a local time in the repeated DST hour cannot be known).
  A billing line is not searched at other offsets: a one-minute window at 29 offsets matches unrelated
  calls of a busy pair too often.

Not copies (hard negatives): two calls of the same pair a few seconds apart with different durations;
the parts of a long call split into records (different starts and durations); legs of one call
(different callee).

Candidate pairs come from an equi-join on ``(a, b, dmin, day)`` with the probe side on days ``-1, 0,
+1`` (the widest window, 14 h + 1 min, is shorter than a day), so the work grows with the rows, not with
their square; over many rows the join runs in parts by a hash of ``a``, so its hash table stays small. A record keeps at most one partner per other file (and per its own file): a candidate pair
is accepted only when each record is the other's best candidate in the other's file (best: exact, then
clock skew, then billing, then zone shift; then the smallest ``|r|``).

Legs: two records whose starts are within ``tolerance_s`` are legs of one call when they have the same
caller and different callees (ring group, forward leg as T-Mobile writes it) or different legs
(``cdr.leg_ref``: a queue ringing several agents behind one called number; never copies), or when one's callee is the
other's caller and that other is ``direction = 'forwarded'``. Legs link clusters: the call is recorded on
the first record of each cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

KIND_RANK = {"exact": 0, "clock_skew": 1, "billing": 2, "tz_shift": 3}
"""Preference among candidate kinds (lower first)."""


@dataclass(frozen=True)
class DedupeOptions:
    """Match tolerances.

    Attributes:
        tolerance_s: largest start difference, seconds, of two copies (after removing whole hours).
        max_offset_h: largest zone offset, hours, searched for ``tz_shift`` copies.
        legs: link the legs of forwarded and ring-group calls.
    """

    tolerance_s: int = 2
    max_offset_h: int = 14
    legs: bool = True

    @property
    def window_s(self) -> int:
        """Largest start difference of any candidate pair, seconds."""
        return self.max_offset_h * 3600 + 60 + self.tolerance_s


def number_key(col: str) -> str:
    """SQL for the number key of a column (BIGINT): the last 10 digits of its digits (all when fewer),
    read as a number, plus 10^10 times how many digits that is (so ``0123`` and ``123`` differ); null when
    the column has no digit. An integer key hashes and compares faster than the text."""
    d = f"regexp_replace({col}, '[^0-9]', '', 'g')"
    k = f"right({d}, 10)"
    return f"CASE WHEN {d} <> '' THEN CAST({k} AS BIGINT) + length({k}) * 10000000000 END"


def record_key(col: str) -> str:
    """SQL for a record's key (BIGINT) from its ``record_id``: the first 15 hex digits of the 32-digit
    BLAKE2b id (60 bits; any other id: 60 bits of its MD5). Stable across DuckDB versions (no ``hash()``);
    a clash of two keys is detected when the keys are indexed."""
    return (f"coalesce(CASE WHEN length({col}) = 32 THEN try_cast('0x' || left({col}, 15) AS BIGINT) END, "
            f"(md5_number_lower({col}) >> 4)::BIGINT)")


def insert_keys_sql() -> str:
    """Insert one job's ``cdr`` rows (parameters: ``job`` the ingest_job, ``jobno`` its ``dd_jobs.job``)
    into ``call_keys`` (``dd_files`` must hold their files)."""
    return f"""
        INSERT INTO call_keys
        SELECT k, file, row, a, b, start_s, duration_s,
               CASE WHEN duration_s IS NULL THEN 0 ELSE greatest(1, (duration_s + 59) // 60) END AS dmin,
               coalesce(direction = 'forwarded', false), coalesce(tz_flag = 'dst_ambiguous', false),
               $jobno, k AS cluster, NULL::BIGINT AS call_id, leg
        FROM (SELECT {record_key('c.record_id')} AS k, f.file, c.source_row AS row, {number_key('c.caller')} AS a,
                     {number_key('c.callee')} AS b, epoch_us(c.start_utc) // 1000000 AS start_s,
                     c.duration_s, c.direction, c.tz_flag,
                     CASE WHEN c.leg_ref <> '' THEN (md5_number_lower(c.leg_ref) >> 4)::BIGINT END AS leg
              FROM cdr c JOIN dd_files f USING (source_sha256) WHERE c.ingest_job = $job)
        WHERE a IS NOT NULL AND b IS NOT NULL AND start_s IS NOT NULL"""


def kind_sql(o: DedupeOptions, delta: str, xd: str, yd: str, xs: str, ys: str, dmin: str, xf: str, yf: str) -> str:
    """SQL CASE naming the kind of a candidate pair (null when it is not a copy).

    Args: SQL expressions for the start difference (y minus x, s), the durations, the starts (Unix s),
    the billed minutes (equal on both sides) and the two ``amb`` flags (start in the repeated DST hour).
    """
    t, h = o.tolerance_s, o.max_offset_h
    n = f"CAST(round(({delta}) / 3600.0) AS BIGINT)"
    r = f"(({delta}) - 3600 * {n})"
    eq = f"({xd} IS NOT DISTINCT FROM {yd})"
    amb = f"({xf} OR {yf})"
    return f"""CASE
        WHEN {eq} AND ({delta}) = 0 THEN 'exact'
        WHEN {eq} AND {n} = 0 AND abs({r}) <= {t} THEN 'clock_skew'
        WHEN {xd} IS NOT NULL AND {yd} IS NOT NULL AND ({n} = 0 OR (abs({n}) = 1 AND {amb})) AND (
             ({xd} = {dmin} * 60 AND {xs} % 60 = 0 AND {r} BETWEEN -{t} AND {59 + t})
          OR ({yd} = {dmin} * 60 AND {ys} % 60 = 0 AND -{r} BETWEEN -{t} AND {59 + t})) THEN 'billing'
        WHEN {eq} AND {n} <> 0 AND abs({n}) <= {h} AND abs({r}) <= {t} THEN 'tz_shift'
    END"""


def part_sql(col: str, parts: int, part: int) -> str:
    """SQL filter keeping part ``part`` of ``parts`` by a hash of ``col`` (``true`` for one part)."""
    return "true" if parts <= 1 else f"hash({col}) % {parts} = {part}"


def candidates_sql(o: DedupeOptions, parts: int = 1, part: int = 0, job_keys: str = "call_keys") -> str:
    """Candidate copy pairs ``(x, y, x_file, y_file, y_new, kind, score)`` (record keys, file numbers) where x is a record of the job
    (parameter ``$jobno``) and y any other indexed record; a pair of two job records appears once. With
    ``parts`` > 1, only the pairs whose caller key falls in part ``part``. ``job_keys`` is where the job's
    keys are read from: ``call_keys``, or a TEMP copy of the job's rows of it, whose row count DuckDB
    knows, so it builds the join's hash table on the job's side (with ``call_keys`` and a parameter it
    cannot estimate, it built on every stored key)."""
    kind = kind_sql(o, "y.start_s - x.start_s", "x.duration_s", "y.duration_s", "x.start_s", "y.start_s",
                    "x.dmin", "x.amb", "y.amb")
    rank = "CASE kind " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in KIND_RANK.items()) + " END"
    cut = part_sql("a", parts, part)
    return f"""
        WITH x AS (SELECT k, file, a, b, dmin, start_s, duration_s, amb, leg, start_s // 86400 + o.d AS pday
                   FROM {job_keys}, (VALUES (-1), (0), (1)) o(d) WHERE job = $jobno AND {cut}),
        y AS (SELECT k, file, a, b, dmin, start_s, duration_s, amb, leg, job, start_s // 86400 AS day FROM call_keys
              WHERE {cut}),
        c AS (SELECT x.k AS x, y.k AS y, x.file AS x_file, y.file AS y_file, y.job = $jobno AS y_new, y.start_s - x.start_s AS delta, {kind} AS kind
              FROM x JOIN y ON y.a = x.a AND y.b = x.b AND y.dmin = x.dmin AND y.day = x.pday
              WHERE y.k <> x.k AND (y.job <> $jobno OR x.k < y.k)
                AND abs(y.start_s - x.start_s) <= {o.window_s}
                AND (x.leg IS NULL OR y.leg IS NULL OR x.leg = y.leg))
        SELECT x, y, x_file, y_file, y_new, kind,
               {rank} * 100000 + abs(delta - 3600 * CAST(round(delta / 3600.0) AS BIGINT)) AS score
        FROM c WHERE kind IS NOT NULL"""


def accepted_pairs_sql() -> str:
    """From ``_dd_cand``: the mutual-best pairs ``(x, y, y_new, kind)`` (each record the other's best in
    the other's file, ties to the smaller key), once each, and every ``exact`` pair (the same parties,
    start second and duration: one call written several times, so three copies in one file all join
    one cluster); x is a record of the job."""
    return """
        WITH s AS (SELECT x AS u, y AS v, y_file AS v_file, true AS u_new, y_new AS v_new, kind, score FROM _dd_cand
                   UNION ALL SELECT y, x, x_file, y_new, true, kind, score FROM _dd_cand),
        r AS (SELECT * FROM s QUALIFY row_number() OVER (PARTITION BY u, v_file ORDER BY score, v) = 1)
        SELECT a.u AS x, a.v AS y, a.v_new AS y_new, a.kind
        FROM r a JOIN r b ON a.u = b.v AND a.v = b.u
        WHERE a.u_new AND (NOT a.v_new OR a.u < a.v)
        UNION
        SELECT x, y, y_new, kind FROM _dd_cand WHERE kind = 'exact'"""


def relation_sql(o: DedupeOptions) -> str:
    """Kind, offset and start difference ``(k, cluster, kind, offset_h, delta_s)`` of each record of
    ``_dd_changed`` that is not first in its cluster, relative to the cluster's first record."""
    t = o.tolerance_s
    n = "CAST(round(delta / 3600.0) AS BIGINT)"
    return f"""
        SELECT k, cluster,
               CASE WHEN {n} <> 0 THEN 'tz_shift'
                    WHEN (dd IS DISTINCT FROM rd OR abs(delta) > {t}) AND dd IS NOT NULL AND rd IS NOT NULL
                         AND ((rd % 60 = 0 AND rs % 60 = 0) OR (dd % 60 = 0 AND ds % 60 = 0)) THEN 'billing'
                    WHEN delta = 0 AND dd IS NOT DISTINCT FROM rd THEN 'exact'
                    ELSE 'clock_skew' END AS kind,
               CASE WHEN {n} <> 0 THEN {n} END::INTEGER AS offset_h, delta AS delta_s
        FROM (SELECT d.k, d.cluster, d.start_s - r.start_s AS delta,
                     d.duration_s AS dd, r.duration_s AS rd, d.start_s AS ds, r.start_s AS rs
              FROM (SELECT * FROM call_keys WHERE k IN (SELECT k FROM _dd_changed)) d
              JOIN (SELECT * FROM call_keys WHERE k IN (SELECT cluster FROM _dd_changed)) r ON r.k = d.cluster
              WHERE d.cluster <> d.k)"""


def leg_pairs_sql(o: DedupeOptions, parts: int = 1, part: int = 0, job_keys: str = "call_keys") -> str:
    """Leg pairs as the clusters ``(xc, yc)`` of their records: x a record of the job (``$jobno``), y any
    indexed record of another cluster. Copies take part (a leg may be seen only beside a copy of the
    other leg). With ``parts`` > 1, only the pairs whose join key falls in part ``part``; ``job_keys`` as
    for :func:`candidates_sql` (the clusters are read after clustering, so a copy must be taken then)."""
    t = o.tolerance_s
    bucket = max(1, t)  # probing buckets -1, 0, +1 of this width covers +-t seconds
    cut = lambda c: part_sql(c, parts, part)  # noqa: E731
    r = f"""(SELECT k, a, b, start_s, fwd, leg, job = $jobno AS new, cluster, start_s // {bucket} AS m
              FROM call_keys WHERE {{}})"""
    mine = f"""(SELECT k, a, b, start_s, fwd, leg, true AS new, cluster, start_s // {bucket} AS m
                FROM {job_keys} WHERE job = $jobno AND {{}})"""
    x = f"""(SELECT r.*, r.m + o.d AS pm FROM {mine} r, (VALUES (-1), (0), (1)) o(d))"""
    return f"""
        SELECT x.cluster AS xc, y.cluster AS yc FROM {x.format(cut('a'))} x JOIN {r.format(cut('a'))} y
            ON y.a = x.a AND y.m = x.pm
            WHERE (y.b <> x.b OR x.leg <> y.leg) AND abs(y.start_s - x.start_s) <= {t} AND (NOT y.new OR x.k < y.k)
              AND x.cluster <> y.cluster
        UNION ALL
        SELECT x.cluster, y.cluster FROM {x.format(cut('b'))} x JOIN {r.format(cut('a'))} y ON y.a = x.b AND y.m = x.pm
            WHERE y.fwd AND y.k <> x.k AND abs(y.start_s - x.start_s) <= {t} AND x.cluster <> y.cluster
        UNION ALL
        SELECT x.cluster, y.cluster FROM {x.format(cut('a'))} x JOIN {r.format(cut('b'))} y ON y.b = x.a AND y.m = x.pm
            WHERE x.fwd AND y.k <> x.k AND abs(y.start_s - x.start_s) <= {t} AND x.cluster <> y.cluster"""
