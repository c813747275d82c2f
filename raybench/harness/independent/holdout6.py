"""A sixth held-out group of the independent set: fifteen files in styles none of the 26, nor the first to
fifth held-out groups use.

Written blind: from the public descriptions (``../shared/reference/carrier-formats.md`` sections 0, 1.1,
1.2, 1.4, 1.5, 1.8, 1.9) and, where those say nothing, from vendors' manuals and exports as generally known
(said so at each writer, with the columns this module names on its own), by a helper that did not read
raybench's readers or classifiers; never used for training or tuning. :data:`HOLDOUT6` lists the files;
``write_set(..., group="holdout6")`` writes them; ``raybench evaluate --independent --group holdout6``
ingests and scores them.

What each file varies:

* an NEC SV9100-style SMDR serial capture: fixed columns, ``2024/07/15``, start and end times and no
  duration (end - start, past midnight too), a ``9`` access code before the dialed digits, page headers,
  and line noise that cut or garbled 7 records (expected ``suspect``);
* a BroadWorks-style accounting CSV: ``startTime`` ``20240715130507.123`` (UTC with milliseconds, no
  separators), a per-user ``userTimeZone`` offset column, ``Originating``/``Terminating``, ``answerIndicator``
  ``Yes``/``No``, no duration column (release - answer);
* a Genesys Cloud-style interactions export as TSV: ``7/15/2024 1:05:07.123 PM`` (12 h with milliseconds),
  ``00:02:17.482`` durations, ``tel:+1...`` parties, agent notes quoted over several lines (LF inside, CRLF
  between records) and holding tabs;
* a contact-centre call log as XLSX whose start is an Excel serial number in a General cell
  (``45488.54522``: the date format lost) and whose numbers are number cells;
* an AT&T subpoena return as one text file of three report blocks (voice, SMS, data), each with its own
  banner, header and ``Total Records`` line, ``Item`` restarting at 1;
* a Spanish carrier's call detail: a BOM, CRLF, ``;``, localized headers (``Fecha``, ``Duración (min)``),
  decimal commas (``2,2833`` minutes), nine-digit Spanish numbers written with spaces, ``00 44 ...``;
* an Android ``calllog.db`` dumped with ``sqlite3 -header -csv``: epoch milliseconds, ``type`` codes 1 to 6,
  numbers as the phone stored them, empty number for private callers;
* an iOS ``CallHistory.storedata`` ``ZCALLRECORD`` dump: ``ZDATE`` in Core Data seconds since 2001-01-01
  UTC with a fraction, float ``ZDURATION``, ``ZORIGINATED`` 0/1, FaceTime addresses (e-mail), a recovered
  deleted row without its date and a last record cut mid-line (2 unreadable);
* a Unify OpenScape/HiPath-style call charge printout: ``15.07.24 13:05:07``, German national numbers,
  charge units, NUL padding before one record, one record cut short and one start garbled (2 unreadable);
* a hosted business phone's call log with a zone abbreviation in every stamp (``07/15/2024 02:05:07 PM
  EDT``: Eastern, not the job's zone), ``2 min 17 sec`` durations;
* a cloud PBX's export with a ``timezone`` column naming each row's IANA zone (rows in five zones), local
  stamps, ``talk_duration_ms``;
* an Australian carrier's bill: ``Time (AEST)`` stated in the header, ``15/07/2024``, trunk-0 numbers with
  spaces (``0412 555 012``), ``0011`` international, ``13``/``1300`` numbers, SMS rows, sub-totals;
* a Brazilian carrier's call detail in cp1252: ``Duração`` ``00h02m17s``, ``(11) 95555-0123`` numbers,
  ``R$`` amounts with decimal commas;
* Ribbon/Sonus-style SBC accounting records without a header: ``STOP`` and ``ATTEMPT`` records, start
  time in tenths of a second (``13:05:07.1``) with ``GMT``, durations in units of 10 ms (``13742``);
* a 3GPP TS 32.298 mediation dump of MSC records decoded to CSV: ``moCallRecord``/``mtCallRecord``/
  ``moSMSRecord``/``mtSMSRecord``, ``seizureTime`` as the TimeStamp octets in hex (``2407151305072B0200``:
  local time and its offset), SMS starts in ``originationTime``/``deliveryTime``, LAC and CI in hex, German
  MSISDNs without ``+``.

Truth conventions as in :mod:`.holdout4` and :mod:`.holdout5`: a tuple (a list in the JSON) is the set of
values accepted; a party number written without ``+`` is accepted in E.164 or as written (spaces kept or
not); a direction the format only implies is accepted as ``unknown`` too; where a file does not state its
time zone, the UTC and the job-zone (Chicago) readings are accepted (and the country's own zone for the
Spanish, Brazilian and German files); where a file states it (``EDT``, ``AEST``, a ``timezone`` column, an
offset in the stamp, ``GMT``), only that reading; a stamp or duration with a fraction of a second is
accepted cut or rounded. Where a value is left open by the source itself, the record's truth also says so
in ``ambiguous`` (field -> why), which is where a reader's flag is expected if it stores one reading of
several; no scorer reads it.
"""

from __future__ import annotations

import io
import math
import random
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from raybench.harness.independent.families import Draft, Line, voice_duration
from raybench.harness.independent.holdout4 import Workbook
from raybench.harness.independent.parties import (
    Party,
    as_written,
    csv_line,
    from_local,
    imei,
    imsi,
    instants,
    nanp_digits,
    to_local,
    truth_row,
    us_party,
)
from raybench.harness.independent.spec import FileSpec

MADRID, SAO_PAULO, BERLIN, EASTERN = "Europe/Madrid", "America/Sao_Paulo", "Europe/Berlin", "America/New_York"
"""Zones of the files that are not written in the job's zone (Chicago)."""
APPLE_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)
"""Core Data's reference date: ``ZDATE`` counts seconds from it (Apple's ``NSDate`` reference date)."""
EXCEL_EPOCH = datetime(1899, 12, 30)
"""Day 0 of Excel's 1900 date system as it counts in practice (serial 1 = 1900-01-01, with 1900-02-29)."""
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _alts(*values) -> tuple:
    return tuple(dict.fromkeys(values))


def _iso(t: datetime) -> str:
    """An instant as the truth writes it: ``Z``, microseconds when it has any."""
    t = t.astimezone(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if t.microsecond else t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _accept_starts(truth: dict, *instants_: datetime) -> None:
    truth["fields"]["start_utc"] = list(dict.fromkeys(_iso(t) for t in instants_))


def _fraction_readings(exact: datetime) -> list[datetime]:
    """A stamp with a fraction of a second: the exact instant, to the millisecond (cut, rounded), to the
    second (cut, rounded)."""
    base = exact.replace(microsecond=0)
    us = exact.microsecond
    return [exact, base + timedelta(milliseconds=us // 1000), base + timedelta(milliseconds=round(us / 1000)),
            base, base + timedelta(seconds=round(us / 1e6))]


def _unstated(naive: datetime, *zones: str) -> list[datetime]:
    """A local stamp whose zone the file does not state: its UTC, Chicago and ``zones`` readings."""
    return [naive.replace(tzinfo=UTC), from_local(naive)] + [from_local(naive, z) for z in zones]


def _ambiguous(truth: dict, **why: str) -> dict:
    truth.setdefault("ambiguous", {}).update(why)
    return truth


def _seconds_alts(exact_s: float) -> tuple:
    """Whole seconds accepted for a duration known to a fraction: cut, rounded, rounded up."""
    return _alts(math.floor(exact_s + 1e-9), round(exact_s), math.ceil(exact_s - 1e-9))


def _pbx(digits10: str, style: str) -> Party:
    """A NANP number from a phone system: E.164 certain with ``+``, else E.164 or as written."""
    p = us_party(digits10, style)
    return p if p.written.startswith("+") else Party(p.written, (p.canonical, p.written))


def _nanp_e164(digits10: str) -> str:
    return "+1" + digits10


def _hms(s: int) -> str:
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _clock12(t: datetime, *, seconds: bool = True, pad: bool = False) -> str:
    h = t.hour % 12 or 12
    return ((f"{h:02d}" if pad else str(h)) + f":{t.minute:02d}" + (f":{t.second:02d}" if seconds else "")
            + (" AM" if t.hour < 12 else " PM"))


# --- 01 NEC SV9100-style SMDR serial capture: start/end, no duration, line noise (suspect) ---------------

NEC_COLUMNS = (("TYPE", 9), ("STA", 5), ("TRK", 5), ("DATE", 11), ("START", 9), ("END", 9), ("DIALED/CLI", 22),
               ("ACCOUNT", 8))


def _nec_line(values) -> str:
    return "".join(f"{v:<{w}}" for v, (_, w) in zip(values, NEC_COLUMNS)).rstrip()


def nec_smdr(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """An NEC SV9100-style SMDR printout captured from its serial port by a terminal program (not in
    carrier-formats.md; modelled on NEC SMDR printouts as generally known: station, trunk, date, start and
    end times and the dialed digits; the column names and widths here are this module's own): fixed
    columns, a page header every 20 lines (system name, page number, column names), ``2024/07/15``, start
    and end ``HH:MM:SS`` in the PBX's local time (not stated) and no duration column: the duration is end -
    start, past midnight when the end is earlier. Outgoing calls show the digits dialed after the ``9``
    access code (``913125550123``); incoming calls the caller ID (``3125550123``) or ``PRIVATE``. Line noise
    on the serial link cut seven records short or overwrote their date with garbage: those are unreadable
    (more than 5% of the file: ``suspect``)."""
    d = Draft()
    header = _nec_line([name for name, _ in NEC_COLUMNS])
    stations = [str(201 + k) for k in range(14)]
    times = instants(rng, n, year, month)
    broken = set(rng.sample(range(3, n - 1), 7))

    def day_s(t: datetime) -> int:
        local = to_local(t)
        return 3600 * local.hour + 60 * local.minute + local.second

    late = max((i for i in range(n) if i not in broken), key=lambda i: day_s(times[i]))
    page = 0
    for i, t in enumerate(times):
        if i % 20 == 0:
            page += 1
            d.junk(f"NEC SV9100   SMDR   PAGE {page:3d}")
            d.junk(header)
        local = to_local(t)
        dur = voice_duration(rng) if rng.random() < 0.92 else 0
        if i == late:  # the latest call of a day runs past midnight: its end reads earlier than its start
            dur = 86400 - day_s(t) + rng.randint(60, 900)
        end = local + timedelta(seconds=dur)
        sta, trk = rng.choice(stations), f"{rng.randint(1, 24):03d}"
        digits = nanp_digits(rng)
        if rng.random() < 0.55:
            direction, kind = "outgoing", "OUTGOING"
            dial = rng.choice(("91", "9")) + digits if rng.random() < 0.8 else "9" + digits[3:]
            caller = as_written(sta)
            local_seven = len(dial) == 8
            callee = Party(dial, _alts(dial, dial[1:]) if local_seven else
                           _alts(_nanp_e164(digits), dial, dial[1:], digits))
        else:
            direction, kind = "incoming", "INCOMING"
            private = rng.random() < 0.08
            dial = "PRIVATE" if private else digits
            caller = Party(dial, _alts(None, "PRIVATE")) if private else Party(dial, _alts(_nanp_e164(digits), digits))
            callee = as_written(sta)
        date_txt = local.strftime("%Y/%m/%d")
        fields = [kind, sta, trk, date_txt, local.strftime("%H:%M:%S"), end.strftime("%H:%M:%S"), dial,
                  str(rng.randint(1000, 9999)) if rng.random() < 0.1 else ""]
        tr = truth_row(i + 1, f"{date_txt} {fields[4]}", start_utc=t, duration_s=dur, caller=caller.canonical,
                       callee=callee.canonical, record_type="voice", direction=(direction, "unknown"))
        _accept_starts(tr, *_unstated(local))
        _ambiguous(tr, start_utc="the PBX's zone is not stated")
        text = _nec_line(fields)
        if i in broken:
            if rng.random() < 0.5:  # the line cut inside its date
                text = text[: rng.randint(16, 26)]
                tr.update(expect="quarantine", why="record cut mid-line by line noise")
            else:  # the date and start overwritten by noise
                text = text[:19] + "".join(rng.choice("~#@%&^") for _ in range(11)) + "\x7f" + text[31:]
                tr.update(expect="quarantine", why="start garbled by line noise")
        d.record([], tr, text=text)
    return d


# --- 02 BroadWorks-style accounting CSV: compact UTC stamps with ms, userTimeZone, no duration -------------

BW_COLUMNS = ("recordId", "serviceProvider", "type", "userNumber", "groupNumber", "direction", "callingNumber",
              "callingPresentationIndicator", "calledNumber", "startTime", "userTimeZone", "answerIndicator",
              "answerTime", "releaseTime", "terminationCause", "networkType", "dialedDigits", "callCategory",
              "networkCallType", "releasingParty", "userId", "localCallId", "remoteCallId")


def _bw_stamp(t: datetime) -> str:
    return t.strftime("%Y%m%d%H%M%S") + f".{t.microsecond // 1000:03d}"


def broadworks_accounting(rng: random.Random, n: int, *, year: int = 2024, month: int = 8) -> Draft:
    """A BroadWorks-style accounting CDR file (not in carrier-formats.md; modelled on BroadWorks accounting
    CDRs as generally known, a subset of the fields under their usual names, a header row first):
    ``startTime``/``answerTime``/``releaseTime`` ``YYYYMMDDhhmmss.mmm`` in UTC (not said in the file; the
    ``userTimeZone`` column beside them gives each user's offset, written here ``1-0500``), ``direction``
    ``Originating`` (the user placed the call) or ``Terminating``, ``answerIndicator`` ``Yes``/``No``, no
    duration column: the talk is release - answer. Numbers in E.164 with ``+``; calls inside the group
    show the callee's extension. Since the file does not say whether the stamps are UTC or the user's
    local time, both readings are accepted."""
    d = Draft()
    d.junk(",".join(BW_COLUMNS))
    users = [(f"+1312555{150 + k:04d}"[:12], str(2101 + k), off) for k, off in
             enumerate(("-0500", "-0500", "-0400", "-0700", "-0500", "-0400"))]
    first = rng.randint(10_000, 90_000)
    for i, t in enumerate(instants(rng, n, year, month)):
        start = t.replace(microsecond=rng.randint(0, 999) * 1000)
        number, ext, off = rng.choice(users)
        answered = rng.random() < 0.85
        ring = timedelta(milliseconds=rng.randint(800, 14000))
        answer = start + ring if answered else None
        talk_ms = voice_duration(rng) * 1000 + rng.randint(0, 999) if answered else 0
        release = (answer + timedelta(milliseconds=talk_ms)) if answer else start + ring
        x = rng.random()
        if x < 0.45:
            direction, word = "outgoing", "Originating"
            far = nanp_digits(rng)
            caller, callee, dialed = number, _nanp_e164(far), rng.choice(("1" + far, far))
            ntype, cat = "public", rng.choice(("local", "national"))
        elif x < 0.85:
            direction, word = "incoming", "Terminating"
            caller, callee, dialed = _nanp_e164(nanp_digits(rng)), number, ""
            ntype, cat = "public", "local"
        else:
            direction, word = "internal", "Originating"
            other = rng.choice([u for u in users if u[0] != number])
            caller, callee, dialed = number, other[1], other[1]
            ntype, cat = "private", "private"
        sign, hh, mm = off[0], int(off[1:3]), int(off[3:])
        offset = timedelta(hours=hh, minutes=mm) * (-1 if sign == "-" else 1)
        fields = [f"{first + i:010d}", "Example Telecom", "Normal", number, "+13125550100", word, caller,
                  "Public", callee, _bw_stamp(start), f"1{off}", "Yes" if answered else "No",
                  _bw_stamp(answer) if answer else "", _bw_stamp(release), "016" if answered else "019", ntype,
                  dialed, cat, "lo" if ntype == "public" else "", rng.choice(("local", "remote")),
                  f"user{ext}@example.net", f"{rng.getrandbits(40):x}:0", f"{rng.getrandbits(40):x}:0"]
        ms_exact = talk_ms / 1000
        tr = truth_row(i + 1, fields[9], start_utc=start, duration_s=_alts(*_seconds_alts(ms_exact)) if answered
                       else _alts(0, *_seconds_alts((release - start).total_seconds())),
                       caller=caller, callee=callee, record_type="voice",
                       direction=(direction, "unknown", "outgoing" if word == "Originating" else "incoming"))
        as_local = (start.replace(tzinfo=None) - offset).replace(tzinfo=UTC)
        _accept_starts(tr, *_fraction_readings(start), *_fraction_readings(as_local))
        _ambiguous(tr, start_utc="UTC or the user's local time: the file does not say")
        d.record(fields, tr)
    return d


# --- 03 Genesys Cloud-style interactions export as TSV: 12 h with ms, HH:MM:SS.mmm, multi-line notes ------

GENESYS_COLUMNS = ("Conversation ID", "Date", "Duration", "Direction", "Media Type", "ANI", "DNIS", "Users",
                   "Queue", "Wrap-up", "Notes")
NOTES = ("Customer asked about invoice 4471.\nSent a copy by e-mail.",
         "Callback requested\tafter 3 pm.",
         "Transferred to billing.\nCustomer said:\n\"please call the office line\".",
         "Address change -\nnew suite number 210.", "", "", "", "Left voicemail.", "Escalated\tto tier 2.")


def _tsv_field(text: str) -> str:
    if any(c in text for c in ('\t', '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def genesys_tsv(rng: random.Random, n: int, *, year: int = 2024, month: int = 6) -> Draft:
    """A Genesys Cloud-style interactions view exported and saved as tab-separated text (not in
    carrier-formats.md; modelled on contact-centre exports as generally known, this module's own subset of
    columns): ``Date`` ``6/14/2024 1:05:07.123 PM`` (12 h with milliseconds, the exporting user's zone, not
    stated), ``Duration`` ``00:02:17.482``, ``Inbound``/``Outbound``, ``ANI``/``DNIS`` as ``tel:+1...`` URIs,
    agent notes quoted, running over several lines (LF inside the quotes, CRLF between records) and some
    holding a tab."""
    d = Draft(delim="\t")
    d.junk("\t".join(GENESYS_COLUMNS))
    agents = ("Maria Lopez", "Dev Patel", "Ana Souza", "Tom Becker", "Keiko Ito")
    queues = ("Billing", "Support", "Sales")
    line = "+1312555" + f"{rng.randint(100, 199):04d}"
    for i, t in enumerate(instants(rng, n, year, month)):
        start = t.replace(microsecond=rng.randint(0, 999) * 1000)
        local = to_local(start)
        inbound = rng.random() < 0.65
        answered = rng.random() < 0.9
        dur_ms = (voice_duration(rng) * 1000 + rng.randint(0, 999)) if answered else rng.randint(2000, 30000)
        far = _nanp_e164(nanp_digits(rng))
        ani, dnis = ("tel:" + far, "tel:" + line) if inbound else ("tel:" + line, "tel:" + far)
        stamp = (f"{local.month}/{local.day}/{local.year} {local.hour % 12 or 12}:{local.minute:02d}:"
                 f"{local.second:02d}.{local.microsecond // 1000:03d} {'AM' if local.hour < 12 else 'PM'}")
        dur_txt = _hms(dur_ms // 1000) + f".{dur_ms % 1000:03d}"
        fields = [f"{rng.getrandbits(64):016x}-{rng.getrandbits(32):08x}", stamp, dur_txt,
                  "Inbound" if inbound else "Outbound", "voice", ani, dnis,
                  rng.choice(agents) if answered else "", rng.choice(queues) if inbound else "",
                  rng.choice(("Resolved", "Follow-up", "Sale", "No answer")) if answered else "Abandoned",
                  rng.choice(NOTES)]
        tr = truth_row(i + 1, stamp, start_utc=start, duration_s=_seconds_alts(dur_ms / 1000),
                       caller=_alts(ani[4:], ani), callee=_alts(dnis[4:], dnis), record_type="voice",
                       direction=("incoming" if inbound else "outgoing", "unknown"))
        _accept_starts(tr, *(r for naive in _fraction_readings(local) for r in _unstated(naive.replace(tzinfo=None))))
        _ambiguous(tr, start_utc="the exporting user's zone is not stated")
        d.record(fields, tr, text="\t".join(_tsv_field(f) for f in fields))
    return d


# --- 04 contact-centre call log XLSX: Excel serial starts in General cells, number-typed numbers --------

def _serial(naive: datetime) -> float:
    delta = naive - EXCEL_EPOCH
    return delta.days + delta.seconds / 86400


def callcenter_serial_workbook(rng: random.Random, n: int, *, year: int = 2024, month: int = 5) -> Workbook:
    """A contact-centre call log report saved as XLSX after someone cleared the cell formats (not in
    carrier-formats.md; modelled on Five9-style call log reports as generally known, this module's own
    columns): sheet ``Call Log``, a title row, then ``CALL ID, TIMESTAMP, CAMPAIGN, CALL TYPE, AGENT, ANI,
    DNIS, CALL TIME, DISPOSITION``. ``TIMESTAMP`` is a number cell holding the Excel serial date-time
    (``45425.54522``, General format: the date format lost) in the account's zone (not stated); ``ANI`` and
    ``DNIS`` are number cells (``3125550123``); ``CALL TIME`` is text ``00:02:17``; ``CALL TYPE`` ``Inbound``,
    ``Outbound``, ``Manual`` (an agent dialing out) or ``Queue Callback`` (outbound)."""
    import xlsxwriter  # optional heavy dependency of the workbook writers only

    wb = Workbook()
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.set_properties({"created": datetime(year, month, 28, 9, 0, 0), "author": "Reporting"})
    sheet = book.add_worksheet("Call Log")
    sheet.write_string(0, 0, f"Call Log  {MONTHS[month - 1]} {year}")
    header = ("CALL ID", "TIMESTAMP", "CAMPAIGN", "CALL TYPE", "AGENT", "ANI", "DNIS", "CALL TIME", "DISPOSITION")
    for c, h in enumerate(header):
        sheet.write_string(1, c, h)
    campaign_line = "8005550" + f"{rng.randint(100, 199):03d}"
    agents = ("jsmith", "mgarcia", "lchen", "okafor")
    for i, t in enumerate(instants(rng, n, year, month)):
        local = to_local(t)
        serial = _serial(local)
        kind = rng.choice(("Inbound", "Inbound", "Inbound", "Outbound", "Manual", "Queue Callback"))
        far = nanp_digits(rng)
        answered = rng.random() < 0.85
        dur = voice_duration(rng) if answered else 0
        if kind == "Inbound":
            ani, dnis, direction = far, campaign_line, "incoming"
        else:
            ani, dnis, direction = campaign_line, far, "outgoing"
        r = i + 2
        sheet.write_number(r, 0, 300_000_000 + rng.randint(0, 9_999_999))
        sheet.write_number(r, 1, serial)
        sheet.write_string(r, 2, rng.choice(("Inbound Sales", "Renewals", "Support")))
        sheet.write_string(r, 3, kind)
        sheet.write_string(r, 4, rng.choice(agents) if answered else "")
        sheet.write_number(r, 5, int(ani))
        sheet.write_number(r, 6, int(dnis))
        sheet.write_string(r, 7, _hms(dur))
        sheet.write_string(r, 8, "Sale" if answered and rng.random() < 0.2 else "Resolved" if answered else
                           "Abandon" if kind == "Inbound" else "No Answer")
        keys = [repr(serial), f"{serial:.10f}".rstrip("0"), f"{serial:.9f}".rstrip("0"), f"{serial:.6f}",
                local.strftime("%Y-%m-%d %H:%M:%S"),
                local.strftime("%Y-%m-%dT%H:%M:%S"), local.strftime("%m/%d/%Y %H:%M:%S")]
        tr = truth_row(i + 1, local.strftime("%Y-%m-%d %H:%M:%S"), start_utc=t, duration_s=dur,
                       caller=_alts(_nanp_e164(ani), ani), callee=_alts(_nanp_e164(dnis), dnis),
                       record_type="voice", direction=(direction, "unknown"))
        tr["start_key"] = list(dict.fromkeys(keys))
        one = timedelta(seconds=1)
        _accept_starts(tr, *(x for naive in (local, local - one) for x in _unstated(naive)))
        _ambiguous(tr, start_utc="the account's zone is not stated; a serial read back may lose its last second")
        wb.lines.append(Line("record", "", tr))
    book.close()
    wb.payload = buf.getvalue()
    return wb


# --- 05 AT&T subpoena return: three report blocks, each with its banner, header and total ----------------

def _att_banner(d: Draft, title: str, target: str, run: datetime, case: str) -> None:
    d.junk("AT&T SUBPOENA COMPLIANCE CENTER")
    d.junk(f"Run Date: {run:%m/%d/%Y}   Run Time: {run:%H:%M:%S}")
    d.junk(f"Case Number: {case}")
    d.junk(f"{title} For: ({target[:3]}) {target[3:6]}-{target[6:]}")
    d.junk("All times are in UTC")


def att_multiblock(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """An AT&T Mobility return as one text file holding the several reports AT&T may deliver for one request
    (carrier-formats.md 1.1: "may deliver multiple reports", ``Item`` one leg, ``Conn. Date``, ``Conn. Time
    (UTC)``, ``Seizure Time``, ``ET`` ``MM:SS``; blank fields normal). Three blocks, voice, SMS, then data,
    each with its own five-line banner (the report's title and target, run date, case number, ``All times
    are in UTC``), its own header row and a ``Total Records: N`` line, a blank line between blocks; ``Item``
    restarts at 1 in each block. Numbers are 10 digits; descriptors ``MO``/``MT``/``CFU`` (voice),
    ``SMS MO``/``SMS MT``; the data block's ``Duration (Sec)`` and bytes up/down, no far party."""
    d = Draft()
    target = nanp_digits(rng)
    handset_imei, handset_imsi = imei(rng), imsi(rng, "310410")
    run = datetime(year, month, 28, 10, rng.randint(0, 59), rng.randint(0, 59))
    case = f"LE-{year}-{rng.randint(1000, 9999)}"
    times = instants(rng, n, year, month)
    n_voice, n_sms = round(n * 0.5), round(n * 0.3)
    blocks = (("Voice Usage", times[:n_voice]), ("SMS Usage", times[n_voice:n_voice + n_sms]),
              ("Data Usage", times[n_voice + n_sms:]))
    k = 0
    for b, (title, block) in enumerate(blocks):
        if b:
            d.junk("")
        _att_banner(d, title, target, run, case)
        if title == "Voice Usage":
            d.junk_row(["Item", "Conn. Date", "Conn. Time (UTC)", "Seizure Time", "ET", "Originating Number",
                        "Terminating Number", "IMEI", "IMSI", "Desc", "LAC", "CID"])
        elif title == "SMS Usage":
            d.junk_row(["Item", "Conn. Date", "Conn. Time (UTC)", "Originating Number", "Terminating Number",
                        "IMEI", "IMSI", "Desc"])
        else:
            d.junk_row(["Item", "Conn. Date", "Conn. Time (UTC)", "Duration (Sec)", "Bytes Up", "Bytes Down",
                        "Access Point", "IMEI", "IMSI", "LAC", "CID"])
        for j, t in enumerate(block):
            k += 1
            date_txt, time_txt = t.strftime("%m/%d/%Y"), t.strftime("%H:%M:%S")
            me = Party(target, "+1" + target)
            other = nanp_digits(rng)
            blank_imei = rng.random() < 0.1
            lac, cid = str(rng.randint(1000, 65000)), str(rng.randint(10000, 999999))
            if title == "Voice Usage":
                direction = rng.choice(("outgoing", "outgoing", "incoming", "incoming", "forwarded"))
                fwd = nanp_digits(rng)
                a, b2 = {"outgoing": (target, other), "incoming": (other, target), "forwarded": (other, fwd)}[direction]
                dur = voice_duration(rng)
                et = f"{dur // 60:02d}:{dur % 60:02d}"
                desc = {"outgoing": "MO", "incoming": "MT", "forwarded": "CFU"}[direction]
                fields = [str(j + 1), date_txt, time_txt, f"0:{rng.randint(1, 9):02d}", et, a, b2,
                          "" if blank_imei else handset_imei, handset_imsi, desc, lac, cid]
                tr = truth_row(k, f"{date_txt} {time_txt}", start_utc=t, duration_s=dur, caller="+1" + a,
                               callee="+1" + b2, record_type="voice", direction=direction, imsi_=handset_imsi,
                               imei_=None if blank_imei else handset_imei, cell_id=cid, lac=lac)
            elif title == "SMS Usage":
                direction = rng.choice(("outgoing", "incoming"))
                a, b2 = (target, other) if direction == "outgoing" else (other, target)
                fields = [str(j + 1), date_txt, time_txt, a, b2, "" if blank_imei else handset_imei, handset_imsi,
                          "SMS MO" if direction == "outgoing" else "SMS MT"]
                tr = truth_row(k, f"{date_txt} {time_txt}", start_utc=t, duration_s=_alts(None, 0),
                               caller="+1" + a, callee="+1" + b2, record_type="sms", direction=direction,
                               imsi_=handset_imsi, imei_=None if blank_imei else handset_imei)
            else:
                secs = rng.randint(5, 3600)
                fields = [str(j + 1), date_txt, time_txt, str(secs), str(rng.randint(1_000, 9_000_000)),
                          str(rng.randint(1_000, 90_000_000)), "NXTGENPHONE", "" if blank_imei else handset_imei,
                          handset_imsi, lac, cid]
                tr = truth_row(k, f"{date_txt} {time_txt}", start_utc=t, duration_s=secs,
                               caller=_alts(me.canonical, None, target), callee=None, record_type="data",
                               direction=("outgoing", "unknown"), imsi_=handset_imsi,
                               imei_=None if blank_imei else handset_imei, cell_id=cid, lac=lac)
                _ambiguous(tr, caller="a data session has no A-number column; the target is in the banner")
            d.record(fields, tr)
        d.junk(f"Total Records: {len(block)}")
    return d


# --- 06 Spanish carrier call detail: BOM, CRLF, ;, localized headers, decimal commas ----------------------

def _es_spaced(national9: str) -> str:
    return f"{national9[:3]} {national9[3:6]} {national9[6:]}"


def spanish_detail(rng: random.Random, n: int, *, year: int = 2024, month: int = 6) -> Draft:
    """A Spanish business line's call detail from a carrier's customer portal (not in carrier-formats.md;
    modelled on Spanish itemised bills as generally known; the headings are this module's own): a BOM,
    CRLF, ``;``; three banner lines (``Cliente``, ``Línea``, ``Periodo``), then ``Fecha;Hora;Número
    destino;Tipo de llamada;Duración (min);Importe (€)``; ``15/06/2024`` and ``13:05:07`` local (Madrid, not
    stated); the duration in minutes with a decimal comma and four decimals (``2,2833``: 137 s); nine-digit
    numbers written with spaces (``612 555 012``), international ones ``00 44 20 7946 0123``; SMS rows with
    no duration; a ``Total`` row. Only calls made from the line are listed: the caller is the line
    (in the banner only)."""
    d = Draft(delim=";")
    line9 = "91555" + f"{rng.randint(1000, 9999):04d}"
    d.junk_row(["Cliente: EMPRESA EJEMPLO S.L.", "", "", "", "", ""])
    d.junk_row([f"Línea: {_es_spaced(line9)}", "", "", "", "", ""])
    d.junk_row([f"Periodo: 01/{month:02d}/{year} - 30/{month:02d}/{year}", "", "", "", "", ""])
    d.junk_row(["Fecha", "Hora", "Número destino", "Tipo de llamada", "Duración (min)", "Importe (€)"])
    me = _alts(None, "+34" + line9, line9, _es_spaced(line9))
    total_cents = 0
    for i, t in enumerate(instants(rng, n, year, month)):
        local = to_local(t, MADRID)
        x = rng.random()
        if x < 0.15:
            kind, national = "SMS nacional", "6" + f"{rng.randint(10, 99)}555{rng.randint(0, 999):03d}"
            written, canon = _es_spaced(national), _alts("+34" + national, national, _es_spaced(national))
            dur, dur_txt, rtype = None, "", "sms"
        else:
            rtype = "voice"
            dur = voice_duration(rng)
            dur_txt = f"{dur / 60:.4f}".replace(".", ",")
            if x < 0.55:
                national = "6" + f"{rng.randint(10, 99)}555{rng.randint(0, 999):03d}"
                kind = "Móvil nacional"
            elif x < 0.9:
                national = "9" + f"{rng.randint(1, 8)}555{rng.randint(0, 9999):04d}"[:8]
                kind = "Fijo nacional"
            else:
                national = None
                kind = "Internacional"
            if national:
                written, canon = _es_spaced(national), _alts("+34" + national, national, _es_spaced(national))
            else:
                uk = f"2079460{rng.randint(100, 999):03d}"
                written = f"00 44 {uk[:2]} {uk[2:6]} {uk[6:]}"
                canon = _alts("+44" + uk, "0044" + uk, written)
        cents = rng.randint(0, 9999)
        total_cents += cents
        date_txt, time_txt = local.strftime("%d/%m/%Y"), local.strftime("%H:%M:%S")
        fields = [date_txt, time_txt, written, kind, dur_txt, f"{cents // 10000},{cents % 10000:04d}"]
        dur_ok = (None, 0) if dur is None else _alts(dur, *_seconds_alts(float(dur_txt.replace(",", ".")) * 60))
        tr = truth_row(i + 1, f"{date_txt} {time_txt}", start_utc=t, duration_s=dur_ok, caller=me, callee=canon,
                       record_type=rtype, direction=("outgoing", "unknown"))
        _accept_starts(tr, *_unstated(local, MADRID))
        _ambiguous(tr, start_utc="the line's zone (Madrid) is not stated",
                   caller="the line is only in the banner")
        d.record(fields, tr)
    d.junk_row(["Total", "", "", "", "", f"{total_cents // 10000},{total_cents % 10000:04d}"])
    return d


# --- 07 Android calllog.db via sqlite3 -header -csv: epoch ms, type codes ---------------------------------

ANDROID_COLUMNS = ("_id", "number", "presentation", "date", "duration", "type", "new", "name", "numbertype",
                   "numberlabel", "countryiso", "geocoded_location", "phone_account_address", "features")
ANDROID_TYPES = {1: ("incoming", "voice"), 2: ("outgoing", "voice"), 3: ("incoming", "voice"),
                 4: ("incoming", "voicemail"), 5: ("incoming", "voice"), 6: ("incoming", "voice")}
"""``CallLog.Calls.TYPE``: 1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected, 6 blocked (Android's
public ``CallLog.Calls`` constants)."""


def android_calllog(rng: random.Random, n: int, *, year: int = 2024, month: int = 9) -> Draft:
    """An Android phone's call log (the ``calls`` table of ``calllog.db``, column names and ``type`` codes as
    Android's public ``CallLog.Calls`` contract lists them; not in carrier-formats.md) dumped with
    ``sqlite3 -header -csv``: ``date`` epoch milliseconds (UTC by construction), ``duration`` seconds,
    ``type`` 1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected, 6 blocked; ``number`` as the phone
    stored it (``3125550123``, ``+13125550123``, ``(312) 555-0123``, ``*86``), empty with ``presentation`` 2
    for a private caller; the phone's own number in ``phone_account_address`` on some rows only; strings
    quoted only where they must be. The handset's own side is accepted as its number or empty."""
    d = Draft()
    d.junk(",".join(ANDROID_COLUMNS))
    own = nanp_digits(rng)
    names = ("", "", "Mom", "O'Neil, Pat", "Dr. Alvarez", "Work")
    for i, t in enumerate(instants(rng, n, year, month)):
        start = t.replace(microsecond=rng.randint(0, 999) * 1000)
        ms = int(start.timestamp()) * 1000 + start.microsecond // 1000
        kind = rng.choice((1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 5, 6))
        direction, rtype = ANDROID_TYPES[kind]
        digits = nanp_digits(rng)
        private = kind in (1, 3) and rng.random() < 0.1
        style = rng.choice(("10", "plus", "paren", "11"))
        if private:
            written, canon, presentation = "", _alts(None, ""), 2
        elif kind == 2 and rng.random() < 0.08:
            written, canon, presentation = "*86", "*86", 1
        else:
            p = _pbx(digits, style)
            written, presentation = p.written, 1
            canon = _alts("+1" + digits, p.written, "".join(c for c in p.written if c.isdigit() or c == "+"))
        dur = voice_duration(rng) if kind in (1, 2, 4) else 0
        acct = ("+1" + own) if rng.random() < 0.6 else ""
        me = _alts(None, "+1" + own, "")
        caller, callee = (me, canon) if direction == "outgoing" else (canon, me)
        fields = [str(1000 + i), written, str(presentation), str(ms), str(dur), str(kind),
                  "0", rng.choice(names) if not private else "", "2" if written else "0",
                  "", "US", "" if private else rng.choice(("Chicago, IL", "Illinois", "")), acct,
                  "1" if rng.random() < 0.05 else "0"]
        tr = truth_row(i + 1, str(ms), start_utc=start, duration_s=dur, caller=caller, callee=callee,
                       record_type=(rtype, "voice"), direction=(direction, "unknown"))
        _accept_starts(tr, *_fraction_readings(start))
        d.record(fields, tr, text=csv_line(fields))
    return d


# --- 08 iOS CallHistory ZCALLRECORD dump: Core Data epoch, float durations; 2 unreadable -------------------

IOS_COLUMNS = ("Z_PK", "Z_ENT", "ZANSWERED", "ZCALLTYPE", "ZDISCONNECTED_CAUSE", "ZFACE_TIME_DATA",
               "ZNUMBER_AVAILABILITY", "ZORIGINATED", "ZREAD", "ZDATE", "ZDURATION", "ZADDRESS",
               "ZISO_COUNTRY_CODE", "ZNAME", "ZSERVICE_PROVIDER", "ZUNIQUE_ID")


def ios_callhistory(rng: random.Random, n: int, *, year: int = 2024, month: int = 10) -> Draft:
    """An iPhone's ``CallHistory.storedata`` ``ZCALLRECORD`` table exported by a forensic tool to CSV with
    the column names as stored (not in carrier-formats.md; the table and its ``ZDATE`` in Core Data time as
    generally known in mobile forensics): ``ZDATE`` seconds since 2001-01-01 00:00:00 UTC with a fraction
    (``750000000.123456``, not Unix time), ``ZDURATION`` float seconds, ``ZORIGINATED`` 1 for a call the
    phone placed, ``ZANSWERED``, ``ZCALLTYPE`` 1 (phone), 8 (FaceTime video), 16 (FaceTime audio),
    ``ZADDRESS`` a number or a FaceTime e-mail address, ``ZSERVICE_PROVIDER``. The handset's own number is
    not in the table (its side is empty). Damage the tool left: one recovered deleted row whose ``ZDATE``
    is empty (no start) and a last record cut mid-line, no newline after it."""
    d = Draft(trailing_newline=False)
    d.junk(",".join(IOS_COLUMNS))
    emails = ("kim.lee@example.com", "sam.r@example.org")
    bad = rng.randint(n // 4, n // 2)
    for i, t in enumerate(instants(rng, n, year, month)):
        start = t.replace(microsecond=rng.randint(0, 999_999))
        zdate = (start - APPLE_EPOCH).total_seconds()
        ctype = rng.choice((1, 1, 1, 1, 1, 8, 16))
        originated = rng.random() < 0.5
        answered = originated or rng.random() < 0.8
        dur_f = (voice_duration(rng) + rng.random()) if answered else 0.0
        if ctype == 1:
            digits = nanp_digits(rng)
            p = _pbx(digits, rng.choice(("plus", "10", "paren")))
            addr, canon = p.written, _alts("+1" + digits, p.written,
                                           "".join(c for c in p.written if c.isdigit() or c == "+"))
        else:
            addr = rng.choice(emails) if rng.random() < 0.5 else "+1" + nanp_digits(rng)
            canon = addr
        caller, callee = ((None, canon) if originated else (canon, None))
        zdate_txt = f"{zdate:.6f}"
        dur_txt = repr(dur_f) if dur_f else "0.0"
        fields = [str(i + 1), "2", "1" if answered else "0", str(ctype), "0" if answered else "6", "",
                  "0", "1" if originated else "0", "1", zdate_txt, dur_txt, addr, "us",
                  "" if rng.random() < 0.5 else rng.choice(("Kim Lee", "Front Desk", "Sam")),
                  "com.apple.Telephony" if ctype == 1 else "com.apple.FaceTime",
                  f"{rng.getrandbits(128):032X}"]
        tr = truth_row(i + 1, zdate_txt, start_utc=start, duration_s=_seconds_alts(dur_f), caller=caller,
                       callee=callee, record_type=("voice", "other") if ctype == 8 else "voice",
                       direction="outgoing" if originated else "incoming")
        if ctype == 8:
            _ambiguous(tr, record_type="a FaceTime video call: voice or other")
        _accept_starts(tr, *_fraction_readings(start))
        line = csv_line(fields)
        if i == bad:  # a recovered deleted row: the date and duration are NULL
            fields[9], fields[10] = "", ""
            line = csv_line(fields)
            tr.update(expect="quarantine", why="recovered deleted row without ZDATE (no start)", start_key=None)
        elif i == n - 1:  # the tool stopped writing inside the last record
            line = line[: line.index(zdate_txt) + 4]
            tr.update(expect="quarantine", why="last record cut mid-line")
        d.record([], tr, text=line)
    return d


# --- 09 Unify OpenScape/HiPath-style call charge printout: DD.MM.YY, NUL, cut and garbled records --------

HIPATH_COLUMNS = (("Datum", 9), ("Zeit", 9), ("Ltg", 4), ("Tln", 6), ("Ruf", 6), ("Dauer", 9), ("Rufnummer", 22),
                  ("Einh", 6), ("Betrag", 9), ("K", 2))
HIPATH_KIND = {"1": "outgoing", "2": "incoming", "3": "incoming", "4": "forwarded"}
"""The ``K`` (Kennzeichen) column as this module writes it: 1 outgoing, 2 incoming, 3 incoming not answered,
4 forwarded out; the printout carries no legend."""


def _hip_line(values) -> str:
    return "".join(f"{v:<{w}}" if k != 7 and k != 8 else f"{v:>{w - 1}} "
                   for k, (v, (_, w)) in enumerate(zip(values, HIPATH_COLUMNS))).rstrip()


def hipath_charges(rng: random.Random, n: int, *, year: int = 2024, month: int = 9) -> Draft:
    """A call charge (Gebühren) printout of a Unify OpenScape Business / HiPath-style PBX captured on a PC
    (not in carrier-formats.md; modelled on German PBX call charge output as generally known, the column
    names and widths here are this module's own): a title line and a header, then fixed columns
    ``15.07.24 13:05:07`` (local, Berlin, not stated), trunk, station, ring seconds, duration ``HH:MM:SS``,
    the far number as the trunk gave it (``030555012345``: German national with its trunk ``0``,
    ``0049...`` and ``00...`` international), charge units and an amount with a decimal comma, and a
    direction code without a legend (1 out, 2 in, 3 in unanswered, 4 forwarded). Damage: NUL padding before
    one record (still readable), one record cut short after its station, one whose date was garbled
    (``1?.0#.24``): 2 unreadable."""
    d = Draft()
    d.junk("OpenScape Business  Gebuehrenausgabe")
    d.junk(_hip_line([name for name, _ in HIPATH_COLUMNS]))
    stations = [str(100 + k) for k in range(20)]
    picks = rng.sample(range(2, n - 1), 3)
    nul_at, cut_at, garble_at = picks
    for i, t in enumerate(instants(rng, n, year, month)):
        local = to_local(t, BERLIN)
        code = rng.choice(("1", "1", "1", "2", "2", "3", "4"))
        direction = HIPATH_KIND[code]
        area = rng.choice(("30", "40", "89", "221", "69"))
        national = "0" + area + "555" + f"{rng.randint(0, 99999):05d}"
        if rng.random() < 0.1:
            uk = f"2079460{rng.randint(100, 999):03d}"
            number, canon = "0044" + uk, _alts("+44" + uk, "0044" + uk)
        else:
            number, canon = national, _alts(national, "+49" + national[1:])
        sta = rng.choice(stations)
        ring = rng.randint(0, 25)
        dur = 0 if code == "3" else voice_duration(rng)
        units = 0 if code in ("2", "3") else math.ceil(dur / 90)
        fields = [local.strftime("%d.%m.%y"), local.strftime("%H:%M:%S"), f"{rng.randint(1, 8):02d}", sta,
                  f"{ring:02d}" if code in ("2", "3") else "", _hms(dur), number, str(units),
                  f"{units * 6 // 100},{units * 6 % 100:02d}"]
        fields.append(code)
        if direction == "outgoing":
            caller, callee = sta, canon
        elif direction == "forwarded":
            caller, callee = _alts(sta, None), canon
        else:
            caller, callee = canon, sta
        tr = truth_row(i + 1, f"{fields[0]} {fields[1]}", start_utc=t, duration_s=dur, caller=caller,
                       callee=callee, record_type="voice", direction=(direction, "unknown"))
        _accept_starts(tr, *_unstated(local, BERLIN))
        _ambiguous(tr, start_utc="the PBX's zone (Berlin) is not stated",
                   direction="the code column has no legend",
                   caller="which side is the caller follows the code column, which has no legend",
                   callee="which side is the callee follows the code column, which has no legend")
        text = _hip_line(fields)
        if i == nul_at:
            text = "\x00" * rng.randint(16, 48) + text
        elif i == cut_at:
            text = text[:34]
            tr.update(expect="quarantine", why="record cut short after the station")
        elif i == garble_at:
            text = text[0] + "?" + text[2:4] + "#" + text[5:]
            tr.update(expect="quarantine", why="date garbled (1?.0#.24): no reading parses it")
        d.record([], tr, text=text)
    return d


# --- 10 hosted business phone call log: zone abbreviation in every stamp, 'N min N sec' -------------------

def _words(s: int) -> str:
    h, m, sec = s // 3600, s % 3600 // 60, s % 60
    parts = ([f"{h} hr"] if h else []) + ([f"{m} min"] if m or h else []) + [f"{sec} sec"]
    return " ".join(parts)


def business_calllog_abbrev(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """A hosted business phone service's call log export (not in carrier-formats.md; modelled on Vonage
    Business-style call logs as generally known, this module's own columns): ``Date/Time`` ``07/15/2024
    02:05:07 PM EDT`` (the account's zone, US Eastern, by its abbreviation in every stamp: not the job's
    zone), ``Direction`` ``Inbound``/``Outbound``/``Intra-PBX``, ``From``/``To`` as ``(312) 555-0123`` or an
    extension, ``Result`` ``Answered``/``Missed``/``Voicemail``, ``Duration`` ``2 min 17 sec``,
    ``1 hr 5 min 7 sec``, ``17 sec``. Only the EDT reading of a stamp is right."""
    d = Draft()
    d.junk_row(["Date/Time", "Direction", "From", "From Name", "To", "Extension", "Result", "Duration"])
    exts = {"201": "Reception", "202": "J. Park", "203": "Sales Desk", "204": "A. Moreau"}
    for i, t in enumerate(instants(rng, n, year, month)):
        local = to_local(t, EASTERN)
        ext = rng.choice(list(exts))
        x = rng.random()
        digits = nanp_digits(rng)
        far = Party(f"({digits[:3]}) {digits[3:6]}-{digits[6:]}", "+1" + digits)
        if x < 0.45:
            word, direction, src, dst, name = "Outbound", "outgoing", as_written(ext), far, exts[ext]
        elif x < 0.88:
            word, direction, src, dst, name = "Inbound", "incoming", far, as_written(ext), \
                rng.choice(("", "WIRELESS CALLER", "CHICAGO IL"))
        else:
            other = rng.choice([e for e in exts if e != ext])
            word, direction, src, dst, name = "Intra-PBX", "internal", as_written(ext), as_written(other), exts[ext]
        result = "Answered" if direction != "incoming" or rng.random() < 0.75 else rng.choice(("Missed", "Voicemail"))
        dur = 0 if result == "Missed" else voice_duration(rng)
        stamp = f"{local:%m/%d/%Y} {_clock12(local, pad=True)} {t.astimezone(ZoneInfo(EASTERN)).tzname()}"
        fields = [stamp, word, src.written, name, dst.written, ext, result, _words(dur)]
        tr = truth_row(i + 1, stamp, start_utc=t, duration_s=dur, caller=src.canonical, callee=dst.canonical,
                       record_type=("voicemail", "voice") if result == "Voicemail" else "voice",
                       direction=(direction, "unknown"))
        d.record(fields, tr)
    return d


# --- 11 cloud PBX export with a per-row IANA zone column ---------------------------------------------------

ROW_ZONES = ("America/New_York", "America/Los_Angeles", "America/Denver", "America/Chicago", "Europe/London")


def cloudpbx_row_zones(rng: random.Random, n: int, *, year: int = 2024, month: int = 8) -> Draft:
    """A cloud PBX's call export for a company with users in several offices (not in carrier-formats.md;
    modelled on cloud phone systems' CSV exports as generally known, this module's own columns): each row's
    ``date_started`` is the wall-clock time of the user's office, whose IANA zone is in the row's
    ``timezone`` column (five zones in one file); ``talk_duration_ms`` milliseconds; ``direction``
    ``inbound``/``outbound``; ``external_number`` and ``internal_number`` in E.164. Only the reading in the
    row's zone is right."""
    d = Draft()
    d.junk_row(["call_id", "date_started", "timezone", "direction", "external_number", "internal_number",
                "target_name", "talk_duration_ms", "was_recorded", "category"])
    users = [(z, "+1" + nanp_digits(rng), nm) for z, nm in zip(ROW_ZONES, ("NY Office", "LA Office", "Denver",
                                                                            "HQ", "London"))]
    for i, t in enumerate(instants(rng, n, year, month)):
        zone, did, office = rng.choice(users)
        local = to_local(t, zone)
        inbound = rng.random() < 0.55
        answered = rng.random() < 0.88
        ms = voice_duration(rng) * 1000 + rng.randint(0, 999) if answered else 0
        ext_no = "+1" + nanp_digits(rng) if rng.random() < 0.9 else "+44" + f"2079460{rng.randint(100, 999):03d}"
        caller, callee = (ext_no, did) if inbound else (did, ext_no)
        fields = [str(rng.randint(10 ** 15, 10 ** 16 - 1)), local.strftime("%Y-%m-%d %H:%M:%S"), zone,
                  "inbound" if inbound else "outbound", ext_no, did, office, str(ms),
                  rng.choice(("true", "false")), "answered" if answered else "missed"]
        tr = truth_row(i + 1, fields[1], start_utc=t, duration_s=_seconds_alts(ms / 1000), caller=caller,
                       callee=callee, record_type="voice", direction=("incoming" if inbound else "outgoing", "unknown"))
        d.record(fields, tr)
    return d


# --- 12 Australian carrier bill: Time (AEST), trunk-0 numbers, 0011, sub-totals ---------------------------

def _au_spaced(national: str) -> str:
    if national.startswith(("04", "1300", "1800")):
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    if national.startswith("13"):
        return f"{national[:2]} {national[2:]}"
    return f"{national[:2]} {national[2:6]} {national[6:]}"


def _au_party(national: str) -> Party:
    spaced = _au_spaced(national)
    e164 = "+61" + national[1:] if national.startswith("0") else None
    return Party(spaced, _alts(*([e164] if e164 else []), national, spaced))


def australian_bill(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """An Australian mobile carrier's itemised usage export for two services (not in carrier-formats.md;
    modelled on Australian bills as generally known, this module's own columns): ``Service Number, Date,
    Time (AEST), Called Number, Description, Duration, Charge ($)``; the zone stated in the header (AEST,
    UTC+10: July is winter, no daylight time); ``15/07/2024``, ``13:05:07``; numbers with their trunk ``0``
    and spaces (``0412 555 012``, ``02 5550 1234``), ``13 1234`` and ``1300 555 012`` numbers, international
    as ``0011 44 20 7946 0123`` (Australia's exit code); ``Duration`` ``0:02:17``; SMS rows with no duration;
    a ``Sub-total`` row after each service's rows. Bills list calls made: the caller is the service."""
    d = Draft()
    d.junk_row(["Service Number", "Date", "Time (AEST)", "Called Number", "Description", "Duration", "Charge ($)"])
    services = ["04" + f"{rng.randint(10, 99)}555{rng.randint(0, 999):03d}" for _ in range(2)]
    times = instants(rng, n, year, month)
    cut = len(times) // 2
    aest = timezone(timedelta(hours=10))
    k = 0
    for s, svc in enumerate(services):
        sp = _au_party(svc)
        block = times[:cut] if s == 0 else times[cut:]
        total = 0
        for t in block:
            k += 1
            local = t.astimezone(aest).replace(tzinfo=None)
            x = rng.random()
            rtype, dur = "voice", voice_duration(rng)
            if x < 0.15:
                rtype, dur, desc = "sms", None, "SMS to mobile"
                far = _au_party("04" + f"{rng.randint(10, 99)}555{rng.randint(0, 999):03d}")
            elif x < 0.5:
                far, desc = _au_party("04" + f"{rng.randint(10, 99)}555{rng.randint(0, 999):03d}"), "Call to mobile"
            elif x < 0.75:
                far, desc = _au_party(rng.choice(("02", "03", "07", "08")) + f"5550{rng.randint(0, 9999):04d}"), \
                    "National call"
            elif x < 0.85:
                far, desc = _au_party(rng.choice(("13" + f"{rng.randint(1000, 9999)}",
                                                  "1300555" + f"{rng.randint(0, 999):03d}"))), "13/1300 call"
            else:
                uk = f"2079460{rng.randint(100, 999):03d}"
                written = f"0011 44 {uk[:2]} {uk[2:6]} {uk[6:]}"
                far, desc = Party(written, _alts("+44" + uk, "001144" + uk, written)), "International - UK"
            cents = rng.randint(0, 350)
            total += cents
            fields = [sp.written, local.strftime("%d/%m/%Y"), local.strftime("%H:%M:%S"), far.written, desc,
                      "" if dur is None else f"{dur // 3600}:{dur % 3600 // 60:02d}:{dur % 60:02d}",
                      f"{cents / 100:.2f}"]
            tr = truth_row(k, f"{fields[1]} {fields[2]}", start_utc=t, duration_s=(None, 0) if dur is None else dur,
                           caller=sp.canonical, callee=far.canonical, record_type=rtype,
                           direction=("outgoing", "unknown"))
            d.record(fields, tr)
        d.junk_row([f"Sub-total for {sp.written}", "", "", "", "", "", f"{total / 100:.2f}"])
    return d


# --- 13 Brazilian carrier call detail: cp1252, 00h02m17s, (11) 95555-0123 --------------------------------

def brazil_detail(rng: random.Random, n: int, *, year: int = 2024, month: int = 5) -> Draft:
    """A Brazilian carrier's call detail ("detalhamento de ligações") exported from its portal in cp1252
    (not in carrier-formats.md; modelled on Brazilian bills as generally known, this module's own
    headings): ``;``, CRLF, a banner (``Conta``, ``Número``, ``Período``), then ``Data;Hora;Origem;Destino;
    Tipo;Duração;Valor (R$)``; ``15/05/2024`` and ``13:05:07`` local (São Paulo, UTC-3, not stated);
    ``Duração`` ``00h02m17s``; numbers ``(11) 95555-0123`` (mobile, 11 digits) and ``(21) 5555-0123``;
    ``Recebida a cobrar`` (an incoming collect call: the number is the caller); SMS rows with ``-`` for the
    duration; amounts ``0,35``."""
    d = Draft(delim=";")
    own = "11" + "95555" + f"{rng.randint(0, 9999):04d}"
    own_written = f"({own[:2]}) {own[2:7]}-{own[7:]}"
    d.junk_row(["Conta: 0000123456", "", "", "", "", "", ""])
    d.junk_row([f"Número: {own_written}", "", "", "", "", "", ""])
    d.junk_row([f"Período: 01/{month:02d}/{year} a 31/{month:02d}/{year}", "", "", "", "", "", ""])
    d.junk_row(["Data", "Hora", "Origem", "Destino", "Tipo", "Duração", "Valor (R$)"])
    me = Party(own_written, _alts("+55" + own, own, own_written))

    def party() -> Party:
        ddd = rng.choice(("11", "21", "31", "41", "61"))
        if rng.random() < 0.6:
            digits = ddd + "9" + "5555" + f"{rng.randint(0, 9999):04d}"
            written = f"({ddd}) {digits[2:7]}-{digits[7:]}"
        else:
            digits = ddd + "5555" + f"{rng.randint(0, 9999):04d}"
            written = f"({ddd}) {digits[2:6]}-{digits[6:]}"
        return Party(written, _alts("+55" + digits, digits, written))

    for i, t in enumerate(instants(rng, n, year, month)):
        local = to_local(t, SAO_PAULO)
        far = party()
        x = rng.random()
        if x < 0.15:
            kind, rtype, dur, direction = "SMS", "sms", None, "outgoing"
        elif x < 0.25:
            kind, rtype, dur, direction = "Recebida a cobrar", "voice", voice_duration(rng), "incoming"
        else:
            kind = rng.choice(("Local fixo", "Local móvel", "Longa distância"))
            rtype, dur, direction = "voice", voice_duration(rng), "outgoing"
        caller, callee = (me, far) if direction == "outgoing" else (far, me)
        dur_txt = "-" if dur is None else f"{dur // 3600:02d}h{dur % 3600 // 60:02d}m{dur % 60:02d}s"
        cents = rng.randint(0, 500)
        fields = [local.strftime("%d/%m/%Y"), local.strftime("%H:%M:%S"), caller.written, callee.written, kind,
                  dur_txt, f"{cents // 100},{cents % 100:02d}"]
        tr = truth_row(i + 1, f"{fields[0]} {fields[1]}", start_utc=t, duration_s=(None, 0) if dur is None else dur,
                       caller=caller.canonical, callee=callee.canonical, record_type=rtype,
                       direction=(direction, "unknown"))
        _accept_starts(tr, *_unstated(local, SAO_PAULO))
        _ambiguous(tr, start_utc="the zone (Sao Paulo) is not stated")
        d.record(fields, tr)
    return d


# --- 14 Ribbon/Sonus-style SBC accounting records: no header, tenths of a second, 10 ms units ------------

def ribbon_sbc(rng: random.Random, n: int, *, year: int = 2024, month: int = 6) -> Draft:
    """Ribbon (Sonus) SBC-style accounting records as the SBC writes them to its ``.ACT`` files (not in
    carrier-formats.md; modelled on Sonus/Ribbon accounting records as generally known, a subset of the
    fields, in this module's order): no header; ``STOP`` records of answered calls and ``ATTEMPT`` records
    of calls that never connected; field 1 the record type, 2 the gateway, 3 the accounting id (hex), 4 the
    start date ``06/14/2024``, 5 the start time ``13:05:07.1`` (tenths of a second), 6 the zone ``GMT``,
    7 the setup-to-service time and 8 the call service duration, both in units of 10 ms (``13742`` =
    137.42 s), 9 the disconnect reason (Q.850), 10 the calling number (10 digits), 11 the called number
    (``1`` + 10 digits), 12 the ingress trunk group, 13 the egress trunk group, 14 and 15 the disconnect date
    and time. A call from the PBX trunk group to the carrier's is outgoing, the reverse incoming."""
    d = Draft()
    for i, t in enumerate(instants(rng, n, year, month)):
        start = t.replace(microsecond=rng.randint(0, 9) * 100_000)
        answered = rng.random() < 0.8
        setup_10ms = rng.randint(150, 2500)
        dur_10ms = (voice_duration(rng) * 100 + rng.randint(0, 99)) if answered else 0
        end = start + timedelta(milliseconds=10 * (setup_10ms + dur_10ms))
        outbound = rng.random() < 0.55
        a, b = nanp_digits(rng), nanp_digits(rng)
        ingress, egress = ("TG_PBX_HQ", "TG_CARRIER_A") if outbound else ("TG_CARRIER_A", "TG_PBX_HQ")
        fields = ["STOP" if answered else "ATTEMPT", "SBC01", f"0x{rng.getrandbits(64):016X}",
                  start.strftime("%m/%d/%Y"), start.strftime("%H:%M:%S") + f".{start.microsecond // 100_000}", "GMT",
                  str(setup_10ms), str(dur_10ms), "16" if answered else rng.choice(("17", "19", "31")), a, "1" + b,
                  ingress, egress, end.strftime("%m/%d/%Y"),
                  end.strftime("%H:%M:%S") + f".{end.microsecond // 100_000}"]
        tr = truth_row(i + 1, f"{fields[3]} {fields[4]}", start_utc=start,
                       duration_s=_seconds_alts(dur_10ms / 100), caller=_alts("+1" + a, a),
                       callee=_alts("+1" + b, "1" + b), record_type="voice",
                       direction=("outgoing" if outbound else "incoming", "unknown"))
        _accept_starts(tr, *_fraction_readings(start))
        d.record(fields, tr)
    return d


# --- 15 3GPP TS 32.298 MSC records decoded to CSV: hex TimeStamps with offset, hex LAC/CI ----------------

def _ts_hex(local: datetime, offset_min: int) -> str:
    """TS 32.298 ``TimeStamp``: 9 octets, YYMMDDhhmmss in BCD, the sign as an ASCII octet (``+`` 2B, ``-``
    2D), hhmm in BCD; printed in hex as decoders dump an OCTET STRING."""
    sign = "2B" if offset_min >= 0 else "2D"
    off = abs(offset_min)
    return local.strftime("%y%m%d%H%M%S") + sign + f"{off // 60:02d}{off % 60:02d}"


def mediation_32298(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """A mobile operator's mediation dump of MSC CDRs decoded from ASN.1 to CSV (carrier-formats.md 1.9:
    MSC CDRs are ASN.1 and out of scope unless pre-decoded; the record and field names of 3GPP TS 32.298
    as generally known, a subset): ``recordType`` ``moCallRecord``/``mtCallRecord``/``moSMSRecord``/
    ``mtSMSRecord``; ``servedIMSI``, ``servedIMEI``, ``servedMSISDN`` (a German operator: MCC 262,
    MSISDNs ``49...`` without ``+``); ``seizureTime``/``answerTime``/``releaseTime`` as the 9-octet TimeStamp
    in hex (``2407151305072B0200``: local time, then the sign and offset: +02:00, the MSC's summer time),
    empty on SMS records, whose start is ``originationTime`` (MO) or ``deliveryTime`` (MT) in the same
    form; ``callDuration`` seconds; ``locationAreaCode`` and ``cellIdentifier`` as the octets in hex
    (``1A2B``); ``causeForTerm`` names."""
    d = Draft()
    cols = ["recordType", "servedIMSI", "servedIMEI", "servedMSISDN", "callingNumber", "calledNumber",
            "locationAreaCode", "cellIdentifier", "seizureTime", "answerTime", "releaseTime", "callDuration",
            "causeForTerm", "originationTime", "deliveryTime", "mscIdentification"]
    d.junk(",".join(cols))
    subscribers = [(imsi(rng, "26201"), imei(rng), "49151" + f"5550{rng.randint(100, 999):03d}") for _ in range(3)]
    offset = 120
    for i, t in enumerate(instants(rng, n, year, month)):
        sub_imsi, sub_imei, msisdn = rng.choice(subscribers)
        local = to_local(t, BERLIN)
        kind = rng.choice(("moCallRecord", "moCallRecord", "mtCallRecord", "mtCallRecord", "moSMSRecord",
                           "mtSMSRecord"))
        other = rng.choice(("4930555" + f"{rng.randint(0, 99999):05d}", "49171555" + f"{rng.randint(0, 9999):04d}",
                            "1" + nanp_digits(rng)))
        lac, ci = rng.randint(0x1000, 0xFFFE), rng.randint(0x0100, 0xFFFE)
        lac_hex, ci_hex = f"{lac:04X}", f"{ci:04X}"
        stamp = _ts_hex(local, offset)
        is_sms = kind.endswith("SMSRecord")
        mo = kind.startswith("mo")
        answered = is_sms or rng.random() < 0.85
        dur = 0 if is_sms or not answered else voice_duration(rng)
        answer = local + timedelta(seconds=rng.randint(2, 15))
        release = answer + timedelta(seconds=dur)
        caller, callee = (msisdn, other) if mo else (other, msisdn)
        fields = [kind, sub_imsi, sub_imei, msisdn, caller, callee, lac_hex, ci_hex,
                  "" if is_sms else stamp, "" if is_sms or not answered else _ts_hex(answer, offset),
                  "" if is_sms else _ts_hex(release if answered else answer, offset),
                  "" if is_sms else str(dur), "" if is_sms else ("normalRelease" if answered else "partialRecord"),
                  stamp if is_sms and mo else "", stamp if is_sms and not mo else "", "4917200000"]
        tr = truth_row(i + 1, stamp, start_utc=t, duration_s=(None, 0) if is_sms else dur,
                       caller=_alts("+" + caller, caller), callee=_alts("+" + callee, callee),
                       record_type="sms" if is_sms else "voice", direction="outgoing" if mo else "incoming",
                       imsi_=sub_imsi, imei_=sub_imei, cell_id=_alts(ci_hex, str(ci)), lac=_alts(lac_hex, str(lac)))
        _ambiguous(tr, cell_id="decoders print the CI octets in hex; the schema keeps it as given",
                   lac="the LAC octets in hex, as given")
        d.record(fields, tr)
    return d


def _specs() -> tuple[FileSpec, ...]:
    return (
        FileSpec("hold6_01_nec_smdr.txt", "nec", nec_smdr, newline="\r\n",
                 notes="NEC SMDR serial capture: start/end no duration, 9 access code, 7 records hit by noise: "
                       "suspect"),
        FileSpec("hold6_02_broadworks_acct.csv", "broadworks", broadworks_accounting,
                 notes="BroadWorks-style accounting: 20240715130507.123 stamps, userTimeZone, release - answer"),
        FileSpec("hold6_03_genesys_notes.tsv", "genesys", genesys_tsv, newline="\r\n",
                 notes="Genesys-style TSV: 12 h with ms, 00:02:17.482, tel: URIs, multi-line quoted notes"),
        FileSpec("hold6_04_callcenter_serial.xlsx", "five9", callcenter_serial_workbook,
                 notes="contact-centre XLSX: Excel serial starts in General cells, number-cell ANI/DNIS"),
        FileSpec("hold6_05_att_blocks.txt", "att", att_multiblock,
                 notes="AT&T return: voice, SMS and data blocks, each with banner, header and Total Records"),
        FileSpec("hold6_06_es_detalle.csv", "generic", spanish_detail, encoding="utf-8-sig", newline="\r\n",
                 notes="Spanish detail: BOM CRLF ;, Duración (min) 2,2833, 612 555 012, 00 44"),
        FileSpec("hold6_07_android_calllog.csv", "android", android_calllog,
                 notes="Android calllog.db via sqlite3 -csv: epoch ms, type codes 1-6, private callers"),
        FileSpec("hold6_08_ios_callhistory.csv", "ios", ios_callhistory,
                 notes="iOS ZCALLRECORD: Core Data seconds since 2001, float durations, 2 unreadable rows"),
        FileSpec("hold6_09_hipath_charges.txt", "hipath", hipath_charges, encoding="cp1252", newline="\r\n",
                 notes="HiPath-style charges: 15.07.24, German national numbers, NUL, 1 cut + 1 garbled"),
        FileSpec("hold6_10_business_edt.csv", "vonage", business_calllog_abbrev,
                 notes="business call log: 07/15/2024 02:05:07 PM EDT, '2 min 17 sec'"),
        FileSpec("hold6_11_cloudpbx_zones.csv", "cloudpbx", cloudpbx_row_zones,
                 notes="cloud PBX: timezone column per row (five zones), talk_duration_ms"),
        FileSpec("hold6_12_au_bill.csv", "generic", australian_bill, newline="\r\n",
                 notes="AU bill: Time (AEST), 0412 555 012, 0011 44, 13/1300, sub-totals"),
        FileSpec("hold6_13_br_detalhe.csv", "generic", brazil_detail, encoding="cp1252", newline="\r\n",
                 notes="Brazil detail cp1252: 00h02m17s, (11) 95555-0123, a cobrar, R$ 0,35"),
        FileSpec("hold6_14_ribbon_sbc.act", "ribbon", ribbon_sbc,
                 notes="Ribbon-style SBC STOP/ATTEMPT, no header: 13:05:07.1 GMT, durations in 10 ms units"),
        FileSpec("hold6_15_msc_32298.csv", "3gpp", mediation_32298,
                 notes="TS 32.298 MSC records decoded: hex TimeStamps +0200, SMS start in originationTime, hex LAC/CI"),
    )


HOLDOUT6 = _specs()
"""The sixth held-out group: fifteen files over fourteen families (see the module docstring)."""
