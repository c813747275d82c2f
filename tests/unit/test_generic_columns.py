"""Files of no known layout read by their columns' names and values (raybench/classify/generic.py,
raybench/classify/aligned.py): small cases written here by hand in shapes no built-in layout has, each read
with the driver's own steps (read_local), the stored values and their flags asserted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from raybench.catalog import BUILTIN
from raybench.classify.aligned import aligned_sample
from raybench.classify.generic import (
    GENERIC_ID,
    classify_generic,
    map_generic,
    name_field,
)
from raybench.classify.resolve import resolve
from raybench.classify.sample import sample_text
from raybench.pipeline.local import local_verdict, read_local


def _read(tmp_path: Path, name: str, text: str, **kw):
    path = tmp_path / name
    path.write_bytes(text.encode(kw.pop("encoding", "utf-8")))
    read = read_local(str(path), ingest_job="job-generic", **kw)
    return read, sorted(read.rows, key=lambda r: r["source_row"])


def _utc(row) -> str:
    return row["start_utc"].strftime("%Y-%m-%dT%H:%M:%S")


def test_names_of_the_trade_name_fields():
    assert name_field("From/to") == ("partner", 1.0)
    assert name_field("durat.") == ("duration", 1.0)
    assert name_field("Calling Nbr") == ("caller", 1.0)
    assert name_field("Talk Secs Total") == ("duration", 0.6)  # by its first listed word, less surely
    assert name_field("NPA NXX LINE") == ("callee", 1.0)
    assert name_field("hangup_cause") == ("ignore", 1.0)
    assert name_field("Widget Colour") == (None, 0.0)


# a site template of epoch stamps (start, answer 0 when unanswered, end), the talk time in ms, no header
EPOCH_ROWS = [
    ("8f1c0a52-2b7e-4d1a-9c3e-0a1b2c3d4e5f", "inbound", "2001", "+13125550147", 1718000000, 1718000009,
     1718000131, 121400, "NORMAL_CLEARING"),
    ("8f1c0a52-2b7e-4d1a-9c3e-0a1b2c3d4e60", "inbound", "+14155550188", "2002", 1718003000, 1718003004,
     1718003010, 5600, "NORMAL_CLEARING"),
    ("8f1c0a52-2b7e-4d1a-9c3e-0a1b2c3d4e61", "inbound", "2003", "13035550102", 1718006000, 0, 1718006020, 0,
     "NO_ANSWER"),
    ("8f1c0a52-2b7e-4d1a-9c3e-0a1b2c3d4e62", "inbound", "2001", "2004", 1718009000, 1718009002, 1718009302,
     300000, "NORMAL_CLEARING"),
    ("8f1c0a52-2b7e-4d1a-9c3e-0a1b2c3d4e63", "inbound", "2005", "+16175550111", 1718012000, 1718012005,
     1718013805, 1800000, "NORMAL_CLEARING"),
]


def test_a_headerless_epoch_file_reads_start_duration_and_parties_by_values(tmp_path):
    text = "".join(",".join(f'"{v}"' for v in row) + "\n" for row in EPOCH_ROWS)
    read, rows = _read(tmp_path, "site_template.csv", text, tz="America/Chicago")
    assert read.file["layout"] == GENERIC_ID
    # the first stamp, never later than the answer or end: epoch seconds are UTC whatever --tz says
    assert [_utc(r) for r in rows] == ["2024-06-10T06:13:20", "2024-06-10T07:03:20", "2024-06-10T07:53:20",
                                       "2024-06-10T08:43:20", "2024-06-10T09:33:20"]
    assert read.file["tz"] == "UTC"
    # the talk time is in milliseconds: the end minus the answer, times 1000 (121400 ms is 121 s, not 33 h)
    assert [r["duration_s"] for r in rows] == [121, 6, 0, 300, 1800]
    assert [(r["caller"], r["callee"]) for r in rows][:2] == [("2001", "+13125550147"), ("+14155550188", "2002")]
    # the A/B order of a file without names is the trade's usual order, a guess: flagged on every row
    assert all({"guessed_caller", "guessed_callee"} <= set(r["flags"]) for r in rows)
    assert "guessed_duration_s" not in rows[0]["flags"] and "guessed_start_utc" not in rows[0]["flags"]
    # 'inbound' on every row, calls made both ways: not the call's direction
    assert [r["direction"] for r in rows] == ["unknown", "unknown", "unknown", "internal", "unknown"]
    assert local_verdict(read)[0] == "ok"


GATEWAY = (
    "Date       Time     Type  Cause From/to          Groups  conn.  durat.\r\n"
    "03.11.2024 07:15:02 O-OK  16    13125550147      GSM1       12  125:07\r\n"
    "03.11.2024 09:00:40 I-OK  16    +14155550188     GSM2        4  000:31\r\n"
    "04.11.2024 11:59:59 O-FD  17    16175550111      GSM1        9    BUSY\r\n"
    "05.11.2024 23:01:00 I-OK  16    +13035550102     GSM2       15  012:00\r\n"
)


def test_a_space_aligned_gateway_log_reads_its_columns_by_their_names(tmp_path):
    sample, positions = aligned_sample(GATEWAY.replace("\r\n", "\n"))
    assert sample.header == ("Date", "Time", "Type", "Cause", "From/to", "Groups", "conn.", "durat.")
    assert sample.rows[2][7] == "BUSY" and sample.rows[0][6] == "12"  # right-aligned values cut whole
    read, rows = _read(tmp_path, "gateway.txt", GATEWAY, tz="America/Chicago")
    assert read.file["layout"] == GENERIC_ID
    # dd.mm.yyyy local, read in --tz (Chicago: CDT until 3 Nov 02:00, CST after)
    assert [_utc(r) for r in rows] == ["2024-11-03T13:15:02", "2024-11-03T15:00:40", "2024-11-04T17:59:59",
                                       "2024-11-06T05:01:00"]
    assert [r["duration_s"] for r in rows] == [125 * 60 + 7, 31, None, 720]  # mmm:ss, minutes past 59
    assert "duration_parse" in rows[2]["flags"]  # the cause word in the duration column: flagged, not 0
    assert [r["direction"] for r in rows] == ["outgoing", "incoming", "outgoing", "incoming"]
    # the far party is the callee of a call out and the caller of a call in; the gateway's side is unknown
    assert [(r["caller"], r["callee"]) for r in rows] == [(None, "+13125550147"), ("+14155550188", None),
                                                         (None, "+16175550111"), ("+13035550102", None)]
    assert not any(f.startswith("guessed_") for r in rows for f in r["flags"])
    assert read.file["lines_skipped"] == {"header": 1}


REPORT = (
    "CALL DETAIL REPORT        BILLED NUMBER 773 555-0100      PERIOD 202403\n"
    "DATE      TIME  NPA NXX LINE  PLACE            MIN.T  RC\n"
    "--------------------------------------------------------\n"
    "20240305  0812  415 555 0139  SAN FRANCISCO CA 0002.3  D\n"
    "20240305  1407  212 555 0121  NEW YORK NY      0120.0  E\n"
    "20240306  2359  303 555 0177  DENVER CO        0000.1  N\n"
    "--------------------------------------------------------\n"
    "TOTAL 3 CALLS  0122.4 MIN\n"
    "END OF REPORT\n"
)


def test_a_report_over_a_solid_rule_reads_tenths_of_minutes_and_the_npa_nxx_line(tmp_path):
    read, rows = _read(tmp_path, "detail.txt", REPORT, tz="America/Chicago")
    assert read.file["layout"] == GENERIC_ID
    assert [_utc(r) for r in rows] == ["2024-03-05T14:12:00", "2024-03-05T20:07:00", "2024-03-07T05:59:00"]
    assert [r["duration_s"] for r in rows] == [138, 7200, 6]  # minutes and tenths: 2.3 min = 138 s
    assert [r["callee"] for r in rows] == ["+14155550139", "+12125550121", "+13035550177"]
    assert read.file["rows_read"] == 3 and read.file["lines_skipped"]["footer"] == 2
    assert local_verdict(read)[0] == "ok"


def test_durations_without_a_name_or_stamps_are_flagged_when_the_unit_is_a_guess(tmp_path):
    # comma and space, no header, a trailing comma: total and talk time side by side (the talk time is
    # never larger), a cause code and an account code of few values
    rows_text = [("2011", "Front Desk", "13125550147", "2024-02-15 07:07:32", "95", "80", "16", "1001"),
                 ("2012", "Sales", "4155550188", "2024-02-15 08:00:00", "40", "31", "16", "1002"),
                 ("2013", "Front Desk", "011442079460123", "2024-02-15 09:30:10", "12", "0", "19", "1001"),
                 ("2014", "Sales", "6175550111", "2024-02-15 11:11:11", "630", "611", "16", "1002"),
                 ("2015", "Support", "3035550102", "2024-02-15 12:00:00", "9", "5", "16", "1001")]
    text = "".join(", ".join(r) + ",\n" for r in rows_text)
    read, rows = _read(tmp_path, "import.txt", text, tz="America/Chicago")
    assert read.file["layout"] == GENERIC_ID
    assert [r["duration_s"] for r in rows] == [80, 31, 0, 611, 5]  # the talk time, not the total
    assert all("guessed_duration_s" in r["flags"] for r in rows)  # seconds? nothing names the unit
    assert [r["callee"] for r in rows] == ["+13125550147", "+14155550188", "+442079460123",
                                           "+16175550111", "+13035550102"]
    assert [_utc(r) for r in rows][0] == "2024-02-15T13:07:32"  # local, read in --tz


@pytest.mark.parametrize("text", [
    "sku;product;qty;price;created_at\nA-1;Widget;3;9.99;2023-01-02\nB-7;Gadget;1;24.50;2023-01-03\n"
    "C-2;Gizmo;12;1.25;2023-01-04\nD-9;Doohickey;4;3.50;2023-01-05\n",
    # dates and random integers of every length, no header: nothing holds phone numbers
    "2023-04-01 10:00,17,3391,88\n2023-04-02 11:00,5,120993,7\n2023-04-03 12:00,9921,4,1200\n"
    "2023-04-04 13:00,33,77,910234\n",
])
def test_tables_that_are_not_call_records_still_abstain(tmp_path, text):
    path = tmp_path / "table.csv"
    path.write_text(text)
    result, identity = resolve(str(path), BUILTIN)
    assert identity is None and result.layout == "unknown"


def test_the_duration_unit_of_large_unnamed_integers_is_milliseconds_in_doubt():
    names = ("col1", "col2", "col3", "col4")
    values = [["2024-01-0%d 10:00:00" % (i + 1) for i in range(6)],
              ["+1312555014%d" % i for i in range(6)],
              ["+1415555018%d" % i for i in range(6)],
              ["61000", "3600500", "185000", "45000", "900000", "120000"]]
    mapping = map_generic(names, values)
    assert mapping.fields["col4"] == "duration" and mapping.duration_unit == "ms"
    assert "duration" in mapping.doubt


def test_named_columns_read_subscriber_partner_direction_record_type_and_cell(tmp_path):
    text = ("timestamp,msisdn,other_party,direction,type,duration_sec,cell_id\n"
            "1718000000,4790000001,4791234567,out,call,65,1234A\n"
            "1718003600,4790000001,4798765432,in,sms,0,1234B\n"
            "1718007200,4790000001,4791112222,in,call,300,1235A\n"
            "1718010800,4790000001,4793334444,out,sms,0,1235A\n")
    read, rows = _read(tmp_path, "research.csv", text, tz="America/Chicago")
    assert read.file["layout"] == GENERIC_ID
    got = [(r["caller"], r["callee"], r["direction"], r["record_type"], r["duration_s"], r["cell_id"]) for r in rows]
    # the subscriber is the A-number of a call out and the B-number of a call in; numbers of no
    # North American shape are kept as written, not given a +1
    assert got == [("4790000001", "4791234567", "outgoing", "voice", 65, "1234A"),
                   ("4798765432", "4790000001", "incoming", "sms", 0, "1234B"),
                   ("4791112222", "4790000001", "incoming", "voice", 300, "1235A"),
                   ("4790000001", "4793334444", "outgoing", "sms", 0, "1235A")]
    assert _utc(rows[0]) == "2024-06-10T06:13:20" and not any(r["flags"] for r in rows)


def test_dates_that_read_both_ways_put_the_start_in_doubt_until_the_column_decides(tmp_path):
    head = "Date,From,To,Secs\n"
    both = ("03/04/2024 10:00:00,+13125550147,+14155550188,60\n"
            "05/06/2024 11:00:00,+13125550147,+14155550189,61\n")
    read, rows = _read(tmp_path, "both.csv", head + both)
    assert [_utc(r) for r in rows] == ["2024-03-04T10:00:00", "2024-05-06T11:00:00"]  # the first reading kept
    assert all("guessed_start_utc" in r["flags"] for r in rows)  # ... and said to be a guess
    # a day above 12 past the sample the columns were mapped from decides the order for the whole column
    later = "".join(f"0{1 + k % 9}/0{1 + k % 9}/2024 12:00:00,+13125550147,+14155550180,62\n" for k in range(120))
    later += "25/06/2024 12:00:00,+13125550147,+14155550180,62\n"
    assert len(head + both + later) > 4096 + 100
    read, rows = _read(tmp_path, "dmy.csv", head + both + later)
    assert [_utc(r) for r in rows][:2] == ["2024-04-03T10:00:00", "2024-06-05T11:00:00"]


def test_a_phone_call_log_with_durations_in_words_and_a_missed_call(tmp_path):
    text = ('"Date/Time","Number","Name","Direction","Length"\n'
            '"Jun 15, 2024 1:05 PM","(312) 555-0147","Bob","Outgoing","2m 05s"\n'
            '"Jun 15, 2024 3:10 PM","(415) 555-0188","Ann","Incoming","45 sec"\n'
            '"Jun 16, 2024 9:00 AM","(617) 555-0111","Cy","Missed","0m 00s"\n'
            '"Jun 16, 2024 11:59 PM","(212) 555-0123","Di","Outgoing","1h 0m 1s"\n')
    read, rows = _read(tmp_path, "calllog.csv", text, tz="America/Chicago")
    assert [r["duration_s"] for r in rows] == [125, 45, 0, 3601]
    assert [r["direction"] for r in rows] == ["outgoing", "incoming", "unknown", "outgoing"]
    # the one number is the far party: the callee of a call out, the caller of a call in, and in doubt
    # where the direction is not known
    assert [(r["caller"], r["callee"]) for r in rows][:2] == [(None, "+13125550147"), ("+14155550188", None)]
    assert "direction_known" in rows[2]["flags"]
    assert _utc(rows[3]) == "2024-06-17T04:59:00"


def test_a_ruled_report_whose_duration_the_models_miss_is_read_by_its_names(tmp_path):
    text = ("MONTHLY USAGE      ACCOUNT 0042\n"
            "DATE       TIME   FROM          TO            MINS\n"
            "---------- ------ ------------- ------------- -----\n"
            "2024-06-15 13:05  3125550147    4155550188      2.5\n"
            "2024-06-15 14:10  3125550147    6175550111     12.0\n"
            "2024-06-16 09:00  4155550199    3125550147      1.1\n")
    read, rows = _read(tmp_path, "usage.txt", text, tz="America/Chicago")
    assert read.file["layout"] == GENERIC_ID
    # minutes by the column's name, never 2.5 seconds
    assert [r["duration_s"] for r in rows] == [150, 720, 66]
    assert [(r["caller"], r["callee"]) for r in rows][0] == ("+13125550147", "+14155550188")
    assert read.file["lines_skipped"] == {"banner": 1, "header": 1, "header_types": 1}


def test_a_gateway_log_written_destination_first_is_ordered_by_its_direction(tmp_path):
    sim = "89330123456789012345"  # the gateway's SIM (ICCID): its own side
    rows_text = [("14-06-2024", "10:00:00", "0612345678", sim, "61000", "OUTGOING"),
                 ("14-06-2024", "11:00:00", sim, "0698765432", "5000", "INCOMING"),
                 ("14-06-2024", "12:00:00", "0611111111", sim, "120500", "OUTGOING"),
                 ("14-06-2024", "13:00:00", "0622222222", sim, "9000", "OUTGOING"),
                 ("14-06-2024", "14:00:00", sim, "0633333333", "33000", "INCOMING")]
    text = "".join(";".join(r) + "\n" for r in rows_text)
    read, rows = _read(tmp_path, "gw.cdr", text, tz="Europe/Paris")
    # the SIM is the A-number of a call out: the first column is the destination
    assert [(r["caller"], r["callee"]) for r in rows][:2] == [(sim, "0612345678"), ("0698765432", sim)]
    assert not any(f in ("guessed_caller", "guessed_callee") for r in rows for f in r["flags"])
    assert [r["direction"] for r in rows] == ["outgoing", "incoming", "outgoing", "outgoing", "incoming"]


def test_camel_case_names_read_by_their_words():
    # web APIs run a name's words together; each word then names the field as a spaced name would
    assert name_field("StartTime") == ("start", 1.0)
    assert name_field("EndTime") == ("end", 1.0)
    assert name_field("CallDuration") == ("duration", 1.0)
    assert name_field("Talking") == ("duration", 1.0)
    assert name_field("Ringing") == ("ignore", 1.0)  # ring time is not the call's duration


# a web API's call list: RFC 2822 stamps with an offset, the created stamp before the start, camelCase names
API_CALLS = (
    "Sid,DateCreated,StartTime,EndTime,From,To,Duration,Direction\r\n"
    "X1,\"Wed, 03 Apr 2024 09:00:00 +0000\",\"Wed, 03 Apr 2024 09:00:02 +0000\",\"Wed, 03 Apr 2024 09:01:02 +0000\","
    "+13125550101,+16175550102,60,outbound\r\n"
    "X2,\"Wed, 03 Apr 2024 22:30:00 -0500\",\"Wed, 03 Apr 2024 22:30:05 -0500\",\"Wed, 03 Apr 2024 22:32:05 -0500\","
    "+16175550103,+13125550101,120,inbound\r\n"
    "X3,\"Thu, 04 Apr 2024 11:15:00 +0200\",\"Thu, 04 Apr 2024 11:15:01 +0200\",\"Thu, 04 Apr 2024 11:15:08 +0200\","
    "+13125550101,+14155550104,7,outbound\r\n"
)


def test_rfc2822_stamps_with_offsets_are_instants_and_the_named_start_wins(tmp_path):
    read, rows = _read(tmp_path, "calls_api.csv", API_CALLS)
    assert read.file["layout"] == GENERIC_ID
    # StartTime (named), not DateCreated (the earliest stamp); offsets applied: -0500 -> +5 h, +0200 -> -2 h
    assert [_utc(r) for r in rows] == ["2024-04-03T09:00:02", "2024-04-04T03:30:05", "2024-04-04T09:15:01"]
    assert [r["duration_s"] for r in rows] == [60, 120, 7]
    assert [r["direction"] for r in rows] == ["outgoing", "incoming", "outgoing"]
    assert not any(f.startswith("guessed_start") or f.startswith("tz_") for r in rows for f in r["flags"])


# a phone system's call history: parties as 'Name (ext)', ringing and talking times, 12-hour stamps
PBX_HISTORY = (
    "Call Time,Call ID,From,To,Direction,Status,Ringing,Talking\r\n"
    "3/4/2024 9:05:07 AM,501,Ann Lee (201),+13125550111,Outbound,Answered,00:00:09,00:02:17\r\n"
    "3/4/2024 1:15:00 PM,502,+16175550122,Bo Park (202),Inbound,Answered,00:00:04,00:10:00\r\n"
    "3/4/2024 4:44:44 PM,503,Bo Park (202),Ann Lee (201),Internal,Unanswered,00:00:30,00:00:00\r\n"
)


def test_display_name_parties_and_the_talking_time_are_read(tmp_path):
    read, rows = _read(tmp_path, "history.csv", PBX_HISTORY, tz="UTC")
    assert read.file["layout"] == GENERIC_ID
    assert [_utc(r) for r in rows] == ["2024-03-04T09:05:07", "2024-03-04T13:15:00", "2024-03-04T16:44:44"]
    assert [r["duration_s"] for r in rows] == [137, 600, 0]  # talking, not ringing
    assert [r["direction"] for r in rows] == ["outgoing", "incoming", "internal"]
    assert rows[1]["caller"] == "+16175550122"
    # the number inside a display name is the party; a number alone in brackets is not a display name
    assert [(r["caller"], r["callee"]) for r in rows] == [("201", "+13125550111"), ("+16175550122", "202"),
                                                         ("202", "201")]
    assert not any("number_format" in r["flags"] for r in rows)


# an itemised bill: a title and a period line over a few of its ';' fields above the header, a total row
BILL = (
    "Itemised calls for line 030 5550100;;;;;\n"
    "Period 03/2024; calls and texts;;;;\n"
    "Datum;Uhrzeit;Dauer;Zielrufnummer;Verbindungsart;Betrag (EUR)\n"
    "04.03.2024;09:15:00;00:01:05;0305550177;Inland;0,10\n"
    "04.03.2024;11:20:30;;01515550123;SMS;0,09\n"
    "05.03.2024;18:02:09;00:20:00;0891234xxx;Mobilfunk;1,20\n"
    "Summe;;;;;1,39\n"
)


def test_a_sparse_preamble_above_the_header_is_banners_and_the_total_row_a_footer(tmp_path):
    from raybench.classify.sample import sample_text

    sample = sample_text(BILL)
    assert sample.header == ("Datum", "Uhrzeit", "Dauer", "Zielrufnummer", "Verbindungsart", "Betrag (EUR)")
    assert len(sample.banners) == 2
    read, rows = _read(tmp_path, "evn.csv", BILL, tz="Europe/Berlin")
    assert read.file["layout"] == GENERIC_ID
    assert read.file["lines_skipped"].get("footer") == 1 and len(rows) == 3
    assert [_utc(r) for r in rows] == ["2024-03-04T08:15:00", "2024-03-04T10:20:30", "2024-03-05T17:02:09"]
    assert [r["duration_s"] for r in rows] == [65, None, 1200]
    assert [r["callee"] for r in rows] == ["0305550177", "01515550123", "0891234xxx"]  # masked: as written
    # the record type is named but its words are mostly not the trade's: read, flagged, never assumed voice
    assert rows[1]["record_type"] == "sms"
    assert all("guessed_record_type" in r["flags"] for r in rows)
    assert all(r["record_type"] != "voice" or "guessed_record_type" in r["flags"] for r in rows)


def test_a_sparse_first_row_with_no_header_below_stays_a_row():
    from raybench.classify.sample import sample_text

    text = ("2024-03-04 09:15:00;45;;;;\n" + "".join(f"2024-03-0{d} 10:00:00;30;3125550{d}00;7735550100;out;x\n"
                                                for d in range(5, 9)))
    sample = sample_text(text)
    assert sample.banners == ()  # no full header below it: the sparse record is not a preamble


def _bill(desc: list[str], direction: list[str] | None = None):
    names = ("Service Number", "Date", "Called Number", "Description", "Duration") + (("Direction",) if direction else ())
    values = [["0412 555 010"] * len(desc), ["15/03/2024 09:0%d:00" % i for i in range(len(desc))],
              ["0412 555 0%02d" % (20 + i) for i in range(len(desc))], desc,
              ["" if d.startswith("SMS") else "0:01:05" for d in desc]] + ([direction] if direction else [])
    return map_generic(names, values)


def test_a_service_number_beside_the_called_number_is_the_a_number():
    mapping = _bill(["National call", "SMS to mobile", "National call", "Call to mobile"])
    assert mapping.fields["Service Number"] == "caller" and mapping.fields["Called Number"] == "callee"
    assert mapping.confidence["Service Number"] >= 0.6  # the names say it: not a guess
    # with a direction column the rows may run both ways: the order is a guess
    mapping = _bill(["National call"] * 4, ["Out", "In", "Out", "In"])
    assert mapping.fields["Service Number"] == "caller" and mapping.confidence["Service Number"] < 0.6


def test_a_description_column_that_says_sms_on_some_rows_is_the_record_type():
    mapping = _bill(["National call", "SMS to mobile", "Longa distância", "SMS", "National call", "Local móvel"])
    assert mapping.fields["Description"] == "record_type"
    # one message row is not enough to read a column of free text as the record type
    mapping = _bill(["National call", "SMS to mobile", "Longa distância", "Local móvel", "National call"])
    assert mapping.fields["Description"] != "record_type" and mapping.record_type_default == "voice"


def test_of_an_epoch_and_ios_marked_stamps_the_earliest_is_the_start():
    """A headerless gateway accounting file (Cisco CUBE's file accounting): the record's Unix time is its
    disconnect, the setup and disconnect follow with IOS's clock mark (``*``, ``.``) before them. The
    marked stamps read, and the setup, never later than the others, is the start (issue 13, held-out 7)."""
    names = ("col1", "col2", "col3", "col4", "col5")
    setups = ["09:58:00.100", "10:15:30.900", "11:02:03.000", "12:30:00.250", "13:45:10.000", "14:00:00.500"]
    ends = ["10:00:00.200", "10:16:33.900", "11:02:15.500", "12:31:00.250", "13:50:10.000", "14:20:00.500"]
    epochs = [str(int(datetime(2024, 7, 14, int(e[:2]), int(e[3:5]), int(e[6:8]), tzinfo=UTC).timestamp()))
              for e in ends]
    for mark in ("*", "."):
        values = [epochs, [f"{mark}{s} UTC Sun Jul 14 2024" for s in setups],
                  [f"{mark}{e} UTC Sun Jul 14 2024" for e in ends],
                  [f"+1312555014{i}" for i in range(6)], [f"+1415555018{i}" for i in range(6)]]
        mapping = map_generic(names, values)
        assert mapping.fields["col2"] == "start", mark
        assert mapping.fields["col1"] != "start" and mapping.fields["col3"] != "start"
        assert mapping.start.formats == (f"{mark}%H:%M:%S%.f UTC %a %b %d %Y",)


def test_a_zone_stated_in_the_title_rows_is_the_starts_zone():
    """``Time zone: America/New_York`` above the header of a table read by its columns: the layout's zone
    is Eastern (stated), not an assumption; Caller ID beside Dialed Number: the number dialed is the
    callee (issue 13, held-out 7)."""
    text = ("Call Detail Report\nTime zone: America/New_York\n\n"
            "When,Kind,Caller ID,Dialed Number,Talk Time (s)\n"
            "2024-07-14 22:29:43,Outbound,1006,14155550188,732\n"
            "2024-12-02 08:15:00,Inbound,+13125550111,1007,65\n"
            "2024-12-03 09:15:00,Outbound,1008,16025550108,5\n")
    sample = sample_text(text)
    _, layout, _ = classify_generic(sample.text, sample)
    assert layout.tz == "America/New_York" and layout.tz_basis == "stated"
    assert (layout.caller, layout.callee) == ("Caller ID", "Dialed Number")
    plain = sample_text(text.replace("Time zone: America/New_York", "Sales team"))
    assert classify_generic(plain.text, plain)[1].tz_basis == "assumed"


def test_seconds_with_a_comma_between_thousands_are_whole_seconds_and_in_doubt_when_mixed():
    names = ("When", "From", "To", "Duration (sec)")
    base = [[f"2024-08-1{i} 10:00:00" for i in range(6)], [f"+1312555014{i}" for i in range(6)],
            [f"+1415555018{i}" for i in range(6)]]
    grouped = map_generic(names, base + [["737", "3,958", "21", "5,297", "48", "0"]])
    assert grouped.duration_unit == "seconds_grouped" and "duration" not in grouped.doubt
    mixed = map_generic(names, base + [["737", "3,958", "1500", "5,297", "48", "0"]])
    assert mixed.duration_unit != "seconds_grouped" and "duration" in mixed.doubt
