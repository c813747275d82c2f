"""One writer per export family of the independent set, each from the public descriptions only.

A writer takes a seeded ``random.Random``, a record count and its variation options, and returns a
:class:`Draft`: the file's lines in order (header, banners, footers and records) with the truth of every
record. :mod:`.writer` applies the damage (NUL padding, an unclosed quote, truncated records), encodes
and writes. The spellings, codes and column names are this module's own (see the package docstring).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from raybench.harness.independent.parties import (
    Party, csv_line, fmt_date, fmt_duration, fmt_month_name, fmt_time, from_local,
    imei, imsi, instants, nanp_digits, to_local, trunk_zero_party, truth_row, uk_party, us_party,
)


@dataclass
class Line:
    """One line of a draft: ``kind`` is ``record`` or ``junk``; ``fields`` is kept for damage."""

    kind: str
    text: str
    truth: dict | None = None
    fields: list[str] | None = None


@dataclass
class Draft:
    """A file before damage and encoding."""

    lines: list[Line] = field(default_factory=list)
    delim: str = ","
    quote_all: bool = False
    trailing_newline: bool = True
    """False: the file ends inside its last line (a log cut off mid-write)."""

    def junk(self, text: str) -> None:
        self.lines.append(Line("junk", text))

    def junk_row(self, fields: list[str]) -> None:
        self.lines.append(Line("junk", csv_line(fields, self.delim, self.quote_all)))

    def record(self, fields: list[str], truth: dict, text: str | None = None) -> None:
        line = text if text is not None else csv_line(fields, self.delim, self.quote_all)
        self.lines.append(Line("record", line, truth, fields))

    @property
    def n_records(self) -> int:
        return sum(1 for line in self.lines if line.kind == "record")


def _kind_mix(rng: random.Random, sms_share: float = 0.2) -> tuple[str, str]:
    """(record_type, direction) of one event: mostly voice, some SMS, a few forwarded calls."""
    x = rng.random()
    if x < sms_share:
        return "sms", rng.choice(("outgoing", "incoming"))
    if x < sms_share + 0.07:
        return "voice", "forwarded"
    return "voice", rng.choice(("outgoing", "incoming"))


def voice_duration(rng: random.Random) -> int:
    """Seconds of a call: mostly short, some past an hour (minutes keep counting in ``MM:SS``)."""
    return rng.choice((rng.randint(1, 59), rng.randint(60, 900), rng.randint(60, 900), rng.randint(3600, 5400)))


def _other_party(rng: random.Random, style: str, exotic: float) -> Party:
    """The party on the far side: a NANP number in ``style``, now and then a UK or trunk-0 number."""
    x = rng.random()
    if x < exotic / 2:
        return uk_party(rng, rng.choice(("011", "011tight")))
    if x < exotic:
        return trunk_zero_party(rng)
    return us_party(nanp_digits(rng), style)


# --- AT&T (section 1.1) ---------------------------------------------------------------------------

ATT_DESC = {("voice", "outgoing"): "MO Voice", ("voice", "incoming"): "MT Voice",
            ("voice", "forwarded"): "CFU Voice", ("sms", "outgoing"): "MO SMS", ("sms", "incoming"): "MT SMS"}
ATT_ROLE = {"outgoing": "Orig", "incoming": "Term", "forwarded": "Fwd"}


def att(rng: random.Random, n: int, *, delim: str = ",", date_order: str = "mdy", year_digits: int = 4,
        pad: bool = True, numbers: str = "10", codes: bool = False, footer_every: int = 0,
        pages: int = 1, totals: bool = False, year: int = 2024, month: int = 1) -> Draft:
    """An AT&T Mobility "Records Key" voice/SMS table: Item, Conn. Date, Conn. Time (UTC), Seizure Time,
    ET (MM:SS), Originating/Terminating Number, IMEI, IMSI, a descriptor (or Orig/Term role codes),
    LAC and Cell. Times are UTC (the key says so)."""
    d = Draft(delim=delim)
    desc_cols = ["Call Dir.", "Type"] if codes else ["Desc"]
    header = ["Item", "Conn. Date", "Conn. Time (UTC)", "Seizure Time", "ET", "Originating Number",
              "Terminating Number", "IMEI", "IMSI", *desc_cols, "LAC", "Cell"]
    d.junk_row(["AT&T Mobility Call Detail Records"])
    d.junk_row(["Run Date: " + fmt_date(datetime(year, month, 28), date_order, "/", year_digits, pad)])
    d.junk_row(header)
    target = us_party(nanp_digits(rng), numbers)
    handset_imei, handset_imsi = imei(rng), imsi(rng, "310410")
    page = 1
    for i, t in enumerate(instants(rng, n, year, month)):
        rtype, direction = _kind_mix(rng)
        other = _other_party(rng, numbers, 0.08)
        fwd = us_party(nanp_digits(rng), numbers)
        caller, callee = {"outgoing": (target, other), "incoming": (other, target),
                          "forwarded": (other, fwd)}[direction]
        dur = 0 if rtype == "sms" else voice_duration(rng)
        date_txt = fmt_date(t.date(), date_order, "/", year_digits, pad)
        time_txt = fmt_time(t, pad=pad)
        blank_imei = rng.random() < 0.1
        lac, cell = str(rng.randint(1000, 65000)), str(rng.randint(100, 99999))
        desc = [ATT_ROLE[direction], "SMS" if rtype == "sms" else "Voice"] if codes else [ATT_DESC[rtype, direction]]
        fields = [str(i + 1), date_txt, time_txt, str(rng.randint(0, 9)), fmt_duration(dur, "mmss"),
                  caller.written, callee.written, "" if blank_imei else handset_imei, handset_imsi, *desc, lac, cell]
        d.record(fields, truth_row(
            i + 1, f"{date_txt} {time_txt}", start_utc=t, duration_s=(0, None) if rtype == "sms" else dur,
            caller=caller.canonical, callee=callee.canonical, record_type=rtype, direction=direction,
            imsi_=handset_imsi, imei_=None if blank_imei else handset_imei, cell_id=cell, lac=lac))
        if footer_every and (i + 1) % footer_every == 0 and i + 1 < n:
            d.junk_row(["AT&T Proprietary (Internal Use Only)", f"Page {page} of {pages}"])
            page += 1
    if footer_every:
        d.junk_row(["AT&T Proprietary (Internal Use Only)", f"Page {page} of {pages}"])
    if totals:
        d.junk_row(["Totals", str(n), "", "", "", "", "", "", "", ""])
    return d


# --- T-Mobile (section 1.2) -----------------------------------------------------------------------

TMO_TYPES = {("voice", "outgoing"): ("mSOriginating", "moc"), ("voice", "incoming"): ("mSTerminating", "mtc"),
             ("voice", "forwarded"): ("callForwarding",), ("sms", "outgoing"): ("mSOriginatingSMSinMSC",),
             ("sms", "incoming"): ("mSTerminatingSMSinMSC",)}


def tmobile(rng: random.Random, n: int, *, delim: str = ",", stamp: str = "iso", dur_style: str = "s",
            numbers: str = "11", banner: bool = False, end_footer: bool = False, exotic: float = 0.05,
            year: int = 2023, month: int = 6) -> Draft:
    """A T-Mobile call and message report (3GPP record names as "Call Type", all times UTC).

    ``stamp``: ``iso`` (``2023-06-14 13:05:07`` one column), ``us12`` (``06/14/2023 1:05:07 PM``),
    ``dmy_nosec`` (``14.06.2023`` and ``13:05`` in two columns, seconds missing).
    """
    d = Draft(delim=delim)
    two_cols = stamp == "dmy_nosec"
    if banner:
        d.junk_row(["T-Mobile USA Inc. - Subpoena Compliance"])
        d.junk_row(["All dates and times are in UTC"])
        d.junk("")
    when = ["Date (UTC)", "Time (UTC)"] if two_cols else ["Start Date/Time (UTC)"]
    d.junk_row(["Call Type", *when, "Calling Party", "Called Party", "Duration (Sec)" if dur_style in ("s", "dec")
                else "Call Duration", "Served IMSI", "Served IMEI", "LAC", "CI"])
    target = us_party(nanp_digits(rng), numbers)
    handset_imei, handset_imsi = imei(rng), imsi(rng, "310260")
    for i, t in enumerate(instants(rng, n, year, month)):
        rtype, direction = _kind_mix(rng, 0.25)
        other = _other_party(rng, numbers, exotic)
        caller, callee = {"outgoing": (target, other), "incoming": (other, target),
                          "forwarded": (other, us_party(nanp_digits(rng), numbers))}[direction]
        code = rng.choice(TMO_TYPES[rtype, direction])
        rtype_truth: object = rtype
        dir_truth: object = direction
        if rtype == "sms" and rng.random() < 0.15:
            code, dir_truth = "SMSc", ("unknown", direction)
        elif rtype == "sms" and rng.random() < 0.1:
            code, rtype_truth, dir_truth = "RCS-IMChat", ("sms", "other"), ("unknown", direction)
        if two_cols:
            t = t.replace(second=0)
            when_txt = [fmt_date(t.date(), "dmy", "."), fmt_time(t, seconds=False)]
        elif stamp == "us12":
            when_txt = [fmt_date(t.date(), "mdy", "/") + " " + fmt_time(t, h12=True, pad=False)]
        else:
            when_txt = [t.strftime("%Y-%m-%d %H:%M:%S")]
        dur = 0 if rtype == "sms" else voice_duration(rng)
        sms_cell = rtype == "sms" or code == "RCS-IMChat"
        lac, cell = ("", "") if sms_cell else (str(rng.randint(1000, 65000)), str(rng.randint(10000, 999999)))
        fields = [code, *when_txt, caller.written, callee.written, fmt_duration(dur, dur_style),
                  handset_imsi, handset_imei, lac, cell]
        d.record(fields, truth_row(
            i + 1, " ".join(when_txt), start_utc=t, duration_s=(0, None) if rtype == "sms" else dur,
            caller=caller.canonical, callee=callee.canonical, record_type=rtype_truth, direction=dir_truth,
            imsi_=handset_imsi, imei_=handset_imei, cell_id=cell or None, lac=lac or None))
    if end_footer:
        d.junk("")
        d.junk_row(["*** End of Report ***"])
    return d


# --- Sprint CDMA (section 1.3) --------------------------------------------------------------------

SPRINT_ROLES = {"words": {"outgoing": "Outgoing", "incoming": "Incoming", "forwarded": "Routed"},
                "abbrev": {"outgoing": "Orig", "incoming": "Term", "forwarded": "Rtd"}}


def sprint(rng: random.Random, n: int, *, delim: str = ",", headers: str = "glossary", roles: str = "words",
           date_order: str = "mdy", year_digits: int = 4, pad: bool = True, seconds: bool = True,
           dur_style: str = "s", numbers: str = "10", year: int = 2024, month: int = 7) -> Draft:
    """A Sprint CDMA call detail report: calling/called/dialed, M_R role, start and end date+time in one
    field (local switch time: :data:`~.parties.LOCAL_ZONE`), duration in seconds, NEID, REPOLL, first and
    last cell (sector = first digit). SMS rows carry ``0`` cells; a ``11`` before the area code of the
    called number means voicemail."""
    d = Draft(delim=delim)
    names = (["CALLING_NBR", "CALLED_NBR", "DIALED_DIGITS", "M_R", "START_DATE", "END_DATE", "DURATION", "NEID",
              "REPOLL", "1ST CELL", "LAST CELL"] if headers == "glossary" else
             ["Calling number", "Called number", "Dialed digits", "M_R #", "Start Date", "End Date", "Duration",
              "NEID", "Repoll number", "First Cell", "Last Cell"])
    d.junk_row(names)
    target = us_party(nanp_digits(rng), numbers)
    neid = str(rng.randint(100, 999))

    def stamp(local: datetime) -> str:
        return fmt_date(local.date(), date_order, "/", year_digits, pad) + " " + fmt_time(local, seconds=seconds,
                                                                                           pad=pad)
    for i, t in enumerate(instants(rng, n, year, month)):
        rtype, direction = _kind_mix(rng, 0.15)
        other = _other_party(rng, numbers, 0.0)
        local = to_local(t)
        if not seconds:
            local = local.replace(second=0)
        start = from_local(local)
        dur = 0 if rtype == "sms" else voice_duration(rng)
        caller, callee = (target, other) if direction == "outgoing" else (other, target)
        callee_w, callee_truth = callee.written, callee.canonical
        rtype_truth: object = rtype
        if direction == "forwarded":  # rolled to voicemail: 11 before the area code
            digits = target.canonical[2:] if isinstance(target.canonical, str) else ""
            callee_w, callee_truth = "11" + digits, ("+1" + digits, "11" + digits)
            rtype_truth = ("voice", "voicemail")
        if rtype == "sms":
            rtype_truth = ("sms", "voice", "other")  # nothing in the row says SMS but the 0 cells
            first = last = "0"
            cell_truth: object = ("0", None)
        else:
            sector, cell = rng.randint(1, 3), rng.randint(10, 9999)
            first = f"{sector}{cell:03d}"
            last = f"{rng.randint(1, 3)}{cell:03d}"
            cell_truth = (first, first[1:])
        end_local = local + timedelta(seconds=dur)
        start_txt = stamp(local)
        fields = [caller.written, callee_w, callee.written if direction != "incoming" else target.written,
                  SPRINT_ROLES[roles][direction], start_txt, stamp(end_local),
                  fmt_duration(dur, dur_style), neid, str(rng.randint(1, 40)), first, last]
        d.record(fields, truth_row(
            i + 1, start_txt, start_utc=start, duration_s=(0, None) if rtype == "sms" else dur,
            caller=caller.canonical, callee=callee_truth, record_type=rtype_truth, direction=direction,
            cell_id=cell_truth, lac=(None, neid)))
    return d


# --- Verizon billing detail (section 1.4) ---------------------------------------------------------

def verizon(rng: random.Random, n: int, *, delim: str = ",", dates: str = "mdy", time_style: str = "12space",
            page_footers: int = 0, totals: bool = False, place: str = "CHICAGO IL", year: int = 2024,
            month: int = 8) -> Draft:
    """A Verizon bill's call detail as exported: Date, Time (local, minutes), the line's Wireless Number,
    the other Number, Origination, Destination (``INCOMING, CL`` for incoming calls), Min (whole minutes,
    rounded up), charges. No cell, no seconds.

    ``dates``: ``mdy`` (``08/14/2024``), ``long`` (``"Aug 14, 2024"``), ``dmy2`` (``14/08/24``).
    ``time_style``: ``12space`` (``1:05 PM``), ``12tight`` (``01:05PM``), ``24`` (``13:05``).
    """
    d = Draft(delim=delim)
    d.junk_row(["Date", "Time", "Wireless Number", "Number", "Origination", "Destination", "Min",
                "Airtime Charges", "LD/Other Charges", "Total Charges"])
    line = nanp_digits(rng)
    line_party = us_party(line, "dash")
    per_page = n // page_footers + 1 if page_footers else 0
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=300)):
        direction = rng.choice(("outgoing", "outgoing", "incoming"))
        other = us_party(nanp_digits(rng), "dash")
        local = to_local(t).replace(second=0)
        minutes = int(fmt_duration(voice_duration(rng), "min"))
        if dates == "long":
            date_txt = fmt_month_name(local.date())
        elif dates == "dmy2":
            date_txt = fmt_date(local.date(), "dmy", "/", 2)
        else:
            date_txt = fmt_date(local.date())
        time_txt = {"12space": fmt_time(local, h12=True, seconds=False, pad=False),
                    "12tight": fmt_time(local, h12=True, seconds=False, ampm_space=False),
                    "24": fmt_time(local, seconds=False)}[time_style]
        dest = "INCOMING, CL" if direction == "incoming" else rng.choice(("NEW YORK NY", "HOUSTON TX", "SEATTLE WA"))
        caller, callee = (line_party, other) if direction == "outgoing" else (other, line_party)
        fields = [date_txt, time_txt, line_party.written, other.written, place, dest, str(minutes), "$0.00",
                  "$0.00" if rng.random() < 0.8 else f".{rng.randint(1, 99):02d}", "$0.00"]
        d.record(fields, truth_row(
            i + 1, f"{date_txt} {time_txt}", start_utc=from_local(local), duration_s=minutes * 60,
            caller=caller.canonical, callee=callee.canonical, record_type=("voice", "other"),  # no type column
            direction=direction))
        if per_page and (i + 1) % per_page == 0 and i + 1 < n:
            d.junk_row([f"Page {(i + 1) // per_page} of {page_footers}"])
    if totals:
        d.junk_row(["Totals", str(n), "", "", "", "", "", "$0.00", "$0.00", "$0.00"])
    return d
