"""General capabilities prompted by held-out group 5 (issue 13): each asserted on small inputs written here,
not on the held-out files."""

from __future__ import annotations

import polars as pl
import pytest

from raybench.classify.generic import map_generic, name_field
from raybench.classify.sample import sample_text, two_row_header
from raybench.layout import Layout, StartSpec
from raybench.normalize.times import name_states_utc, states_offset
from raybench.pipeline.local import read_local
from raybench.profile.formats import date_formats, date_time_formats, read_counts_start, second_clock
from raybench.read.fixed import cut_record, key_columns, trimmed
from raybench.read.junk import JunkRules, drop_junk, heading_offsets

STARTS = [f"2024-09-15 {9 + i:02d}:0{i}:10" for i in range(8)]


def test_a_row_id_that_counts_up_is_neither_a_party_nor_a_duration():
    ids = [str(325860 + i) for i in range(8)]
    a = ["200", "+16465550114", "+17735550127", "203", "+14155550109", "205", "+12065550133", "209"]
    b = ["+13035550141", "210", "207", "204", "212", "+13125550190", "201", "+16175550102"]
    secs = ["357", "610", "34", "57", "4072", "95", "12", "230"]
    m = map_generic(("col1", "col2", "col3", "col4", "col5"), [ids, STARTS, secs, a, b])
    assert m is not None
    assert (m.by_field("caller"), m.by_field("callee"), m.by_field("duration")) == ("col4", "col5", "col3")
    assert m.fields["col1"] == "ignore"


def test_extensions_in_ascending_order_over_a_few_rows_are_still_parties():
    # five calls from 2011-2015 in a row: a counter needs eight values rising
    ext = ["2011", "2012", "2013", "2014", "2015"]
    far = ["13125550147", "4155550188", "6175550111", "3035550102", "2065550111"]
    m = map_generic(("col1", "col2", "col3", "col4"), [ext, far, STARTS[:5], ["95", "40", "12", "630", "9"]])
    assert m is not None and m.by_field("caller") == "col1"


def test_a_column_named_by_a_party_word_holding_words_is_not_a_party():
    n = 4
    m = map_generic(
        ("User Location", "UPN", "Caller ID", "Number Type", "Destination Number", "Start time", "Duration"),
        [["US"] * n, ["nestorw@contoso.example"] * n, ["+13125550143", "+14155550115", "+13125550177", "+12065550114"],
         ["user", "user", "service", "user"], ["+16465550135", "+13125550143", "+18005550199", "+13125550177"],
         STARTS[:n], ["5254", "180", "61", "4325"]])
    assert m is not None
    assert (m.by_field("caller"), m.by_field("callee")) == ("Caller ID", "Destination Number")
    assert m.by_field("subscriber") is None and m.by_field("partner") is None


def test_the_exactly_named_party_column_wins_over_one_named_by_a_word():
    n = 4
    nums = ["4104", "4102", "4107", "4101"]
    m = map_generic(("Start time", "Duration", "Calling DID", "Calling number", "Called number"),
                    [STARTS[:n], ["43", "12", "7", "90"], ["+13125550100"] * n, nums, ["4102", "4104", "4101", "4107"]])
    assert m is not None and m.by_field("caller") == "Calling number"


def test_a_bills_destination_names_are_not_parties_even_under_a_party_name():
    n = 5
    m = map_generic(("Date", "Time", "Number called", "Destination", "Duration"),
                    [["14/03/2025"] * n, ["08:15:00", "09:00:01", "10:11:12", "11:00:00", "12:30:00"],
                     ["01632 960777", "020 7946 0333", "07700 900444", "01632 960310", "020 7946 0412"],
                     ["Drama Town", "London", "Mobile", "USA", "London"], ["00:04:10", "00:00:12", "01:02:40",
                                                                           "00:09:01", "00:12:00"]])
    assert m is not None
    assert m.by_field("callee") == "Number called" and m.fields["Destination"] == "ignore"


@pytest.mark.parametrize("name, want", [
    ("1st Tower LAC/TAC", ("lac", 0.6)), ("1st Tower CID/ECI", ("cell_id", 0.6)), ("Last Tower LAT", ("lat", 0.6)),
    ("1st Tower LONG", ("lon", 0.6)), ("1st Tower Azimuth", ("ignore", 0.6)), ("Number called", ("callee", 0.6)),
    ("First Serving Cell Site", ("cell_id", 0.6)), ("Calling Number", ("caller", 1.0)),
])
def test_a_vague_word_beside_a_specific_one_lets_the_specific_one_name_the_column(name, want):
    assert name_field(name) == want


@pytest.mark.parametrize("name, want", [
    ("Seizure Dt Tm (GMT)", True), ("Start Time (UTC)", True), ("date_utc", True), ("Time (GMT+1)", False),
    ("Time GMT +01:00", False), ("UTCOffset", False), ("Outcome", False), ("Start Time", False),
])
def test_utc_or_gmt_in_a_column_name_states_the_zone(name, want):
    assert name_states_utc(name) is want


def test_section_headings_written_as_rows_are_counted_not_read():
    rules = JunkRules(header="Date,Time,Number called,Destination,Duration,Cost")
    assert rules.reason("Calls to mobiles,,,,,") == "heading"
    assert rules.reason('"International calls","","",""') == "heading"
    assert rules.reason("Calls to 0800 numbers,,,,,") is None  # digits: not read as a heading
    assert rules.reason("14/03/2025,,,,,") is None
    assert rules.reason("Calls to mobiles") is None  # one field: no delimiters to say the row is empty
    assert JunkRules(header=None).reason("Calls to mobiles,,,,,") is None  # headerless: no sections
    block = b"Date,Time\n14/03/2025,08:15\nCalls to mobiles,,,,,\r\n15/03/2025,09:00\nX;;\n"
    assert heading_offsets(block) == [block.index(b"Calls"), block.index(b"X;;")]
    assert heading_offsets(b"14/03/2025,08:15,,,\n") == []
    kept, skipped = drop_junk(["14/03/2025,08:15,1,2,3,4", "Calls to mobiles,,,,,"], rules)
    assert kept == ["14/03/2025,08:15,1,2,3,4"] and skipped == {"heading": 1}


def test_a_group_row_over_the_field_row_gives_each_name_its_group():
    group = ["Call", "", "From", "", "To", "", "Duration", "", "Result"]
    names = ["Date/Time", "Direction", "Name", "Number", "Name", "Number", "Ring", "Talk", "Result"]
    data = ["2025-03-03 08:02:11", "Outbound", "Front Desk", "2101", "", "(312) 555-0177", "00:00:06", "00:04:09",
            "Answered"]
    assert two_row_header(group, names, data) == (
        "Date/Time (Call)", "Direction (Call)", "Name (From)", "Number (From)", "Name (To)", "Number (To)",
        "Ring (Duration)", "Talk (Duration)", "Result")
    assert two_row_header(names, data, data) is None  # a header over data is not a group row
    assert two_row_header(["Call", "", "2024"] + [""] * 6, names, data) is None  # a banner with a year
    text = "\n".join(",".join(r) for r in ([group, names] + [data] * 3)) + "\n"
    sample = sample_text(text)
    assert sample.header[3] == "Number (From)" and sample.group_row == ",".join(group)
    assert sample.header_line == ",".join(names) and len(sample.rows) == 3


def test_a_second_clock_reads_what_the_first_leaves_unread():
    values = pl.Series(["14 Jun 2024 12:01:29 pm", "14 Jun 2024 2:25:22 pm", "16 Jun 2024 05:26:33",
                        "16 Jun 2024 13:18:04"])
    candidates = ("%d %b %Y %I:%M:%S %p", "%d %b %Y %H:%M:%S", "%m/%d/%Y %H:%M:%S")
    assert second_clock(values, "%d %b %Y %H:%M:%S", candidates) == "%d %b %Y %I:%M:%S %p"
    assert second_clock(values, "%d %b %Y %I:%M:%S %p", candidates) == "%d %b %Y %H:%M:%S"
    assert second_clock(values[2:], "%d %b %Y %H:%M:%S", candidates) is None  # nothing left unread


def test_dates_with_a_weekday_or_a_month_name_are_date_formats():
    counts = read_counts_start(pl.Series(["Tue 07/16/2024", "Wed 07/17/2024"]), date_formats())
    assert counts.get("%a %m/%d/%Y") == 2
    assert read_counts_start(pl.Series(["Mon 07/16/2024"]), ("%a %m/%d/%Y",)) == {}  # the 16th was a Tuesday
    assert read_counts_start(pl.Series(["14 Jun 2024", "16 Jun 2024"]), date_formats()).get("%d %b %Y") == 2


def test_a_fixed_width_line_trimmed_of_its_blanks_is_whole_but_one_cut_inside_a_party_is_not():
    layout = Layout(id="t", carrier="t", columns=("Date", "Ext", "Number", "Duration", "Acc code"),
                    positions=((0, 9), (9, 15), (15, 36), (36, 46), (46, 60)), has_header=True,
                    start=StartSpec("Date", None, ("%m/%d/%y",)), duration_column="Duration", caller="Ext",
                    callee="Number")
    keys = key_columns(layout)
    assert keys == (frozenset({0, 1, 2, 3}), frozenset({1, 2}))
    whole = "07/01/25 201   17735550119          01:41:03"
    assert layout.record_chars == 47 and len(whole) == 44
    assert trimmed(len(whole), layout, keys)
    assert cut_record(whole, layout) == ["07/01/25", "201", "17735550119", "01:41:03", ""]
    assert not trimmed(len("07/01/25 201   1773555"), layout, keys)  # ends inside the number
    assert not trimmed(len("07/01/25 201   17735550119"), layout, keys)  # the duration column never reached
    assert cut_record("07/01/25 201   1773555", layout) is None


def test_a_stamp_written_time_first_with_its_zone_is_an_instant():
    values = pl.Series(["08:01:02.120  UTC Mon Mar 03 2025", "00:00:09.004  UTC Tue Mar 04 2025"])
    counts = read_counts_start(values, date_time_formats())
    assert counts.get("%H:%M:%S%.f UTC %a %b %d %Y") == 2
    assert states_offset("%H:%M:%S%.f UTC %a %b %d %Y") and not states_offset("%m/%d/%Y %H:%M:%S")


def test_sip_uris_with_a_number_are_parties_and_ports_and_addresses_are_not():
    n = 4
    m = map_generic(("SourcePort", "DestIp", "SrcURI", "DstURI", "Durat", "SetupTime"),
                    [["5061", "5060", "5061", "5060"], ["10.0.0.5"] * n,
                     ["+13125550161@sip.example", "3125550161@203.0.113.20", "+17735550150@sip.example",
                      "7735550150@203.0.113.20"],
                     ["+16465550120@sip.example", "6465550120@203.0.113.20", "+13125550162@sip.example",
                      "3125550162@203.0.113.20"], ["75", "75", "0", "0"],
                     ["08:01:02.120  UTC Mon Mar 03 2025", "08:01:02.310  UTC Mon Mar 03 2025",
                      "23:59:58.004  UTC Mon Mar 03 2025", "23:59:58.150  UTC Mon Mar 03 2025"]])
    assert m is not None and (m.by_field("caller"), m.by_field("callee")) == ("SrcURI", "DstURI")
    assert m.tz_stated is not None


GMT_RETURN = (
    "Network Element Name,Mobile Directory Number,Dialed Digit Number,Call Direction,Seizure Dt Tm (GMT),"
    "Seizure Duration,First Serving Cell Site,First Serving Cell Face,Calling Party Number,Called Party Number,"
    "Elapsed Time\n"
    "ELGNILXR2,3125550188,,MT,03/02/2025 14:05:38,4,311,1,6305550101,3125550188,62\n"
    "ELGNILXR2,3125550188,8475550123,MO,03/02/2025 15:10:00,6,311,2,3125550188,8475550123,301\n"
    "ELGNILXR2,3125550188,,MT,03/02/2025 18:44:19,5,97,3,7735550150,3125550188,18\n"
    "SKOKILAV1,3125550188,2245550199,MO,03/03/2025 09:00:07,3,402,1,3125550188,2245550199,1220\n"
    "SKOKILAV1,3125550188,,MT,03/03/2025 11:31:52,7,402,2,8155550142,3125550188,45\n")


def test_gmt_in_a_model_matched_layouts_start_name_states_the_zone_over_tz(tmp_path):
    # a Verizon switch return the models read as sprint_cdma (zone assumed): its header names the zone
    path = tmp_path / "vzw_return.csv"
    path.write_text(GMT_RETURN)
    read = read_local(str(path), ingest_job="job-gmt", tz="America/Chicago")
    assert read.file["tz"] == "UTC"
    assert read.file["tz_source"].startswith("stated: the start column's name says UTC ('Seizure Dt Tm (GMT)')")
    rows = sorted(read.rows, key=lambda r: r["source_row"])
    assert rows[0]["start_utc"].strftime("%Y-%m-%dT%H:%M:%S") == "2025-03-02T14:05:38"  # not 5 h later
