"""A fourth held-out group of the independent set: thirteen files in styles none of the 26, nor the first,
second or third held-out groups use.

Written from the public descriptions (``../shared/reference/carrier-formats.md`` sections 0, 1.1, 1.2,
1.3, 1.4, 1.6, 1.7) and, where that document says nothing, from the vendors' public manuals as generally
known (said so at each writer: Avaya Communication Manager CDR, Mitel SMDR, 3CX's call history export,
Twilio's Call resource, a German *Einzelverbindungsnachweis*); never from what raybench's readers
expect, and never used for training or tuning. :data:`HOLDOUT4` lists the files;
``write_set(..., group="holdout4")`` writes them; ``raybench evaluate --independent --holdout4`` ingests and
scores them.

What each file varies:

* T-Mobile delivered as an Excel workbook (1.2): a cover sheet of notes first, then a ``Voice`` sheet and a
  ``Messages`` sheet, stamps as text in UTC, durations as number cells, ``moc``/``mtc``/``SMSc``/``RCS-IMChat``;
* Asterisk per-accountcode file (``cdr-csv/sales.csv``, 17 columns with ``uniqueid``): ``FAILED`` and
  ``CONGESTION``, an empty ``answer`` for unanswered calls, ``amaflags`` ``BILLING``/``OMIT``, ``*97``;
* FreeSWITCH with the vanilla ``uuid, signal_bond, direction, ani, ...`` template and ``legs="b"``: no
  start stamp (``answer_stamp`` first), every row ``outbound``, two B legs never answered (no start);
* 3CX's web-client call history export (v18/v20 style): ``7/15/2024 1:05:07 PM``, ``Alice (101)`` parties,
  ``00:02:17`` ringing/talking, cp1252 (latin-1) names;
* Avaya Communication Manager customized CDR: fixed columns, no header, ``mmddyy hhmm``, ``sec-dur``
  seconds, condition codes ``0``/``7``/``9``/``A``;
* Sprint with the glossary spellings (``CALLING_NBR`` ... ``LAST CELL``) and **no duration column**
  (end - start), ``Undetermined`` roles, ``11``-prefixed voicemail numbers, SMS rows with ``0`` cells;
* a German itemised bill (EVN): ``;``, decimal commas in the charges, ``15.07.2024``, ``HH:MM:SS``
  durations, numbers masked in their last three digits (``030555012xxx``), a ``Summe`` row, cp1252;
* AT&T in two files whose date ranges overlap (the second repeats the last ten records of the first):
  ``+1`` E.164 and 10-digit numbers in one column, short codes (``611``, ``*86``), ``Item`` restarting;
* a Mitel SMDR capture: fixed columns, ``mm/dd`` without a year (the banner gives it), ``01:05P``,
  ``hh:mm:ss`` durations, ``T012`` trunks as the calling party;
* a user's own spreadsheet of a phone's call log saved as CSV with a BOM: ``7/15/2024`` ``1:05 PM``,
  numbers in five spellings, two Excel-damaged ``3.12555E+09`` numbers (lost digits: quarantined),
  duration in decimal minutes, a ``Total`` row;
* Twilio's Call resource exported to CSV: RFC 2822 stamps (``Mon, 15 Jul 2024 13:05:07 +0000``),
  ``outbound-api``/``outbound-dial``/``inbound``, ``client:`` and ``sip:`` parties, negative prices;
* a Verizon bill's call detail (1.4: billing records are minute-level, whole minutes): banner naming the
  line, ``8/14/24`` ``1:05p``, ``INCOMING, CL`` in the destination for incoming calls, ``$.25``, a subtotal
  and a total row.

Truth conventions as in :mod:`.holdout` to :mod:`.holdout3`: a tuple is the set of values accepted; a
party number a phone system writes without ``+`` is accepted in E.164 or as written; a direction the
format only implies is accepted as ``unknown`` too; where a format does not state its time zone, both the
UTC and the job-zone (Chicago) reading are accepted (the German bill: its own zone, Europe/Berlin, too).
"""

from __future__ import annotations

import io
import math
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from raybench.harness.independent.families import Draft, Line, voice_duration
from raybench.harness.independent.parties import (
    Party,
    as_written,
    from_local,
    imei,
    imsi,
    instants,
    iso_utc,
    nanp_digits,
    to_local,
    truth_row,
    us_party,
)
from raybench.harness.independent.spec import FileSpec

BERLIN = "Europe/Berlin"
"""The zone of the German bill (not stated in the file; accepted beside UTC and Chicago)."""


def _alts(*values) -> tuple:
    return tuple(dict.fromkeys(values))


def _pbx(digits10: str, style: str) -> Party:
    """A NANP number from a phone system: E.164 certain with ``+``, else E.164 or as written."""
    p = us_party(digits10, style)
    return p if p.written.startswith("+") else Party(p.written, (p.canonical, p.written))


def _either_zone(truth: dict, t: datetime, naive: datetime, *zones: str) -> None:
    """A start whose zone the format does not state: the UTC or the Chicago (or ``zones``) reading."""
    readings = [iso_utc(t), iso_utc(naive.replace(tzinfo=timezone.utc)), iso_utc(from_local(naive))]
    readings += [iso_utc(from_local(naive, z)) for z in zones]
    truth["fields"]["start_utc"] = list(dict.fromkeys(readings))


def _h12(t: datetime, sep: str = " ", seconds: bool = True, lower: bool = False, letter: bool = False) -> str:
    """``1:05:07 PM`` (no zero padding of the hour), ``1:05p``, or ``01:05P`` with ``letter``."""
    ampm = "PM" if t.hour >= 12 else "AM"
    h = t.hour % 12 or 12
    if letter:
        return f"{h:02d}:{t.minute:02d}{ampm[0]}"
    text = f"{h}:{t.minute:02d}" + (f":{t.second:02d}" if seconds else "")
    return text + sep + (ampm.lower() if lower else ampm)


def _hms(s: int) -> str:
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


# --- 01 T-Mobile workbook: cover sheet, Voice sheet, Messages sheet ---------------------------------------

@dataclass
class Workbook(Draft):
    """A draft whose file is a workbook: ``payload`` holds the XLSX bytes; the record lines (empty text)
    hold the truth in the order of the sheets' rows."""

    payload: bytes | None = None


TMO_VOICE = {"outgoing": ("mSOriginating", "moc"), "incoming": ("mSTerminating", "mtc"),
             "forwarded": ("callForwarding",)}
TMO_MSG = {"outgoing": ("mSOriginatingSMSinMSC", "SMSc", "RCS-IMChat"),
           "incoming": ("mSTerminatingSMSinMSC", "SMSc", "RCS-IMChat")}


def tmobile_workbook(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Workbook:
    """T-Mobile's production as an Excel file (carrier-formats.md 1.2: "Delivered as an Excel file", all
    times UTC, 3GPP MSC record names plus ``moc``/``mtc``/``SMSc``/``RCS-IMChat``, no cell for
    SMSc/RCS rows). Sheet 1 ``Cover``: the notes a cover sheet carries; sheet 2 ``Voice``: ``Type of Call,
    Start Date/Time (UTC), Calling Number, Called Number, Dialed Number, Duration (Seconds), IMSI, IMEI,
    1st LAC, 1st Cell ID``; sheet 3 ``Messages``: ``Type of Message, Date/Time (UTC), Sender, Recipient,
    IMSI, IMEI``. Stamps ``07/14/2024 13:05:07`` as text cells, durations as number cells, numbers as text
    ``13125550123``. Records are numbered over the Voice rows, then the Messages rows."""
    import xlsxwriter  # local: only when an XLSX is written

    wb_draft = Workbook()
    target = us_party(nanp_digits(rng), "11")
    handset_imei, handset_imsi = imei(rng), imsi(rng, "310260")
    voice, msgs = [], []
    for t in instants(rng, n, year, month):
        if rng.random() < 0.3:
            direction = rng.choice(("outgoing", "incoming"))
            msgs.append((t, direction, rng.choice(TMO_MSG[direction])))
        else:
            x = rng.random()
            direction = "forwarded" if x < 0.08 else "outgoing" if x < 0.55 else "incoming"
            voice.append((t, direction, rng.choice(TMO_VOICE[direction])))
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.set_properties({"created": datetime(year, month, 28, 9, 0, 0), "author": "Subpoena Compliance"})
    cover = book.add_worksheet("Cover")
    for r, text in enumerate((
            "T-Mobile USA, Inc. - Law Enforcement Relations", "Interpreting Call Detail Records", "",
            "All times are in UTC. T-Mobile cannot convert to the handset's local time.",
            "A requested day runs 00:00:01 to 23:59:59 UTC.",
            "Type of Call: mSOriginating / moc = outgoing voice; mSTerminating / mtc = incoming voice;",
            "callForwarding = forwarded; SMSc, RCS-IMChat = messaging (no cell site).",
            f"Target: {target.written}")):
        cover.write_string(r, 0, text)
    sheet = book.add_worksheet("Voice")
    for c, h in enumerate(("Type of Call", "Start Date/Time (UTC)", "Calling Number", "Called Number",
                           "Dialed Number", "Duration (Seconds)", "IMSI", "IMEI", "1st LAC", "1st Cell ID")):
        sheet.write_string(0, c, h)
    k = 0
    for r, (t, direction, name) in enumerate(voice, start=1):
        other = us_party(nanp_digits(rng), "11")
        caller, callee = {"outgoing": (target, other), "incoming": (other, target),
                          "forwarded": (other, us_party(nanp_digits(rng), "11"))}[direction]
        dur = voice_duration(rng)
        stamp = t.strftime("%m/%d/%Y %H:%M:%S")
        lac, cell = str(rng.randint(1000, 65000)), str(rng.randint(10000, 999999))
        for c, v in enumerate((name, stamp, caller.written, callee.written, callee.written)):
            sheet.write_string(r, c, v)
        sheet.write_number(r, 5, dur)
        for c, v in enumerate((handset_imsi, handset_imei, lac, cell), start=6):
            sheet.write_string(r, c, v)
        k += 1
        wb_draft.lines.append(Line("record", "", truth_row(
            k, stamp, start_utc=t, duration_s=dur, caller=caller.canonical, callee=callee.canonical,
            record_type="voice", direction=direction, imsi_=handset_imsi, imei_=handset_imei, cell_id=cell,
            lac=lac)))
    sheet = book.add_worksheet("Messages")
    for c, h in enumerate(("Type of Message", "Date/Time (UTC)", "Sender", "Recipient", "IMSI", "IMEI")):
        sheet.write_string(0, c, h)
    for r, (t, direction, name) in enumerate(msgs, start=1):
        other = us_party(nanp_digits(rng), "11")
        caller, callee = (target, other) if direction == "outgoing" else (other, target)
        stamp = t.strftime("%m/%d/%Y %H:%M:%S")
        for c, v in enumerate((name, stamp, caller.written, callee.written, handset_imsi, handset_imei)):
            sheet.write_string(r, c, v)
        k += 1
        wb_draft.lines.append(Line("record", "", truth_row(
            k, stamp, start_utc=t, duration_s=(0, None), caller=caller.canonical, callee=callee.canonical,
            record_type=("sms", "other") if name == "RCS-IMChat" else "sms",
            direction=(direction, "unknown") if name in ("SMSc", "RCS-IMChat") else direction,
            imsi_=handset_imsi, imei_=handset_imei)))
    book.close()
    wb_draft.payload = buf.getvalue()
    return wb_draft


# --- 02 Asterisk per-accountcode file: FAILED/CONGESTION, empty answer, amaflags ---------------------------

def asterisk_accountcode(rng: random.Random, n: int, *, year: int = 2024, month: int = 6) -> Draft:
    """Asterisk ``cdr_csv``'s per-accountcode file (``cdr-csv/sales.csv``; carrier-formats.md 1.6: no
    header, every field quoted, 17 columns with ``loguniqueid``, local ``YYYY-MM-DD HH:MM:SS``,
    dispositions ANSWERED / NO ANSWER / BUSY / FAILED / CONGESTION, ``amaflags`` DOCUMENTATION / BILLING /
    OMIT). Unanswered calls have an empty ``answer``; voicemail access ``*97``; ``Queue`` calls. The
    ``uniqueid`` begins with the epoch second of the channel's creation (the start)."""
    d = Draft(quote_all=True)
    exts = [str(2100 + k) for k in range(12)]
    names = ("Gwen Park", "Sales Desk", "Tomás Ortega", "Ian O'Neill")
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=90)):
        x = rng.random()
        ext = rng.choice(exts)
        if x < 0.45:
            direction, src, dst = "outgoing", as_written(ext), _pbx(nanp_digits(rng), rng.choice(("10", "11")))
            ctx, app = "sales-out", "Dial"
            clid = f'"{rng.choice(names)}" <{ext}>'
        elif x < 0.8:
            direction, src, dst = "incoming", _pbx(nanp_digits(rng), "10"), as_written(ext)
            ctx, app = "sales-in", rng.choice(("Dial", "Queue"))
            clid = f'"" <{src.written}>'
        elif x < 0.9:
            direction, src, dst = "internal", as_written(ext), as_written("*97")
            ctx, app = "sales-out", "VoiceMailMain"
            clid = f'"{rng.choice(names)}" <{ext}>'
        else:
            direction, src = "internal", as_written(ext)
            dst = as_written(rng.choice([e for e in exts if e != ext]))
            ctx, app = "sales-out", "Dial"
            clid = f'"{rng.choice(names)}" <{ext}>'
        disp = rng.choice(("ANSWERED",) * 6 + ("NO ANSWER", "BUSY", "FAILED", "CONGESTION"))
        if app == "VoiceMailMain":
            disp = "ANSWERED"
        ring = rng.randint(0, 25) if disp != "FAILED" else 0
        talk = voice_duration(rng) if disp == "ANSWERED" else 0
        local = to_local(t)
        stamp = (lambda u: u.strftime("%Y-%m-%d %H:%M:%S"))
        seq = rng.randint(1, 9999)
        chan = f"SIP/{ext}-{rng.getrandbits(32):08x}" if direction != "incoming" else \
            f"SIP/carrier-{rng.getrandbits(32):08x}"
        dchan = "" if disp == "FAILED" or app == "VoiceMailMain" else (
            f"SIP/carrier-{rng.getrandbits(32):08x}" if direction == "outgoing" else f"SIP/{dst.written}-"
                                                                                   f"{rng.getrandbits(32):08x}")
        lastdata = {"Dial": f"SIP/{dst.written}@carrier,45,tT" if direction == "outgoing" else f"SIP/{dst.written},30",
                    "Queue": "sales,t,,,120", "VoiceMailMain": f"{ext}@default"}[app]
        fields = ["sales", src.written, dst.written, ctx, clid, chan, dchan, app, lastdata, stamp(local),
                  stamp(local + timedelta(seconds=ring)) if talk else "",
                  stamp(local + timedelta(seconds=ring + talk)), str(ring + talk), str(talk), disp,
                  rng.choice(("BILLING", "BILLING", "DOCUMENTATION", "OMIT")), f"{int(t.timestamp())}.{seq}"]
        d.record(fields, truth_row(
            i + 1, stamp(local), start_utc=t, duration_s=_alts(talk, ring + talk), caller=src.canonical,
            callee=dst.canonical, record_type=("voicemail", "voice") if app == "VoiceMailMain" else "voice",
            direction=(direction, "unknown")))
    return d


# --- 03 FreeSWITCH uuid/signal_bond/direction/ani template, B legs only --------------------------------

def freeswitch_bleg(rng: random.Random, n: int, *, year: int = 2024, month: int = 8) -> Draft:
    """FreeSWITCH ``mod_cdr_csv`` with the vanilla template that begins ``uuid, signal_bond, direction,
    ani`` (carrier-formats.md 1.7; the rest of it as in the vanilla ``cdr_csv.conf.xml``: ``destination_number,
    answer_stamp, end_stamp, billsec, accountcode, userfield, network_addr``, the caller name's first
    letter, ``sip_gateway_name``) and ``legs="b"`` (1.7: ``a``, ``b`` or ``ab``): only B legs, so every row's
    channel ``direction`` is ``outbound`` and ``signal_bond`` names the A leg. The template has no
    ``start_stamp``: the start is ``answer_stamp`` (local, 1.7), empty on the two legs never answered
    (no start: quarantined)."""
    d = Draft(quote_all=True)
    users = [str(1100 + k) for k in range(10)]
    never = set(rng.sample(range(n), 2))
    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        if x < 0.5:
            direction, gw = "outgoing", "carrier_a"
            src, dst = as_written(rng.choice(users)), _pbx(nanp_digits(rng), rng.choice(("11", "plus")))
        elif x < 0.85:
            direction, gw = "incoming", ""
            src, dst = _pbx(nanp_digits(rng), "plus"), as_written(rng.choice(users))
        else:
            direction, gw = "internal", ""
            src = as_written(rng.choice(users))
            dst = as_written(rng.choice([u for u in users if u != src.written]))
        local = to_local(t)
        answered = i not in never
        talk = voice_duration(rng) if answered else 0
        end = local + timedelta(seconds=talk if answered else rng.randint(5, 30))
        answer_txt = local.strftime("%Y-%m-%d %H:%M:%S") if answered else ""
        name = rng.choice(("Marta", "Olu", "Kenji", "", "Priya"))
        fields = [str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                  str(uuid.UUID(int=rng.getrandbits(128), version=4)), "outbound", src.written, dst.written,
                  answer_txt, end.strftime("%Y-%m-%d %H:%M:%S"), str(talk), "default", "",
                  f"10.0.{rng.randint(0, 9)}.{rng.randint(2, 250)}", name[:1], gw]
        tr = truth_row(i + 1, answer_txt or None, start_utc=t, duration_s=talk, caller=src.canonical,
                       callee=dst.canonical, record_type="voice", direction=(direction, "unknown"))
        if not answered:
            tr.update(expect="quarantine", why="no start (a B leg never answered; the template has no start_stamp)")
        d.record(fields, tr)
    return d


# --- 04 3CX call history export ------------------------------------------------------------------------

THREECX_USERS = {"101": "Alice Moreau", "102": "José Muñoz", "103": "Zoë Adler", "104": "Søren Holm",
                 "105": "Front Desk"}


def threecx_history(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """3CX's call history / call log export from the web client (v18/v20 style; not in carrier-formats.md,
    written from the export as generally seen): header ``Call Time,Call ID,From,To,Direction,Status,
    Ringing,Talking,Cost,Call Activity Details``, ``7/15/2024 1:05:07 PM`` in the server's local time (not
    stated), parties ``Alice Moreau (101)`` or ``+13125550123`` or ``WIRELESS CALLER (+13125550123)``,
    ``Inbound``/``Outbound``/``Internal``, ``Answered``/``Unanswered``, ``00:00:07``/``00:02:17``, ``$0.00``,
    activity text with commas. Saved on Windows in cp1252."""
    d = Draft()
    d.junk_row(["Call Time", "Call ID", "From", "To", "Direction", "Status", "Ringing", "Talking", "Cost",
                "Call Activity Details"])

    def user(ext: str) -> Party:
        text = f"{THREECX_USERS[ext]} ({ext})"
        return Party(text, (text, ext))

    call_id = rng.randint(20000, 90000)
    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        ext = rng.choice(list(THREECX_USERS))
        if x < 0.45:
            direction, word = "outgoing", "Outbound"
            src, dst = user(ext), us_party(nanp_digits(rng), "plus")
        elif x < 0.85:
            direction, word = "incoming", "Inbound"
            p = us_party(nanp_digits(rng), "plus")
            src = Party(f"WIRELESS CALLER ({p.written})", (p.canonical, f"WIRELESS CALLER ({p.written})")) \
                if rng.random() < 0.3 else p
            dst = user(ext)
        else:
            direction, word = "internal", "Internal"
            src, dst = user(ext), user(rng.choice([e for e in THREECX_USERS if e != ext]))
        answered = rng.random() < 0.8
        ring = rng.randint(1, 25)
        talk = voice_duration(rng) if answered else 0
        local = to_local(t)
        stamp = f"{local.month}/{local.day}/{local.year} {_h12(local)}"
        detail = (f"{word}: {src.written} -> {dst.written}, " + ("answered" if answered else "not answered")
                  + f", {ring}s ringing")
        fields = [stamp, str(call_id + i), src.written, dst.written, word, "Answered" if answered else "Unanswered",
                  _hms(ring), _hms(talk), "$0.00", detail]
        tr = truth_row(i + 1, stamp, start_utc=t, duration_s=_alts(talk, ring + talk), caller=src.canonical,
                       callee=dst.canonical, record_type="voice", direction=direction)
        _either_zone(tr, t, local)
        d.record(fields, tr)
    return d


# --- 05 Avaya Communication Manager customized CDR --------------------------------------------------------

AVAYA_COND = {"internal": "0", "outgoing": "7", "incoming": "9", "outgoing_tac": "A"}


def avaya_cm_cdr(rng: random.Random, n: int, *, year: int = 2024, month: int = 5) -> Draft:
    """Avaya Communication Manager CDR in a customized record (not in carrier-formats.md; the field names
    are CM's ``change system-parameters cdr`` ones as generally known): fixed columns, no header, one line
    per call as the CDR link streams them: ``date`` (``mmddyy``), ``time`` (``hhmm``, switch local), ``sec-dur``
    (5 digits, seconds), ``cond-code`` (``0`` intraswitch, ``7`` outgoing by ARS, ``9`` incoming, ``A``
    outgoing by trunk access code), ``code-dial``, ``code-used``, ``in-trk-code``, ``dialed-num`` (18),
    ``calling-num`` (15), ``frl``. CRLF."""
    d = Draft()
    exts = [str(rng.randint(30000, 39999)) for _ in range(8)]
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=150)):
        local = to_local(t).replace(second=0)
        x = rng.random()
        ext = rng.choice(exts)
        dur = voice_duration(rng)
        if x < 0.4:
            kind, direction = "outgoing", "outgoing"
            digits = nanp_digits(rng)
            dialed, calling = "1" + digits, ext
            callee, caller = Party(dialed, ("+1" + digits, dialed)), as_written(ext)
            code_dial, code_used, in_trk = "9", "0101", ""
        elif x < 0.5:
            kind, direction = "outgoing_tac", "outgoing"
            digits = nanp_digits(rng)
            dialed, calling = digits, ext
            callee, caller = Party(digits, ("+1" + digits, digits)), as_written(ext)
            code_dial, code_used, in_trk = "102", "0102", ""
        elif x < 0.85:
            kind, direction = "incoming", "incoming"
            digits = nanp_digits(rng)
            dialed, calling = ext, digits
            callee, caller = as_written(ext), Party(digits, ("+1" + digits, digits))
            code_dial, code_used, in_trk = "", "", "0201"
        else:
            kind, direction = "internal", "internal"
            other = rng.choice([e for e in exts if e != ext])
            dialed, calling = other, ext
            callee, caller = as_written(other), as_written(ext)
            code_dial, code_used, in_trk = "", "", ""
        date_txt, time_txt = local.strftime("%m%d%y"), local.strftime("%H%M")
        text = (f"{date_txt} {time_txt} {dur:05d} {AVAYA_COND[kind]} {code_dial:<4} {code_used:<4} {in_trk:<4} "
                f"{dialed:<18} {calling:<15} {rng.randint(0, 7)}")
        tr = truth_row(i + 1, f"{date_txt} {time_txt}", start_utc=from_local(local), duration_s=dur,
                       caller=caller.canonical, callee=callee.canonical, record_type="voice",
                       direction=(direction, "unknown"))
        _either_zone(tr, from_local(local), local)
        d.record([], tr, text=text)
    return d


# --- 06 Sprint glossary spellings, no duration column --------------------------------------------------

SPRINT_MR = {"outgoing": "Outgoing", "incoming": "Incoming", "forwarded": "Routed", "unknown": "Undetermined"}


def sprint_no_duration(rng: random.Random, n: int, *, year: int = 2024, month: int = 4) -> Draft:
    """Sprint with the glossary spellings of carrier-formats.md 1.3 (``CALLING_NBR, CALLED_NBR,
    DIALED_DIGITS, M_R, START_DATE, END_DATE, NEID, REPOLL, 1ST CELL, LAST CELL``) and no ``Duration``
    column (a return cut to the glossary's list): the duration is END - START. Roles as words including
    ``Undetermined`` (1.3: "outgoing / incoming / routed / undetermined"); a called number prefixed ``11``
    rolled to voicemail (1.3); SMS rows mixed in with ``0`` in both cell columns and START = END (1.3,
    the practitioner blog). Stamps ``04/15/2024 08:05:07``, zone not stated. Cells sector + cell (1.3)."""
    d = Draft()
    d.junk_row(["CALLING_NBR", "CALLED_NBR", "DIALED_DIGITS", "M_R", "START_DATE", "END_DATE", "NEID", "REPOLL",
                "1ST CELL", "LAST CELL"])
    target = nanp_digits(rng)
    neid = str(rng.randint(10, 99))
    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        other = nanp_digits(rng)
        sms = x < 0.2
        if sms:
            direction = rng.choice(("outgoing", "incoming"))
        else:
            direction = "outgoing" if x < 0.55 else "incoming" if x < 0.85 else "forwarded" if x < 0.93 else "unknown"
        vm = direction == "forwarded" and rng.random() < 0.6
        if direction in ("outgoing", "unknown"):
            calling, called = target, other
        else:
            calling, called = other, target
        called_txt = ("11" + called) if vm else called
        dur = 0 if sms else voice_duration(rng)
        local = to_local(t)
        start_txt = local.strftime("%m/%d/%Y %H:%M:%S")
        end_txt = (local + timedelta(seconds=dur)).strftime("%m/%d/%Y %H:%M:%S")
        if sms:
            first = last = "0"
        else:
            cell = rng.randint(100, 999)
            first, last = f"{rng.randint(1, 3)}{cell}", f"{rng.randint(1, 3)}{cell}"
        fields = [calling, called_txt, "" if direction == "incoming" else called_txt, SPRINT_MR[direction],
                  start_txt, end_txt, neid, str(rng.randint(1, 30)), first, last]
        callee = ("+1" + called, "11" + called) if vm else ("+1" + called, called)
        tr = truth_row(i + 1, start_txt, start_utc=t, duration_s=dur, caller=("+1" + calling, calling),
                       callee=callee, record_type=("sms", "voice", "unknown") if sms else (
                           ("voicemail", "voice") if vm else "voice"),
                       direction=(direction, "unknown"),
                       cell_id=(None, "0") if sms else (first, first[1:]), lac=(None, neid))
        _either_zone(tr, t, local)
        d.record(fields, tr)
    return d


# --- 07 German itemised bill (EVN): ';', decimal commas, masked numbers ----------------------------------

EVN_KINDS = (("Inland", "30"), ("Inland", "40"), ("Mobilfunk", "151"), ("Mobilfunk", "172"), ("Ausland", "0044"),
             ("Sonderrufnr.", "800"))


def german_evn(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """A German landline bill's itemised list (*Einzelverbindungsnachweis*, not in carrier-formats.md;
    as printed by German carriers): a banner naming the line, header ``Datum;Uhrzeit;Dauer;Zielrufnummer;
    Verbindungsart;Tarif;Betrag (EUR)``, ``15.07.2024;13:05:07;00:02:17`` in German local time (not stated),
    charges with decimal commas (``0,12``), the called number shortened by its last three digits
    (``030555012xxx``) when the customer asked for a shortened list, SMS rows without a duration, a
    ``Summe`` row and an empty line at the end. cp1252 (``für``, ``Gespräche``). Only outgoing calls are
    billed."""
    d = Draft(delim=";")
    own = f"30555{rng.randint(100, 199):04d}"
    d.junk(f"Einzelverbindungsnachweis für Anschluss 0{own[:2]} {own[2:]};;;;;;")
    d.junk(f"Rechnungsmonat {month:02d}/{year}; Gespräche und SMS;;;;;")
    d.junk_row(["Datum", "Uhrzeit", "Dauer", "Zielrufnummer", "Verbindungsart", "Tarif", "Betrag (EUR)"])
    masked = True  # the customer asked for a shortened list: three in four rows are shortened
    total_cents = 0
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=300)):
        local = to_local(t, BERLIN)
        kind, prefix = rng.choice(EVN_KINDS)
        sms = rng.random() < 0.15
        if sms:
            kind, prefix = "SMS", rng.choice(("151", "172"))
        national = prefix + "555" + f"{rng.randint(1000, 1999):04d}" if not prefix.startswith("00") else None
        if national is None:
            written = f"0044207946{rng.randint(1000, 1999):04d}"
            canon = ("+44" + written[4:], written)
        else:
            written = "0" + national
            canon = ("+49" + national, written)
        if masked and rng.random() < 0.75:
            written = written[:-3] + "xxx"
            canon = (written,)
        dur = 0 if sms else voice_duration(rng)
        cents = 9 if sms else max(1, round(dur / 60 * (29 if kind == "Mobilfunk" else 149 if kind == "Ausland"
                                                           else 4)))
        if kind == "Sonderrufnr.":
            cents = 0
        total_cents += cents
        date_txt, time_txt = local.strftime("%d.%m.%Y"), local.strftime("%H:%M:%S")
        fields = [date_txt, time_txt, "" if sms else _hms(dur), written, kind,
                  rng.choice(("Standard", "Nebenzeit", "Hauptzeit")), f"{cents // 100},{cents % 100:02d}"]
        tr = truth_row(i + 1, f"{date_txt} {time_txt}", start_utc=t, duration_s=(0, None) if sms else dur,
                       caller=(None, "+49" + own, "0" + own), callee=canon, record_type="sms" if sms else "voice",
                       direction=("outgoing", "unknown"))
        _either_zone(tr, t, local, BERLIN)
        d.record(fields, tr)
    d.junk(f"Summe;;;;;;{total_cents // 100},{total_cents % 100:02d}")
    d.junk("")
    return d


# --- 08/09 AT&T in two files with an overlap -------------------------------------------------------------

ATT_HEADER = ["Item", "Conn. Date", "Conn. Time (UTC)", "Seizure Time", "ET", "Originating Number",
              "Terminating Number", "IMEI", "IMSI", "Desc", "Cell Location"]
ATT_WORDS = {"outgoing": "MO", "incoming": "MT", "forwarded": "CF"}


def _att_rows(rng: random.Random, times: list[datetime], target: Party, handset: tuple[str, str]) -> list:
    """(fields without Item, truth kwargs) of AT&T voice/SMS records at ``times``."""
    rows = []
    for t in times:
        x = rng.random()
        if x < 0.06:  # a short code: customer care, voicemail
            code = rng.choice(("611", "*86"))
            other = as_written(code)
            rtype, direction = "voice", "outgoing"
        else:
            other = us_party(nanp_digits(rng), rng.choice(("10", "plus")))
            rtype = "sms" if x < 0.25 else "voice"
            direction = rng.choice(("outgoing", "incoming")) if rtype == "sms" or x < 0.9 else "forwarded"
        if direction == "forwarded":
            caller, callee = other, us_party(nanp_digits(rng), "10")
        else:
            caller, callee = (target, other) if direction == "outgoing" else (other, target)
        dur = 0 if rtype == "sms" else voice_duration(rng)
        date_txt, time_txt = t.strftime("%m/%d/%Y"), t.strftime("%H:%M:%S")
        desc = ("SMS " if rtype == "sms" else "Voice ") + ATT_WORDS[direction]
        cell = "" if rtype == "sms" else f"{rng.randint(1000, 65000)}-{rng.randint(100, 99999)}"
        fields = [date_txt, time_txt, str(rng.randint(0, 9)), f"{dur // 60}:{dur % 60:02d}", caller.written,
                  callee.written, handset[0], handset[1], desc, cell]
        kw = dict(start_utc=t, duration_s=(0, None) if rtype == "sms" else dur, caller=caller.canonical,
                  callee=callee.canonical, record_type=rtype, direction=direction, imei_=handset[0],
                  imsi_=handset[1], cell_id=(cell, cell.split("-")[1]) if cell else None,
                  lac=(None, cell.split("-")[0]) if cell else None)
        rows.append((fields, f"{date_txt} {time_txt}", kw))
    return rows


def _att_overlap() -> tuple[Party, tuple[str, str], list]:
    """The subscriber, handset and the ten records both AT&T files hold (the same for every seed: the two
    exports were cut from one account's history)."""
    rng = random.Random("hold4 att overlap")
    target = us_party(nanp_digits(rng), "10")
    handset = (imei(rng), imsi(rng, "310410"))
    start = datetime(2024, 9, 22, 0, 30, 0, tzinfo=timezone.utc)
    times = [start + timedelta(minutes=47 * k + rng.randint(0, 30), seconds=rng.randint(0, 59)) for k in range(10)]
    return target, handset, _att_rows(rng, times, target, handset)


def _att_draft(rows: list) -> Draft:
    d = Draft()
    d.junk_row(ATT_HEADER)
    for k, (fields, key, kw) in enumerate(rows, start=1):
        d.record([str(k)] + fields, truth_row(k, key, **kw))
    return d


def att_first_export(rng: random.Random, n: int) -> Draft:
    """AT&T Mobility voice/SMS (carrier-formats.md 1.1: ``Item`` per leg, ``Conn. Date``, ``Conn. Time
    (UTC)`` 24 h, ``Seizure Time``, ``ET`` ``M:SS`` with minutes counting on, blank cells normal): one
    column mixes 10-digit and ``+1`` numbers (VoLTE legs) and short codes (``611``, ``*86``). The export
    covers September 13-22; its last ten records are also the first ten of :func:`att_second_export`."""
    target, handset, overlap = _att_overlap()
    times = []
    t = datetime(2024, 9, 13, rng.randint(0, 10), rng.randint(0, 59), rng.randint(0, 59), tzinfo=timezone.utc)
    for _ in range(n - len(overlap)):
        times.append(t)
        t += timedelta(seconds=200 + rng.randint(0, 3 * 3600))
    assert times[-1] < overlap[0][2]["start_utc"], "own records run past the overlap"
    return _att_draft(_att_rows(rng, times, target, handset) + overlap)


def att_second_export(rng: random.Random, n: int) -> Draft:
    """The second AT&T export of the same line (September 22-30), asked for with an overlapping range: its
    first ten records repeat the last ten of :func:`att_first_export` (stored in each file; a copy across
    files, not within one); ``Item`` restarts at 1; two total lines after the table."""
    target, handset, overlap = _att_overlap()
    times = []
    t = overlap[-1][2]["start_utc"] + timedelta(hours=2)
    for _ in range(n - len(overlap)):
        t += timedelta(seconds=200 + rng.randint(0, 4 * 3600))
        times.append(t)
    d = _att_draft(overlap + _att_rows(rng, times, target, handset))
    d.junk_row([f"Total Items: {n}"] + [""] * 10)
    d.junk_row(["AT&T Proprietary (Internal Use Only)"] + [""] * 10)
    return d


# --- 10 Mitel SMDR --------------------------------------------------------------------------------------

def mitel_smdr(rng: random.Random, n: int, *, year: int = 2024, month: int = 10) -> Draft:
    """A Mitel SMDR capture (not in carrier-formats.md; the SX-200 / MiVoice SMDR record as generally
    known): fixed columns ``mm/dd`` with no year, the start ``hh:mm`` with ``A``/``P`` (12 h), the duration
    ``hh:mm:ss``, the calling party (an extension, or ``T012`` for a trunk on incoming calls), time to
    answer (``***`` when not answered), the digits dialed, the completion code, the called party on
    incoming calls. The capture program's banner names the period, so the year is stated once."""
    d = Draft()
    d.junk(f"SMDR CAPTURE  PBX-MAIN  PERIOD {month:02d}/{year}")
    d.junk("")
    exts = [str(rng.randint(2200, 2299)) for _ in range(8)]
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=150)):
        local = to_local(t).replace(second=0)
        x = rng.random()
        ext = rng.choice(exts)
        trunk = f"T{rng.randint(1, 24):03d}"
        dur = voice_duration(rng)
        if x < 0.45:
            direction = "outgoing"
            digits = nanp_digits(rng)
            calling, dialed, called, tta = ext, "9" + digits, "", "   "
            caller, callee = as_written(ext), Party("9" + digits, ("+1" + digits, "9" + digits, digits))
        elif x < 0.85:
            direction = "incoming"
            calling, dialed, called = trunk, "", ext
            answered = rng.random() < 0.85
            tta = f"{rng.randint(1, 40):03d}" if answered else "***"
            dur = dur if answered else 0
            caller, callee = Party(trunk, (trunk, None)), as_written(ext)
        else:
            direction = "internal"
            other = rng.choice([e for e in exts if e != ext])
            calling, dialed, called, tta = ext, other, "", "   "
            caller, callee = as_written(ext), as_written(other)
        date_txt, time_txt = local.strftime("%m/%d"), _h12(local, letter=True)
        text = (f" {date_txt} {time_txt} {_hms(dur)} {calling:<5} {tta} {dialed:<26} {'A' if dur else ' '}"
                f" {called:<5}")
        tr = truth_row(i + 1, f"{date_txt} {time_txt}", start_utc=from_local(local), duration_s=dur,
                       caller=caller.canonical, callee=callee.canonical, record_type="voice",
                       direction=(direction, "unknown"))
        _either_zone(tr, from_local(local), local)
        d.record([], tr, text=text)
    return d


# --- 11 a phone's call log in a user's spreadsheet --------------------------------------------------------

def _sci(digits: str) -> str:
    """A number as a spreadsheet shows it in a General cell too narrow: 6 significant digits."""
    mant = f"{int(digits) / 10 ** (len(digits) - 1):.5f}"
    return f"{mant}E+{len(digits) - 1:02d}"


def phone_log_sheet(rng: random.Random, n: int, *, year: int = 2024, month: int = 6) -> Draft:
    """A phone's call log copied into a spreadsheet by its owner and saved as "CSV UTF-8" (a BOM): header
    ``Date,Time,Contact,Number,Type,Duration (min)``, ``6/15/2024`` and ``1:05 PM`` (local, not stated),
    numbers in five spellings (``(312) 555-0123``, ``+1 312-555-0123``, ``312.555.0123``, ``3125550123``,
    ``1-312-555-0123``), two numbers damaged by the spreadsheet into ``3.12555E+09`` (digits lost:
    quarantined), durations in minutes with two decimals, ``Missed`` calls with 0, a ``Total`` row and an
    empty line at the end. The owner's own number is not in the file."""
    d = Draft()
    d.junk_row(["Date", "Time", "Contact", "Number", "Type", "Duration (min)"])
    contacts = ("Zoë Müller", "Mom", "Dr. Okafor's office", "", "Łukasz", "Plumber - Ray")
    lossy = set(rng.sample(range(n), 2))
    total = 0.0
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=120)):
        local = to_local(t).replace(second=0)
        digits = nanp_digits(rng)
        style = rng.choice(("paren", "plus_sp", "dot", "10", "dash1"))
        written = {"paren": f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
                   "plus_sp": f"+1 {digits[:3]}-{digits[3:6]}-{digits[6:]}",
                   "dot": f"{digits[:3]}.{digits[3:6]}.{digits[6:]}", "10": digits,
                   "dash1": f"1-{digits[:3]}-{digits[3:6]}-{digits[6:]}"}[style]
        x = rng.random()
        kind = "Outgoing" if x < 0.45 else "Incoming" if x < 0.85 else "Missed"
        dur = 0 if kind == "Missed" else voice_duration(rng)
        minutes = round(dur / 60, 2)
        total += minutes
        date_txt, time_txt = f"{local.month}/{local.day}/{local.year}", _h12(local, seconds=False)
        tr_party = "+1" + digits
        if i in lossy:
            written = _sci(digits)
        fields = [date_txt, time_txt, rng.choice(contacts), written, kind, f"{minutes:.2f}"]
        caller, callee = (None, tr_party) if kind == "Outgoing" else (tr_party, None)
        secs = minutes * 60
        tr = truth_row(i + 1, f"{date_txt} {time_txt}", start_utc=from_local(local),
                       duration_s=_alts(dur, round(secs), math.floor(secs), math.ceil(secs)),
                       caller=caller, callee=callee, record_type="voice",
                       direction="outgoing" if kind == "Outgoing" else "incoming")
        _either_zone(tr, from_local(local), local)
        if i in lossy:
            tr.update(expect="quarantine", why="number lost digits (spreadsheet scientific notation)")
        d.record(fields, tr)
    d.junk_row(["Total", "", "", "", "", f"{total:.2f}"])
    d.junk_row([""] * 6)
    return d


# --- 12 Twilio Call resource as CSV ----------------------------------------------------------------------

TWILIO_DIR = {"incoming": "inbound", "outgoing": ("outbound-api", "outbound-dial")}
RFC2822_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
RFC2822_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _rfc2822(t: datetime) -> str:
    return (f"{RFC2822_DAYS[t.weekday()]}, {t.day:02d} {RFC2822_MONTHS[t.month - 1]} {t.year} "
            f"{t:%H:%M:%S} +0000")


def twilio_calls(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """Twilio's Call resource listed and saved as CSV (not in carrier-formats.md; the field names of
    Twilio's REST API ``Calls`` list as publicly documented, in PascalCase): ``Sid, DateCreated,
    DateUpdated, ParentCallSid, AccountSid, To, ToFormatted, From, FromFormatted, PhoneNumberSid, Status,
    StartTime, EndTime, Duration, Price, PriceUnit, Direction, AnsweredBy, ApiVersion, ForwardedFrom,
    CallerName, Uri``; stamps RFC 2822 in UTC (``Mon, 15 Jul 2024 13:05:07 +0000``); ``Duration`` seconds;
    ``Status`` completed / busy / no-answer / failed / canceled; ``Direction`` inbound / outbound-api /
    outbound-dial; browser clients as ``client:alice`` and SIP endpoints as ``sip:...``. CRLF."""
    d = Draft()
    d.junk_row(["Sid", "DateCreated", "DateUpdated", "ParentCallSid", "AccountSid", "To", "ToFormatted", "From",
                "FromFormatted", "PhoneNumberSid", "Status", "StartTime", "EndTime", "Duration", "Price",
                "PriceUnit", "Direction", "AnsweredBy", "ApiVersion", "ForwardedFrom", "CallerName", "Uri"])
    account = "AC" + f"{rng.getrandbits(128):032x}"
    own = us_party(nanp_digits(rng), "plus")
    clients = ("client:alice", "client:support_bot", "sip:frontdesk@acme-demo.sip.twilio.com")

    def sid(prefix: str) -> str:
        return prefix + f"{rng.getrandbits(128):032x}"

    def formatted(p: Party) -> str:
        w = p.written
        return f"({w[2:5]}) {w[5:8]}-{w[8:]}" if w.startswith("+1") and len(w) == 12 else w

    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        if x < 0.45:
            direction, word = "incoming", "inbound"
            src, dst = us_party(nanp_digits(rng), "plus"), own
        elif x < 0.9:
            direction, word = "outgoing", rng.choice(TWILIO_DIR["outgoing"])
            src, dst = own, us_party(nanp_digits(rng), "plus")
        else:
            direction, word = "outgoing", "outbound-dial"
            src, dst = own, as_written(rng.choice(clients))
        status = rng.choice(("completed",) * 6 + ("busy", "no-answer", "failed", "canceled"))
        dur = voice_duration(rng) if status == "completed" else 0
        end = t + timedelta(seconds=dur or rng.randint(3, 30))
        price = f"-{0.0085 * max(1, math.ceil(dur / 60)):.5f}" if dur else ""
        call_sid = sid("CA")
        fields = [call_sid, _rfc2822(t - timedelta(seconds=1)), _rfc2822(end + timedelta(seconds=1)),
                  sid("CA") if word == "outbound-dial" else "", account, dst.written, formatted(dst), src.written,
                  formatted(src), sid("PN") if direction == "incoming" else "", status,
                  _rfc2822(t), _rfc2822(end), str(dur), price, "USD", word,
                  rng.choice(("", "human", "machine_start")) if word == "outbound-api" else "", "2010-04-01", "",
                  rng.choice(("", "WIRELESS CALLER", "MÜLLER JOSÉ")) if direction == "incoming" else "",
                  f"/2010-04-01/Accounts/{account}/Calls/{call_sid}.json"]
        d.record(fields, truth_row(
            i + 1, _rfc2822(t), start_utc=t, duration_s=dur, caller=src.canonical, callee=dst.canonical,
            record_type="voice", direction=(direction, "unknown")))
    return d


# --- 13 Verizon bill call detail: INCOMING, CL, subtotal and total -----------------------------------------

VZW_PLACES = ("CHICAGO, IL", "EVANSTON, IL", "NEW YORK, NY", "HOUSTON, TX", "DENVER, CO", "TOLL FREE, CL")


def verizon_bill_detail(rng: random.Random, n: int, *, year: int = 2024, month: int = 8) -> Draft:
    """A Verizon bill's call detail for one line saved as CSV (carrier-formats.md 1.4: billing records have
    minute-level start times and minute-rounded durations, no cell site; money with a leading ``.``
    (``$.25``); phones ``NXX-NXX-XXXX``): two banner lines naming the account and the line, header
    ``Date,Time,Number,Originating Location,Destination,Min,Airtime Charges,LD/Other Charges,Total``,
    ``8/14/24`` and ``1:05p`` (local), the far number, ``INCOMING, CL`` as the destination of incoming calls
    and ``VOICE MAIL`` for ``*86``, a ``Subtotal`` and a ``Total`` row."""
    d = Draft()
    line = nanp_digits(rng)
    line_txt = f"{line[:3]}-{line[3:6]}-{line[6:]}"
    d.junk_row([f"Account: {rng.randint(100000000, 999999999)}-00001", "", "", "", "", "", "", "", ""])
    d.junk_row([f"Call Detail for {line_txt}", "", "", "", "", "", "", "", ""])
    d.junk_row(["Date", "Time", "Number", "Originating Location", "Destination", "Min", "Airtime Charges",
                "LD/Other Charges", "Total"])
    total_min, total_cents = 0, 0
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=180)):
        local = to_local(t).replace(second=0)
        x = rng.random()
        dur_min = max(1, math.ceil(voice_duration(rng) / 60))
        if x < 0.06:
            direction, num = "outgoing", as_written("*86")
            dest, rtype = "VOICE MAIL", ("voicemail", "voice")
        elif x < 0.5:
            digits = nanp_digits(rng)
            direction, num = "outgoing", Party(f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", "+1" + digits)
            dest, rtype = rng.choice(VZW_PLACES), "voice"
        else:
            digits = nanp_digits(rng)
            direction, num = "incoming", Party(f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", "+1" + digits)
            dest, rtype = "INCOMING, CL", "voice"
        cents = rng.choice((0, 0, 0, 25, 99)) if direction == "outgoing" else 0
        total_min += dur_min
        total_cents += cents
        money = (lambda c: f"${c // 100 or ''}.{c % 100:02d}")
        date_txt = f"{local.month}/{local.day}/{local.year % 100:02d}"
        time_txt = _h12(local, sep="", seconds=False, lower=True)
        fields = [date_txt, time_txt, num.written, "CHICAGO, IL", dest, str(dur_min), money(cents), "$.00",
                  money(cents)]
        me = ("+1" + line, None)
        caller, callee = (me, num.canonical) if direction == "outgoing" else (num.canonical, me)
        tr = truth_row(i + 1, f"{date_txt} {time_txt}", start_utc=from_local(local), duration_s=dur_min * 60,
                       caller=caller, callee=callee, record_type=rtype, direction=(direction, "unknown"))
        _either_zone(tr, from_local(local), local)
        d.record(fields, tr)
    d.junk_row([f"Subtotal for {line_txt}", "", "", "", "", str(total_min), f"${total_cents / 100:.2f}", "$.00",
                f"${total_cents / 100:.2f}"])
    d.junk_row(["Total", "", "", "", "", str(total_min), f"${total_cents / 100:.2f}", "$.00",
                f"${total_cents / 100:.2f}"])
    return d


def _specs() -> tuple[FileSpec, ...]:
    return (
        FileSpec("hold4_01_tmo_workbook.xlsx", "tmobile", tmobile_workbook,
                 notes="T-Mobile XLSX: cover sheet, Voice + Messages sheets, text stamps UTC, moc/SMSc/RCS"),
        FileSpec("hold4_02_ast_sales.csv", "asterisk", asterisk_accountcode,
                 notes="Asterisk per-accountcode 17 cols: FAILED/CONGESTION, empty answer, amaflags, *97"),
        FileSpec("hold4_03_fs_bleg.csv", "freeswitch", freeswitch_bleg,
                 notes="FreeSWITCH uuid/signal_bond/direction/ani template, B legs only, no start_stamp"),
        FileSpec("hold4_04_3cx_history.csv", "3cx", threecx_history, encoding="cp1252", newline="\r\n",
                 notes="3CX call history export: 7/15/2024 1:05:07 PM, 'Name (101)', HH:MM:SS, cp1252"),
        FileSpec("hold4_05_avaya_cm.txt", "avaya", avaya_cm_cdr, newline="\r\n",
                 notes="Avaya CM customized CDR: fixed, no header, mmddyy hhmm, sec-dur, cond codes"),
        FileSpec("hold4_06_spr_noduration.csv", "sprint", sprint_no_duration,
                 notes="Sprint glossary headers, no duration column, Undetermined, 11 voicemail, SMS 0 cells"),
        FileSpec("hold4_07_de_evn.csv", "generic", german_evn, encoding="cp1252", newline="\r\n",
                 notes="German EVN ';' decimal commas, DD.MM.YYYY, HH:MM:SS, masked numbers xxx, Summe row"),
        FileSpec("hold4_08_att_part1.csv", "att", att_first_export,
                 notes="AT&T export 1 of 2: +1 and 10-digit mixed, short codes, M:SS"),
        FileSpec("hold4_09_att_part2.csv", "att", att_second_export, newline="\r\n",
                 notes="AT&T export 2 of 2: first 10 records repeat part 1, Item restarts, total lines"),
        FileSpec("hold4_10_mitel_smdr.txt", "mitel", mitel_smdr,
                 notes="Mitel SMDR: mm/dd no year (banner), 01:05P, hh:mm:ss, T012 trunks"),
        FileSpec("hold4_11_phone_log.csv", "userlog", phone_log_sheet, encoding="utf-8-sig", newline="\r\n",
                 notes="user call-log sheet: BOM, 1:05 PM, 5 number spellings, 2 x 3.12555E+09, minutes"),
        FileSpec("hold4_12_twilio_calls.csv", "twilio", twilio_calls, newline="\r\n",
                 notes="Twilio Calls CSV: RFC 2822 stamps, outbound-api/dial, client:/sip: parties"),
        FileSpec("hold4_13_vzw_bill.csv", "verizon", verizon_bill_detail,
                 notes="Verizon bill detail: 8/14/24 1:05p, INCOMING, CL, $.25, subtotal + total rows"),
    )


HOLDOUT4 = _specs()
"""The fourth held-out group: thirteen files over twelve families (see the module docstring)."""
