"""One chunk of synthetic records per layout: the source text columns and the canonical truth.

Each builder returns ``(source, truth)``: ``source`` has the layout's columns (String) in file order;
``truth`` has, per row, the canonical values a correct reader must produce (see :data:`TRUTH_SCHEMA`).
The truth is computed here from the generator's own choices, never by calling the normaliser.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import polars as pl

from raybench.generate.population import Population, e164

TRUTH_SCHEMA = {
    "source_row": pl.Int64, "record_type": pl.String, "direction": pl.String,
    "start_utc": pl.Datetime("us", "UTC"), "tz_flag": pl.String, "duration_s": pl.Int32,
    "caller": pl.String, "callee": pl.String, "dialed": pl.String, "imsi": pl.String, "imei": pl.String,
    "cell_id": pl.String, "lac": pl.String, "sector": pl.String, "quarantine_reason": pl.String,
}
"""Columns of a ground-truth Parquet. ``quarantine_reason`` is the rule id a defect row must fail
(null for a valid row)."""


def _s(values) -> pl.Series:
    """A String Series from a numpy array (object or unicode) or a list; None stays null."""
    if isinstance(values, np.ndarray):
        values = values.tolist()
    return pl.Series(values, dtype=pl.String)


def _durations(rng: np.random.Generator, n: int) -> np.ndarray:
    d = rng.exponential(180, n).astype(np.int64)
    long = rng.random(n) < 0.005
    d[long] = rng.integers(3600, 10800, int(long.sum()))
    return d


def _utc(secs: np.ndarray) -> pl.Series:
    return pl.Series(secs * 1_000_000).cast(pl.Datetime("us", "UTC"))


def _local(utc: pl.Series, tz: str) -> tuple[pl.Series, pl.Series]:
    """Wall-clock local times of UTC instants, and the DST flag a reader must raise for them."""
    naive = utc.dt.convert_time_zone(tz).dt.replace_time_zone(None)
    early = naive.dt.replace_time_zone(tz, ambiguous="earliest")
    late = naive.dt.replace_time_zone(tz, ambiguous="latest")
    flag = _s([None] * len(utc))
    flag = pl.select(pl.when(early != late).then(pl.lit("dst_ambiguous")).otherwise(flag)).to_series()
    return naive, flag


def _digits(rng: np.random.Generator, n: int, width: int, prefix: str = "") -> np.ndarray:
    lo, hi = 10 ** (width - 1), 10 ** width
    return np.char.add(prefix, rng.integers(lo, hi, n).astype(str)).astype(object)


def _blank(rng: np.random.Generator, values: np.ndarray, p: float) -> np.ndarray:
    out = values.copy()
    out[rng.random(len(values)) < p] = None
    return out


def _mm_ss(d: pl.Series) -> pl.Series:
    return pl.select(pl.concat_str([(d // 60).cast(pl.String).str.zfill(2), pl.lit(":"),
                                    (d % 60).cast(pl.String).str.zfill(2)])).to_series()


def _truth(n: int, first_row: int, **cols) -> pl.DataFrame:
    data = {"source_row": np.arange(first_row, first_row + n, dtype=np.int64)}
    data.update(cols)
    frame = {}
    for name, dtype in TRUTH_SCHEMA.items():
        v = data.get(name)
        if v is None:
            frame[name] = pl.Series(name, [None] * n, dtype=dtype)
        elif isinstance(v, pl.Series):
            frame[name] = v.alias(name).cast(dtype)
        else:
            if isinstance(v, np.ndarray) and v.dtype == object:
                v = v.tolist()
            frame[name] = pl.Series(name, v, dtype=dtype, strict=False)
    return pl.DataFrame(frame)


def att(rng, pop: Population, n: int, secs: np.ndarray, first_row: int):
    """AT&T mobility voice (``att_mobility_voice``): split UTC date/time, ET as MM:SS, (D) dialed."""
    desc_values = np.array(["MO VOICE", "MT VOICE", "CF VOICE", "VM DEPOSIT", "VM RETRIEVAL"], dtype=object)
    kind = rng.choice(5, n, p=[0.45, 0.40, 0.05, 0.05, 0.05])
    target = pop.target
    partner = pop.partners(rng, n)
    forward_to, voicemail = pop.national[-2], pop.national[-1]
    orig = np.where(np.isin(kind, [0, 4]), target, partner)
    term = np.select([kind == 0, kind == 1, kind == 2, kind == 3], [partner, target, forward_to, target],
                     voicemail).astype(object)
    dialed = np.full(n, None, dtype=object)
    has_dialed = (kind == 0) & (rng.random(n) < 0.1)
    dialed[has_dialed] = pop.partners(rng, int(has_dialed.sum()))
    orig_cell = orig.copy()
    orig_cell[has_dialed] = np.char.add(np.char.add(orig[has_dialed].astype(str), "\n"),
                                        np.char.add(dialed[has_dialed].astype(str), "(D)"))
    term_text = np.where(rng.random(n) < 0.3, np.char.add("1", term.astype(str)), term.astype(str)).astype(object)
    dur = _durations(rng, n)
    utc = _utc(secs)
    imei = _blank(rng, np.full(n, pop.imei, dtype=object), 0.1)
    lac = _digits(rng, n, 5)
    cell = _digits(rng, n, 5)
    no_cell = rng.random(n) < 0.05
    lac[no_cell] = None
    cell[no_cell] = None
    d = pl.Series(dur)
    source = pl.DataFrame({
        "Item": np.arange(first_row, first_row + n).astype(str),
        "Conn. Date": utc.dt.strftime("%m/%d/%Y"),
        "Conn. Time (UTC)": utc.dt.strftime("%H:%M:%S"),
        "Seizure Time": rng.integers(0, 12, n).astype(str),
        "ET": _mm_ss(d),
        "Originating Number": _s(orig_cell),
        "Terminating Number": _s(term_text),
        "IMEI": _s(imei),
        "IMSI": [pop.imsi] * n,
        "Description": _s(desc_values[kind]),
        "LAC": _s(lac),
        "Cell ID": _s(cell),
    })
    rt = np.array(["voice", "voice", "voice", "voicemail", "voicemail"], dtype=object)[kind]
    dirn = np.array(["outgoing", "incoming", "forwarded", "incoming", "outgoing"], dtype=object)[kind]
    dialed_e164 = np.full(n, None, dtype=object)
    dialed_e164[has_dialed] = e164(dialed[has_dialed])
    truth = _truth(n, first_row, record_type=rt, direction=dirn, start_utc=utc, duration_s=dur,
                   caller=e164(orig), callee=e164(term), dialed=dialed_e164, imsi=[pop.imsi] * n, imei=imei,
                   cell_id=cell, lac=lac)
    return source, truth


def tmobile(rng, pop: Population, n: int, secs: np.ndarray, first_row: int):
    """T-Mobile (``tmobile_cdr``): calls and SMS mixed, 3GPP type names, UTC."""
    types = np.array(["mSOriginating", "mSTerminating", "callForwarding", "mSOriginatingSMSinMSC",
                      "mSTerminatingSMSinMSC", "SMSc", "RCS-IMChat"], dtype=object)
    kind = rng.choice(7, n, p=[0.30, 0.30, 0.05, 0.15, 0.15, 0.03, 0.02])
    rt = np.array(["voice", "voice", "voice", "sms", "sms", "sms", "other"], dtype=object)[kind]
    dirn = np.array(["outgoing", "incoming", "forwarded", "outgoing", "incoming", "unknown", "unknown"],
                    dtype=object)[kind]
    target, partner = pop.target, pop.partners(rng, n)
    flip = rng.random(n) < 0.5  # who is "calling" on rows with an unknown direction
    calling = np.where((dirn == "outgoing") | ((dirn == "unknown") & flip), target, partner).astype(object)
    called = np.where(calling == target, partner, target).astype(object)
    called[kind == 2] = pop.national[-2]  # forwarded onwards
    calling[kind == 2] = partner[kind == 2]
    voice = rt == "voice"
    dur = _durations(rng, n)
    dialed = np.full(n, None, dtype=object)
    dialed[kind == 0] = called[kind == 0]
    no_cell = kind >= 5
    lac, cell = _digits(rng, n, 5), _digits(rng, n, 5)
    lac[no_cell] = None
    cell[no_cell] = None
    utc = _utc(secs)
    source = pl.DataFrame({
        "Type of Call": _s(types[kind]),
        "Calling Number": _s(np.char.add("1", calling.astype(str))),
        "Called Number": _s(np.char.add("1", called.astype(str))),
        "Dialed Number": _s(dialed),
        "Start Date/Time (UTC)": utc.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "Duration (Sec)": _s(np.where(voice, dur.astype(str), None)),
        "IMSI": [pop.imsi] * n,
        "IMEI": [pop.imei] * n,
        "LAC": _s(lac),
        "Cell ID": _s(cell),
    })
    dialed_e164 = np.full(n, None, dtype=object)
    dialed_e164[kind == 0] = e164(dialed[kind == 0].astype(str))
    truth = _truth(n, first_row, record_type=rt, direction=dirn, start_utc=utc,
                   duration_s=np.where(voice, dur, None), caller=e164(calling), callee=e164(called),
                   dialed=dialed_e164, imsi=[pop.imsi] * n, imei=[pop.imei] * n, cell_id=cell, lac=lac)
    return source, truth


def sprint(rng, pop: Population, n: int, secs: np.ndarray, first_row: int):
    """Sprint CDMA (``sprint_cdma``): combined start/end, seconds, sector digit, ``11`` voicemail."""
    role = rng.choice(4, n, p=[0.45, 0.45, 0.05, 0.05])  # 1 out, 2 in, 3 routed, 0 undetermined
    codes = np.array(["1", "2", "3", "0"], dtype=object)[role]
    dirn = np.array(["outgoing", "incoming", "forwarded", "unknown"], dtype=object)[role]
    target, partner = pop.target, pop.partners(rng, n)
    calling = np.where(role == 0, target, partner).astype(object)
    called = np.where(role == 0, partner, target).astype(object)
    called[role == 2] = pop.national[-2]
    to_vm = (role == 1) & (rng.random(n) < 0.04)
    called_text = called.astype(str).astype(object)
    called_text[to_vm] = np.char.add("11", called[to_vm].astype(str))
    dur = _durations(rng, n)
    utc = _utc(secs)
    end = _utc(secs + dur)
    sector = rng.integers(1, 7, n).astype(str)
    first_cell = np.char.add(sector, np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)).astype(object)
    last_cell = np.char.add(rng.integers(1, 7, n).astype(str),
                            np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)).astype(object)
    dialed = np.where(role == 0, called.astype(str), None).astype(object)
    source = pl.DataFrame({
        "CALLING_NBR": _s(calling),
        "CALLED_NBR": _s(called_text),
        "DIALED_DIGITS": _s(dialed),
        "M_R": _s(codes),
        "START_DATE": utc.dt.strftime("%m/%d/%Y %H:%M:%S"),
        "END_DATE": end.dt.strftime("%m/%d/%Y %H:%M:%S"),
        "DURATION": _s(dur.astype(str)),
        "NEID": _s(rng.integers(1, 40, n).astype(str)),
        "REPOLL": _s(rng.integers(1, 9, n).astype(str)),
        "FIRST_CELL": _s(first_cell),
        "LAST_CELL": _s(last_cell),
    })
    rt = np.where(to_vm, "voicemail", "voice").astype(object)
    dialed_e164 = np.full(n, None, dtype=object)
    dialed_e164[role == 0] = e164(called[role == 0])
    truth = _truth(n, first_row, record_type=rt, direction=dirn, start_utc=utc, duration_s=dur,
                   caller=e164(calling), callee=e164(called), dialed=dialed_e164, cell_id=first_cell,
                   sector=sector.astype(object))
    return source, truth


def _dashed(national: np.ndarray) -> np.ndarray:
    s = national.astype(str)
    return np.array([f"{x[:3]}-{x[3:6]}-{x[6:]}" for x in s], dtype=object)


def verizon(rng, pop: Population, n: int, secs: np.ndarray, first_row: int):
    """Verizon billing detail (``verizon_billing_detail``): local time to the minute, billed minutes."""
    tz = "America/New_York"
    kind = rng.choice(3, n, p=[0.70, 0.25, 0.05])
    usage = np.array(["Voice", "Text Msg", "Pic/Video Msg"], dtype=object)[kind]
    rt = np.array(["voice", "sms", "mms"], dtype=object)[kind]
    incoming = rng.random(n) < 0.45
    partner = pop.partners(rng, n)
    secs = secs - secs % 60  # the bill shows the minute only
    utc = _utc(secs)
    naive, flag = _local(utc, tz)
    dur = _durations(rng, n)
    minutes = np.maximum(1, -(-dur // 60))
    voice = kind == 0
    cities = np.array(["NEW YORK, NY", "LOS ANGELES, CA", "CHICAGO, IL", "AUSTIN, TX", "BOSTON, MA"], dtype=object)
    dest = np.where(incoming, "INCOMING, CL", cities[rng.integers(0, len(cities), n)]).astype(object)
    charges = np.where(rng.random(n) < 0.2, "NA", "$0.00").astype(object)
    source = pl.DataFrame({
        "Wireless Number": _s(_dashed(np.full(n, pop.target, dtype=object))),
        "Date": naive.dt.strftime("%m/%d/%Y"),
        "Time": naive.dt.strftime("%I:%M %p"),
        "Number": _s(_dashed(partner)),
        "Usage Type": _s(usage),
        "Origination": _s(cities[rng.integers(0, len(cities), n)]),
        "Destination": _s(dest),
        "Minutes": _s(np.where(voice, minutes.astype(str), None)),
        "Airtime Charges": _s(charges),
        "LD/Other Charges": _s(charges),
        "Total Charges": _s(charges),
    })
    target = np.full(n, pop.target, dtype=object)
    caller = np.where(incoming, partner, target).astype(object)
    callee = np.where(incoming, target, partner).astype(object)
    truth = _truth(n, first_row, record_type=rt, direction=np.where(incoming, "incoming", "outgoing"),
                   start_utc=utc, tz_flag=flag, duration_s=np.where(voice, minutes * 60, None),
                   caller=e164(caller), callee=e164(callee))
    return source, truth


def asterisk(rng, pop: Population, n: int, secs: np.ndarray, first_row: int):
    """Asterisk ``Master.csv`` (``asterisk_master_csv``): headerless, all quoted, local time."""
    tz = "America/New_York"
    kind = rng.choice(3, n, p=[0.5, 0.4, 0.1])  # 0 outbound, 1 inbound, 2 internal
    ext = np.char.add("10", rng.integers(10, 60, n).astype(str)).astype(object)
    ext2 = np.char.add("10", rng.integers(10, 60, n).astype(str)).astype(object)
    partner = pop.partners(rng, n)
    src = np.select([kind == 0, kind == 1], [ext, partner], ext).astype(object)
    dst = np.select([kind == 0, kind == 1], [np.char.add("1", partner.astype(str)).astype(object), ext],
                    ext2).astype(object)
    context = np.array(["from-internal", "from-trunk", "ext-local"], dtype=object)[kind]
    dirn = np.array(["outgoing", "incoming", "internal"], dtype=object)[kind]
    disp_i = rng.choice(3, n, p=[0.85, 0.10, 0.05])
    disposition = np.array(["ANSWERED", "NO ANSWER", "BUSY"], dtype=object)[disp_i]
    ring = rng.integers(0, 25, n)
    billsec = np.where(disp_i == 0, _durations(rng, n), 0)
    utc = _utc(secs)
    naive, flag = _local(utc, tz)
    answer = _local(_utc(secs + ring), tz)[0].dt.strftime("%Y-%m-%d %H:%M:%S")
    end = _local(_utc(secs + ring + billsec), tz)[0].dt.strftime("%Y-%m-%d %H:%M:%S")
    names = np.array(pop.names, dtype=object)[rng.integers(0, len(pop.names), n)]
    clid = np.array([f'"{a}" <{b}>' for a, b in zip(names, src)], dtype=object)
    uniq = (secs + rng.random(n)).round(6).astype(str)
    source = pl.DataFrame({
        "accountcode": [""] * n,
        "src": _s(src),
        "dst": _s(dst),
        "dcontext": _s(context),
        "clid": _s(clid),
        "channel": _s(np.char.add("SIP/", ext.astype(str))),
        "dstchannel": _s(np.char.add("SIP/trunk-", rng.integers(1000, 9999, n).astype(str))),
        "lastapp": ["Dial"] * n,
        "lastdata": _s(np.char.add("SIP/trunk/", dst.astype(str))),
        "start": naive.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "answer": _s(np.where(disp_i == 0, answer.to_numpy(), "")),
        "end": end,
        "duration": _s((ring + billsec).astype(str)),
        "billsec": _s(billsec.astype(str)),
        "disposition": _s(disposition),
        "amaflags": ["DOCUMENTATION"] * n,
        "uniqueid": _s(uniq),
        "userfield": [""] * n,
    })
    def norm(v: np.ndarray) -> np.ndarray:
        s = v.astype(str)
        return np.array([f"+{x}" if len(x) == 11 else (f"+1{x}" if len(x) == 10 else x) for x in s], dtype=object)
    truth = _truth(n, first_row, record_type=["voice"] * n, direction=dirn, start_utc=utc, tz_flag=flag,
                   duration_s=billsec, caller=norm(src), callee=norm(dst))
    return source, truth


def switch_fixed(rng, pop: Population, n: int, secs: np.ndarray, first_row: int):
    """Switch fixed-width detail (``switch_fixed_detail``): local time as ``YYMMDD`` and ``HHMMSS``,
    duration minutes:seconds (never hours), numbers as ``NPA NXX LINE``, a 4-digit trunk."""
    tz = "America/Chicago"
    kind = rng.choice(3, n, p=[0.5, 0.45, 0.05])  # MO, MT, CF
    target, partner = pop.target, pop.partners(rng, n)
    calling = np.where(kind == 1, partner, target).astype(object)
    called = np.where(kind == 1, target, partner).astype(object)
    calling[kind == 2] = partner[kind == 2]
    called[kind == 2] = pop.national[-2]
    dur = _durations(rng, n)
    utc = _utc(secs)
    naive, flag = _local(utc, tz)

    def spaced(v: np.ndarray) -> list[str]:
        return [f"{x[:3]} {x[3:6]} {x[6:]}" for x in v.astype(str)]

    d = pl.Series(dur)
    source = pl.DataFrame({
        "DATE": naive.dt.strftime("%y%m%d"),
        "TIME": naive.dt.strftime("%H%M%S"),
        "DURATION": pl.select(pl.concat_str([(d // 60).cast(pl.String), pl.lit(":"),
                                             (d % 60).cast(pl.String).str.zfill(2)])).to_series(),
        "CALLING NO": spaced(calling),
        "CALLED NO": spaced(called),
        "TY": _s(np.array(["MO", "MT", "CF"], dtype=object)[kind]),
        "TRUNK": _s(rng.integers(1000, 10000, n).astype(str)),
    })
    dirn = np.array(["outgoing", "incoming", "forwarded"], dtype=object)[kind]
    truth = _truth(n, first_row, record_type=["voice"] * n, direction=dirn, start_utc=utc, tz_flag=flag,
                   duration_s=dur, caller=e164(calling), callee=e164(called))
    return source, truth


Builder = Callable[..., tuple[pl.DataFrame, pl.DataFrame]]

BUILDERS: dict[str, Builder] = {
    "att_mobility_voice": att,
    "tmobile_cdr": tmobile,
    "sprint_cdma": sprint,
    "verizon_billing_detail": verizon,
    "asterisk_master_csv": asterisk,
    "switch_fixed_detail": switch_fixed,
}

DEFECT_NUMBER_COLUMN = {
    "att_mobility_voice": "Terminating Number",
    "tmobile_cdr": "Calling Number",
    "sprint_cdma": "CALLING_NBR",
    "verizon_billing_detail": "Number",
    "asterisk_master_csv": "dst",
    "switch_fixed_detail": "CALLED NO",
}
"""The number column a ``number_lossy`` defect rewrites in Excel's scientific notation."""
