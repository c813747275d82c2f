"""A third held-out group of the independent set: eleven files in styles none of the 26, the first or the
second held-out twelve use.

Written from the public descriptions only: ``../shared/reference/carrier-formats.md`` (sections 0, 1.1 to
1.10: AT&T's ``(D)`` dialed number on a second line inside the originating cell; T-Mobile's all-UTC
reports; Sprint's key columns; Verizon billing's minute rounding; Asterisk ``Master.csv`` with
``uniqueid``/``userfield``; FreeSWITCH templates and its ``*_epoch`` channel variables; CUCM flat files;
2N GSM gateways' whitespace columns with ``I-OK``/``O-FD`` and ``mmm:ss``; the bandicoot Telenor sample's
``B_PARTY,A_PARTY,DURATION,B_CELL,CALL_DATE,CALL_TIME,CALL_TYPE``; cdr-stats' comma+space import with a
trailing comma; old telco detail reports with NPA / NXX / line in separate fixed fields), never from what
raybench's readers expect, and never used for training or tuning. :data:`HOLDOUT3` lists the files;
``write_set(..., group="holdout3")`` writes them; ``raybench evaluate --independent --holdout3`` ingests
and scores them.

What each file varies:

* AT&T Mobility whose ``Originating Number`` cell holds a second line, the dialed digits with ``(D)``,
  when they differ from the terminating number (a quoted field over two physical lines); CRLF;
* T-Mobile as UTF-16 little-endian with a BOM and commas, ``Date (UTC)`` ``2024/07/14`` and ``Time (UTC)``
  in two columns, ``Duration (MM:SS)``, a footer with the record count;
* Sprint as tab-separated text with long header spellings (``Calling Nbr``, ``Mobile Role``), ISO local
  starts, dotted numbers (``312.555.0123``) and two records cut short;
* Verizon usage with voice, text and data rows in one table (``Usage Type``, amounts in minutes, messages
  and KB), the header repeated in the middle where a second export was pasted below the first;
* Asterisk ``Master.csv`` (18 columns) whose ``userfield`` holds an operator's note over two lines;
* FreeSWITCH with a custom template of epoch stamps (``start_epoch``, UTC) and ``billmsec`` milliseconds,
  FreeSWITCH's own ``inbound``/``outbound`` channel direction;
* a 2N GSM gateway log: whitespace columns, ``dd.mm.yyyy``, ``I-OK``/``O-OK``/``O-FD``, ``mmm:ss``
  durations and a cause word in the duration column of failed calls;
* a Telenor-style research extract: ``B_PARTY`` first, ``CALL_DATE`` ``20240715``, ``CALL_TIME``
  ``130507``, ``MOC``/``MTC``/``SMS_MO``/``SMS_MT``, alphanumeric cells (``123A``), Norwegian numbers;
* a cdr-stats style import: no header, comma and space, a trailing comma, ``011`` international
  numbers, cp1252 caller names;
* an old telco call detail report: fixed columns, ``YYYYMMDD`` ``HHMM``, NPA / NXX / line as separate
  fields, duration in tenths of a minute (``0002.3``);
* Cisco CUCM with a handful of damaged rows (an unclosed quote, three rows cut short) and
  ``dateTimeConnect`` 0 for unanswered calls: suspect.

Truth conventions as in :mod:`.holdout` and :mod:`.holdout2`: a tuple is the set of values accepted; a
party number a phone system writes without ``+`` is accepted in E.164 or as written; a direction the
format only implies is accepted as ``unknown`` too; where a format does not state its time zone, both the
UTC and the job-zone (Chicago) reading are accepted.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from raybench.harness.independent.families import Draft, voice_duration
from raybench.harness.independent.parties import (
    Party, as_written, from_local, imei, imsi, instants, iso_utc, nanp_digits, to_local, truth_row, uk_party,
    us_party,
)
from raybench.harness.independent.spec import FileSpec


def _alts(*values) -> tuple:
    return tuple(dict.fromkeys(values))


def _pbx(digits10: str, style: str) -> Party:
    """A NANP number from a phone system: E.164 certain with ``+``, else E.164 or as written."""
    p = us_party(digits10, style)
    return p if p.written.startswith("+") else Party(p.written, (p.canonical, p.written))


def _kind(rng: random.Random, sms: float = 0.2, fwd: float = 0.07) -> tuple[str, str]:
    x = rng.random()
    if x < sms:
        return "sms", rng.choice(("outgoing", "incoming"))
    if x < sms + fwd:
        return "voice", "forwarded"
    return "voice", rng.choice(("outgoing", "incoming"))


def _either_zone(truth: dict, t, local_naive) -> None:
    """A start whose zone the format does not state: the UTC or the Chicago reading of the wall clock."""
    truth["fields"]["start_utc"] = list(dict.fromkeys((iso_utc(t), iso_utc(from_local(local_naive)))))


# --- 01 AT&T: (D) dialed digits on a second line of the originating cell -----------------------------------

ATT_DESC = {("voice", "outgoing"): "MO Voice", ("voice", "incoming"): "MT Voice",
            ("voice", "forwarded"): "CFU Voice", ("sms", "outgoing"): "MO SMS", ("sms", "incoming"): "MT SMS"}


def att_dialed_line(rng: random.Random, n: int, *, year: int = 2024, month: int = 6) -> Draft:
    """AT&T Mobility voice/SMS table where, for calls whose dialed digits differ from the terminating
    number (short codes, forwarded legs, 7-digit dialing), the ``Originating Number`` cell holds the
    number, a line break and the dialed digits with ``(D)``: one quoted field over two lines."""
    d = Draft()
    d.junk_row(["AT&T Mobility - Voice/SMS Usage", "", "", "", "", "", "", "", "", "", ""])
    d.junk_row(["Item", "Conn. Date", "Conn. Time (UTC)", "Seizure Time", "ET", "Originating Number",
                "Terminating Number", "IMEI", "IMSI", "Desc", "Cell Location"])
    target = us_party(nanp_digits(rng), "10")
    handset_imei, handset_imsi = imei(rng), imsi(rng, "310410")
    for i, t in enumerate(instants(rng, n, year, month)):
        rtype, direction = _kind(rng, fwd=0.12)
        other = us_party(nanp_digits(rng), "10")
        caller, callee = {"outgoing": (target, other), "incoming": (other, target),
                          "forwarded": (other, us_party(nanp_digits(rng), "10"))}[direction]
        orig = caller.written
        if direction == "forwarded":
            orig = f"{caller.written}\n{target.written}(D)"
        elif direction == "outgoing" and rtype == "voice" and rng.random() < 0.3:
            orig = f"{caller.written}\n{callee.written[3:]}(D)"  # dialed without the area code
        dur = 0 if rtype == "sms" else voice_duration(rng)
        date_txt, time_txt = t.strftime("%m/%d/%Y"), t.strftime("%H:%M:%S")
        cell = f"{rng.randint(1000, 65000)}-{rng.randint(100, 99999)}"
        fields = [str(i + 1), date_txt, time_txt, str(rng.randint(0, 9)), f"{dur // 60:02d}:{dur % 60:02d}", orig,
                  callee.written, handset_imei, handset_imsi, ATT_DESC[rtype, direction], cell]
        d.record(fields, truth_row(
            i + 1, f"{date_txt} {time_txt}", start_utc=t, duration_s=(0, None) if rtype == "sms" else dur,
            caller=caller.canonical, callee=callee.canonical, record_type=rtype, direction=direction,
            imsi_=handset_imsi, imei_=handset_imei, cell_id=(cell, cell.split("-")[1]),
            lac=(None, cell.split("-")[0])))
    return d


# --- 02 T-Mobile UTF-16 LE, split date/time, MM:SS, record-count footer -------------------------------------

TMO_NAMES = {("voice", "outgoing"): "mSOriginating", ("voice", "incoming"): "mSTerminating",
             ("voice", "forwarded"): "callForwarding", ("sms", "outgoing"): "mSOriginatingSMSinMSC",
             ("sms", "incoming"): "mSTerminatingSMSinMSC"}


def tmobile_split_utf16(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """T-Mobile as saved from Excel as "Unicode text" but with commas: ``Date (UTC)`` ``2024/07/14``, ``Time
    (UTC)`` ``13:05:07``, ``Duration (MM:SS)``, numbers ``(312) 555-0123`` for the far party, a footer
    ``Total Records: N`` and ``*** End of Report ***``."""
    d = Draft()
    d.junk_row(["Type of Call", "Date (UTC)", "Time (UTC)", "Calling Number", "Called Number", "Duration (MM:SS)",
                "IMSI", "IMEI", "LAC", "Cell ID"])
    target = us_party(nanp_digits(rng), "11")
    handset_imei, handset_imsi = imei(rng), imsi(rng, "310260")
    for i, t in enumerate(instants(rng, n, year, month)):
        rtype, direction = _kind(rng, sms=0.25)
        other = us_party(nanp_digits(rng), "paren")
        caller, callee = {"outgoing": (target, other), "incoming": (other, target),
                          "forwarded": (other, us_party(nanp_digits(rng), "paren"))}[direction]
        dur = 0 if rtype == "sms" else voice_duration(rng)
        date_txt, time_txt = t.strftime("%Y/%m/%d"), t.strftime("%H:%M:%S")
        lac, cell = ("", "") if rtype == "sms" else (str(rng.randint(1000, 65000)), str(rng.randint(10000, 999999)))
        fields = [TMO_NAMES[rtype, direction], date_txt, time_txt, caller.written, callee.written,
                  f"{dur // 60:02d}:{dur % 60:02d}", handset_imsi, handset_imei, lac, cell]
        d.record(fields, truth_row(
            i + 1, f"{date_txt} {time_txt}", start_utc=t, duration_s=(0, None) if rtype == "sms" else dur,
            caller=caller.canonical, callee=callee.canonical, record_type=rtype, direction=direction,
            imsi_=handset_imsi, imei_=handset_imei, cell_id=cell or None, lac=lac or None))
    d.junk_row([f"Total Records: {n}"])
    d.junk_row(["*** End of Report ***"])
    return d


# --- 03 Sprint tab, long header spellings, ISO local, dotted numbers, two cut rows ---------------------------

SPRINT_ROLE = {"outgoing": "Originating", "incoming": "Terminating", "forwarded": "Routed"}


def sprint_tab_iso(rng: random.Random, n: int, *, year: int = 2024, month: int = 5) -> Draft:
    """A Sprint CDMA report as tab-separated text with long header spellings, ``Start Date/Time`` and ``End
    Date/Time`` as ISO ``2024-05-15 08:05:07`` in the switch's local time, ``Duration (sec)``, role words
    ``Originating``/``Terminating``/``Routed``, parties as ``312.555.0123``, cell ``sector+cell``."""
    d = Draft(delim="\t")
    d.junk_row(["Calling Nbr", "Called Nbr", "Dialed Digits", "Mobile Role", "Start Date/Time", "End Date/Time",
                "Duration (sec)", "NEID", "Repoll", "First Cell", "Last Cell"])
    target = us_party(nanp_digits(rng), "dot")
    neid = str(rng.randint(100, 999))
    for i, t in enumerate(instants(rng, n, year, month)):
        _, direction = _kind(rng, sms=0.0, fwd=0.1)
        other = us_party(nanp_digits(rng), "dot")
        caller, callee = (target, other) if direction == "outgoing" else (other, target)
        dur = voice_duration(rng)
        local = to_local(t)
        start_txt = local.strftime("%Y-%m-%d %H:%M:%S")
        end_txt = (local + timedelta(seconds=dur)).strftime("%Y-%m-%d %H:%M:%S")
        sector, cell = rng.randint(1, 3), rng.randint(100, 999)
        first = f"{sector}{cell}"
        fields = [caller.written, callee.written, callee.written.replace(".", ""), SPRINT_ROLE[direction],
                  start_txt, end_txt, str(dur), neid, str(rng.randint(1, 40)), first, f"{rng.randint(1, 3)}{cell}"]
        d.record(fields, truth_row(
            i + 1, start_txt, start_utc=t, duration_s=dur, caller=caller.canonical, callee=callee.canonical,
            record_type="voice", direction=direction, cell_id=(first, str(cell)), lac=(None, neid)))
    return d


# --- 04 Verizon voice/text/data, header pasted twice ---------------------------------------------------------

def verizon_usage_mix(rng: random.Random, n: int, *, year: int = 2024, month: int = 8) -> Draft:
    """Verizon usage detail for one line with calls, texts and data sessions in one table: ``Usage Type``
    ``Voice``/``Text``/``Data``, ``Amount`` with ``Unit`` (``min`` whole minutes rounded up, ``msg``, ``KB``),
    ``Date`` ``2024-08-14`` and ``Time`` ``1:05 PM`` local. A second export of the following days was
    pasted below the first: its header line appears again in the middle."""
    d = Draft()
    header = ["Date", "Time", "Wireless Number", "Other Number", "Direction", "Usage Type", "Amount", "Unit",
              "Charges"]
    d.junk_row(header)
    line = us_party(nanp_digits(rng), "dash")
    split = n // 2 + rng.randint(-3, 3)
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=300)):
        if i == split:
            d.junk_row(header)
        x = rng.random()
        local = to_local(t).replace(second=0)
        date_txt = local.strftime("%Y-%m-%d")
        time_txt = f"{local.hour % 12 or 12}:{local.minute:02d} {'PM' if local.hour >= 12 else 'AM'}"
        if x < 0.2:
            rtype, direction = "data", "unknown"
            other, amount, unit = Party("", None), str(rng.randint(12, 90000)), "KB"
            dur_truth, dir_truth, other_truth = (None, 0), ("unknown", "outgoing"), None
        elif x < 0.45:
            rtype, direction = "sms", rng.choice(("outgoing", "incoming"))
            other, amount, unit = us_party(nanp_digits(rng), "dash"), "1", "msg"
            dur_truth, dir_truth, other_truth = (None, 0), direction, other.canonical
        else:
            rtype, direction = "voice", rng.choice(("outgoing", "incoming"))
            other = us_party(nanp_digits(rng), "dash")
            minutes = max(1, -(-voice_duration(rng) // 60))
            amount, unit = str(minutes), "min"
            dur_truth, dir_truth, other_truth = minutes * 60, direction, other.canonical
        word = {"outgoing": "Outgoing", "incoming": "Incoming", "unknown": ""}[direction]
        fields = [date_txt, time_txt, line.written, other.written, word, rtype.capitalize() if rtype != "sms"
                  else "Text", amount, unit, f"${rng.choice((0, 0, 0.05, 0.25)):.2f}"]
        if rtype == "data":
            caller, callee = (line.canonical, None), (None, "")
        elif direction == "outgoing":
            caller, callee = line.canonical, other_truth
        else:
            caller, callee = other_truth, line.canonical
        tr = truth_row(i + 1, f"{date_txt} {time_txt}", start_utc=from_local(local), duration_s=dur_truth,
                       caller=caller, callee=callee, record_type=rtype, direction=dir_truth)
        d.record(fields, tr)
    return d


# --- 05 Asterisk Master.csv, userfield over two lines -----------------------------------------------------

AST_NAMES = ("Alice Moreau", "Bob Okafor", "Front Desk", 'Dana "DJ" Ruiz')


def asterisk_multiline(rng: random.Random, n: int, *, year: int = 2024, month: int = 4) -> Draft:
    """Asterisk ``cdr_csv`` with ``loguniqueid`` and ``loguserfield`` (18 columns, every field quoted), local
    stamps; the dialplan writes an operator's note into ``userfield`` that sometimes holds a line break
    (``Set(CDR(userfield)=...)`` with ``\\n``), so a record spans two physical lines; a caller name with
    embedded quotes (doubled)."""
    d = Draft(quote_all=True)
    exts = [str(200 + k) for k in range(10)]
    seq = rng.randint(1, 300)
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=120)):
        x = rng.random()
        if x < 0.45:
            direction = "outgoing"
            src = as_written(rng.choice(exts))
            dst = _pbx(nanp_digits(rng), rng.choice(("10", "11")))
            context = "from-internal"
        elif x < 0.85:
            direction = "incoming"
            src = _pbx(nanp_digits(rng), rng.choice(("10", "plus")))
            dst = as_written(rng.choice(exts))
            context = "from-trunk"
        else:
            direction = "internal"
            src = as_written(rng.choice(exts))
            dst = as_written(rng.choice([e for e in exts if e != src.written]))
            context = "from-internal"
        disposition = rng.choice(("ANSWERED",) * 5 + ("NO ANSWER", "BUSY"))
        ring = rng.randint(1, 20)
        talk = voice_duration(rng) if disposition == "ANSWERED" else 0
        stamp = (lambda u: to_local(u).strftime("%Y-%m-%d %H:%M:%S"))
        name = rng.choice(AST_NAMES) if direction != "incoming" else rng.choice(("", "WIRELESS CALLER"))
        note = rng.choice(("", "", "", "callback requested\nre: invoice 4471", "VIP\nescalate to L2", "survey"))
        fields = ["", src.written, dst.written, context, f'"{name}" <{src.written}>',
                  f"PJSIP/{src.written if direction != 'incoming' else 'trunk'}-{seq:08x}",
                  f"PJSIP/{dst.written if direction != 'outgoing' else 'trunk'}-{seq + 1:08x}", "Dial",
                  f"PJSIP/{dst.written}@trunk,60,tT" if direction == "outgoing" else f"PJSIP/{dst.written},30",
                  stamp(t), stamp(t + timedelta(seconds=ring)) if talk else "",
                  stamp(t + timedelta(seconds=ring + talk)), str(ring + talk), str(talk), disposition,
                  "DOCUMENTATION", f"{int(t.timestamp())}.{seq}", note]
        seq += 2
        d.record(fields, truth_row(
            i + 1, stamp(t), start_utc=t, duration_s=_alts(talk, ring + talk), caller=src.canonical,
            callee=dst.canonical, record_type="voice", direction=(direction, "unknown")))
    return d


# --- 06 FreeSWITCH epoch template with billmsec ---------------------------------------------------------

def freeswitch_epoch_ms(rng: random.Random, n: int, *, year: int = 2024, month: int = 9) -> Draft:
    """FreeSWITCH ``mod_cdr_csv`` with a site template of its own: ``"${uuid}","${direction}",
    "${caller_id_number}","${destination_number}","${start_epoch}","${answer_epoch}","${end_epoch}",
    "${billmsec}","${hangup_cause}"``: UTC epoch seconds (``answer_epoch`` 0 when never answered), the talk
    time in milliseconds, the channel's own direction word (``inbound`` = the leg came into FreeSWITCH,
    which for a phone on the PBX is also a call out)."""
    d = Draft(quote_all=True)
    users = [str(1000 + k) for k in range(10)]
    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        if x < 0.5:
            direction, word = "outgoing", "inbound"
            src, dst = as_written(rng.choice(users)), _pbx(nanp_digits(rng), rng.choice(("11", "plus")))
        elif x < 0.85:
            direction, word = "incoming", "inbound"
            src, dst = _pbx(nanp_digits(rng), "plus"), as_written(rng.choice(users))
        else:
            direction, word = "internal", "inbound"
            src = as_written(rng.choice(users))
            dst = as_written(rng.choice([u for u in users if u != src.written]))
        cause = rng.choice(("NORMAL_CLEARING",) * 5 + ("NO_ANSWER", "USER_BUSY"))
        ring = rng.randint(1, 15)
        talk_ms = (voice_duration(rng) * 1000 + rng.randint(0, 999)) if cause == "NORMAL_CLEARING" else 0
        start = int(t.timestamp())
        answer = start + ring if talk_ms else 0
        end = start + ring + -(-talk_ms // 1000)
        fields = [str(uuid.UUID(int=rng.getrandbits(128), version=4)), word, src.written, dst.written, str(start),
                  str(answer), str(end), str(talk_ms), cause]
        talk_s = talk_ms // 1000
        d.record(fields, truth_row(
            i + 1, str(start), start_utc=t,
            duration_s=_alts(talk_s, round(talk_ms / 1000), -(-talk_ms // 1000), end - start),
            caller=src.canonical, callee=dst.canonical, record_type="voice", direction=(direction, "unknown")))
    return d


# --- 07 2N GSM gateway -----------------------------------------------------------------------------------

FD_CAUSES = (("17", "BUSY"), ("19", "NOANSW"), ("34", "NOCHAN"))


def gsm_gateway_2n(rng: random.Random, n: int, *, year: int = 2024, month: int = 10) -> Draft:
    """A 2N GSM gateway's call records as the web page saves them: whitespace-aligned columns ``Date Time
    Type Cause From/to Groups conn. durat.``, ``15.10.2024 13:05:07`` local, ``I-OK``/``O-OK``/``O-FD``,
    the far party (E.164 from the GSM network, dialed digits for outgoing), the GSM module group, the
    connection time in seconds and the duration as ``mmm:ss``; a failed call shows its cause word in
    the duration column."""
    d = Draft()
    d.junk(f"{'Date':<10} {'Time':<8} {'Type':<5} {'Cause':<5} {'From/to':<16} {'Groups':<7} {'conn.':>5} "
           f"{'durat.':>7}")
    for i, t in enumerate(instants(rng, n, year, month)):
        local = to_local(t)
        x = rng.random()
        group = rng.choice(("GSM1", "GSM2"))
        if x < 0.4:
            typ, direction = "I-OK", "incoming"
            p = us_party(nanp_digits(rng), "plus")
        elif x < 0.85:
            typ, direction = "O-OK", "outgoing"
            digits = nanp_digits(rng)
            p = Party("1" + digits, ("+1" + digits, "1" + digits))
        else:
            typ, direction = "O-FD", "outgoing"
            digits = nanp_digits(rng)
            p = Party("1" + digits, ("+1" + digits, "1" + digits))
        if typ == "O-FD":
            cause, word = rng.choice(FD_CAUSES)
            dur_txt, dur_truth, conn = word, (0, None), str(rng.randint(2, 20))
        else:
            cause = "16"
            dur = min(voice_duration(rng), 255 * 60 + 59)
            dur_txt, dur_truth, conn = f"{dur // 60:03d}:{dur % 60:02d}", dur, str(rng.randint(2, 20))
        date_txt, time_txt = local.strftime("%d.%m.%Y"), local.strftime("%H:%M:%S")
        text = (f"{date_txt:<10} {time_txt:<8} {typ:<5} {cause:<5} {p.written:<16} {group:<7} {conn:>5} "
                f"{dur_txt:>7}")
        me = (None, group)
        caller, callee = (p.canonical, me) if direction == "incoming" else (me, p.canonical)
        d.record([], truth_row(
            i + 1, f"{date_txt} {time_txt}", start_utc=t, duration_s=dur_truth, caller=caller, callee=callee,
            record_type="voice", direction=(direction, "unknown")), text=text)
    return d


# --- 08 Telenor-style extract --------------------------------------------------------------------------

TELENOR_TYPE = {("voice", "outgoing"): "MOC", ("voice", "incoming"): "MTC", ("sms", "outgoing"): "SMS_MO",
                ("sms", "incoming"): "SMS_MT"}


def _no_party(rng: random.Random) -> Party:
    national = f"{rng.choice(('4', '9'))}{rng.randint(0, 9999999):07d}"
    return Party(national, ("+47" + national, national))


def telenor_extract(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """An operator extract in the Telenor shape of the bandicoot samples: ``B_PARTY,A_PARTY,DURATION,
    B_CELL,CALL_DATE,CALL_TIME,CALL_TYPE``, the date ``20240715`` and the time ``130507`` in two columns,
    ``MOC``/``MTC``/``SMS_MO``/``SMS_MT``, Norwegian 8-digit national numbers, the subscriber as
    ``47...``, alphanumeric cell names (``123A``). The zone is not stated."""
    d = Draft()
    d.junk_row(["B_PARTY", "A_PARTY", "DURATION", "B_CELL", "CALL_DATE", "CALL_TIME", "CALL_TYPE"])
    own = f"9{rng.randint(0, 9999999):07d}"
    target = Party("47" + own, ("+47" + own, "47" + own))
    for i, t in enumerate(instants(rng, n, year, month)):
        rtype, direction = _kind(rng, sms=0.3, fwd=0.0)
        other = _no_party(rng)
        a, b = (target, other) if direction == "outgoing" else (other, target)
        dur = 0 if rtype == "sms" else voice_duration(rng)
        cell = f"{rng.randint(100, 999)}{rng.choice('ABC')}"
        date_txt, time_txt = t.strftime("%Y%m%d"), t.strftime("%H%M%S")
        fields = [b.written, a.written, str(dur), cell, date_txt, time_txt, TELENOR_TYPE[rtype, direction]]
        tr = truth_row(i + 1, f"{date_txt} {time_txt}", start_utc=t, duration_s=(0, None) if rtype == "sms" else dur,
                       caller=a.canonical, callee=b.canonical, record_type=rtype, direction=direction,
                       cell_id=cell)
        _either_zone(tr, t, t.replace(tzinfo=None))
        d.record(fields, tr)
    return d


# --- 09 cdr-stats style import: comma+space, trailing comma, cp1252 -------------------------------------------

CS_NAMES = ("José Muñoz", "Zoë Adler", "François Nkemelu", "Bjørn Ås", "Reception")
CS_CAUSES = {"ANSWER": "16", "BUSY": "17", "NOANSWER": "19"}


def cdrstats_import(rng: random.Random, n: int, *, year: int = 2024, month: int = 2) -> Draft:
    """A switch's CDRs prepared for a cdr-stats style import: no header, ``, `` between fields, a trailing
    comma, ``caller_id_number, caller_id_name, destination_number, starting_date, duration, billsec,
    hangup_cause_id, accountcode,`` with ``YYYY-MM-DD HH:MM:SS`` local and ``011`` international
    destinations next to NANP ones. cp1252 names."""
    d = Draft(delim=", ")
    for i, t in enumerate(instants(rng, n, year, month)):
        src = as_written(str(rng.randint(2001, 2030)))
        if rng.random() < 0.3:
            dst = uk_party(rng, "011tight")
        else:
            dst = _pbx(nanp_digits(rng), rng.choice(("11", "10")))
        disp = rng.choice(("ANSWER",) * 5 + ("BUSY", "NOANSWER"))
        ring = rng.randint(1, 20)
        talk = voice_duration(rng) if disp == "ANSWER" else 0
        start_txt = to_local(t).strftime("%Y-%m-%d %H:%M:%S")
        fields = [src.written, rng.choice(CS_NAMES), dst.written, start_txt, str(ring + talk), str(talk),
                  CS_CAUSES[disp], rng.choice(("1001", "1002"))]
        text = ", ".join(fields) + ","
        d.record(fields, truth_row(
            i + 1, start_txt, start_utc=t, duration_s=_alts(talk, ring + talk), caller=src.canonical,
            callee=dst.canonical, record_type="voice", direction=("outgoing", "unknown")), text=text)
    return d


# --- 10 old telco detail report: NPA / NXX / line, tenths of minutes -------------------------------------------

def telco_npa_tenths(rng: random.Random, n: int, *, year: int = 2024, month: int = 6) -> Draft:
    """A telephone company's call detail report for one billed line in fixed columns: ``YYYYMMDD``, ``HHMM``
    local, the called NPA, NXX and line in separate fields with filler, the place, the duration in
    minutes and tenths (``0002.3``: 138 seconds as billed), a rate code. A banner with the billed number,
    a rule, a total and an end line."""
    d = Draft()
    billed = nanp_digits(rng)
    d.junk(f"CALL DETAIL REPORT          BILLED NUMBER {billed[:3]} {billed[3:6]}-{billed[6:]}     PERIOD "
           f"{year}{month:02d}")
    d.junk("DATE      TIME  NPA NXX LINE  PLACE             MIN.T   RC")
    d.junk("-" * 58)
    places = ("CHICAGO IL", "NEW YORK NY", "HOUSTON TX", "SEATTLE WA", "BOSTON MA", "ATLANTA GA", "DENVER CO")
    total = 0
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=200)):
        local = to_local(t).replace(second=0)
        called = nanp_digits(rng)
        tenths = rng.randint(1, 600)
        total += tenths
        date_txt, time_txt = local.strftime("%Y%m%d"), local.strftime("%H%M")
        text = (f"{date_txt}  {time_txt}  {called[:3]} {called[3:6]} {called[6:]}  {rng.choice(places):<16}  "
                f"{tenths // 10:04d}.{tenths % 10}   {rng.choice(('D', 'E', 'N'))}")
        d.record([], truth_row(
            i + 1, f"{date_txt} {time_txt}", start_utc=from_local(local), duration_s=tenths * 6,
            caller=("+1" + billed, None), callee="+1" + called, record_type=("voice", "other"),
            direction=("outgoing", "unknown")), text=text)
    d.junk("-" * 58)
    d.junk(f"TOTAL {n} CALLS  {total // 10:04d}.{total % 10} MIN")
    d.junk("END OF REPORT")
    return d


# --- 11 CUCM with damaged rows ----------------------------------------------------------------------------

CUCM_COLS = (("cdrRecordType", "INTEGER"), ("globalCallID_callManagerId", "INTEGER"),
             ("globalCallID_callId", "INTEGER"), ("dateTimeOrigination", "INTEGER"),
             ("callingPartyNumber", "VARCHAR(50)"), ("originalCalledPartyNumber", "VARCHAR(50)"),
             ("finalCalledPartyNumber", "VARCHAR(50)"), ("dateTimeConnect", "INTEGER"),
             ("dateTimeDisconnect", "INTEGER"), ("origDeviceName", "VARCHAR(129)"),
             ("destDeviceName", "VARCHAR(129)"), ("duration", "INTEGER"), ("pkid", "UNIQUEIDENTIFIER"))


def cucm_damaged(rng: random.Random, n: int, *, year: int = 2024, month: int = 10) -> Draft:
    """CUCM with names on line 1 unquoted and types on line 2, every value quoted (a re-export from a
    reporting tool), epoch UTC, outside calls with a 9; the damage (an unclosed quote, three rows cut
    short) comes from :data:`HOLDOUT3`'s spec: 4 of 40-60 unreadable, over the 5 % mark: suspect."""
    d = Draft(quote_all=True)
    d.junk(",".join(c for c, _ in CUCM_COLS))
    d.junk(",".join(ty for _, ty in CUCM_COLS))
    stations = {str(rng.randint(5200, 5299)): f"SEP{rng.getrandbits(48):012X}" for _ in range(6)}
    call_id = rng.randint(10000, 90000)
    for i, t in enumerate(instants(rng, n, year, month)):
        ext = rng.choice(list(stations))
        num = nanp_digits(rng)
        if rng.random() < 0.55:
            calling, called, direction = ext, "9" + num, "outgoing"
            calling_t, called_t = ext, ("9" + num, "+1" + num)
            orig_dev, dest_dev = stations[ext], "SIP-TRUNK-PSTN"
        else:
            calling, called, direction = num, ext, "incoming"
            calling_t, called_t = ("+1" + num, num), ext
            orig_dev, dest_dev = "SIP-TRUNK-PSTN", stations[ext]
        answered = rng.random() < 0.8
        dur = voice_duration(rng) if answered else 0
        start = int(t.timestamp())
        connect = start + rng.randint(2, 12) if answered else 0
        disconnect = connect + dur if answered else start + rng.randint(5, 30)
        fields = ["1", "1", str(call_id + i), str(start), calling, called, called, str(connect), str(disconnect),
                  orig_dev, dest_dev, str(dur), str(uuid.UUID(int=rng.getrandbits(128), version=4))]
        d.record(fields, truth_row(
            i + 1, str(start), start_utc=t, duration_s=dur, caller=calling_t, callee=called_t, record_type="voice",
            direction=(direction, "unknown")))
    return d


def _specs() -> tuple[FileSpec, ...]:
    return (
        FileSpec("hold3_01_att_dialed.csv", "att", att_dialed_line, newline="\r\n",
                 notes="AT&T (D) dialed digits on a 2nd line in the Originating cell, CRLF"),
        FileSpec("hold3_02_tmo_utf16.csv", "tmobile", tmobile_split_utf16, encoding="utf-16", newline="\r\n",
                 notes="T-Mobile UTF-16 LE BOM commas, Date/Time (UTC) split, MM:SS, count footer"),
        FileSpec("hold3_03_spr_tab.txt", "sprint", sprint_tab_iso, damage={"truncate": (0.35, 0.75)},
                 notes="Sprint tab, long headers, ISO local, 312.555.0123, 2 rows cut"),
        FileSpec("hold3_04_vzw_mixed.csv", "verizon", verizon_usage_mix,
                 notes="Verizon voice/text/data rows, min/msg/KB, header repeated mid-file"),
        FileSpec("hold3_05_ast_multiline.csv", "asterisk", asterisk_multiline,
                 notes="Asterisk 18 cols, userfield notes over two lines, quoted quotes"),
        FileSpec("hold3_06_fs_epochms.csv", "freeswitch", freeswitch_epoch_ms,
                 notes="FreeSWITCH epoch template, billmsec, inbound/outbound"),
        FileSpec("hold3_07_2n_gsm.txt", "2n", gsm_gateway_2n, newline="\r\n",
                 notes="2N GSM gateway, whitespace, dd.mm.yyyy, I-OK/O-FD, mmm:ss, cause word"),
        FileSpec("hold3_08_telenor.csv", "research", telenor_extract,
                 notes="Telenor extract B_PARTY first, YYYYMMDD + HHMMSS, MOC/MTC, cells 123A"),
        FileSpec("hold3_09_cdrstats.txt", "generic", cdrstats_import, encoding="cp1252",
                 notes="cdr-stats import: no header, ', ', trailing comma, 011, cp1252"),
        FileSpec("hold3_10_fix_npa.txt", "fixed", telco_npa_tenths,
                 notes="telco report YYYYMMDD HHMM, NPA NXX LINE fields, tenths of minutes"),
        FileSpec("hold3_11_cucm_damaged.csv", "cucm", cucm_damaged,
                 damage={"unclosed": (0.2,), "truncate": (0.45, 0.65, 0.85)},
                 notes="CUCM all quoted, 1 unclosed quote + 3 cut rows: suspect"),
    )


HOLDOUT3 = _specs()
"""The third held-out group: eleven files over eleven families (see the module docstring)."""
