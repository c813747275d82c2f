"""Labelled duplicate clusters and hard negatives beside a generated production.

Given a file from :func:`raybench.generate.production.generate_file`, :func:`generate_duplicates` writes
companion files, each with a truth Parquet (the columns of
:data:`raybench.generate.carriers.TRUTH_SCHEMA` plus :data:`DUP_TRUTH_SCHEMA`):

* ``<name>.dup-resent.csv``: a contiguous slice of the file's valid records, re-sent verbatim (same
  layout): kind ``resent`` (the detector's ``exact``);
* ``<name>.dup-skew.csv``: T-Mobile layout, numbers written ``1NPA...``, start 1 or 2 s off: ``clock_skew``;
* ``<name>.dup-billing.csv``: Verizon billing layout, local (New York) time to the minute, numbers
  dashed, duration as billed minutes ``max(1, ceil(s / 60))``: ``billing``;
* ``<name>.dup-tzshift.csv``: T-Mobile layout (read as UTC) with the start written N whole hours off
  (N in -12..-1, 1..14, as when a local-time export is taken for UTC): ``tz_shift``, ``dup_offset_h = N``;
* ``<name>.dup-negatives.csv``: T-Mobile layout, calls that look alike but are other calls:
  ``near_call`` (same parties, 3-8 s later, another short duration), ``split_call`` (the next part of a
  long call: starts when the record ends), ``hour_apart`` (same parties, whole hours later, another
  duration), and legs of the same call that must be linked, not merged: ``ring_leg`` (same caller and
  start, another callee) and ``forward_leg`` (the callee forwards the call on, 1 s later).

A copy points at its original with ``dup_of_file`` (the original's file name, no folder) and
``dup_of_row``; two records are copies of one call when they point at the same original (or one is the
original). Negatives point at the record they resemble but are in no cluster. Copies are made of valid
records whose caller and callee are E.164 (``+1`` and 10 digits), voice or SMS (billing: voice only).
Negatives are drawn from records without a billing copy, and a file in a billing layout (minutes) gets
no ``near_call``: a one-minute bill line that fits two short calls of the same parties, only one of
which is on the bill, cannot be attributed by any method.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import polars as pl

from raybench.catalog import get_layout
from raybench.generate.carriers import TRUTH_SCHEMA, _dashed, _local
from raybench.generate.fixed_report import BANNER, header_line, report_text
from raybench.generate.production import GeneratedFile

DUP_TRUTH_SCHEMA = {"dup_kind": pl.String, "dup_of_file": pl.String, "dup_of_row": pl.Int64,
                    "dup_offset_h": pl.Int32}
"""Columns a companion truth adds to :data:`TRUTH_SCHEMA`."""

COPY_KINDS = ("resent", "clock_skew", "billing", "tz_shift")
"""Labels of copies (members of a duplicate cluster)."""
NEGATIVE_KINDS = ("near_call", "split_call", "hour_apart")
"""Labels of look-alike other calls (never in a cluster)."""
LEG_KINDS = ("ring_leg", "forward_leg")
"""Labels of other legs of the original's call (linked in ``call_legs``, never in a cluster)."""

_TZ = "America/New_York"
_TM_COLUMNS = ("Type of Call", "Calling Number", "Called Number", "Dialed Number", "Start Date/Time (UTC)",
               "Duration (Sec)", "IMSI", "IMEI", "LAC", "Cell ID")


@dataclass(frozen=True)
class DuplicateRates:
    """Shares of a file's eligible records given each companion (each drawn independently).

    Attributes:
        resent: share of the valid records re-sent (one contiguous slice).
        clock_skew, billing, tz_shift: share of eligible records copied with that variant.
        negatives: share of eligible records (without a billing copy) given each negative or leg kind.
    """

    resent: float = 0.02
    clock_skew: float = 0.02
    billing: float = 0.02
    tz_shift: float = 0.02
    negatives: float = 0.005


def _read_source(g: GeneratedFile) -> pl.DataFrame:
    layout = get_layout(g.layout)
    if layout.fixed_width:  # the generator's report: records are the lines that are not its junk

        junk = {BANNER, header_line(layout), ""}
        with open(g.path, encoding="utf-8") as f:
            lines = [line.rstrip("\n") for line in f]
        records = [line for line in lines if line not in junk and not line.startswith("Page ")]
        return pl.DataFrame([[r[a:b].strip() for a, b in layout.positions] for r in records],
                            schema=list(layout.columns), orient="row")
    return pl.read_csv(g.path, has_header=layout.has_header, separator=layout.delimiter, infer_schema=False,
                       new_columns=None if layout.has_header else list(layout.columns),
                       truncate_ragged_lines=True)


def _truth_frame(truth: pl.DataFrame, kind: str | list, of_file: str, of_row, offset=None) -> pl.DataFrame:
    n = truth.height
    kinds = [kind] * n if isinstance(kind, str) else kind
    out = truth.with_columns(
        source_row=pl.Series(np.arange(1, n + 1, dtype=np.int64)),
        quarantine_reason=pl.lit(None, pl.String),
        dup_kind=pl.Series(kinds, dtype=pl.String),
        dup_of_file=pl.lit(of_file, pl.String),
        dup_of_row=pl.Series(of_row, dtype=pl.Int64),
        dup_offset_h=pl.Series(offset if offset is not None else [None] * n, dtype=pl.Int32),
    )
    return out.select([pl.col(c).cast(t) for c, t in {**TRUTH_SCHEMA, **DUP_TRUTH_SCHEMA}.items()])


def _write(path: str, source: pl.DataFrame, truth: pl.DataFrame, layout_id: str, *, quote_always=False,
           header=True) -> GeneratedFile:
    layout = get_layout(layout_id)
    if layout.fixed_width:
        text = report_text(source, layout, 1, True, ragged="\0")
    else:
        text = source.write_csv(include_header=header, separator=layout.delimiter,
                                quote_style="always" if quote_always else "necessary", line_terminator="\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    truth.write_parquet(path + ".truth.parquet")
    return GeneratedFile(path, path + ".truth.parquet", source.height, layout_id)


def _tmobile(t: pl.DataFrame, start: pl.Series, *, kind_override: list | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """T-Mobile source rows and their truth for canonical rows ``t`` written with starts ``start``."""
    sms = (t["record_type"] == "sms").to_numpy()
    dirn = t["direction"].to_numpy()
    voice_type = np.select([dirn == "incoming", dirn == "forwarded"], ["mSTerminating", "callForwarding"],
                           "mSOriginating")
    sms_type = np.where(dirn == "incoming", "mSTerminatingSMSinMSC", "mSOriginatingSMSinMSC")
    types = np.where(sms, sms_type, voice_type).astype(object)
    if kind_override is not None:
        types = np.array([k if k is not None else v for k, v in zip(kind_override, types)], dtype=object)
    out_dir = np.select([np.char.find(types.astype(str), "Terminating") >= 0, types == "callForwarding"],
                        ["incoming", "forwarded"], "outgoing").astype(object)
    rtype = np.where(np.char.find(types.astype(str), "SMS") >= 0, "sms", "voice").astype(object)
    dur = t["duration_s"]
    source = pl.DataFrame({
        "Type of Call": pl.Series(types.tolist(), dtype=pl.String),
        "Calling Number": t["caller"].str.slice(1),
        "Called Number": t["callee"].str.slice(1),
        "Dialed Number": pl.Series([None] * t.height, dtype=pl.String),
        "Start Date/Time (UTC)": start.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "Duration (Sec)": pl.Series(np.where(rtype == "voice", dur.cast(pl.String).fill_null("0").to_numpy(),
                                             None).tolist(), dtype=pl.String),
        "IMSI": pl.Series([None] * t.height, dtype=pl.String),
        "IMEI": pl.Series([None] * t.height, dtype=pl.String),
        "LAC": pl.Series([None] * t.height, dtype=pl.String),
        "Cell ID": pl.Series([None] * t.height, dtype=pl.String),
    })
    nulls = pl.Series([None] * t.height, dtype=pl.String)
    truth = t.with_columns(
        record_type=pl.Series(rtype.tolist(), dtype=pl.String),
        direction=pl.Series(out_dir.tolist(), dtype=pl.String),
        start_utc=start, tz_flag=nulls, duration_s=pl.when(pl.Series(rtype == "voice")).then(dur.fill_null(0)),
        dialed=nulls, imsi=nulls, imei=nulls, cell_id=nulls, lac=nulls, sector=nulls)
    return source, truth


def _verizon(t: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Verizon billing source rows and truth for voice rows ``t``."""
    secs = t["start_utc"].dt.epoch("s").to_numpy()
    utc = pl.Series(((secs - secs % 60) * 1_000_000)).cast(pl.Datetime("us", "UTC"))
    naive, flag = _local(utc, _TZ)
    minutes = np.maximum(1, -(-t["duration_s"].fill_null(0).to_numpy() // 60))
    outgoing = (t["direction"] == "outgoing").to_numpy()
    caller = t["caller"].str.slice(2).to_numpy().astype(object)
    callee = t["callee"].str.slice(2).to_numpy().astype(object)
    wireless = np.where(outgoing, caller, callee).astype(object)
    other = np.where(outgoing, callee, caller).astype(object)
    n = t.height
    source = pl.DataFrame({
        "Wireless Number": pl.Series(_dashed(wireless).tolist(), dtype=pl.String),
        "Date": naive.dt.strftime("%m/%d/%Y"),
        "Time": naive.dt.strftime("%I:%M %p"),
        "Number": pl.Series(_dashed(other).tolist(), dtype=pl.String),
        "Usage Type": ["Voice"] * n,
        "Origination": ["NEW YORK, NY"] * n,
        "Destination": pl.Series(np.where(outgoing, "CHICAGO, IL", "INCOMING, CL").tolist(), dtype=pl.String),
        "Minutes": pl.Series(minutes.astype(str).tolist(), dtype=pl.String),
        "Airtime Charges": ["$0.00"] * n, "LD/Other Charges": ["$0.00"] * n, "Total Charges": ["$0.00"] * n,
    })
    nulls = pl.Series([None] * n, dtype=pl.String)
    truth = t.with_columns(
        record_type=pl.lit("voice"), direction=pl.Series(np.where(outgoing, "outgoing", "incoming").tolist()),
        start_utc=utc, tz_flag=flag, duration_s=pl.Series(minutes * 60, dtype=pl.Int32),
        dialed=nulls, imsi=nulls, imei=nulls, cell_id=nulls, lac=nulls, sector=nulls)
    return source, truth


def _shift(t: pl.DataFrame, seconds) -> pl.Series:
    return (t["start_utc"].dt.epoch("us") + pl.Series(np.asarray(seconds, dtype=np.int64) * 1_000_000)).cast(
        pl.Datetime("us", "UTC"))


def generate_duplicates(base: GeneratedFile, out_dir: str | None = None, *, seed: int = 0,
                        rates: DuplicateRates | None = None) -> list[GeneratedFile]:
    """Write the companion files of one generated file (see the module docstring).

    Args:
        base: the generated file (its truth Parquet is read).
        out_dir: folder for the companions (default: the base file's folder).
        seed: seed of the draws.
        rates: shares per kind.

    Returns:
        The companion files written (a kind with no eligible record writes no file).
    """
    rates = rates or DuplicateRates()
    out_dir = out_dir or os.path.dirname(base.path)
    os.makedirs(out_dir, exist_ok=True)
    name = os.path.basename(base.path)
    stem = os.path.join(out_dir, name.rsplit(".", 1)[0])
    rng = np.random.default_rng([seed, 99, sum(map(ord, name))])
    truth = pl.read_parquet(base.truth_path)
    valid = truth["quarantine_reason"].is_null().to_numpy()
    e164 = (truth["caller"].str.contains(r"^\+1\d{10}$").fill_null(False)
            & truth["callee"].str.contains(r"^\+1\d{10}$").fill_null(False)
            & truth["record_type"].is_in(["voice", "sms"]) & truth["start_utc"].is_not_null()).to_numpy()
    eligible = valid & e164
    voice = (truth["record_type"] == "voice").to_numpy()
    made: list[GeneratedFile] = []

    # re-sent slice, verbatim
    k = int(round(rates.resent * truth.height))
    if k:
        lo = int(rng.integers(0, truth.height - k + 1))
        idx = np.flatnonzero(valid[lo:lo + k]) + lo
        if len(idx):
            layout = get_layout(base.layout)
            source = _read_source(base)[idx]
            t = truth[idx]
            made.append(_write(f"{stem}.dup-resent.csv", source, _truth_frame(t, "resent", name, t["source_row"]),
                               base.layout, quote_always=base.layout == "asterisk_master_csv",
                               header=layout.has_header))

    def draw(mask: np.ndarray, rate: float) -> np.ndarray:
        return np.flatnonzero(mask & (rng.random(len(mask)) < rate))

    idx = draw(eligible, rates.clock_skew)
    if len(idx):
        t = truth[idx]
        skew = rng.choice([-2, -1, 1, 2], len(idx))
        source, tt = _tmobile(t, _shift(t, skew))
        made.append(_write(f"{stem}.dup-skew.csv", source, _truth_frame(tt, "clock_skew", name, t["source_row"]),
                           "tmobile_cdr"))

    billed = draw(eligible & voice, rates.billing)
    if len(billed):
        t = truth[billed]
        source, tt = _verizon(t)
        made.append(_write(f"{stem}.dup-billing.csv", source, _truth_frame(tt, "billing", name, t["source_row"]),
                           "verizon_billing_detail"))

    idx = draw(eligible, rates.tz_shift)
    if len(idx):
        t = truth[idx]
        hours = rng.choice(np.r_[-12:0, 1:15], len(idx))
        source, tt = _tmobile(t, _shift(t, hours * 3600))
        made.append(_write(f"{stem}.dup-tzshift.csv", source,
                           _truth_frame(tt, "tz_shift", name, t["source_row"], hours.tolist()), "tmobile_cdr"))

    # a near call beside a bill line (the original is one) is as ambiguous as beside a billing copy
    kinds = tuple(k for k in NEGATIVE_KINDS + LEG_KINDS
                  if not (k == "near_call" and get_layout(base.layout).duration_unit == "minutes"))
    made_neg = _negatives(rng, truth, eligible & voice, billed, rates.negatives, name, stem, kinds)
    if made_neg:
        made.append(made_neg)
    return made


def _negatives(rng, truth: pl.DataFrame, mask: np.ndarray, billed: np.ndarray, rate: float, name: str,
               stem: str, kinds: tuple[str, ...]) -> GeneratedFile | None:
    mask = mask.copy()
    mask[billed] = False
    pool = np.flatnonzero(mask)
    parts: list[tuple[pl.DataFrame, pl.DataFrame]] = []
    dur_all = truth["duration_s"].fill_null(0).to_numpy()
    numbers = truth["callee"].drop_nulls().unique().sort().to_numpy()
    numbers = numbers[np.char.str_len(numbers.astype(str)) == 12]
    for kind in kinds:
        idx = pool[rng.random(len(pool)) < rate]
        if kind == "split_call":
            idx = idx[dur_all[idx] >= 60]
        if not len(idx):
            continue
        t = truth[idx]
        d = dur_all[idx]
        n = len(idx)
        types = None
        if kind == "near_call":
            new_d = rng.integers(3, 51, n)
            new_d = np.where(new_d == d, new_d + 7, new_d)
            start, t = _shift(t, rng.integers(3, 9, n)), t.with_columns(duration_s=pl.Series(new_d, dtype=pl.Int32))
        elif kind == "split_call":
            new_d = rng.integers(60, 601, n)
            start, t = _shift(t, d), t.with_columns(duration_s=pl.Series(new_d, dtype=pl.Int32))
        elif kind == "hour_apart":
            new_d = np.where(d + 1 + rng.integers(0, 30, n) == d, d + 2, d + 1 + rng.integers(0, 30, n))
            start = _shift(t, rng.choice([1, 2, 3, 5, 8], n) * 3600)
            t = t.with_columns(duration_s=pl.Series(new_d, dtype=pl.Int32))
        elif kind == "ring_leg":
            other = numbers[rng.integers(0, len(numbers), n)]
            other = np.where(other == t["callee"].to_numpy(), numbers[(np.searchsorted(numbers, other) + 1)
                                                                      % len(numbers)], other)
            start = t["start_utc"]
            t = t.with_columns(callee=pl.Series(other.tolist(), dtype=pl.String), direction=pl.lit("outgoing"))
        else:  # forward_leg: the callee's line forwards the call on
            other = numbers[rng.integers(0, len(numbers), n)]
            bad = (other == t["callee"].to_numpy()) | (other == t["caller"].to_numpy())
            other = np.where(bad, numbers[(np.searchsorted(numbers, other) + 2) % len(numbers)], other)
            start = _shift(t, np.ones(n, dtype=np.int64))
            t = t.with_columns(caller=t["callee"], callee=pl.Series(other.tolist(), dtype=pl.String),
                               direction=pl.lit("forwarded"))
            types = ["callForwarding"] * n
        source, tt = _tmobile(t, start, kind_override=types)
        parts.append((source, _truth_frame(tt, kind, name, truth["source_row"][idx])))
    if not parts:
        return None
    source = pl.concat([p[0] for p in parts])
    tt = pl.concat([p[1] for p in parts]).with_columns(
        source_row=pl.Series(np.arange(1, source.height + 1, dtype=np.int64)))
    return _write(f"{stem}.dup-negatives.csv", source, tt, "tmobile_cdr")
