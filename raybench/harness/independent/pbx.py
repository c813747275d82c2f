"""Phone-system and switch writers of the independent set: Asterisk ``Master.csv`` (section 1.6),
FreeSWITCH ``mod_cdr_csv`` with its default template (1.7) and a fixed-width switch report (1.9)."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from raybench.harness.independent.families import Draft, voice_duration
from raybench.harness.independent.parties import (
    LOCAL_ZONE, Party, as_written, es_party, from_local, nanp_digits, to_local, trunk_zero_party, truth_row,
    uk_party, us_party, instants,
)

NAMES = ("Alice Moreau", "Bob Okafor", "Chen Wei", "Dana Ruiz", "Émile Faure", "Jürgen Groß", "Reception")
AST_TARGETS = ("s", "t", "h", "hangup", "park+700", "*97", "i")
"""Dialplan targets written where a number would be (the start extension, timeout, parking, voicemail)."""


def _stamp(utc: datetime, zone: str) -> str:
    local = utc if zone == "UTC" else to_local(utc, zone)
    return local.strftime("%Y-%m-%d %H:%M:%S")


def _direction_and_parties(rng: random.Random, exts: list[str], *, sip_users: bool, trunk0: bool,
                           targets: bool) -> tuple[str, Party, Party, str]:
    """(direction, src, dst, dcontext) of one PBX call."""
    x = rng.random()
    if x < 0.4:  # out through the trunk
        src = as_written(rng.choice(exts))
        style = rng.choice(("10", "11", "11", "plus"))
        y = rng.random()
        if y < 0.1:
            dst = uk_party(rng, "011tight")
        elif trunk0 and y < 0.3:
            dst = trunk_zero_party(rng)
        else:
            dst = us_party(nanp_digits(rng), style)
        return "outgoing", src, dst, "from-internal"
    if x < 0.75:  # in from the trunk
        src = us_party(nanp_digits(rng), rng.choice(("10", "plus", "11")))
        if targets and rng.random() < 0.4:
            dst = as_written(rng.choice(AST_TARGETS))
        else:
            dst = as_written(rng.choice(exts))
        return "incoming", src, dst, rng.choice(("from-trunk", "from-pstn"))
    src = as_written(rng.choice(exts))
    if targets and rng.random() < 0.3:
        dst = as_written(rng.choice(AST_TARGETS))
    else:
        dst = as_written(rng.choice([e for e in exts if e != src.written] or exts))
    return "internal", src, dst, "from-internal"


def asterisk(rng: random.Random, n: int, *, columns: int = 16, zone: str = LOCAL_ZONE, sip_users: bool = False,
             trunk0: bool = False, targets: bool = True, year: int = 2024, month: int = 2) -> Draft:
    """Asterisk ``cdr_csv`` ``Master.csv``: no header, every field quoted, 16 columns, 17 with ``uniqueid``
    (the Unix time the channel was created, a dot, a sequence number), 18 with ``userfield``.

    ``zone``: the server's zone the stamps are written in (``UTC`` for ``usegmtime=yes``).
    """
    d = Draft(quote_all=True)
    exts = ([f"{rng.choice(('alice', 'bob', 'carol', 'dave', 'erin'))}{k}" for k in range(4)] if sip_users
            else [str(1000 + k) for k in range(1, 12)] + ["610", "611"])
    seq = rng.randint(10, 500)
    for i, t in enumerate(instants(rng, n, year, month, min_gap_s=120)):
        direction, src, dst, context = _direction_and_parties(rng, exts, sip_users=sip_users, trunk0=trunk0,
                                                              targets=targets)
        disposition = rng.choice(("ANSWERED",) * 6 + ("NO ANSWER", "BUSY", "FAILED"))
        ring = rng.randint(0, 25)
        talk = voice_duration(rng) if disposition == "ANSWERED" else 0
        answer = t + timedelta(seconds=ring) if disposition == "ANSWERED" else None
        end = t + timedelta(seconds=ring + talk)
        duration, billsec = ring + talk, talk
        name = rng.choice(NAMES) if direction != "incoming" else rng.choice(("", "CHICAGO IL", "WIRELESS CALLER"))
        clid = f'"{name}" <{src.written}>'
        chan = f"SIP/{src.written if direction != 'incoming' else 'trunk'}-{seq:08x}"
        peer = "trunk" if direction == "outgoing" else dst.written
        dstchan = "" if disposition == "FAILED" else f"SIP/{peer}-{seq + 1:08x}"
        app, appdata = ("Dial", f"SIP/trunk/{dst.written},60") if direction == "outgoing" else \
            (("Background", "custom/welcome") if dst.written in AST_TARGETS else ("Dial", f"SIP/{dst.written},30,tT"))
        start_txt = _stamp(t, zone)
        fields = [rng.choice(("", "", "sales", "support")), src.written, dst.written, context, clid, chan, dstchan,
                  app, appdata, start_txt, _stamp(answer, zone) if answer else "", _stamp(end, zone),
                  str(duration), str(billsec), disposition, rng.choice(("DOCUMENTATION", "BILLING"))]
        if columns >= 17:
            fields.append(f"{int(t.timestamp())}.{seq}")
        if columns >= 18:
            fields.append(rng.choice(("", "", "vip", "callback")))
        seq += 2
        dir_truth = (direction, "unknown")
        d.record(fields, truth_row(
            i + 1, start_txt, start_utc=t, duration_s=(billsec, duration) if billsec != duration else duration,
            caller=src.canonical, callee=dst.canonical, record_type="voice", direction=dir_truth))
    return d


def freeswitch(rng: random.Random, n: int, *, legs: str = "a", year: int = 2023, month: int = 10) -> Draft:
    """FreeSWITCH ``mod_cdr_csv`` with the built-in default template: caller_id_name, caller_id_number,
    destination_number, context, start/answer/end stamps (local), duration, billsec, hangup_cause, uuid,
    bleg_uuid, accountcode, with the template's space before the last field. ``legs='ab'`` writes a B-leg
    row after each bridged call's A leg."""
    d = Draft(quote_all=True)
    users = [str(1000 + k) for k in range(20)]
    for t in instants(rng, n if legs == "a" else (n + 1) // 2, year, month):
        x = rng.random()
        if x < 0.45:
            context, direction = "default", "outgoing"
            src = as_written(rng.choice(users))
            dst = es_party(rng, rng.choice(("plus", "cc", "00", "000"))) if rng.random() < 0.6 else \
                us_party(nanp_digits(rng), "11")
        elif x < 0.8:
            context, direction = "public", "incoming"
            src = es_party(rng, "plus") if rng.random() < 0.5 else us_party(nanp_digits(rng), "plus")
            dst = as_written(rng.choice(users))
        else:
            context, direction = "default", "internal"
            src = as_written(rng.choice(users))
            dst = as_written(rng.choice(users[:5] + ["*98", "9196", "5000"]))
        cause = rng.choice(("NORMAL_CLEARING",) * 5 + ("NO_ANSWER", "USER_BUSY", "ORIGINATOR_CANCEL"))
        ring = rng.randint(1, 20)
        talk = voice_duration(rng) if cause == "NORMAL_CLEARING" else 0
        answer = t + timedelta(seconds=ring) if talk else None
        end = t + timedelta(seconds=ring + talk)
        a_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        b_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4)) if talk else ""
        name = rng.choice(NAMES) if direction != "incoming" else ""
        rows = [(t, answer, a_uuid, b_uuid)]
        if legs == "ab" and talk and d.n_records + 2 <= n:
            rows.append((t + timedelta(seconds=1), answer, b_uuid, a_uuid))
        for start, ans, u1, u2 in rows:
            if d.n_records >= n:
                break
            duration = int((end - start).total_seconds())
            billsec = int((end - ans).total_seconds()) if ans else 0
            start_txt = _stamp(start, LOCAL_ZONE)
            fields = [name, src.written, dst.written, context, start_txt,
                      _stamp(ans, LOCAL_ZONE) if ans else "", _stamp(end, LOCAL_ZONE), str(duration), str(billsec),
                      cause, u1, u2, rng.choice(("", "1000"))]
            quoted = ['"' + f.replace('"', '""') + '"' for f in fields]
            text = ",".join(quoted[:-1]) + ", " + quoted[-1]
            d.record(fields, truth_row(
                d.n_records + 1, start_txt, start_utc=start,
                duration_s=(billsec, duration) if billsec != duration else duration,
                caller=src.canonical, callee=dst.canonical, record_type="voice",
                direction=(direction, "unknown")), text=text)
    return d


def fixed_width(rng: random.Random, n: int, *, date_style: str = "mmddyy", per_page: int = 20,
                year: int = 2023, month: int = 12) -> Draft:
    """A switch "call detail report" in fixed columns: date (6), time ``HH:MM`` (5), duration
    ``mmm:ss`` right-aligned (8; minutes, never hours), originating number (10), NPA/NXX/LINE of the
    called number as separate fields, a call-type code; page headers, dashes, continuation footers
    and a totals line. Local switch time, seconds never written."""
    d = Draft()
    head = "DATE   TIME   DURATION  ORIG NUMBER  NPA NXX LINE  TY"
    rule = "------ ----- --------  -----------  --- --- ----  --"
    station = nanp_digits(rng)
    total_s, page = 0, 1
    for i, t in enumerate(instants(rng, n, year, month)):
        if i % per_page == 0:
            if i:
                d.junk(" " * 27 + "*** CONTINUED ***")
                d.junk("\f" if rng.random() < 0.5 else "")
            d.junk(f"{'':20}CENTRAL OFFICE 4 CALL DETAIL REPORT{'':14}PAGE {page:>3}")
            d.junk(head)
            d.junk(rule)
            page += 1
        local = to_local(t).replace(second=0)
        dur = voice_duration(rng)
        total_s += dur
        called = nanp_digits(rng)
        date_txt = local.strftime("%m%d%y") if date_style == "mmddyy" else local.strftime("%y%m%d")
        time_txt = local.strftime("%H:%M")
        text = (f"{date_txt} {time_txt} {dur // 60:>5}:{dur % 60:02d}  {station:<11}  "
                f"{called[:3]} {called[3:6]} {called[6:]}  {rng.choice(('DD', 'DD', 'DD', 'OP', 'TF'))}")
        d.record([], truth_row(
            i + 1, f"{date_txt} {time_txt}", start_utc=from_local(local), duration_s=dur, caller="+1" + station,
            callee="+1" + called, record_type=("voice", "other"), direction=("outgoing", "unknown")), text=text)
    d.junk(f"TOTAL CALLS: {n:>5}     TOTAL TIME: {total_s // 60:>6}:{total_s % 60:02d}")
    d.junk("*** END OF REPORT ***")
    return d
