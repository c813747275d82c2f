"""A second held-out group of the independent set: twelve files in styles neither the 26 nor the first
held-out twelve use.

Written from public descriptions only: ``../shared/reference/carrier-formats.md`` (sections 0, 1.1 to 1.8),
Avaya's IP Office / B5800 SMDR field list and examples (``Call Start`` ``YYYY/MM/DD HH:MM:SS``,
``Connected Time`` ``HH:MM:SS``, ``Ring Time`` seconds, ``Direction`` I/O with ``Is Internal``, a
``Continuation`` flag and one ``Call ID`` over the records of a transferred call), 3CX's published CDR
field list (``historyid`` ... ``missed-queue-calls``, 27 fields, no header) and the FreeSWITCH vanilla
``cdr_csv.conf.xml`` ``example`` template; never from what raybench's readers expect, and never used for
training or tuning. :data:`HOLDOUT2` lists the files; ``write_set(..., group="holdout2")`` writes them;
``raybench evaluate --independent --holdout2`` ingests and scores them.

What each file varies:

* Sprint with ``START_DATE``/``END_DATE`` as epoch milliseconds (UTC by construction);
* T-Mobile Netherlands: ``;``, ``dd/mm/yyyy HH:MM:SS`` (UTC), a banner naming the region, Dutch national
  numbers with a trunk 0, MSISDNs as ``316...`` without ``+``;
* AT&T with ``Conn. Time (UTC)`` as ``13.05.07`` (dots);
* AT&T with one ``Conn. Date/Time`` column in ISO 8601 with an offset ``-05:00`` in January (neither UTC
  nor the job's zone: only the offset gives the instant);
* Verizon with a totals block in the middle (two lines of the account, each followed by its totals);
* Asterisk ``cdr_custom`` with ``;`` and ``CSV_QUOTE``: quoted fields holding commas (``"Müller, Jürgen"``
  in the clid, ``Dial`` arguments) and Windows-1252 names;
* Avaya IP Office SMDR as captured by a logger (two logger lines and the field names it adds),
  continuation records of transferred calls;
* 3CX CDR service output (``cdr.log``: no header, 27 fields, ``Ext.101``, ``HH:MM:SS``);
* Cisco CUCM with only the columns a call needs, in another order, the names quoted and a type line;
* a call accounting report in fixed columns: durations in seconds right-aligned, ``Page N`` every 30 lines;
* FreeSWITCH with the vanilla ``example`` template (15 fields, no space before ``accountcode``) and
  CR-only line ends (a classic Mac save);
* T-Mobile ISO report whose second part re-exports half of the calls again (duplicates: to be stored,
  and flagged as copies).

Truth conventions as in :mod:`.holdout`: a tuple is the set of values accepted; a party number a phone
system writes without ``+`` is accepted in E.164 (``+1...``) or as written (the numbering plan of a PBX is
not stated); a direction the format only implies is accepted as ``unknown`` too.
"""

from __future__ import annotations

import math
import random
import uuid
from datetime import timedelta, timezone

from raybench.harness.independent.families import Draft, voice_duration
from raybench.harness.independent.parties import (
    Party, as_written, from_local, imei, imsi, instants, iso_utc, nanp_digits, to_local, truth_row,
    uk_party, us_party,
)
from raybench.harness.independent.spec import FileSpec


def _pbx_number(digits10: str, style: str) -> Party:
    """A NANP number as a phone system writes it: with ``+`` its E.164 is certain; without, the E.164 or
    the digits as written are both accepted (a PBX does not state its numbering plan)."""
    p = us_party(digits10, style)
    if p.written.startswith("+"):
        return p
    return Party(p.written, (p.canonical, p.written))


def _alts(*values) -> tuple:
    return tuple(dict.fromkeys(values))


# --- 01 Sprint, epoch milliseconds ------------------------------------------------------------------

SPRINT_WORDS = {"outgoing": "Outgoing", "incoming": "Incoming", "forwarded": "Routed"}


def sprint_epoch_ms(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """A Sprint CDMA report whose ``START_DATE`` and ``END_DATE`` are Unix epoch milliseconds (a switch
    export not turned into dates): UTC by construction, milliseconds not zero. ``DURATION`` seconds,
    role words, SMS rows with 0 cells, ``11`` before the area code for voicemail. CRLF."""
    d = Draft()
    d.junk_row(["CALLING_NBR", "CALLED_NBR", "DIALED_DIGITS", "M_R", "START_DATE", "END_DATE", "DURATION", "NEID",
                "REPOLL", "1ST CELL", "LAST CELL"])
    digits = nanp_digits(rng)
    target = us_party(digits, "10")
    neid = str(rng.randint(100, 999))
    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        rtype, direction = (("sms", rng.choice(("outgoing", "incoming"))) if x < 0.15 else
                            ("voice", "forwarded") if x < 0.22 else ("voice", rng.choice(("outgoing", "incoming"))))
        other = us_party(nanp_digits(rng), "10")
        dur = 0 if rtype == "sms" else voice_duration(rng)
        ms = rng.randint(1, 999)
        start_ms = int(t.timestamp()) * 1000 + ms
        end_ms = start_ms + dur * 1000 + (rng.randint(0, 999) if dur else 0)
        caller, callee = (target, other) if direction == "outgoing" else (other, target)
        callee_w, callee_truth = callee.written, callee.canonical
        rtype_truth: object = rtype
        if direction == "forwarded":
            callee_w, callee_truth = "11" + digits, ("+1" + digits, "11" + digits)
            rtype_truth = ("voice", "voicemail")
        if rtype == "sms":
            rtype_truth, first, last, cell_truth = ("sms", "voice", "other"), "0", "0", ("0", None)
        else:
            sector, cell = rng.randint(1, 3), rng.randint(10, 9999)
            first, last = f"{sector}{cell:03d}", f"{rng.randint(1, 3)}{cell:03d}"
            cell_truth = (first, first[1:])
        fields = [caller.written, callee_w, callee.written if direction != "incoming" else target.written,
                  SPRINT_WORDS[direction], str(start_ms), str(end_ms), str(dur), neid, str(rng.randint(1, 40)), first,
                  last]
        truth = truth_row(i + 1, str(start_ms), start_utc=t, duration_s=(0, None) if rtype == "sms" else dur,
                          caller=caller.canonical, callee=callee_truth, record_type=rtype_truth, direction=direction,
                          cell_id=cell_truth, lac=(None, neid))
        exact = t + timedelta(milliseconds=ms)
        truth["fields"]["start_utc"] = list(dict.fromkeys((
            iso_utc(t), iso_utc(t + timedelta(seconds=1)) if ms >= 500 else iso_utc(t),
            exact.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms:03d}Z")))
        d.record(fields, truth)
    return d


# --- 02 T-Mobile Netherlands, dd/mm/yyyy, region note ----------------------------------------------

TMO_NAMES = {("voice", "outgoing"): "mSOriginating", ("voice", "incoming"): "mSTerminating",
             ("voice", "forwarded"): "callForwarding", ("sms", "outgoing"): "mSOriginatingSMSinMSC",
             ("sms", "incoming"): "mSTerminatingSMSinMSC"}


def _nl_party(rng: random.Random) -> Party:
    """A Dutch number in national form (mobile 06, Amsterdam 020, Rotterdam 010): E.164 or as written."""
    national = rng.choice((f"0612{rng.randint(0, 999999):06d}", f"020{rng.randint(1000000, 9999999)}",
                           f"010{rng.randint(1000000, 9999999)}"))
    return Party(national, ("+31" + national[1:], national))


def tmobile_nl(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """A T-Mobile Netherlands disclosure: a banner that names the region (Europe, NL) and says the times
    are UTC, ``;``-separated, starts as ``14/07/2024 13:05:07`` (day first), the subscriber as an MSISDN
    ``31612...`` without ``+``, the far parties in Dutch national form with a trunk 0 (a few UK numbers
    with ``+``), 3GPP record names, IMSI of MCC 204."""
    d = Draft(delim=";")
    d.junk_row(["T-Mobile Netherlands B.V. - Lawful Disclosure - Call Detail Records"])
    d.junk_row(["Region: Europe (NL) - numbers in Dutch national format - all times in UTC"])
    d.junk("")
    d.junk_row(["Record Type", "Start Time (UTC)", "A-Number", "B-Number", "Duration (s)", "IMSI", "IMEI", "LAC",
                "Cell ID"])
    own = f"612{rng.randint(0, 999999):06d}"
    target = Party("31" + own, ("+31" + own, "31" + own))
    handset_imei, handset_imsi = imei(rng), imsi(rng, "20416")
    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        rtype, direction = (("sms", rng.choice(("outgoing", "incoming"))) if x < 0.25 else
                            ("voice", "forwarded") if x < 0.3 else ("voice", rng.choice(("outgoing", "incoming"))))
        other = uk_party(rng, "plus") if rng.random() < 0.08 else _nl_party(rng)
        caller, callee = {"outgoing": (target, other), "incoming": (other, target),
                          "forwarded": (other, _nl_party(rng))}[direction]
        stamp = t.strftime("%d/%m/%Y %H:%M:%S")
        dur = 0 if rtype == "sms" else voice_duration(rng)
        lac, cell = ("", "") if rtype == "sms" else (str(rng.randint(1000, 65000)), str(rng.randint(10000, 999999)))
        fields = [TMO_NAMES[rtype, direction], stamp, caller.written, callee.written, str(dur), handset_imsi,
                  handset_imei, lac, cell]
        d.record(fields, truth_row(
            i + 1, stamp, start_utc=t, duration_s=(0, None) if rtype == "sms" else dur, caller=caller.canonical,
            callee=callee.canonical, record_type=rtype, direction=direction, imsi_=handset_imsi, imei_=handset_imei,
            cell_id=cell or None, lac=lac or None))
    return d


# --- 03/04 AT&T: dotted times; one ISO column with an offset ------------------------------------------

ATT_DESC = {("voice", "outgoing"): "MO Voice", ("voice", "incoming"): "MT Voice",
            ("voice", "forwarded"): "CFU Voice", ("sms", "outgoing"): "MO SMS", ("sms", "incoming"): "MT SMS"}


def _att_kind(rng: random.Random) -> tuple[str, str]:
    x = rng.random()
    if x < 0.2:
        return "sms", rng.choice(("outgoing", "incoming"))
    if x < 0.27:
        return "voice", "forwarded"
    return "voice", rng.choice(("outgoing", "incoming"))


def att_dotted(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """AT&T Mobility voice/SMS table with ``Conn. Date`` ``07/15/2024`` and ``Conn. Time (UTC)`` written
    with dots, ``13.05.07`` (as some database exports print a time); ET ``MM:SS``; usual descriptors."""
    d = Draft()
    d.junk_row(["AT&T Mobility Call Detail Records"])
    d.junk_row(["Item", "Conn. Date", "Conn. Time (UTC)", "Seizure Time", "ET", "Originating Number",
                "Terminating Number", "IMEI", "IMSI", "Desc", "LAC", "Cell"])
    target = us_party(nanp_digits(rng), "10")
    handset_imei, handset_imsi = imei(rng), imsi(rng, "310410")
    for i, t in enumerate(instants(rng, n, year, month)):
        rtype, direction = _att_kind(rng)
        other = us_party(nanp_digits(rng), "10")
        caller, callee = {"outgoing": (target, other), "incoming": (other, target),
                          "forwarded": (other, us_party(nanp_digits(rng), "10"))}[direction]
        dur = 0 if rtype == "sms" else voice_duration(rng)
        date_txt, time_txt = t.strftime("%m/%d/%Y"), t.strftime("%H.%M.%S")
        lac, cell = str(rng.randint(1000, 65000)), str(rng.randint(100, 99999))
        fields = [str(i + 1), date_txt, time_txt, str(rng.randint(0, 9)), f"{dur // 60:02d}:{dur % 60:02d}",
                  caller.written, callee.written, handset_imei, handset_imsi, ATT_DESC[rtype, direction], lac, cell]
        d.record(fields, truth_row(
            i + 1, f"{date_txt} {time_txt}", start_utc=t, duration_s=(0, None) if rtype == "sms" else dur,
            caller=caller.canonical, callee=callee.canonical, record_type=rtype, direction=direction,
            imsi_=handset_imsi, imei_=handset_imei, cell_id=cell, lac=lac))
    return d


EASTERN_STANDARD = timezone(timedelta(hours=-5))


def att_iso_offset(rng: random.Random, n: int, *, year: int = 2024, month: int = 1) -> Draft:
    """AT&T with one ``Conn. Date/Time`` column, ISO 8601 with the offset ``-05:00`` (the switch's Eastern
    standard time, in January: neither UTC, which the key would make one assume, nor the job's Chicago
    time, which is ``-06:00`` then). ET ``MM:SS``; numbers with the leading 1."""
    d = Draft()
    d.junk_row(["Item", "Conn. Date/Time", "Seizure Time", "ET", "Originating Number", "Terminating Number", "IMEI",
                "IMSI", "Desc", "Cell"])
    target = us_party(nanp_digits(rng), "11")
    handset_imei, handset_imsi = imei(rng), imsi(rng, "310410")
    for i, t in enumerate(instants(rng, n, year, month)):
        rtype, direction = _att_kind(rng)
        other = us_party(nanp_digits(rng), "11")
        caller, callee = {"outgoing": (target, other), "incoming": (other, target),
                          "forwarded": (other, us_party(nanp_digits(rng), "11"))}[direction]
        dur = 0 if rtype == "sms" else voice_duration(rng)
        stamp = t.astimezone(EASTERN_STANDARD).isoformat()
        cell = str(rng.randint(100, 99999))
        fields = [str(i + 1), stamp, str(rng.randint(0, 9)), f"{dur // 60:02d}:{dur % 60:02d}", caller.written,
                  callee.written, handset_imei, handset_imsi, ATT_DESC[rtype, direction], cell]
        d.record(fields, truth_row(
            i + 1, stamp, start_utc=t, duration_s=(0, None) if rtype == "sms" else dur, caller=caller.canonical,
            callee=callee.canonical, record_type=rtype, direction=direction, imsi_=handset_imsi, imei_=handset_imei,
            cell_id=cell))
    return d


# --- 05 Verizon with a totals block in the middle ----------------------------------------------------

def verizon_totals_mid(rng: random.Random, n: int, *, year: int = 2024, month: int = 8) -> Draft:
    """A Verizon account's call detail for two lines in one table: the first line's calls, then its
    totals block (an empty row, ``Total for 312-555-0123`` with the minutes and charges, ``Total Calls``),
    then the second line's calls and its block, then the account total. ``8/14/2024`` (no padding),
    ``1:05 PM``, whole minutes rounded up; local time."""
    d = Draft()
    header = ["Date", "Time", "Wireless Number", "Number", "Origination", "Destination", "Min", "Airtime Charges",
              "LD/Other Charges", "Total Charges"]
    d.junk_row(header)
    lines = [us_party(nanp_digits(rng), "dash") for _ in range(2)]
    while lines[1].written == lines[0].written:
        lines[1] = us_party(nanp_digits(rng), "dash")
    split = n // 2 + rng.randint(-4, 4)
    times = instants(rng, n, year, month, min_gap_s=300)
    groups = [times[:split], times[split:]]
    k = 0
    grand_min, grand_calls = 0, 0
    for line, group in zip(lines, groups):
        minutes_sum, charges = 0, 0.0
        for t in group:
            k += 1
            direction = rng.choice(("outgoing", "outgoing", "incoming"))
            other = us_party(nanp_digits(rng), "dash")
            local = to_local(t).replace(second=0)
            minutes = max(1, math.ceil(voice_duration(rng) / 60))
            minutes_sum += minutes
            hour = local.hour % 12 or 12
            date_txt = f"{local.month}/{local.day}/{local.year}"
            time_txt = f"{hour}:{local.minute:02d} {'PM' if local.hour >= 12 else 'AM'}"
            dest = "INCOMING, CL" if direction == "incoming" else rng.choice(("NEW YORK NY", "DENVER CO", "MIAMI FL"))
            charge = 0.0 if rng.random() < 0.8 else rng.randint(1, 99) / 100
            charges += charge
            caller, callee = (line, other) if direction == "outgoing" else (other, line)
            fields = [date_txt, time_txt, line.written, other.written, "CHICAGO IL", dest, str(minutes), "$0.00",
                      f"${charge:.2f}", f"${charge:.2f}"]
            d.record(fields, truth_row(
                k, f"{date_txt} {time_txt}", start_utc=from_local(local), duration_s=minutes * 60,
                caller=caller.canonical, callee=callee.canonical, record_type=("voice", "other"),
                direction=direction))
        grand_min += minutes_sum
        grand_calls += len(group)
        d.junk_row([""] * 10)
        d.junk_row([f"Total for {line.written}", "", "", "", "", "Total Minutes", str(minutes_sum), "$0.00",
                    f"${charges:.2f}", f"${charges:.2f}"])
        d.junk_row(["", "", "", "", "", "Total Calls", str(len(group)), "", "", ""])
        d.junk_row([""] * 10)
    d.junk_row(["Account Total", "", "", "", "", "Total Minutes", str(grand_min), "", "", ""])
    d.junk_row(["", "", "", "", "", "Total Calls", str(grand_calls), "", "", ""])
    return d


# --- 06 Asterisk cdr_custom, ';', CSV_QUOTE, cp1252 names ------------------------------------------------

AST_NAMES = ("Müller, Jürgen", "José García", "Zoë Brontë", "François Lefèvre", "Ståle Bjørnstad",
             "Renée O'Connor", "Front Desk")


def _csv_quote(v: str) -> str:
    """Asterisk's ``CSV_QUOTE()``: quotes around, quotes inside doubled."""
    return '"' + v.replace('"', '""') + '"'


def asterisk_semicolon(rng: random.Random, n: int, *, year: int = 2024, month: int = 10) -> Draft:
    """Asterisk ``cdr_custom`` writing ``cdr-custom/Master.csv`` with the standard 16 fields in the standard
    order, each through ``CSV_QUOTE()``, joined by ``;`` (a site template for a European spreadsheet).
    Fields hold commas (a clid ``"Müller, Jürgen" <1004>``, ``Dial`` arguments ``SIP/trunk/...,60,tT``),
    names are Windows-1252 (the file is cp1252). No header; local time (:data:`~.parties.LOCAL_ZONE`)."""
    d = Draft(delim=";")
    exts = [str(1001 + k) for k in range(9)]
    owner = {e: rng.choice(AST_NAMES) for e in exts}
    seq = rng.randint(10, 500)
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=120)):
        x = rng.random()
        if x < 0.4:
            ext = rng.choice(exts)
            src = as_written(ext)
            dst = _pbx_number(nanp_digits(rng), rng.choice(("10", "11", "11")))
            direction, context, name = "outgoing", "from-internal", owner[ext]
            app, appdata = "Dial", f"SIP/trunk/{dst.written},60,tT"
            chan, dstchan = f"SIP/{ext}-{seq:08x}", f"SIP/trunk-{seq + 1:08x}"
        elif x < 0.75:
            src = _pbx_number(nanp_digits(rng), rng.choice(("10", "11")))
            ext = rng.choice(exts)
            dst = as_written(ext)
            direction, context = "incoming", "from-trunk"
            name = rng.choice(("", "WIRELESS CALLER", "GARCIA,JOSE", "CHICAGO, IL"))
            app, appdata = "Dial", f"SIP/{ext},30,tr"
            chan, dstchan = f"SIP/trunk-{seq:08x}", f"SIP/{ext}-{seq + 1:08x}"
        else:
            ext, other = rng.sample(exts, 2)
            src, dst = as_written(ext), as_written(other)
            direction, context, name = "internal", "from-internal", owner[ext]
            app, appdata = "Dial", f"SIP/{other},20,tT"
            chan, dstchan = f"SIP/{ext}-{seq:08x}", f"SIP/{other}-{seq + 1:08x}"
        disposition = rng.choice(("ANSWERED",) * 6 + ("NO ANSWER", "BUSY"))
        ring = rng.randint(1, 25)
        talk = voice_duration(rng) if disposition == "ANSWERED" else 0
        stamp = (lambda u: to_local(u).strftime("%Y-%m-%d %H:%M:%S"))
        answer = stamp(t + timedelta(seconds=ring)) if talk else ""
        clid = f'"{name}" <{src.written}>' if name else f"<{src.written}>"
        fields = [rng.choice(("", "", "sales")), src.written, dst.written, context, clid, chan, dstchan, app, appdata,
                  stamp(t), answer, stamp(t + timedelta(seconds=ring + talk)), str(ring + talk), str(talk), disposition,
                  "DOCUMENTATION"]
        seq += 2
        d.record(fields, truth_row(
            i + 1, stamp(t), start_utc=t, duration_s=_alts(talk, ring + talk), caller=src.canonical,
            callee=dst.canonical, record_type="voice", direction=(direction, "unknown")),
            text=";".join(_csv_quote(f) for f in fields))
    return d


# --- 07 Avaya IP Office SMDR captured by a logger -------------------------------------------------------

SMDR_FIELDS = ("Call Start", "Connected Time", "Ring Time", "Caller", "Direction", "Called Number",
               "Dialled Number", "Account", "Is Internal", "Call ID", "Continuation", "Party1Device", "Party1Name",
               "Party2Device", "Party2Name", "Hold Time", "Park Time", "AuthValid", "AuthCode", "User Charged",
               "Call Charge", "Currency", "Amount at Last User Change", "Call Units", "Units at Last User Change",
               "Cost per Unit", "Mark Up", "External Targeting Cause", "External Targeter Id",
               "External Targeted Number")
"""The 30 fields of IP Office SMDR (Avaya's field list, in its order)."""


def _hms(s: int) -> str:
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def avaya_smdr_logger(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """Avaya IP Office SMDR as a capture tool writes it: two lines of its own (what it listened to, when
    it started), then the field names it adds (IP Office sends none), then one CSV record per call part:
    ``2024/07/15 13:05:07`` (the system's local time), ``Connected Time`` ``00:02:17``, ``Ring Time`` in
    seconds, ``Direction`` I/O (internal calls are O with ``Is Internal`` 1), devices ``E2101``/``T9001``/
    ``V9501``. A call transferred to voicemail writes two records with one ``Call ID`` and one start: the
    first with ``Continuation`` 1."""
    d = Draft()
    d.junk(f"# SMDR capture 2.4 - IP Office 500 V2 at 10.20.0.2:1150 - log opened {year}/{month:02d}/01 00:00:03")
    d.junk("# one record per call segment; fields as documented by Avaya")
    d.junk_row(list(SMDR_FIELDS))
    exts = {str(2101 + k): nm for k, nm in enumerate(("Extn2101", "Ana Souza", "Bill Carter", "Reception",
                                                        "Extn2105", "Dee Patel"))}
    call_id = rng.randint(1000010000, 1000090000)
    times = instants(rng, n, year, month, min_gap_s=180)
    k = 0
    i = 0
    while k < n:
        t = times[i]
        i += 1
        call_id += rng.randint(1, 9)
        ext = rng.choice(list(exts))
        x = rng.random()
        ring = rng.randint(0, 20)
        answered = rng.random() < 0.85
        talk = voice_duration(rng) if answered else 0
        if x < 0.4:
            num = nanp_digits(rng)
            caller, called = as_written(ext), _pbx_number(num, rng.choice(("11", "10")))
            direction, internal, dirtxt = "outgoing", "0", "O"
            dialled = called.written
            p1, p1n, p2, p2n = "E" + ext, exts[ext], f"T{rng.randint(9001, 9004)}", f"Line {rng.randint(1, 4)}.1"
            callee_truth = called.canonical
        elif x < 0.8:
            num = nanp_digits(rng)
            ddi = f"312555{rng.randint(100, 199):04d}"[:10]
            caller, called = _pbx_number(num, "10"), as_written(ext)
            direction, internal, dirtxt = "incoming", "0", "I"
            dialled = ddi
            p1, p1n, p2, p2n = "E" + ext, exts[ext], f"T{rng.randint(9001, 9004)}", f"Line {rng.randint(1, 4)}.2"
            callee_truth = _alts(ext, "+1" + ddi, ddi)
        else:
            other = rng.choice([e for e in exts if e != ext])
            caller, called = as_written(ext), as_written(other)
            direction, internal, dirtxt = "internal", "1", "O"
            dialled = other
            p1, p1n, p2, p2n = "E" + ext, exts[ext], "E" + other, exts[other]
            callee_truth = other
        dir_truth = ("internal", "unknown") if direction == "internal" else direction
        stamp = to_local(t).strftime("%Y/%m/%d %H:%M:%S")
        to_vm = direction == "incoming" and answered and k + 2 <= n and rng.random() < 0.25
        parts = [(talk, ring, "1" if to_vm else "0", p1, p1n)]
        if to_vm:
            parts.append((rng.randint(5, 60), 0, "0", f"V{rng.randint(9501, 9504)}", f"VM Channel {rng.randint(1, 4)}"))
        for seg_talk, seg_ring, cont, d1, d1n in parts:
            k += 1
            hold = rng.choice((0, 0, 0, rng.randint(1, 30))) if seg_talk else 0
            fields = [stamp, _hms(seg_talk), str(seg_ring), caller.written, dirtxt, called.written, dialled, "",
                      internal, str(call_id), cont, d1, d1n, p2, p2n, str(hold), "0"] + [""] * 13
            rtype = "voice" if d1.startswith("E") else ("voice", "voicemail")
            d.record(fields, truth_row(
                k, stamp, start_utc=t, duration_s=_alts(seg_talk, seg_talk + seg_ring, seg_talk + seg_ring + hold),
                caller=caller.canonical, callee=callee_truth, record_type=rtype, direction=dir_truth))
    return d


# --- 08 3CX CDR service output ---------------------------------------------------------------------------

def threecx_cdr(rng: random.Random, n: int, *, year: int = 2024, month: int = 6) -> Draft:
    """3CX's CDR service writing ``cdr.log``: no header, the 27 fields of 3CX's list in its order
    (historyid, callid, duration ``HH:MM:SS``, time-start/-answered/-end ``2024/06/14 13:05:07``,
    reason-terminated, from-no, to-no, from-dn, to-dn, dial-no, reason-changed, final-number, final-dn,
    bill-code/-rate/-cost/-name, chain, from-/to-/final-type, the three display names,
    missed-queue-calls). Extensions appear as ``Ext.101`` (kept as written, or the bare extension),
    external numbers as the trunk gives them. 3CX writes these stamps in UTC; the file does not say so,
    so the job's local reading is accepted too."""
    d = Draft()
    exts = {str(100 + k): nm for k, nm in enumerate(("Ana Souza", "Bill Carter", "Reception", "Dee Patel",
                                                       "Eli Novak", "Fay Lin"))}
    line_dn = "10000"
    hist = rng.randint(2000, 9000)
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=120)):
        hist += rng.randint(1, 5)
        callid = f"00000C{rng.getrandbits(40):010X}_{hist}"
        x = rng.random()
        ring = rng.randint(1, 20)
        answered = rng.random() < 0.8
        talk = voice_duration(rng) if answered else 0
        ext = rng.choice(list(exts))
        if x < 0.4:
            num = nanp_digits(rng)
            far = _pbx_number(num, rng.choice(("11", "plus")))
            from_no, from_dn, to_no, to_dn, dial = f"Ext.{ext}", ext, far.written, line_dn, far.written
            from_type, to_type, final_type = "Extension", "Line", "Line"
            from_disp, to_disp = exts[ext], ""
            caller_t, callee_t, direction = (f"Ext.{ext}", ext), far.canonical, "outgoing"
            final_no, final_dn = far.written, line_dn
            chain = f"Chain: Ext.{ext};{far.written};"
        elif x < 0.8:
            num = nanp_digits(rng)
            far = _pbx_number(num, rng.choice(("10", "plus")))
            from_no, from_dn, to_no, to_dn, dial = far.written, line_dn, f"Ext.{ext}", ext, ext
            from_type, to_type, final_type = "Line", "Extension", "Extension"
            from_disp, to_disp = rng.choice(("", "WIRELESS CALLER", "CHICAGO IL")), exts[ext]
            caller_t, callee_t, direction = far.canonical, (f"Ext.{ext}", ext), "incoming"
            final_no, final_dn = f"Ext.{ext}", ext
            chain = f"Chain: {far.written};Ext.{ext};"
        else:
            other = rng.choice([e for e in exts if e != ext])
            from_no, from_dn, to_no, to_dn, dial = f"Ext.{ext}", ext, f"Ext.{other}", other, other
            from_type, to_type, final_type = "Extension", "Extension", "Extension"
            from_disp, to_disp = exts[ext], exts[other]
            caller_t, callee_t, direction = (f"Ext.{ext}", ext), (f"Ext.{other}", other), "internal"
            final_no, final_dn = f"Ext.{other}", other
            chain = f"Chain: Ext.{ext};Ext.{other};"
        stamp = (lambda u: u.strftime("%Y/%m/%d %H:%M:%S"))
        start = stamp(t)
        ans = stamp(t + timedelta(seconds=ring)) if answered else ""
        end = stamp(t + timedelta(seconds=ring + talk))
        reason = rng.choice(("TerminatedBySrc", "TerminatedByDst")) if answered else rng.choice(("TerminatedBySrc",
                                                                                                  "Failed"))
        fields = [str(hist), callid, _hms(talk), start, ans, end, reason, from_no, to_no, from_dn, to_dn, dial, "",
                  final_no if answered else "", final_dn if answered else "", "", "", "", "", chain, from_type,
                  to_type, final_type if answered else "None", from_disp, to_disp, to_disp if answered else "", ""]
        truth = truth_row(i + 1, start, start_utc=t, duration_s=_alts(talk, ring + talk), caller=caller_t,
                          callee=callee_t, record_type="voice", direction=(direction, "unknown"))
        truth["fields"]["start_utc"] = [iso_utc(t), iso_utc(from_local(t.replace(tzinfo=None)))]
        d.record(fields, truth)
    return d


# --- 09 Cisco CUCM with only the columns a call needs, another order ---------------------------------------

CUCM_SUBSET = (("globalCallID_callId", "INTEGER"), ("dateTimeOrigination", "INTEGER"),
               ("callingPartyNumber", "VARCHAR(50)"), ("finalCalledPartyNumber", "VARCHAR(50)"),
               ("originalCalledPartyNumber", "VARCHAR(50)"), ("dateTimeConnect", "INTEGER"),
               ("dateTimeDisconnect", "INTEGER"), ("duration", "INTEGER"), ("origDeviceName", "VARCHAR(129)"),
               ("destDeviceName", "VARCHAR(129)"), ("cdrRecordType", "INTEGER"),
               ("globalCallID_callManagerId", "INTEGER"), ("pkid", "UNIQUEIDENTIFIER"))
"""The columns of a trimmed CUCM CDR export and their SQL types (names as in CUCM's field list)."""


def cucm_subset(rng: random.Random, n: int, *, year: int = 2024, month: int = 9) -> Draft:
    """A CUCM CDR file cut down to the 13 columns a call needs, in an order of its own (call id first),
    as CUCM writes them: names quoted on line 1, SQL types on line 2, text values quoted, integers not.
    Epoch UTC seconds, ``dateTimeConnect`` 0 for a call never connected, duration in seconds; outside
    calls dialed with a 9 (and a 1 for long distance)."""
    d = Draft()
    d.junk(",".join(f'"{c}"' for c, _ in CUCM_SUBSET))
    d.junk(",".join(ty for _, ty in CUCM_SUBSET))
    stations = {str(rng.randint(4100, 4199)): f"SEP{rng.getrandbits(48):012X}" for _ in range(8)}
    call_id = rng.randint(100000, 900000)
    for i, t in enumerate(instants(rng, n, year, month)):
        ext = rng.choice(list(stations))
        x = rng.random()
        if x < 0.45:
            num = nanp_digits(rng)
            called = ("91" if rng.random() < 0.6 else "9") + num
            calling, direction = ext, "outgoing"
            calling_t, called_t = ext, (called, "+1" + num)
            orig_dev, dest_dev = stations[ext], "CUBE-GW01"
        elif x < 0.8:
            num = nanp_digits(rng)
            calling, called, direction = num, ext, "incoming"
            calling_t, called_t = ("+1" + num, num), ext
            orig_dev, dest_dev = "CUBE-GW01", stations[ext]
        else:
            other = rng.choice([e for e in stations if e != ext])
            calling, called, direction = ext, other, "internal"
            calling_t, called_t = ext, other
            orig_dev, dest_dev = stations[ext], stations[other]
        answered = rng.random() < 0.8
        dur = voice_duration(rng) if answered else 0
        start = int(t.timestamp())
        connect = start + rng.randint(2, 15) if answered else 0
        disconnect = connect + dur if answered else start + rng.randint(5, 30)
        values = {"globalCallID_callId": str(call_id + i), "dateTimeOrigination": str(start),
                  "callingPartyNumber": calling, "finalCalledPartyNumber": called,
                  "originalCalledPartyNumber": called, "dateTimeConnect": str(connect),
                  "dateTimeDisconnect": str(disconnect), "duration": str(dur), "origDeviceName": orig_dev,
                  "destDeviceName": dest_dev, "cdrRecordType": "1", "globalCallID_callManagerId": "1",
                  "pkid": str(uuid.UUID(int=rng.getrandbits(128), version=4))}
        fields = [values[c] for c, _ in CUCM_SUBSET]
        text = ",".join(v if ty == "INTEGER" else f'"{v}"' for v, (_, ty) in zip(fields, CUCM_SUBSET))
        d.record(fields, truth_row(
            i + 1, str(start), start_utc=t, duration_s=dur, caller=calling_t, callee=called_t, record_type="voice",
            direction=(direction, "unknown")), text=text)
    return d


# --- 10 call accounting report: seconds right-aligned, Page N every 30 lines --------------------------------

def fixed_seconds_pages(rng: random.Random, n: int, *, page_lines: int = 30, year: int = 2024,
                        month: int = 5) -> Draft:
    """A call accounting system's detail report in fixed columns: date ``05/14/2024``, time ``13:05:07``,
    extension, the dialed (or, for incoming calls, the calling) number, the duration in seconds
    right-aligned, trunk, ``OUT``/``IN``/``INT``. Every page is 30 lines: ``Page N`` with the report name,
    the run line, the column header and its rule, then 26 records. Local time."""
    d = Draft()
    head = "DATE        TIME      EXT   NUMBER           DUR(SEC)  TRUNK  TYPE"
    rule = "----------  --------  ----  ---------------  --------  -----  ----"
    per_page = page_lines - 4
    exts = [str(rng.randint(3100, 3199)) for _ in range(7)]
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=200)):
        if i % per_page == 0:
            d.junk(f"Page {i // per_page + 1:<6}{'':22}LAKESIDE LOGISTICS - CALL DETAIL BY EXTENSION")
            d.junk(f"Run {month + 1:02d}/01/{year} 06:00:00    Period {month:02d}/01/{year} - {month:02d}/31/{year}")
            d.junk(head)
            d.junk(rule)
        local = to_local(t)
        ext = rng.choice(exts)
        dur = voice_duration(rng)
        x = rng.random()
        if x < 0.5:
            num = nanp_digits(rng)
            shown, kind, trunk = num, "OUT", f"{rng.randint(1, 24):04d}"
            caller, callee, direction = ext, ("+1" + num, num), "outgoing"
        elif x < 0.85:
            num = nanp_digits(rng)
            shown, kind, trunk = num, "IN", f"{rng.randint(1, 24):04d}"
            caller, callee, direction = ("+1" + num, num), ext, "incoming"
        else:
            other = rng.choice([e for e in exts if e != ext])
            shown, kind, trunk = other, "INT", ""
            caller, callee, direction = ext, other, "internal"
        date_txt, time_txt = local.strftime("%m/%d/%Y"), local.strftime("%H:%M:%S")
        text = f"{date_txt}  {time_txt}  {ext:<4}  {shown:<15}  {dur:>8}  {trunk:<5}  {kind}".rstrip()
        d.record([], truth_row(
            i + 1, f"{date_txt} {time_txt}", start_utc=t, duration_s=dur, caller=caller, callee=callee,
            record_type=("voice", "other"), direction=(direction, "unknown")), text=text)
    return d


# --- 11 FreeSWITCH vanilla example template, CR-only ------------------------------------------------------

FS_NAMES = ("Ana Souza", "Bill Carter", "Reception", "Dee Patel")


def freeswitch_example_cr(rng: random.Random, n: int, *, year: int = 2024, month: int = 4) -> Draft:
    """FreeSWITCH ``mod_cdr_csv`` with the vanilla ``example`` template (the vanilla default): the 13
    default fields without the space before ``accountcode``, then ``read_codec``, ``write_codec`` (15).
    Saved with CR-only line ends. Local time; empty ``answer_stamp`` for calls never answered."""
    d = Draft(quote_all=True)
    users = [str(1000 + k) for k in range(12)]
    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        if x < 0.45:
            context, direction = "default", "outgoing"
            src = as_written(rng.choice(users))
            dst = _pbx_number(nanp_digits(rng), rng.choice(("11", "10", "plus")))
            name = rng.choice(FS_NAMES)
        elif x < 0.8:
            context, direction = "public", "incoming"
            src = _pbx_number(nanp_digits(rng), rng.choice(("plus", "11")))
            dst = as_written(rng.choice(users))
            name = rng.choice(("", "WIRELESS CALLER", "CHICAGO IL"))
        else:
            context, direction = "default", "internal"
            src = as_written(rng.choice(users))
            dst = as_written(rng.choice([u for u in users if u != src.written] + ["*98", "5000"]))
            name = rng.choice(FS_NAMES)
        cause = rng.choice(("NORMAL_CLEARING",) * 5 + ("NO_ANSWER", "USER_BUSY", "ORIGINATOR_CANCEL"))
        ring = rng.randint(1, 20)
        talk = voice_duration(rng) if cause == "NORMAL_CLEARING" else 0
        stamp = (lambda u: to_local(u).strftime("%Y-%m-%d %H:%M:%S"))
        codec = rng.choice(("PCMU", "G722", "opus")) if talk else ""
        fields = [name, src.written, dst.written, context, stamp(t), stamp(t + timedelta(seconds=ring)) if talk else "",
                  stamp(t + timedelta(seconds=ring + talk)), str(ring + talk), str(talk), cause,
                  str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                  str(uuid.UUID(int=rng.getrandbits(128), version=4)) if talk else "", rng.choice(("", "1000")),
                  codec, codec]
        d.record(fields, truth_row(
            i + 1, stamp(t), start_utc=t, duration_s=_alts(talk, ring + talk), caller=src.canonical,
            callee=dst.canonical, record_type="voice", direction=(direction, "unknown")))
    return d


# --- 12 T-Mobile ISO report with half of it re-exported ------------------------------------------------------

def tmobile_reexport(rng: random.Random, n: int, *, year: int = 2024, month: int = 9) -> Draft:
    """A T-Mobile report (``Call Type``, ISO ``2024-09-14 13:05:07`` UTC, seconds) where a second export of
    an overlapping period was appended to the first: after the first export's calls, a banner of the
    second export and its header, then the second half of the same calls again, byte for byte. Every row
    is a record to store (copies are kept and flagged as duplicates, ``docs/design.md``)."""
    d = Draft()
    header = ["Call Type", "Start Date/Time (UTC)", "Calling Party", "Called Party", "Duration (Sec)", "Served IMSI",
              "Served IMEI", "LAC", "CI"]
    d.junk_row(["T-Mobile USA - Call Detail Records - export 1 of 2"])
    d.junk_row(header)
    unique = (2 * n + 2) // 3
    target = us_party(nanp_digits(rng), "11")
    handset_imei, handset_imsi = imei(rng), imsi(rng, "310260")
    made = []
    for i, t in enumerate(instants(rng, unique, year, month)):
        x = rng.random()
        rtype, direction = (("sms", rng.choice(("outgoing", "incoming"))) if x < 0.25 else
                            ("voice", "forwarded") if x < 0.3 else ("voice", rng.choice(("outgoing", "incoming"))))
        other = us_party(nanp_digits(rng), "11")
        caller, callee = {"outgoing": (target, other), "incoming": (other, target),
                          "forwarded": (other, us_party(nanp_digits(rng), "11"))}[direction]
        stamp = t.strftime("%Y-%m-%d %H:%M:%S")
        dur = 0 if rtype == "sms" else voice_duration(rng)
        lac, cell = ("", "") if rtype == "sms" else (str(rng.randint(1000, 65000)), str(rng.randint(10000, 999999)))
        fields = [TMO_NAMES[rtype, direction], stamp, caller.written, callee.written, str(dur), handset_imsi,
                  handset_imei, lac, cell]
        made.append((fields, dict(start_utc=t, duration_s=(0, None) if rtype == "sms" else dur,
                                  caller=caller.canonical, callee=callee.canonical, record_type=rtype,
                                  direction=direction, imsi_=handset_imsi, imei_=handset_imei, cell_id=cell or None,
                                  lac=lac or None)))
    again = made[unique - (n - unique):]
    for k, (fields, kw) in enumerate(made + again):
        if k == unique:
            d.junk("")
            d.junk_row(["T-Mobile USA - Call Detail Records - export 2 of 2"])
            d.junk_row(header)
        d.record(fields, truth_row(k + 1, fields[1], **kw))
    return d


def _specs() -> tuple[FileSpec, ...]:
    return (
        FileSpec("hold2_01_spr_epochms.csv", "sprint", sprint_epoch_ms, newline="\r\n",
                 notes="Sprint START_DATE/END_DATE as epoch ms (UTC), CRLF"),
        FileSpec("hold2_02_tmo_nl.csv", "tmobile", tmobile_nl,
                 notes="T-Mobile NL ;, dd/mm/yyyy UTC, region banner, Dutch trunk-0 numbers, 316.. MSISDN"),
        FileSpec("hold2_03_att_dotted.csv", "att", att_dotted, notes="AT&T Conn. Time (UTC) as 13.05.07"),
        FileSpec("hold2_04_att_isooffset.csv", "att", att_iso_offset,
                 notes="AT&T one Conn. Date/Time ISO with -05:00 in January"),
        FileSpec("hold2_05_vzw_totals.csv", "verizon", verizon_totals_mid, newline="\r\n",
                 notes="Verizon two lines, a totals block in the middle, 8/14/2024 1:05 PM"),
        FileSpec("hold2_06_ast_semicolon.csv", "asterisk", asterisk_semicolon, encoding="cp1252",
                 notes="Asterisk cdr_custom ; CSV_QUOTE, commas in fields, cp1252 names"),
        FileSpec("hold2_07_avaya_smdr.txt", "avaya", avaya_smdr_logger, newline="\r\n",
                 notes="IP Office SMDR with logger lines and header, continuation records"),
        FileSpec("hold2_08_3cx_cdr.log", "3cx", threecx_cdr, newline="\r\n",
                 notes="3CX CDR service: no header, 27 fields, Ext.101, HH:MM:SS"),
        FileSpec("hold2_09_cucm_subset.csv", "cucm", cucm_subset,
                 notes="CUCM 13 columns in another order, quoted names, type line"),
        FileSpec("hold2_10_fix_seconds.txt", "fixed", fixed_seconds_pages,
                 notes="fixed columns, seconds right-aligned, Page N every 30 lines"),
        FileSpec("hold2_11_fs_example_cr.csv", "freeswitch", freeswitch_example_cr, newline="\r",
                 notes="FreeSWITCH example template (15 fields), CR-only line ends"),
        FileSpec("hold2_12_tmo_reexport.csv", "tmobile", tmobile_reexport,
                 notes="T-Mobile ISO, second export repeats half the calls"),
    )


HOLDOUT2 = _specs()
"""The second held-out group: twelve files over ten families (see the module docstring)."""
