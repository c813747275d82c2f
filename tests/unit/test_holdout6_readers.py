"""Readers for three held-out 6 exports that no layout knows: an NEC-style SMDR capture (start and end times
of day, no duration, line noise), an XLSX of Excel serial date numbers in General cells, an iOS
``ZCALLRECORD`` dump (Core Data seconds since 2001-01-01 UTC)."""

from __future__ import annotations

import polars as pl

from raybench.classify.aligned import (
    aligned_sample,
    column_runs,
    noisy,
    share_ending_inside,
    split_at_header,
    trailing_columns,
)
from raybench.classify.generic import map_generic
from raybench.layout import Layout, StartSpec
from raybench.normalize.frame import normalize_frame
from raybench.normalize.numbers import NumberNormalizer
from raybench.read.fixed import cut_record, key_columns, trimmed

HEADER = "TYPE     STA  TRK  DATE       START    END      DIALED/CLI"
LINES = [
    "OUTGOING 201  003  2025/03/04 08:05:10 08:07:20 913125550143",
    "INCOMING 202  011  2025/03/04 09:15:00 09:15:45 4155550123",
    "OUTGOING 203  004  2025/03/04 11:30:00 11:35:00 95550107",
    "INCOMING 204  012  2025/03/04 13:02:00 13:14:44 PRIVATE",
    "OUTGOING 205  001  2025/03/04 23:58:30 00:03:05 917735550119",
    "OUTGOING 202  002  #@~%&^#~@%&\x7f8:10:00 08:10:09 93035550102",  # noise over the date and the blank
]


def test_noise_over_a_blank_does_not_merge_the_columns_the_header_names():
    runs = column_runs(LINES)
    assert (19, 38) in runs  # 1 line of 6 has a character at 29: DATE and START are one run
    split = split_at_header(HEADER, runs, LINES)
    assert (19, 29) in split and (30, 38) in split
    # a line garbled with control characters is never sampled (it is still read, and quarantined)
    assert noisy(LINES[5]) and not any(noisy(x) for x in LINES[:5]) and not noisy("a\tb")
    # a blank the header names that most lines fill is no gap: a date and time written as one value
    assert split_at_header(HEADER, [(19, 38)], [x[:29] + "X" + x[30:] for x in LINES]) == [(19, 38)]


def test_an_end_of_times_of_day_beside_a_date_and_a_time_is_the_end_and_no_duration_is_guessed():
    rows = [x for x in LINES[:5]]
    cols = [[r[a:b].strip() for r in rows] for a, b in ((0, 9), (9, 14), (14, 19), (19, 30), (30, 39), (39, 48), (48, 80))]
    m = map_generic(("TYPE", "STA", "TRK", "DATE", "START", "END", "DIALED/CLI"), cols)
    assert m is not None
    assert {c: f for c, f in m.fields.items() if f != "ignore"} == {
        "TYPE": "direction", "STA": "subscriber", "DATE": "start", "START": "start_time", "END": "end",
        "DIALED/CLI": "partner"}
    assert m.record_type_default == "voice"


def _smdr_layout(**kw) -> Layout:
    return Layout(id="t", carrier="t", columns=("DATE", "START", "END", "STA", "DIALED", "ACCOUNT"), has_header=False,
                  start=StartSpec("DATE", "START", ("%Y/%m/%d %H:%M:%S",)), end_column="END", caller="STA",
                  callee="DIALED", region=None, pbx_parties=True, **kw)


def test_an_end_earlier_than_the_start_is_the_next_day():
    df = pl.DataFrame({"source_row": [1, 2, 3], "raw": ["", "", ""],
                       "DATE": ["2025/03/04", "2025/03/04", "2025/03/04"],
                       "START": ["23:58:30", "08:05:10", "10:00:00"], "END": ["00:03:05", "08:07:20", ""],
                       "STA": ["205", "201", "202"], "DIALED": ["917735550119", "913125550143", "95550107"]})
    out = normalize_frame(df, _smdr_layout(end_time_of_day=True), NumberNormalizer(None))
    assert out["duration_s"].to_list() == [275, 130, None]
    # read like the start instead, the time of day alone does not read: no duration at all
    assert normalize_frame(df, _smdr_layout(), NumberNormalizer(None))["duration_s"].to_list() == [None] * 3


def test_a_line_ending_inside_the_last_party_column_is_whole_only_where_the_file_is_trimmed_there():
    layout = _smdr_layout(positions=((0, 11), (11, 20), (20, 29), (29, 34), (34, 56), (56, 64)))
    line = "2025/03/04 23:58:30 00:03:05 205  917735550119"
    keys = key_columns(layout)
    assert keys == (frozenset({0, 1, 2, 3, 4}), frozenset({3, 4}))
    assert not trimmed(len(line), layout, keys) and cut_record(line, layout) is None
    trimmed_there = Layout(**{**layout.__dict__, "party_ends_lines": True})
    assert cut_record(line, trimmed_there) == ["2025/03/04", "23:58:30", "00:03:05", "205", "917735550119", ""]
    assert cut_record(line[:30], trimmed_there) is None  # never reached the party column


def test_the_share_of_lines_ending_inside_a_column():
    text = "\n".join([HEADER] + LINES[:5] + ["INCOMING 202  011  2025/03/04 09:15:00 09:15:45 4155550123" + " " * 30
                                           + "4471"])
    assert share_ending_inside(text, (48, 70)) == 5 / 6
    assert share_ending_inside(text, (0, 9)) == 0.0


def test_core_data_seconds_are_read_exactly_from_2001():
    from raybench.normalize.times import core_data_naive

    got = pl.select(core_data_naive(pl.lit(pl.Series(["750578315.188139", "762962400.25", "762962400",
                                                      "762962400.1234567", "7629", "", "1728885515"])))).to_series()
    assert [str(t) if t else None for t in got.to_list()] == [
        "2024-10-14 05:58:35.188139", "2025-03-06 14:00:00.250000", "2025-03-06 14:00:00",
        "2025-03-06 14:00:00.123456",  # cut to the microsecond
        None, None,  # a value cut short is no call's time
        "2055-10-15 05:58:35"]  # ten digits: a Unix time in a Core Data column reads 31 years late


def test_a_core_data_call_table_is_identified_by_its_column_names_in_any_order(tmp_path):
    from raybench.catalog import BUILTIN
    from raybench.identify.file import identify_file

    path = tmp_path / "calls.csv"
    path.write_text("ZADDRESS,Z_PK,ZORIGINATED,ZDURATION,ZDATE,ZEXTRA\n+13125550101,1,0,1.5,762962400.25,x\n")
    layout = identify_file(str(path), BUILTIN).identification.layout
    assert layout.id == "ios_callhistory"
    assert layout.start.epoch == "coredata" and layout.tz_basis == "stated"


def test_excel_serials_read_as_local_wall_clock_rounded_to_the_second():
    from raybench.normalize.times import excel_serial_naive

    got = pl.select(excel_serial_naive(pl.lit(pl.Series(
        ["45427.433518519", "45427.4335185185", "45721", "45720.999988426", "12345.5", "3125550123", "4.5e4"]))))
    assert [str(t) if t else None for t in got.to_series().to_list()] == [
        "2024-05-15 10:24:16", "2024-05-15 10:24:16", "2025-03-05 00:00:00", "2025-03-04 23:59:59",
        None, None, None]  # 1933 is no call's start; a phone number or scientific notation is no serial


SERIALS = ["45721.336921296", "45721.385416667", "45721.5", "45722.0", "45722.75"]
PARTIES = (["3125550143", "8005550100", "4155550123", "8005550100", "2065550188"],
           ["8005550100", "6175550111", "8005550100", "3035550102", "8005550100"])


def test_a_column_of_serials_is_the_start_by_its_name_or_in_doubt_by_its_values():
    named = map_generic(("TIMESTAMP", "ANI", "DNIS"), [SERIALS, *PARTIES])
    assert named is not None and named.start.epoch == "excel_days" and named.confidence["TIMESTAMP"] == 0.95
    assert named.tz_stated is None  # local serials: the zone is assumed (--tz applies)
    unnamed = map_generic(("col1", "col2", "col3"), [SERIALS, *PARTIES])
    assert unnamed is not None and unnamed.start.column == "col1" and unnamed.confidence["col1"] < 0.6
    # whole numbers of five digits with no name: ids or counts, not dates
    assert map_generic(("col1", "col2", "col3"), [["45721", "45722", "45723", "45724", "45725"], *PARTIES]) is None


def test_a_call_time_of_lengths_beside_a_whole_start_is_the_duration_and_call_type_directions():
    m = map_generic(("TIMESTAMP", "CALL TYPE", "ANI", "DNIS", "CALL TIME"),
                    [SERIALS, ["Inbound", "Outbound", "Inbound", "Manual", "Inbound"], *PARTIES,
                     ["00:02:10", "00:00:45", "01:03:30", "00:00:00", "00:12:44"]])
    assert m is not None
    assert (m.by_field("duration"), m.duration_unit, m.by_field("direction"), m.by_field("record_type")) == (
        "CALL TIME", "hh_mm_ss", "CALL TYPE", None)
    assert m.record_type_default == "voice"
    # times of day spread over the day are no lengths
    spread = map_generic(("TIMESTAMP", "ANI", "DNIS", "CALL TIME"),
                         [SERIALS, *PARTIES, ["08:02:10", "10:00:45", "01:03:30", "00:10:00", "17:12:44"]])
    assert spread is not None and spread.by_field("duration") is None


def test_lengths_left_unread_put_every_missing_duration_in_doubt():
    # CALL TIME mixes H:MM:SS and MM:SS: not taken as the duration, but its lengths are not ignored silently
    m = map_generic(("TIMESTAMP", "ANI", "DNIS", "CALL TIME"),
                    [SERIALS, *PARTIES, ["00:02:10", "12:44", "01:03:30", "00:00:00", "05:09"]])
    assert m is not None and m.by_field("duration") is None and "unmapped_duration_s" in m.doubt
    from raybench.classify.generic import generic_layout

    layout = generic_layout(m, ("TIMESTAMP", "ANI", "DNIS", "CALL TIME"), has_header=True, delimiter=",",
                            skip_initial_space=False)
    assert layout.unmapped == ("duration_s",)
    # times of day are no lengths: nothing in doubt
    spread = map_generic(("TIMESTAMP", "ANI", "DNIS", "ANSWERED AT"),
                         [SERIALS, *PARTIES, ["08:02:10", "10:00:45", "01:03:30", "00:10:00", "17:12:44"]])
    assert spread is not None and "unmapped_duration_s" not in spread.doubt


def test_a_header_word_past_the_last_column_is_a_column_of_its_own_not_a_second_word():
    header = HEADER + "            ACCOUNT"
    runs = column_runs(LINES[:5])
    assert trailing_columns(header, runs)[-1] == (header.index("ACCOUNT"), len(header))
    assert trailing_columns("Date       Ext No", [(0, 10), (11, 14)]) == [(0, 10), (11, 14)]  # one name


def test_a_repeated_page_banner_is_no_sampled_row():
    banner = "NEC SV9100   SMDR   PAGE   1   SITE 01"  # long enough to reach past the middle column
    text = "\r\n".join([banner, HEADER + "            ACCOUNT", *LINES[:3], banner.replace("1", "2"),
                         HEADER + "            ACCOUNT", *LINES[3:5]]) + "\r\n"
    sample, _ = aligned_sample(text)
    assert sample.header[-2:] == ("DIALED/CLI", "ACCOUNT")
    assert [r[3] for r in sample.rows] == ["2025/03/04"] * 5  # no 'PAGE   2' among the dates
