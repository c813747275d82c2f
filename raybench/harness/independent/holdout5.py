"""A fifth held-out group of the independent set: fifteen files in styles none of the 26, nor the first to
fourth held-out groups use.

Written blind: from the public descriptions (``../shared/reference/carrier-formats.md`` sections 0, 1.2, 1.4,
1.7, 1.9; ``../shared/reference/parsing-notes.md`` 1.3 and 5.2) and, where those say nothing, from the vendors'
public manuals and exports as generally known (said so at each writer: Kamailio's ``acc`` module and its
``acc_cdrs`` table, OpenSIPS's ``acc`` table, FreeSWITCH ``mod_json_cdr``, Microsoft Teams' PSTN usage report,
Zoom Phone's and RingCentral's call log exports, a UK business carrier's itemised bill, Panasonic KX-TDA/NS
SMDR, a mainframe billing extract, a hosted-PBX Excel report, FusionPBX's CDR export, AudioCodes SBC CDRs,
Webex Calling's detailed call history), by a helper that did not read raybench's readers or classifiers;
never used for training or tuning. :data:`HOLDOUT5` lists the files; ``write_set(..., group="holdout5")``
writes them; ``raybench evaluate --independent --holdout5`` ingests and scores them.

What each file varies:

* Kamailio ``acc_cdrs`` dumped with ``mysql -B``: tab-separated, a header, ``NULL`` for a missing value,
  ``DATETIME`` local starts, the duration a float with milliseconds (``137.042``);
* OpenSIPS ``acc`` written by ``SELECT ... INTO OUTFILE``: no header, strings quoted and numbers not,
  ``\\N`` for NULL, ``created`` (the start) after ``time`` (the answer), ``duration`` seconds beside
  ``ms_duration`` milliseconds and ``setuptime``;
* FreeSWITCH ``mod_json_cdr`` flattened to CSV by ``pandas.json_normalize``: dotted column names
  (``variables.start_uepoch``, ``callflow.caller_profile.destination_number``), URL-encoded values
  (``2024-06-14%2013%3A05%3A07``), epoch microseconds beside the local stamps, ``billmsec``;
* Microsoft Teams' PSTN usage report: a BOM, ISO 8601 stamps with seven fraction digits and ``Z``,
  ``user_in``/``user_out``/``user_out_transfer``/``user_out_forwarding`` call types;
* Zoom Phone's call log: ISO 8601 with the account's offset (``-07:00``, neither UTC nor the job's zone),
  ``00:02:17`` durations, ``Internal``/``External`` number types, extensions;
* RingCentral's call log: ``Mon 07/15/2024`` (a weekday before the date), ``1:05 PM`` without seconds,
  ``0:02:17``, fax rows, ``Missed``/``Voicemail`` results;
* a UK business itemised bill: one section per call kind, each with its heading, its own header row and a
  sub-total row, ``15/07/2024``, UK national numbers with spaces (``01632 960123``), ``00 1 ...``
  international numbers, pence with three decimals, a BOM;
* a Verizon CDR return (switch columns): ``Seizure Dt Tm (GMT)``, ``MO``/``MT``/``CFW``, ``Elapsed Time`` in
  seconds, cell site and cell face (sector) columns, the network element's name;
* a T-Mobile return "with location": a banner that is one quoted cell over three lines, date and time in
  separate UTC columns, end date/time, LAC/TAC and CID/ECI, azimuth, latitude/longitude and a quoted
  address with commas, every field quoted;
* a Panasonic KX-TDA/NS SMDR printout: fixed columns, the page header repeated after a form feed,
  ``07/15/24`` ``01:05PM``, ``<I>`` before the caller ID of incoming calls, ring time ``0'12``, ``NA``/``TR``
  codes;
* a mainframe billing extract: fixed 100-byte records with a ``HDR`` and a ``TRL`` record (the record
  count), Julian dates ``2024197``, ``HHMMSS`` times and ``HHMMSS`` durations, zero-filled 15-digit numbers,
  amounts in overpunched signed decimal;
* a hosted-PBX call report as Excel: a title row, two header rows (group, then field), the start as an Excel
  date-time cell and the durations as time cells (fractions of a day), a totals row;
* FusionPBX's CDR export, two exports pasted into one file: ``15 Jul 2024`` dates, the first part's times
  ``1:05:07 pm`` (12 h) and the second's ``13:05:07`` (24 h);
* AudioCodes SBC CDRs (``CALL_END``): ``|``-separated, space-padded columns, both legs of every call
  (``SrcURI``/``DstURI`` as ``user@host``), times ``13:05:07.123  UTC Mon Sep 16 2024``;
* Webex Calling's detailed call history: ``2024-05-14T13:05:07.123Z``, ``ORIGINATING``/``TERMINATING``
  records (an internal call has both), ``SIP_ENTERPRISE``/``SIP_NATIONAL``/``SIP_TOLLFREE``.

Truth conventions as in :mod:`.holdout4`: a tuple is the set of values accepted; a party number a phone
system writes without ``+`` is accepted in E.164 or as written; a direction the format only implies is
accepted as ``unknown`` too; where a format does not state its time zone, both the UTC and the job-zone
(Chicago) reading are accepted (the UK bill: Europe/London too); a stamp with a fraction of a second is
accepted to the microsecond, to the millisecond or to the second (cut or rounded); a leg the file calls
outbound or originating (Zoom's internal calls, Webex's ``SIP_ENTERPRISE`` records, Teams' forwarding) is
accepted as ``outgoing`` beside its call's direction, and a terminating one as ``incoming``.
"""

from __future__ import annotations

import io
import math
import random
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from raybench.harness.independent.families import Draft, Line, voice_duration
from raybench.harness.independent.holdout4 import Workbook
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

LONDON = "Europe/London"
"""The zone of the UK bill (not stated in the file; accepted beside UTC and Chicago)."""
PACIFIC = "America/Los_Angeles"
"""The Zoom account's zone: its stamps carry the offset (``-07:00`` in August)."""


def _alts(*values) -> tuple:
    return tuple(dict.fromkeys(values))


def _pbx(digits10: str, style: str) -> Party:
    """A NANP number from a phone system: E.164 certain with ``+``, else E.164 or as written."""
    p = us_party(digits10, style)
    return p if p.written.startswith("+") else Party(p.written, (p.canonical, p.written))


def _local_start(truth: dict, naive: datetime, *zones: str) -> None:
    """A start written in a local time the file does not state: its UTC, Chicago (or ``zones``) reading."""
    readings = [naive.replace(tzinfo=timezone.utc), from_local(naive)] + [from_local(naive, z) for z in zones]
    truth["fields"]["start_utc"] = list(dict.fromkeys(iso_utc(r) for r in readings))


def _iso_us(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _fraction_starts(truth: dict, exact: datetime, *more: datetime) -> None:
    """A start written with a fraction of a second: accepted to the microsecond, to the millisecond (cut or
    rounded) or to the second (cut or rounded); ``more``: further instants accepted."""
    base = exact.replace(microsecond=0)
    us = exact.microsecond
    options = [exact, *more, base + timedelta(milliseconds=us // 1000),
               base + timedelta(milliseconds=round(us / 1000)), base, base + timedelta(seconds=round(us / 1e6))]
    truth["fields"]["start_utc"] = list(dict.fromkeys(_iso_us(o) for o in options))


def _clock12(t: datetime, *, pad: bool = False, seconds: bool = True, space: bool = True,
             lower: bool = False) -> str:
    """``1:05:07 PM``; ``pad``: ``01:05``; ``space=False``: ``01:05PM``; ``lower``: ``pm``."""
    h = t.hour % 12 or 12
    ampm = ("am" if lower else "AM") if t.hour < 12 else ("pm" if lower else "PM")
    text = (f"{h:02d}" if pad else str(h)) + f":{t.minute:02d}" + (f":{t.second:02d}" if seconds else "")
    return text + (" " if space else "") + ampm


def _hms(s: int) -> str:
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _duration_ms(rng: random.Random) -> int:
    """A call's length in milliseconds (mostly short, some past an hour)."""
    return voice_duration(rng) * 1000 + rng.randint(0, 999)


def _ms_alts(ms: int, *more: int) -> tuple:
    """Seconds accepted for a duration known to the millisecond: cut, rounded or rounded up."""
    return _alts(ms // 1000, round(ms / 1000), math.ceil(ms / 1000), *more)


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# --- 01 Kamailio acc_cdrs via mysql -B -----------------------------------------------------------------

KAMAILIO_COLUMNS = ("id", "start_time", "end_time", "duration", "callid", "src_user", "src_domain", "src_ip",
                    "dst_user", "dst_domain", "sip_code", "sip_reason")


def kamailio_acc_cdrs(rng: random.Random, n: int, *, year: int = 2024, month: int = 5) -> Draft:
    """Kamailio's ``acc`` module CDRs (``cdr_enable``, the ``acc_cdrs`` table; not in carrier-formats.md: the
    table's ``id, start_time, end_time, duration`` columns as in Kamailio's schema, ``cdr_extra`` columns
    named after the pseudo-variables a site maps, ``$fU``/``$fd``/``$si``/``$rU``/``$rd``), dumped with
    ``mysql -B -e 'SELECT * FROM acc_cdrs'``: tab-separated with the column names first, no quoting,
    ``NULL`` where a pseudo-variable was unset; ``start_time``/``end_time`` ``DATETIME`` in the server's local
    time (not stated); ``duration`` a float of seconds with milliseconds (the dialog's length). Only
    established dialogs get a CDR, so every row is a call that was answered."""
    d = Draft(delim="\t")
    d.junk("\t".join(KAMAILIO_COLUMNS))
    users = [str(1001 + k) for k in range(12)]
    first_id = rng.randint(1000, 90000)
    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        if x < 0.45:
            direction, src = "outgoing", as_written(rng.choice(users))
            dst = _pbx(nanp_digits(rng), rng.choice(("plus", "11")))
            sdom, ddom, ip = "pbx.example.org", "sip.carrier.example", f"10.1.{rng.randint(0, 9)}.{rng.randint(2, 250)}"
        elif x < 0.85:
            direction, src = "incoming", _pbx(nanp_digits(rng), rng.choice(("plus", "11")))
            dst = as_written(rng.choice(users))
            sdom, ddom, ip = ("NULL" if rng.random() < 0.2 else "sip.carrier.example"), "pbx.example.org", "NULL"
        else:
            direction, src = "internal", as_written(rng.choice(users))
            dst = as_written(rng.choice([u for u in users if u != src.written]))
            sdom, ddom, ip = "pbx.example.org", "pbx.example.org", f"10.1.{rng.randint(0, 9)}.{rng.randint(2, 250)}"
        ms = _duration_ms(rng)
        local = to_local(t)
        end = local + timedelta(milliseconds=ms)
        fields = [str(first_id + i), local.strftime("%Y-%m-%d %H:%M:%S"), end.strftime("%Y-%m-%d %H:%M:%S"),
                  f"{ms / 1000:.3f}", f"{rng.getrandbits(64):016x}@{'10.1.0.1' if ip == 'NULL' else ip}",
                  src.written, sdom, ip, dst.written, ddom, "200", "OK"]
        tr = truth_row(i + 1, fields[1], start_utc=t, duration_s=_ms_alts(ms), caller=src.canonical,
                       callee=dst.canonical, record_type="voice", direction=(direction, "unknown"))
        _local_start(tr, local)
        d.record(fields, tr, text="\t".join(fields))
    return d


# --- 02 OpenSIPS acc via SELECT ... INTO OUTFILE -----------------------------------------------------------

def opensips_acc_outfile(rng: random.Random, n: int, *, year: int = 2024, month: int = 9) -> Draft:
    """OpenSIPS's ``acc`` table with CDR accounting (``cdr_flag``; not in carrier-formats.md: the columns of
    OpenSIPS's ``acc`` schema ``id, method, from_tag, to_tag, callid, sip_code, sip_reason, time, duration,
    ms_duration, setuptime, created`` and three extra columns a site adds, ``caller_id``, ``callee_id``,
    ``gateway``), written by MySQL's ``SELECT * INTO OUTFILE ... FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED
    BY '"'``: no header, strings quoted, numbers and ``DATETIME`` values not, ``\\N`` for NULL (``gateway`` on
    calls that stayed inside). ``created`` is when the INVITE came (the start), ``time`` when the call was
    answered, ``setuptime`` the seconds between them; ``duration`` whole seconds and ``ms_duration``
    milliseconds of talk. Local server time, not stated. Anonymous callers are written ``anonymous``."""
    d = Draft()
    users = [str(200 + k) for k in range(15)]
    first_id = rng.randint(10000, 500000)

    def q(text: str) -> str:
        return '"' + text.replace('"', '\\"') + '"'

    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        if x < 0.45:
            direction, src = "outgoing", as_written(rng.choice(users))
            dst, gw = _pbx(nanp_digits(rng), rng.choice(("11", "10", "plus"))), "gw-carrier-a"
        elif x < 0.85:
            direction, dst, gw = "incoming", as_written(rng.choice(users)), "gw-carrier-a"
            src = as_written("anonymous") if rng.random() < 0.1 else _pbx(nanp_digits(rng), "plus")
        else:
            direction, src, gw = "internal", as_written(rng.choice(users)), None
            dst = as_written(rng.choice([u for u in users if u != src.written]))
        setup = rng.randint(1, 20)
        ms = _duration_ms(rng)
        created = to_local(t)
        answered = created + timedelta(seconds=setup)
        stamp = (lambda u: u.strftime("%Y-%m-%d %H:%M:%S"))
        text = ",".join([str(first_id + i), q("INVITE"), q(f"{rng.getrandbits(40):x}"), q(f"{rng.getrandbits(40):x}"),
                         q(f"{rng.getrandbits(96):024x}@10.2.0.4"), q("200"), q("OK"), stamp(answered),
                         str(round(ms / 1000)), str(ms), str(setup), stamp(created), q(src.written), q(dst.written),
                         q(gw) if gw else "\\N"])
        tr = truth_row(i + 1, stamp(created), start_utc=t, duration_s=_ms_alts(ms, round(ms / 1000) + setup),
                       caller=src.canonical, callee=dst.canonical, record_type="voice",
                       direction=(direction, "unknown"))
        _local_start(tr, created)
        d.record([], tr, text=text)
    return d


# --- 03 FreeSWITCH mod_json_cdr flattened by pandas.json_normalize -----------------------------------------

FS_JSON_COLUMNS = ("core-uuid", "switchname", "channel_data.state", "channel_data.direction",
                   "channel_data.state_number", "variables.uuid", "variables.direction", "variables.sip_from_user",
                   "variables.sip_to_user", "variables.start_stamp", "variables.answer_stamp", "variables.end_stamp",
                   "variables.start_uepoch", "variables.answer_uepoch", "variables.end_uepoch", "variables.duration",
                   "variables.billsec", "variables.billmsec", "variables.hangup_cause", "variables.sip_user_agent",
                   "callflow.caller_profile.caller_id_name", "callflow.caller_profile.caller_id_number",
                   "callflow.caller_profile.destination_number", "callflow.caller_profile.context")


def freeswitch_json_flat(rng: random.Random, n: int, *, year: int = 2024, month: int = 6) -> Draft:
    """FreeSWITCH ``mod_json_cdr`` records (carrier-formats.md 1.7: local stamps, epoch channel variables;
    the JSON document's shape, ``core-uuid``, ``switchname``, ``channel_data``, ``variables``, ``callflow``
    with ``caller_profile``, as FreeSWITCH 1.6 writes it, where ``callflow`` is one object) flattened into CSV
    by ``pandas.json_normalize(...).to_csv(index=False)``: dotted column names, values URL-encoded as
    ``mod_json_cdr`` writes its variables (``encode-values``: ``2024-06-14%2013%3A05%3A07``,
    ``Jos%C3%A9``), ``start_uepoch`` microseconds since the epoch beside the local ``start_stamp``, empty
    answer stamps and ``0`` epochs for calls never answered, ``billmsec``. Every A leg's channel direction is
    ``inbound`` (the call came into the switch), whatever the call's direction. The start is written twice
    (``start_stamp`` and ``start_uepoch``): the truth's ``start_key`` holds both."""
    d = Draft()
    d.junk(",".join(FS_JSON_COLUMNS))
    core = _uid(rng)
    users = [str(1000 + k) for k in range(10)]
    names = ("José Pérez", "Front Desk", "Ana", "Björn", "")
    agents = ("Yealink SIP-T46S 66.86.0.15", "Grandstream GXP2170 1.0.11.23", "Zoiper rv2.10.20.2")
    for i, t in enumerate(instants(rng, n, year, month)):
        exact = t.replace(microsecond=rng.randint(0, 999999))
        x = rng.random()
        if x < 0.45:
            direction, src = "outgoing", as_written(rng.choice(users))
            dst, ctx = _pbx(nanp_digits(rng), rng.choice(("11", "plus", "10"))), "default"
        elif x < 0.85:
            direction, src = "incoming", _pbx(nanp_digits(rng), "plus")
            dst, ctx = _pbx(f"3125550{rng.randint(100, 119)}", "11"), "public"
        else:
            direction, src = "internal", as_written(rng.choice(users))
            dst, ctx = as_written(rng.choice([u for u in users if u != src.written])), "default"
        answered = rng.random() < 0.8
        ring_us = rng.randint(1, 20) * 1_000_000 + rng.randint(0, 999999)
        talk_ms = _duration_ms(rng) if answered else 0
        answer = exact + timedelta(microseconds=ring_us) if answered else None
        end = (answer + timedelta(milliseconds=talk_ms)) if answer else exact + timedelta(microseconds=ring_us)
        epoch_us = (lambda u: str(int(u.timestamp()) * 1_000_000 + u.microsecond))
        stamp = (lambda u: quote(to_local(u).strftime("%Y-%m-%d %H:%M:%S"), safe=""))
        total_s = int(end.timestamp()) - int(exact.timestamp())
        billsec = int(end.timestamp()) - int(answer.timestamp()) if answer else 0
        fields = [core, "fs01.example.org", "CS_REPORTING", "inbound", "11", _uid(rng), "inbound",
                  src.written, dst.written, stamp(exact), stamp(answer) if answer else "", stamp(end),
                  epoch_us(exact), epoch_us(answer) if answer else "0", epoch_us(end), str(total_s), str(billsec),
                  str(talk_ms), "NORMAL_CLEARING" if answered else rng.choice(("NO_ANSWER", "ORIGINATOR_CANCEL")),
                  quote(rng.choice(agents), safe="") if direction != "incoming" else "",
                  quote(rng.choice(names), safe=""), src.written, dst.written, ctx]
        tr = truth_row(i + 1, fields[9], start_utc=t, duration_s=_ms_alts(talk_ms, billsec, total_s),
                       caller=src.canonical, callee=dst.canonical, record_type="voice",
                       direction=(direction, "unknown"))
        _fraction_starts(tr, exact)
        tr["start_key"] = [fields[9], fields[12]]  # the start is written twice: the local stamp and the epoch
        d.record(fields, tr)
    return d


# --- 04 Microsoft Teams PSTN usage report ----------------------------------------------------------------

TEAMS_COLUMNS = ("UsageId", "Call ID", "Conference ID", "User Location", "AAD ObjectId", "UPN", "User Display Name",
                 "User country", "Caller ID", "Call Type", "Number Type", "Domestic/International",
                 "Destination Dialed", "Destination Number", "Start time", "End time", "Duration Seconds",
                 "Connection fee", "Charge", "Currency", "Capability")
TEAMS_USERS = (("Adele Vance", "AdeleV"), ("Lee Gu", "LeeG"), ("Megan Bowen", "MeganB"), ("Nestor Wilke", "NestorW"))


def teams_pstn_usage(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """Microsoft Teams' PSTN usage report for Calling Plans as the Teams admin center exports it (not in
    carrier-formats.md; the column names of the report's export and the ``callType`` values of Microsoft
    Graph's PSTN call log as generally known): a BOM, CRLF, ``Start time``/``End time`` in UTC as ISO 8601
    with seven fraction digits and ``Z`` (``2024-07-14T13:05:07.2589935Z``), ``Duration Seconds``, ``Caller
    ID`` and ``Destination Number`` in E.164, ``Call Type`` ``user_in`` (the user was called), ``user_out``,
    ``user_out_transfer`` (a call the user transferred out), ``user_out_forwarding`` (forwarded to a PSTN
    number; the caller is the original caller); charges in the account's currency."""
    d = Draft()
    d.junk_row(list(TEAMS_COLUMNS))
    people = [(name, f"{alias.lower()}@contoso.example", "+1" + f"3125550{140 + k}") for k, (name, alias)
              in enumerate(TEAMS_USERS)]
    for i, t in enumerate(instants(rng, n, year, month)):
        name, upn, own = rng.choice(people)
        x = rng.random()
        far = us_party(nanp_digits(rng), "plus")
        abroad = rng.random() < 0.1
        if abroad:
            london = f"+442079460{rng.randint(100, 999)}"
            far = Party(london, london)
        if x < 0.45:
            kind, direction, caller, callee = "user_in", "incoming", far, us_party(own[2:], "plus")
        elif x < 0.85:
            kind, direction, caller, callee = "user_out", "outgoing", us_party(own[2:], "plus"), far
        elif x < 0.93:
            kind, direction, caller, callee = "user_out_transfer", ("outgoing", "forwarded"), \
                us_party(own[2:], "plus"), far
        else:
            kind, direction = "user_out_forwarding", ("forwarded", "outgoing")
            caller, callee = us_party(nanp_digits(rng), "plus"), far
        dur = voice_duration(rng)
        ticks = rng.randint(0, 9_999_999)  # 100 ns units
        exact = t + timedelta(microseconds=ticks // 10)
        seventh = t + timedelta(microseconds=round(ticks / 10))
        end = t + timedelta(seconds=dur, microseconds=rng.randint(0, 999999))
        stamp = f"{t:%Y-%m-%dT%H:%M:%S}.{ticks:07d}Z"
        charge = "0" if kind == "user_in" else f"{0.0185 * math.ceil(dur / 60) * (9 if abroad else 1):.4f}"
        fields = [_uid(rng), _uid(rng), "", "US", _uid(rng), upn, name, "US", caller.written, kind,
                  "user", "International" if abroad else "Domestic",
                  "United Kingdom" if abroad else "United States", callee.written, stamp,
                  f"{end:%Y-%m-%dT%H:%M:%S}.{end.microsecond:06d}{rng.randint(0, 9)}Z", str(dur), "0", charge, "USD",
                  "MCOPSTN1"]
        tr = truth_row(i + 1, stamp, start_utc=t, duration_s=dur, caller=caller.canonical, callee=callee.canonical,
                       record_type="voice",
                       direction=_alts(*(direction if isinstance(direction, tuple) else (direction,)), "unknown"))
        _fraction_starts(tr, exact, seventh)
        d.record(fields, tr)
    return d


# --- 05 Zoom Phone call log: ISO 8601 with the account's offset -------------------------------------------

def zoom_phone_log(rng: random.Random, n: int, *, year: int = 2024, month: int = 8) -> Draft:
    """Zoom Phone's call log as the admin portal exports it (not in carrier-formats.md; the export's columns
    as generally seen): ``Date & Time`` ISO 8601 in the account's zone with its offset
    (``2024-08-14T06:05:07-07:00``: Pacific, neither UTC nor the job's zone; only the offset gives the
    instant), caller and callee name/number/number type (``Internal`` extensions such as ``802``,
    ``External`` numbers ``+13125550123``), ``Direction`` ``Inbound``/``Outbound``, ``Result`` ``Call
    connected``/``No Answer``/``Voicemail``/``Rejected``, ``Duration`` ``00:02:17``, ``Path`` and ``Site``.
    CRLF."""
    d = Draft()
    d.junk_row(["Date & Time", "Caller Name", "Caller Number", "Caller Number Type", "Callee Name", "Callee Number",
                "Callee Number Type", "Direction", "Result", "Duration", "Path", "Site"])
    staff = {"801": "Kai Nakamura", "802": "Renée Dubois", "803": "Front Desk", "804": "Sam O'Brien"}
    for i, t in enumerate(instants(rng, n, year, month)):
        ext = rng.choice(list(staff))
        far = us_party(nanp_digits(rng), "plus")
        x = rng.random()
        if x < 0.45:
            direction, word = "outgoing", "Outbound"
            caller, ctype, cname = as_written(ext), "Internal", staff[ext]
            callee, etype, ename = far, "External", ""
        elif x < 0.9:
            direction, word = "incoming", "Inbound"
            caller, ctype, cname = far, "External", rng.choice(("", "WIRELESS CALLER", "CHICAGO IL"))
            callee, etype, ename = as_written(ext), "Internal", staff[ext]
        else:
            direction, word = "internal", "Outbound"
            other = rng.choice([e for e in staff if e != ext])
            caller, ctype, cname = as_written(ext), "Internal", staff[ext]
            callee, etype, ename = as_written(other), "Internal", staff[other]
        result = rng.choice(("Call connected",) * 6 + ("No Answer", "Voicemail", "Rejected"))
        if direction == "outgoing":
            result = rng.choice(("Call connected",) * 5 + ("No Answer",))
        dur = voice_duration(rng) if result in ("Call connected", "Voicemail") else 0
        local = t.astimezone(timezone(timedelta(hours=-7)))
        stamp = local.strftime("%Y-%m-%dT%H:%M:%S-07:00")
        path = {"Call connected": "PSTN" if direction != "internal" else "Extension",
                "Voicemail": "Voicemail"}.get(result, "Extension")
        fields = [stamp, cname, caller.written, ctype, ename, callee.written, etype, word, result, _hms(dur), path,
                  "Main Site"]
        tr = truth_row(i + 1, stamp, start_utc=t, duration_s=dur, caller=caller.canonical, callee=callee.canonical,
                       record_type=("voicemail", "voice") if result == "Voicemail" else "voice",
                       direction=_alts(direction, "outgoing" if direction == "internal" else direction, "unknown"))
        d.record(fields, tr)
    return d


# --- 06 RingCentral call log ---------------------------------------------------------------------------

RC_EXTS = {"101": "Alice Moreau", "102": "Dev Patel", "103": "Zoë Adler", "104": "Operator"}


def _paren(digits: str) -> str:
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def ringcentral_log(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """RingCentral's company call log downloaded as CSV (not in carrier-formats.md; the download's columns
    as generally seen): ``Type`` (``Voice``/``Fax``), ``Direction`` (``Incoming``/``Outgoing``), ``From``,
    ``Name``, ``To``, ``Extension``, ``Forwarded To``, ``Date`` with the weekday first (``Mon 07/15/2024``),
    ``Time`` ``1:05 PM`` without seconds (local, not stated), ``Action`` (``Phone Call``, ``VoIP Call``,
    ``Incoming Fax``, ``Outgoing Fax``), ``Action Result`` (``Call connected``, ``Missed``, ``Voicemail``,
    ``Accepted``, ``Sent``, ``Received``), ``Result Description``, ``Duration`` ``0:02:17`` (a missed call's
    ringing time). Numbers ``(312) 555-0123``; the company's main number on outgoing calls."""
    d = Draft()
    d.junk_row(["Type", "Direction", "From", "Name", "To", "Extension", "Forwarded To", "Date", "Time", "Action",
                "Action Result", "Result Description", "Duration"])
    main = "3125550100"
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=180)):
        local = to_local(t).replace(second=0)
        ext = rng.choice(list(RC_EXTS))
        far = nanp_digits(rng)
        fax = rng.random() < 0.1
        incoming = rng.random() < 0.55
        forwarded = ""
        if fax:
            kind, action = "Fax", "Incoming Fax" if incoming else "Outgoing Fax"
            result, desc = ("Received", "Received") if incoming else ("Sent", "Sent")
            dur = rng.randint(20, 180)
            rtype = ("other", "voice")
        else:
            kind, action = "Voice", rng.choice(("Phone Call", "VoIP Call"))
            if incoming:
                result = rng.choice(("Call connected",) * 5 + ("Missed", "Voicemail"))
            else:
                result = rng.choice(("Call connected",) * 6 + ("No Answer",))
            desc = {"Call connected": "Call connected", "Missed": "Missed", "Voicemail": "Received voicemail",
                    "No Answer": "No Answer"}[result]
            dur = voice_duration(rng) if result in ("Call connected", "Voicemail") else rng.randint(5, 30)
            rtype = ("voicemail", "voice") if result == "Voicemail" else "voice"
            if incoming and result == "Call connected" and rng.random() < 0.15:
                forwarded = _paren(nanp_digits(rng))
        if incoming:
            direction, word = "incoming", "Incoming"
            caller, callee = Party(_paren(far), "+1" + far), Party(_paren(main), "+1" + main)
            name = rng.choice(("", "WIRELESS CALLER", "SMITH JOHN"))
        else:
            direction, word = "outgoing", "Outgoing"
            caller, callee = Party(_paren(main), "+1" + main), Party(_paren(far), "+1" + far)
            name = RC_EXTS[ext]
        date_txt = f"{days[local.weekday()]} {local:%m/%d/%Y}"
        time_txt = _clock12(local, seconds=False)
        fields = [kind, word, caller.written, name, callee.written, f"{ext} - {RC_EXTS[ext]}", forwarded, date_txt,
                  time_txt, action, result, desc, f"{dur // 3600}:{dur % 3600 // 60:02d}:{dur % 60:02d}"]
        tr = truth_row(i + 1, f"{date_txt} {time_txt}", start_utc=from_local(local), duration_s=dur,
                       caller=caller.canonical, callee=callee.canonical, record_type=rtype,
                       direction=(direction, "forwarded", "unknown") if forwarded else (direction, "unknown"))
        _local_start(tr, local)
        d.record(fields, tr)
    return d


# --- 07 UK business itemised bill: sections, a header per section, sub-totals -----------------------------

UK_SECTIONS = ("UK calls", "Calls to mobiles", "International calls")


def uk_itemised_bill(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Draft:
    """A UK business line's itemised bill downloaded as CSV (not in carrier-formats.md; the layout UK
    carriers print, one section per kind of call): banner lines naming the account and the line, then per
    section its heading (``UK calls``, ``Calls to mobiles``, ``International calls``), its own header
    ``Date,Time,Number called,Destination,Duration,Cost (£)`` and a ``Sub-total`` row; ``15/07/2024``,
    ``13:05:07`` UK local time (not stated), ``00:02:17``, costs in pounds with three decimals. Numbers as
    printed, with spaces: Ofcom's drama ranges ``01632 960xxx`` (geographic) and ``07700 900xxx`` (mobile),
    ``020 7946 0xxx`` (London), ``00 1 312 555 0123`` abroad. Only outgoing calls are billed. A BOM."""
    d = Draft()
    line = f"01632 960{rng.randint(100, 199):03d}"
    d.junk_row(["Itemised calls", "", "", "", "", ""])
    d.junk_row(["Account number", f"GB{rng.randint(10000000, 99999999)}", "", "", "", ""])
    d.junk_row(["Line", line, "", "", "", ""])
    d.junk_row(["Bill date", f"28/{month:02d}/{year}", "", "", "", ""])
    calls = []
    for t in instants(rng, n, year, month):
        section = rng.choices(range(3), weights=(5, 3, 1))[0]
        if section == 0:
            if rng.random() < 0.5:
                national = f"1632960{rng.randint(100, 999):03d}"
                written, place = f"0{national[:4]} {national[4:]}", "Drama Town"
            else:
                national = f"2079460{rng.randint(100, 999):03d}"
                written, place = f"0{national[:2]} {national[2:6]} {national[6:]}", "London"
            canon = ("+44" + national, "0" + national, written)
            rate = 0.085
        elif section == 1:
            national = f"7700900{rng.randint(100, 999):03d}"
            written, place, rate = f"0{national[:4]} {national[4:]}", "Mobile", 0.124
            canon = ("+44" + national, "0" + national, written)
        else:
            digits = nanp_digits(rng)
            written, place, rate = f"00 1 {digits[:3]} {digits[3:6]} {digits[6:]}", "USA", 0.031
            canon = ("+1" + digits, "001" + digits, written)
        calls.append((section, t, written, canon, place, rate))
    own = (None, "+44" + line.replace(" ", "")[1:], line.replace(" ", ""), line)
    k = 0
    for section in range(3):
        rows = [c for c in calls if c[0] == section]
        if not rows:
            continue
        d.junk_row(["", "", "", "", "", ""])
        d.junk_row([UK_SECTIONS[section], "", "", "", "", ""])
        d.junk_row(["Date", "Time", "Number called", "Destination", "Duration", "Cost (£)"])
        total_s, total_cost = 0, 0.0
        for _, t, written, canon, place, rate in rows:
            local = to_local(t, LONDON)
            dur = voice_duration(rng)
            cost = round(rate * math.ceil(dur / 60), 3)
            total_s += dur
            total_cost += cost
            date_txt, time_txt = local.strftime("%d/%m/%Y"), local.strftime("%H:%M:%S")
            k += 1
            tr = truth_row(k, f"{date_txt} {time_txt}", start_utc=t, duration_s=dur, caller=own, callee=canon,
                           record_type="voice", direction=("outgoing", "unknown"))
            _local_start(tr, local, LONDON)
            d.record([date_txt, time_txt, written, place, _hms(dur), f"{cost:.3f}"], tr)
        d.junk_row(["Sub-total", "", "", f"{len(rows)} calls", _hms(total_s), f"{total_cost:.3f}"])
    return d


# --- 08 Verizon CDR return with cell face (sector) --------------------------------------------------------

VZW_DIRECTIONS = {"outgoing": "MO", "incoming": "MT", "forwarded": "CFW"}


def verizon_cdr_cellface(rng: random.Random, n: int, *, year: int = 2024, month: int = 10) -> Draft:
    """A Verizon CDR return, switch columns (carrier-formats.md 1.4: CDRs have seconds and cell sites, no
    public column key; the header names are those seen in practitioners' descriptions of Verizon returns,
    ``Network Element Name`` among the strings searched in 6): ``Network Element Name, Mobile Directory
    Number, Dialed Digit Number, Call Direction, Seizure Dt Tm (GMT), Seizure Duration, First Serving Cell
    Site, First Serving Cell Face, Last Serving Cell Site, Last Serving Cell Face, Calling Party Number, Called
    Party Number, Elapsed Time``. The zone is stated in the header (GMT); ``Elapsed Time`` is the call in
    seconds, ``Seizure Duration`` the seconds before it; cell face = sector (1-3); a call the network gave no
    cell has both cell columns empty. CRLF."""
    d = Draft()
    d.junk_row(["Network Element Name", "Mobile Directory Number", "Dialed Digit Number", "Call Direction",
                "Seizure Dt Tm (GMT)", "Seizure Duration", "First Serving Cell Site", "First Serving Cell Face",
                "Last Serving Cell Site", "Last Serving Cell Face", "Calling Party Number", "Called Party Number",
                "Elapsed Time"])
    mdn = nanp_digits(rng)
    elements = ("CHCGILWB1", "CHCGILDT2", "SKOKILAV1")
    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        other = nanp_digits(rng)
        direction = "outgoing" if x < 0.45 else "incoming" if x < 0.9 else "forwarded"
        ne = rng.choice(elements)
        if direction == "outgoing":
            calling, called = mdn, other
            dialed = rng.choice((other, "1" + other))
        elif direction == "incoming":
            calling, called, dialed = other, mdn, ""
        else:
            calling, called, dialed = other, nanp_digits(rng), ""
        dur = voice_duration(rng)
        located = rng.random() > 0.08
        site = str(rng.randint(10, 999)) if located else ""
        face = str(rng.randint(1, 3)) if located else ""
        last = str(rng.randint(10, 999)) if located else ""
        last_face = str(rng.randint(1, 3)) if located else ""
        fields = [ne, mdn, dialed, VZW_DIRECTIONS[direction], t.strftime("%m/%d/%Y %H:%M:%S"),
                  str(rng.randint(0, 9)), site, face, last, last_face, calling, called, str(dur)]
        tr = truth_row(i + 1, fields[4], start_utc=t, duration_s=dur, caller=("+1" + calling, calling),
                       callee=("+1" + called, called), record_type="voice", direction=(direction, "unknown"),
                       cell_id=site or None, lac=(None, ne))
        d.record(fields, tr)
    return d


# --- 09 T-Mobile with location: a banner cell over three lines, lat/long, addresses ------------------------

TMO_LOC_COLUMNS = ("Call Type", "Service", "Start Date (UTC)", "Start Time (UTC)", "End Date (UTC)",
                   "End Time (UTC)", "Duration (Sec)", "Calling Number", "Called Number", "Dialed Number", "IMSI",
                   "IMEI", "1st Tower LAC/TAC", "1st Tower CID/ECI", "1st Tower Azimuth", "1st Tower LAT",
                   "1st Tower LONG", "1st Tower Address", "Last Tower LAC/TAC", "Last Tower CID/ECI",
                   "Last Tower Azimuth", "Last Tower LAT", "Last Tower LONG", "Last Tower Address")
TMO_STREETS = ("1200 W Example Rd, Chicago, IL 60601", "55 N Sample Ave, Evanston, IL 60201",
               "9 Test Plaza, Oak Park, IL 60302", "400 E Fiction Blvd, Cicero, IL 60804")


def tmobile_with_location(rng: random.Random, n: int, *, year: int = 2024, month: int = 4) -> Draft:
    """T-Mobile's call detail "with location" variant (carrier-formats.md 1.2: all times UTC, 3GPP record
    names, some columns only in "with location" variants, no cell for SMSc rows): the banner is one quoted
    cell over three lines (a spreadsheet cell with line breaks), a blank line, then the header; date and time
    in separate UTC columns, end date/time, ``Service`` ``GSM``/``UMTS``/``VoLTE``/``SMS``, first and last
    tower as LAC/TAC, CID/ECI (an LTE ECI is nine digits), azimuth, latitude/longitude and the street
    address (commas inside the quotes). Every field quoted; CRLF between rows, LF inside the banner."""
    d = Draft(quote_all=True)
    d.junk('"T-Mobile USA, Inc. - Subpoena Compliance\nCall Detail Records with Cell Site Location\n'
           'All dates and times are in UTC"')
    d.junk("")
    d.junk_row(list(TMO_LOC_COLUMNS))
    target = nanp_digits(rng)
    handset_imsi, handset_imei = imsi(rng, "310260"), imei(rng)
    towers = []
    for _ in range(6):
        lte = rng.random() < 0.6
        towers.append((str(rng.randint(10000, 40000)) if lte else str(rng.randint(1000, 9999)),
                       str(rng.randint(100_000_000, 199_999_999)) if lte else str(rng.randint(10000, 65000)),
                       str(rng.choice((0, 120, 240))), f"{41.85 + rng.random() * 0.2:.6f}",
                       f"{-87.85 + rng.random() * 0.2:.6f}", rng.choice(TMO_STREETS), lte))
    for i, t in enumerate(instants(rng, n, year, month)):
        x = rng.random()
        other = nanp_digits(rng)
        if x < 0.2:
            rtype, direction = "sms", rng.choice(("outgoing", "incoming"))
            code = "mSOriginatingSMSinMSC" if direction == "outgoing" else "mSTerminatingSMSinMSC"
            service = "SMS"
        else:
            rtype = "voice"
            direction = "outgoing" if x < 0.55 else "incoming" if x < 0.92 else "forwarded"
            code = {"outgoing": "mSOriginating", "incoming": "mSTerminating", "forwarded": "callForwarding"}[direction]
            service = None
        calling, called = {"outgoing": (target, other), "incoming": (other, target),
                           "forwarded": (other, nanp_digits(rng))}[direction]
        dur = 0 if rtype == "sms" else voice_duration(rng)
        first, last = rng.choice(towers), rng.choice(towers)
        if rtype == "sms":
            last = first
        if service is None:
            service = "VoLTE" if first[6] else rng.choice(("GSM", "UMTS"))
        located = rng.random() > 0.1
        end = t + timedelta(seconds=dur)
        tower_cells = (list(first[:6]) + list(last[:6])) if located else [""] * 12
        fields = [code, service, t.strftime("%m/%d/%Y"), t.strftime("%H:%M:%S"), end.strftime("%m/%d/%Y"),
                  end.strftime("%H:%M:%S"), str(dur), "1" + calling, "1" + called,
                  "1" + called if direction == "outgoing" else "", handset_imsi, handset_imei, *tower_cells]
        tr = truth_row(i + 1, f"{fields[2]} {fields[3]}", start_utc=t, duration_s=(0, None) if rtype == "sms" else dur,
                       caller=("+1" + calling, "1" + calling), callee=("+1" + called, "1" + called),
                       record_type=rtype, direction=direction, imsi_=handset_imsi, imei_=handset_imei,
                       cell_id=first[1] if located else None, lac=first[0] if located else None)
        d.record(fields, tr)
    return d


# --- 10 Panasonic KX-TDA/NS SMDR printout -----------------------------------------------------------------

PANASONIC_RULE = "-" * 96
PANASONIC_HEADER = " Date     Time    Ext   CO  Dial Number                      Ring  Duration  Acc code        CD"


def panasonic_smdr(rng: random.Random, n: int, *, year: int = 2024, month: int = 6) -> Draft:
    """Panasonic KX-TDA/KX-NS SMDR as a PC capture of the printer port (not in carrier-formats.md; the
    printout as Panasonic's manuals show it): a page header (rule, column names, rule) after a form feed
    every 20 records; ``07/15/24`` and ``01:05PM`` (12 h, local), the extension, the CO line, the dialed
    number for outgoing calls (``13125550123``) or ``<I>`` and the caller ID for incoming ones, the ringing
    time ``0'12`` on incoming calls, the duration ``00:02:17``, an account code column and the condition code
    (``NA`` not answered, ``TR`` transferred, ``FW`` forwarded). Only trunk (CO) calls are printed."""
    d = Draft()
    exts = [str(101 + k) for k in range(10)]
    for i, t in enumerate(instants(rng, n, year, month)):
        if i % 20 == 0:
            d.junk("\f" + PANASONIC_RULE)
            d.junk(PANASONIC_HEADER)
            d.junk(PANASONIC_RULE)
        local = to_local(t).replace(second=0)
        ext, co = rng.choice(exts), f"{rng.randint(1, 8):02d}"
        digits = nanp_digits(rng)
        incoming = rng.random() < 0.5
        if incoming:
            answered = rng.random() < 0.85
            ring_s = rng.randint(3, 40)
            dial, ring = f"<I>{digits}", f"{ring_s // 60}'{ring_s % 60:02d}"
            dur = voice_duration(rng) if answered else 0
            cd = "" if answered else "NA"
            if answered and rng.random() < 0.1:
                cd = "TR"
            caller, callee, direction = Party(dial, ("+1" + digits, digits)), as_written(ext), "incoming"
        else:
            dial, ring, cd = "1" + digits, "", ""
            dur = voice_duration(rng)
            caller, callee, direction = as_written(ext), Party(dial, ("+1" + digits, dial)), "outgoing"
        acc = rng.choice(("", "", "", "4410"))
        date_txt, time_txt = local.strftime("%m/%d/%y"), _clock12(local, pad=True, seconds=False, space=False)
        text = f"{date_txt} {time_txt}  {ext:>4}  {co}  {dial:<32} {ring:>5}  {_hms(dur)}  {acc:<14}  {cd}".rstrip()
        tr = truth_row(i + 1, f"{date_txt} {time_txt}", start_utc=from_local(local), duration_s=dur,
                       caller=caller.canonical, callee=callee.canonical, record_type="voice",
                       direction=(direction, "unknown"))
        _local_start(tr, local)
        d.record([], tr, text=text)
    return d


# --- 11 mainframe billing extract: HDR/TRL records, Julian dates, overpunch --------------------------------

OVERPUNCH_POSITIVE = "{ABCDEFGHI"
"""The last digit of a positive zoned-decimal amount (0 -> ``{``, 1 -> ``A`` ... 9 -> ``I``)."""


def _overpunch(cents: int, width: int) -> str:
    digits = f"{cents:0{width}d}"
    return digits[:-1] + OVERPUNCH_POSITIVE[int(digits[-1])]


def mainframe_extract(rng: random.Random, n: int, *, year: int = 2024, month: int = 8) -> Draft:
    """A telco billing system's call extract from a mainframe (not in carrier-formats.md beyond 1.9's fixed
    columns; the record conventions of IBM batch files as generally known): fixed 100-byte records
    (``RECFM=FB,LRECL=100``) transferred in ASCII mode (CRLF), a ``HDR`` record naming the extract and its run
    date, ``DTL`` detail records and a ``TRL`` record with the count of detail records and the total amount.
    Detail layout: 1-3 ``DTL``, 4-10 call date ``CCYYDDD`` (Julian), 11-16 time ``HHMMSS`` (local, not
    stated), 17-22 duration ``HHMMSS``, 23-37 originating number and 38-52 terminating number (zero-filled to
    15 digits), 53-54 call type (``01`` local, ``02`` long distance, ``03`` international, ``05`` toll-free),
    55 ``O``/``I`` (originating / terminating at the billed line), 56-64 amount in cents, zoned decimal with
    the sign overpunched on the last digit, then spaces to 100."""
    d = Draft()
    run = datetime(year, month, 28)
    d.junk(f"HDRCDRXTRACT{run:%Y%j}BILLING SYSTEM CALL DETAIL EXTRACT".ljust(100))
    line = nanp_digits(rng)
    total = 0
    for i, t in enumerate(instants(rng, n, year, month)):
        local = to_local(t)
        x = rng.random()
        if x < 0.1:
            intl = f"11441632960{rng.randint(100, 999):03d}"
            other, other_canon, ctype = intl.zfill(15), ("+44" + intl[4:], "0" + intl), "03"
            direction = "outgoing"
        else:
            digits = nanp_digits(rng)
            if x < 0.15:
                digits = "800555" + digits[6:]
            other, other_canon = digits.zfill(15), ("+1" + digits, digits, digits.zfill(15))
            ctype = "05" if digits.startswith("800") else rng.choice(("01", "02"))
            direction = "outgoing" if x < 0.6 else "incoming"
        own = (line.zfill(15), ("+1" + line, line, line.zfill(15)))
        dur = voice_duration(rng)
        cents = 0 if direction == "incoming" or ctype == "05" else rng.randint(1, 99) * math.ceil(dur / 60)
        total += cents
        orig, term = (own, (other, other_canon)) if direction == "outgoing" else ((other, other_canon), own)
        text = (f"DTL{local:%Y%j}{local:%H%M%S}{_hms(dur).replace(':', '')}{orig[0]}{term[0]}{ctype}"
                f"{'O' if direction == 'outgoing' else 'I'}{_overpunch(cents, 9)}").ljust(100)
        tr = truth_row(i + 1, f"{local:%Y%j}{local:%H%M%S}", start_utc=t, duration_s=dur, caller=orig[1],
                       callee=term[1], record_type="voice", direction=(direction, "unknown"))
        _local_start(tr, local)
        d.record([], tr, text=text)
    d.junk(f"TRL{n:010d}{_overpunch(total, 13)}".ljust(100))
    return d


# --- 12 hosted-PBX Excel report: two header rows, date-time and time cells --------------------------------

def hosted_pbx_workbook(rng: random.Random, n: int, *, year: int = 2024, month: int = 7) -> Workbook:
    """A hosted-PBX call report as Excel, as Vonage Business's and similar admin portals export it (not in
    carrier-formats.md; the report's shape as generally seen): one sheet ``Call Log``, a title row (merged)
    with the account and the period, a blank row, two header rows (group: ``Call``, ``From``, ``To``,
    ``Duration``, ``Result``, merged over their fields; then the fields: ``Date/Time``, ``Direction``, ``Name``,
    ``Number``, ``Name``, ``Number``, ``Ring``, ``Talk``, ``Result``), the start as an Excel date-time cell
    (a serial number formatted ``mm/dd/yyyy h:mm:ss AM/PM``; local, not stated), ring and talk as time cells
    (fractions of a day formatted ``[h]:mm:ss``), numbers as text ``(312) 555-0123`` and extensions ``2001``,
    and a ``Total`` row whose talk cell is a ``SUM`` formula."""
    import xlsxwriter  # local: only when an XLSX is written

    wb = Workbook()
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.set_properties({"created": datetime(year, month, 28, 9, 0, 0), "author": "Admin Portal"})
    sheet = book.add_worksheet("Call Log")
    bold = book.add_format({"bold": True})
    when_fmt = book.add_format({"num_format": "mm/dd/yyyy h:mm:ss AM/PM"})
    dur_fmt = book.add_format({"num_format": "[h]:mm:ss"})
    title = f"Call Log Report - Acme Dental Group - {month:02d}/01/{year} to {month:02d}/31/{year}"
    sheet.merge_range(0, 0, 0, 8, title, bold)
    for c0, c1, label in ((0, 1, "Call"), (2, 3, "From"), (4, 5, "To"), (6, 7, "Duration")):
        sheet.merge_range(2, c0, 2, c1, label, bold)
    sheet.write_string(2, 8, "Result", bold)
    for c, h in enumerate(("Date/Time", "Direction", "Name", "Number", "Name", "Number", "Ring", "Talk", "Result")):
        sheet.write_string(3, c, h, bold)
    staff = {"2001": "Dr. Imani Cole", "2002": "Reception", "2003": "Billing Office"}
    r = 4
    talk_total = 0
    for i, t in enumerate(instants(rng, n, year, month)):
        local = to_local(t)
        ext = rng.choice(list(staff))
        digits = nanp_digits(rng)
        far = Party(_paren(digits), "+1" + digits)
        x = rng.random()
        if x < 0.5:
            direction, word = "incoming", "Inbound"
            src, sname, dst, dname = far, rng.choice(("", "WIRELESS CALLER")), as_written(ext), staff[ext]
        elif x < 0.9:
            direction, word = "outgoing", "Outbound"
            src, sname, dst, dname = as_written(ext), staff[ext], far, ""
        else:
            direction, word = "internal", "Internal"
            other = rng.choice([e for e in staff if e != ext])
            src, sname, dst, dname = as_written(ext), staff[ext], as_written(other), staff[other]
        result = rng.choice(("Answered",) * 6 + ("Missed", "Voicemail"))
        ring = rng.randint(2, 30)
        talk = voice_duration(rng) if result != "Missed" else 0
        talk_total += talk
        sheet.write_datetime(r, 0, local, when_fmt)
        sheet.write_string(r, 1, word)
        for c, v in ((2, sname), (3, src.written), (4, dname), (5, dst.written)):
            sheet.write_string(r, c, v)
        sheet.write_number(r, 6, ring / 86400, dur_fmt)
        sheet.write_number(r, 7, talk / 86400, dur_fmt)
        sheet.write_string(r, 8, result)
        tr = truth_row(i + 1, local.strftime("%Y-%m-%d %H:%M:%S"), start_utc=t, duration_s=_alts(talk, ring + talk),
                       caller=src.canonical, callee=dst.canonical,
                       record_type=("voicemail", "voice") if result == "Voicemail" else "voice",
                       direction=(direction, "unknown"))
        _local_start(tr, local)
        wb.lines.append(Line("record", "", tr))
        r += 1
    sheet.write_string(r, 0, "Total", bold)
    sheet.write_string(r, 1, f"{n} calls", bold)
    sheet.write_formula(r, 7, f"=SUM(H5:H{r})", dur_fmt, talk_total / 86400)
    book.close()
    wb.payload = buf.getvalue()
    return wb


# --- 13 FusionPBX CDR export: two exports pasted together, 12 h then 24 h --------------------------------

def fusionpbx_mixed_clock(rng: random.Random, n: int, *, year: int = 2024, month: int = 6) -> Draft:
    """FusionPBX's call detail records (``xml_cdr``) page exported to CSV (not in carrier-formats.md; the
    page's columns as generally seen), twice, by two users, and pasted into one file under the first header:
    the first user's time format is 12-hour (``1:05:07 pm``), the second's 24-hour (``13:05:07``). ``Date``
    ``15 Jul 2024`` (the domain's local time, not stated), ``Direction`` ``inbound``/``outbound``/``local``,
    ``Caller Number`` an extension or ``+13125550123``, ``Destination`` ``13125550188`` or an extension, ``TTA``
    (seconds to answer), ``Duration`` ``00:02:17``, FreeSWITCH hangup causes, ``Status``."""
    d = Draft()
    d.junk_row(["Direction", "Ext.", "Caller Name", "Caller Number", "Destination", "Date", "Time", "TTA", "Duration",
                "Hangup Cause", "Status"])
    exts = {"101": "Reception", "102": "Marco Rossi", "103": "Ingrid Berg", "104": "Warehouse"}
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    times = instants(rng, n, year, month)
    cut = len(times) // 2
    for i, t in enumerate(times):
        local = to_local(t)
        ext = rng.choice(list(exts))
        x = rng.random()
        if x < 0.45:
            direction, word, ext_col = "outgoing", "outbound", ext
            src, name, dst = as_written(ext), exts[ext], _pbx(nanp_digits(rng), rng.choice(("11", "10")))
        elif x < 0.85:
            direction, word, ext_col = "incoming", "inbound", ext
            src, name, dst = _pbx(nanp_digits(rng), "plus"), rng.choice(("", "CHICAGO IL", "WIRELESS CALLER")), \
                as_written(ext)
        else:
            direction, word, ext_col = "internal", "local", ext
            other = rng.choice([e for e in exts if e != ext])
            src, name, dst = as_written(ext), exts[ext], as_written(other)
        status = rng.choice(("answered",) * 6 + ("missed", "voicemail", "cancelled"))
        if direction == "outgoing" and status in ("missed", "voicemail"):
            status = "answered"
        cause = {"answered": "NORMAL_CLEARING", "voicemail": "NORMAL_CLEARING", "missed": "NO_ANSWER",
                 "cancelled": "ORIGINATOR_CANCEL"}[status]
        tta = rng.randint(1, 20) if status in ("answered", "voicemail") else 0
        dur = voice_duration(rng) if status in ("answered", "voicemail") else 0
        date_txt = f"{local.day:02d} {months[local.month - 1]} {local.year}"
        time_txt = _clock12(local, lower=True) if i < cut else local.strftime("%H:%M:%S")
        fields = [word, ext_col, name, src.written, dst.written, date_txt, time_txt, str(tta) if tta else "",
                  _hms(dur), cause, status]
        tr = truth_row(i + 1, f"{date_txt} {time_txt}", start_utc=t, duration_s=_alts(dur, tta + dur),
                       caller=src.canonical, callee=dst.canonical,
                       record_type=("voicemail", "voice") if status == "voicemail" else "voice",
                       direction=(direction, "unknown"))
        _local_start(tr, local)
        d.record(fields, tr)
    return d


# --- 14 AudioCodes SBC CDRs: both legs, pipes, padded columns --------------------------------------------

AUDIOCODES_COLUMNS = (("SBCReportType", 14), ("EPTyp", 6), ("SIPCallId", 34), ("SessionId", 11), ("Orig", 5),
                      ("SourceIp", 15), ("SourcePort", 10), ("DestIp", 15), ("DestPort", 8), ("TransportType", 13),
                      ("SrcURI", 34), ("SrcURIBeforeMap", 34), ("DstURI", 34), ("DstURIBeforeMap", 34),
                      ("Durat", 6), ("TrmSd", 6), ("TrmReason", 25), ("TrmReasonCategory", 18),
                      ("SetupTime", 34), ("ConnectTime", 34), ("ReleaseTime", 34), ("IPGroup", 14),
                      ("SIPTrmReason", 12))


def _ac_time(t: datetime) -> str:
    """AudioCodes' CDR time: ``13:05:07.123  UTC Mon Sep 16 2024``."""
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return (f"{t:%H:%M:%S}.{t.microsecond // 1000:03d}  UTC {days[t.weekday()]} {months[t.month - 1]} {t.day} "
            f"{t.year}")


def _ac_line(values) -> str:
    return "|" + "|".join(f"{v:<{w}}" for v, (_, w) in zip(values, AUDIOCODES_COLUMNS)) + "|"


def audiocodes_sbc(rng: random.Random, n: int, *, year: int = 2024, month: int = 9) -> Draft:
    """AudioCodes Mediant SBC call detail records (``CALL_END``) as a syslog server saved them, the syslog
    prefix cut off (not in carrier-formats.md; the SBC CDR field names and time format as AudioCodes' user
    manuals show them): ``|``-separated, each value padded to its column's width, the title line first. A
    call through the SBC is two legs, each with its own record and the same ``SessionId``: the Teams side
    (``SrcURI``/``DstURI`` ``+13125550123@sip.pstnhub.example``) and the carrier side
    (``3125550123@203.0.113.20``); ``SetupTime``/``ConnectTime``/``ReleaseTime`` ``13:05:07.123  UTC Mon
    Sep 16 2024`` (empty connect time when not answered), ``Durat`` seconds of talk, ``Orig`` ``LCL``/``RMT``,
    ``TrmSd`` the side that hung up."""
    d = Draft()
    d.junk(_ac_line([name for name, _ in AUDIOCODES_COLUMNS]))
    calls = instants(rng, (n + 1) // 2, year, month)
    k = 0
    teams_host, pstn_host, pstn_ip = "sip.pstnhub.example", "203.0.113.20", "203.0.113.20"
    for t in calls:
        digits_far, digits_user = nanp_digits(rng), f"3125550{rng.randint(150, 169)}"
        inbound = rng.random() < 0.5
        answered = rng.random() < 0.85
        talk = voice_duration(rng) if answered else 0
        session = str(rng.randint(100000000, 999999999))
        setup = t.replace(microsecond=rng.randint(0, 999) * 1000)
        ring = timedelta(milliseconds=rng.randint(1500, 15000))
        # (leg side, caller digits, callee digits): the leg the call enters first comes first
        sides = (("PSTN", "Teams") if inbound else ("Teams", "PSTN"))
        for leg, side in enumerate(sides):
            if k >= n:
                break
            start = setup + timedelta(milliseconds=leg * rng.randint(40, 300))
            connect = start + ring if answered else None
            release = (connect + timedelta(seconds=talk)) if connect else start + ring
            caller_d, callee_d = (digits_far, digits_user) if inbound else (digits_user, digits_far)

            def uri(digits: str, on: str) -> tuple[str, tuple]:
                text = f"+1{digits}@{teams_host}" if on == "Teams" else f"{digits}@{pstn_host}"
                return text, ("+1" + digits, text, text.split("@")[0])

            src, src_c = uri(caller_d, side)
            dst, dst_c = uri(callee_d, side)
            src_before, _ = uri(caller_d, "PSTN" if side == "Teams" else "Teams")
            dst_before, _ = uri(callee_d, "PSTN" if side == "Teams" else "Teams")
            orig = "RMT" if leg == 0 else "LCL"
            values = ["CALL_END", "SBC", f"{rng.getrandbits(120):030x}"[:30], session, orig,
                      "52.114.0.8" if side == "Teams" else pstn_ip, "5061" if side == "Teams" else "5060",
                      "10.0.0.5", "5061" if side == "Teams" else "5060", "TLS" if side == "Teams" else "UDP",
                      src, src_before, dst, dst_before, str(talk), rng.choice(("RMT", "LCL")),
                      "GWAPP_NORMAL_CALL_CLEAR" if answered else "GWAPP_NO_USER_RESPONDING",
                      "NORMAL_CALL_CLEAR" if answered else "NO_ANSWER", _ac_time(start),
                      _ac_time(connect) if connect else "", _ac_time(release),
                      "Teams" if side == "Teams" else "PSTN-Carrier", "BYE" if answered else "CANCEL"]
            k += 1
            tr = truth_row(k, _ac_time(start), start_utc=start.replace(microsecond=0), duration_s=talk,
                           caller=src_c, callee=dst_c,
                           record_type="voice", direction=("incoming" if inbound else "outgoing", "unknown"))
            _fraction_starts(tr, start)
            d.record([], tr, text=_ac_line(values))
    return d


# --- 15 Webex Calling detailed call history -------------------------------------------------------------

WEBEX_COLUMNS = ("Report ID", "Report time", "Start time", "Answer time", "Duration", "Local call ID",
                 "Remote call ID", "Correlation ID", "User", "User type", "Calling line ID", "Called line ID",
                 "Calling number", "Called number", "Dialed digits", "Direction", "Call type", "Answered",
                 "Location", "Ring duration", "Release time", "Client type", "Device MAC")


def webex_call_history(rng: random.Random, n: int, *, year: int = 2024, month: int = 5) -> Draft:
    """Webex Calling's detailed call history report downloaded from Control Hub as CSV (not in
    carrier-formats.md; the report's field names as Cisco's public reference lists them, a subset in their
    order): ``Start time``/``Answer time``/``Release time`` ISO 8601 UTC with milliseconds and ``Z``, ``Duration``
    seconds, ``Direction`` ``ORIGINATING`` (the user placed the call) or ``TERMINATING`` (the user received it),
    ``Call type`` ``SIP_ENTERPRISE`` (between two users), ``SIP_NATIONAL``, ``SIP_TOLLFREE``, ``SIP_INBOUND``;
    ``Answered`` ``true``/``false``; extensions (``4101``) beside E.164 numbers. An internal call gives two
    records, the caller's ``ORIGINATING`` one and the callee's ``TERMINATING`` one, a few hundred milliseconds
    apart."""
    d = Draft()
    d.junk_row(list(WEBEX_COLUMNS))
    users = {"4101": "mchen@example.com", "4102": "pnair@example.com", "4103": "lobi@example.com",
             "4104": "frontdesk@example.com"}
    k = 0
    report_time = datetime(year, month, 28, 3, 0, 0, tzinfo=timezone.utc)
    for t in instants(rng, n, year, month):
        if k >= n:
            break
        x = rng.random()
        ext = rng.choice(list(users))
        answered = rng.random() < 0.85
        talk = voice_duration(rng) if answered else 0
        ring = rng.randint(1, 25)
        start = t.replace(microsecond=rng.randint(0, 999) * 1000)
        legs = []
        if x < 0.4:
            digits = nanp_digits(rng)
            if rng.random() < 0.15:
                digits = "8005550" + digits[7:]
            callee = Party("+1" + digits, "+1" + digits)
            legs.append(("ORIGINATING", "SIP_TOLLFREE" if digits.startswith("800") else "SIP_NATIONAL",
                         as_written(ext), callee, ext, digits, "outgoing"))
        elif x < 0.85:
            number = "+1" + nanp_digits(rng)
            caller = Party(number, number)
            legs.append(("TERMINATING", "SIP_INBOUND", caller, as_written(ext), ext, "", "incoming"))
        else:
            other = rng.choice([e for e in users if e != ext])
            legs.append(("ORIGINATING", "SIP_ENTERPRISE", as_written(ext), as_written(other), ext, other, "internal"))
            legs.append(("TERMINATING", "SIP_ENTERPRISE", as_written(ext), as_written(other), other, "", "internal"))
        for j, (direction_word, ctype, caller, callee, user, dialed, direction) in enumerate(legs):
            if k >= n:
                break
            begin = start + timedelta(milliseconds=j * rng.randint(80, 400))
            answer = begin + timedelta(seconds=ring) if answered else None
            release = (answer + timedelta(seconds=talk)) if answer else begin + timedelta(seconds=ring)
            iso = (lambda u: f"{u:%Y-%m-%dT%H:%M:%S}.{u.microsecond // 1000:03d}Z")
            fields = [_uid(rng), iso(report_time), iso(begin), iso(answer) if answer else "", str(talk),
                      f"SSE{rng.getrandbits(40):010x}", f"SSE{rng.getrandbits(40):010x}", _uid(rng), users[user],
                      "User", caller.written, callee.written, caller.written, callee.written, dialed, direction_word,
                      ctype, "true" if answered else "false", "Chicago HQ", str(ring), iso(release),
                      rng.choice(("WXC_DESKTOP", "WXC_DEVICE", "WXC_MOBILE")),
                      "" if rng.random() < 0.5 else f"{rng.getrandbits(48):012X}"]
            k += 1
            tr = truth_row(k, fields[2], start_utc=begin.replace(microsecond=0), duration_s=talk,
                           caller=caller.canonical, callee=callee.canonical, record_type="voice",
                           direction=(direction, "outgoing" if direction_word == "ORIGINATING" else "incoming",
                                      "unknown"))
            _fraction_starts(tr, begin)
            d.record(fields, tr)
    return d


def _specs() -> tuple[FileSpec, ...]:
    return (
        FileSpec("hold5_01_kamailio_acc.tsv", "kamailio", kamailio_acc_cdrs,
                 notes="Kamailio acc_cdrs via mysql -B: tabs, NULL, DATETIME local, duration 137.042"),
        FileSpec("hold5_02_opensips_acc.txt", "opensips", opensips_acc_outfile,
                 notes=r"OpenSIPS acc INTO OUTFILE: no header, \N, created/time, ms_duration, setuptime"),
        FileSpec("hold5_03_fs_json_flat.csv", "freeswitch", freeswitch_json_flat,
                 notes="FreeSWITCH json_cdr via json_normalize: dotted names, URL-encoded stamps, uepoch"),
        FileSpec("hold5_04_teams_pstn.csv", "teams", teams_pstn_usage, encoding="utf-8-sig", newline="\r\n",
                 notes="Teams PSTN usage: BOM, ISO 7-digit fractions Z, user_in/user_out_forwarding"),
        FileSpec("hold5_05_zoom_phone.csv", "zoom", zoom_phone_log, newline="\r\n",
                 notes="Zoom Phone call log: ISO 8601 with -07:00, 00:02:17, Internal/External types"),
        FileSpec("hold5_06_ringcentral.csv", "ringcentral", ringcentral_log,
                 notes="RingCentral call log: 'Mon 07/15/2024' '1:05 PM', 0:02:17, fax rows"),
        FileSpec("hold5_07_uk_bill.csv", "generic", uk_itemised_bill, encoding="utf-8-sig", newline="\r\n",
                 notes="UK itemised bill: sections each with header + sub-total, DD/MM/YYYY, 01632 960123, £"),
        FileSpec("hold5_08_vzw_cdr.csv", "verizon", verizon_cdr_cellface, newline="\r\n",
                 notes="Verizon CDR: Seizure Dt Tm (GMT), MO/MT/CFW, cell site + cell face, elapsed s"),
        FileSpec("hold5_09_tmo_location.csv", "tmobile", tmobile_with_location, newline="\r\n",
                 notes="T-Mobile with location: 3-line quoted banner, split UTC date/time, lat/long, ECI"),
        FileSpec("hold5_10_panasonic_smdr.txt", "panasonic", panasonic_smdr, newline="\r\n",
                 notes="Panasonic SMDR: form feeds + page headers, 07/15/24 01:05PM, <I>caller, 0'12 ring"),
        FileSpec("hold5_11_mainframe.dat", "fixed", mainframe_extract, newline="\r\n",
                 notes="mainframe extract: HDR/TRL count, Julian CCYYDDD, HHMMSS durations, overpunch"),
        FileSpec("hold5_12_pbx_report.xlsx", "vonage", hosted_pbx_workbook,
                 notes="hosted-PBX XLSX: title + two header rows, date-time cells, [h]:mm:ss time cells"),
        FileSpec("hold5_13_fusionpbx_mixed.csv", "fusionpbx", fusionpbx_mixed_clock,
                 notes="FusionPBX CDR, two exports pasted: '15 Jul 2024', 1:05:07 pm then 13:05:07"),
        FileSpec("hold5_14_audiocodes_sbc.txt", "audiocodes", audiocodes_sbc,
                 notes="AudioCodes SBC CALL_END: | padded, both legs, user@host URIs, '13:05:07.123  UTC Mon'"),
        FileSpec("hold5_15_webex_calls.csv", "webex", webex_call_history,
                 notes="Webex Calling history: ISO ms Z, ORIGINATING/TERMINATING, both legs of internal calls"),
    )


HOLDOUT5 = _specs()
"""The fifth held-out group: fifteen files over fifteen families (see the module docstring)."""
