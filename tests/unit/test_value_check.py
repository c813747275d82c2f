"""raybench.classify.value_check: the models' timing columns checked against their values."""

from __future__ import annotations

from raybench.classify.value_check import (
    check_timing_columns,
    descriptor_by_values,
    start_else_columns,
)

NAMES = ("Type", "Date", "Time", "A", "B", "Dur")
COLUMNS = [
    ["moc", "mtc", "moc", "mtc"],
    ["03.02.2025", "03.02.2025", "04.02.2025", "13.02.2025"],
    ["07:05", "09:41", "18:30", "00:01"],
    ["12125550123"] * 4,
    ["13105550199"] * 4,
    ["0:02:30", "0:00:42", "1:15:05", "0:00:05"],
]


def test_time_of_day_taken_for_a_duration_is_moved_to_the_start():
    wrong = {"Type": "record_type", "Date": "ignore", "Time": "duration", "A": "caller", "B": "callee",
             "Dur": "start"}
    got = check_timing_columns(NAMES, COLUMNS, wrong)
    assert got.mapping == {"Type": "record_type", "Date": "start", "Time": "start_time", "A": "caller",
                           "B": "callee", "Dur": "duration"}
    assert set(got.changed) == {"Date", "Time", "Dur"}
    assert got.changed["Time"] == ("duration", "start_time", 1.0)


def test_a_start_column_that_reads_as_dates_is_kept():
    right = {"Type": "record_type", "Date": "start", "Time": "start_time", "A": "caller", "B": "callee",
             "Dur": "duration"}
    got = check_timing_columns(NAMES, COLUMNS, right)
    assert got.mapping == right and got.changed == {}
    # the time of day left out: it is given back to the start, the rest stays
    got = check_timing_columns(NAMES, COLUMNS, {**right, "Time": "ignore"})
    assert got.mapping == right and set(got.changed) == {"Time"}


def test_party_columns_are_never_taken():
    # no column the models left free reads as dates: nothing changes, even though the start is wrong
    names = ("A", "B", "Dur")
    cols = [["20240315"] * 3, ["13105550199"] * 3, ["12", "30", "7"]]
    wrong = {"A": "caller", "B": "callee", "Dur": "start"}
    got = check_timing_columns(names, cols, wrong)
    assert got.mapping == wrong and got.changed == {}


def test_a_start_column_with_damaged_rows_is_kept_over_another_date_column():
    # a quarter of the start column is 'not a date' (damaged rows, to be quarantined as start_parse);
    # the end stamp reads as dates on every row, but it is not the start
    names = ("start", "end", "dur")
    cols = [["2024-01-16 10:54:46", "not a date", "2024-01-31 16:10:23", "2024-02-01 09:00:00"],
            ["2024-01-16 10:56:19", "2024-01-30 20:25:31", "2024-01-31 16:13:12", "2024-02-01 09:01:00"],
            ["93", "4", "159", "60"]]
    mapping = {"start": "start", "end": "ignore", "dur": "duration"}
    got = check_timing_columns(names, cols, mapping)
    assert got.mapping == mapping and got.changed == {}


def test_a_date_column_the_models_got_right_is_given_its_time_column():
    # the models took the date for the start and the time of day for nothing (or a duration)
    mapping = {"Type": "record_type", "Date": "start", "Time": "duration", "A": "caller", "B": "callee",
               "Dur": "ignore"}
    got = check_timing_columns(NAMES, COLUMNS, mapping)
    assert got.mapping["Date"] == "start" and got.mapping["Time"] == "start_time"
    assert got.mapping["Dur"] == "ignore"  # a column the models left out is not taken for the duration


def test_a_start_column_of_iso_stamps_with_offsets_is_found():
    """``2024-07-13T18:59:08+0100`` (ISO 8601, an offset without a colon) reads as a date-time: the models'
    start on a column of cell ids moves to it (issue 13, held-out 7's UK disclosure)."""
    names = ("Kind", "Start Date/Time", "Duration (s)", "Start CGI")
    columns = [["Outgoing Call"] * 3, ["2024-07-13T18:59:08+0100", "2024-07-14T00:11:15+01:00",
                                        "2024-12-01T09:00:00+0000"],
               ["20", "377", "0"], ["234-15-14534-47875", "234-15-2623-23829", "234-15-2623-23829"]]
    wrong = {"Kind": "record_type", "Start Date/Time": "ignore", "Duration (s)": "duration", "Start CGI": "start"}
    got = check_timing_columns(names, columns, wrong)
    assert got.mapping["Start Date/Time"] == "start"
    assert got.mapping["Start CGI"] == "ignore"
    assert got.mapping["Duration (s)"] == "duration"


def test_a_fee_column_is_never_the_duration():
    """The models took a fee in yen (``料金(円)``) for the duration in minutes: the duration goes to the
    column whose values read as one (``2分17秒``), an SMS's ``-`` not counted (issue 13, held-out 7)."""
    from raybench.classify.value_check import check_money_duration, is_money_name

    names = ("通話日", "相手先", "通話時間", "料金(円)")
    columns = [["2024/08/01"] * 4, ["0355501234"] * 4, ["2分17秒", "1時間00分43秒", "-", "0分09秒"],
               ["44", "1210", "3", "11"]]
    got = check_money_duration(names, columns, {"通話日": "start", "相手先": "partner", "通話時間": "ignore",
                                                "料金(円)": "duration"})
    assert got.mapping["料金(円)"] == "ignore" and got.mapping["通話時間"] == "duration"
    # no column reads as durations: the file has none rather than the fee
    got = check_money_duration(names[:2] + names[3:], [columns[0], columns[1], columns[3]],
                               {"通話日": "start", "相手先": "partner", "料金(円)": "duration"})
    assert "duration" not in got.mapping.values()
    assert is_money_name("Cost") and is_money_name("Beløb (kr.)") and is_money_name("Charge $")
    assert not is_money_name("Charged Duration") and not is_money_name("Duration (sec)")


MSC_NAMES = ("recordType", "callingNumber", "seizureTime", "answerTime", "originationTime", "deliveryTime")
MSC_COLUMNS = [
    ["moCallRecord", "mtCallRecord", "moSMSRecord", "mtSMSRecord", "moCallRecord"],
    ["13125550101", "12125550199", "13125550101", "17735550142", "13125550101"],
    ["2407151305072D0500", "2407151400002D0500", "", "", "2401021200002D0600"],
    ["2407151305142D0500", "", "", "", "2401021200092D0600"],
    ["", "", "2407151530002D0500", "", ""],
    ["", "", "", "2407152359592D0500", ""],
]


def test_an_sms_start_in_its_own_columns_is_found_and_an_answer_stamp_is_not():
    # answerTime reads as date-times too, but it is filled where seizureTime is: the same record's answer
    assert start_else_columns(MSC_NAMES, MSC_COLUMNS, "seizureTime") == ("originationTime", "deliveryTime")
    # taken from the answer stamp, the seizure stamp is filled on rows the answer is too: never added
    assert start_else_columns(MSC_NAMES, MSC_COLUMNS, "answerTime") == ("originationTime", "deliveryTime")
    full = [["2407151305072D0500"] * 5 if i == 2 else c for i, c in enumerate(MSC_COLUMNS)]
    assert start_else_columns(MSC_NAMES, full, "seizureTime") == ()  # a start on every row: nothing to add
    # a column filled only where the start is empty but not holding stamps is not a start
    names = ("seizureTime", "note")
    assert start_else_columns(names, [["2407151305072D0500", ""], ["", "sms"]], "seizureTime") == ()


def test_the_layouts_own_codes_find_its_descriptor_column():
    codes = {"moCallRecord": "voice", "mtCallRecord": "voice", "moSMSRecord": "sms", "mtSMSRecord": "sms"}
    mapping = {n: "ignore" for n in MSC_NAMES} | {"callingNumber": "caller", "seizureTime": "start"}
    assert descriptor_by_values(MSC_NAMES, MSC_COLUMNS, mapping, codes) == ("recordType", 1.0)
    assert descriptor_by_values(MSC_NAMES, MSC_COLUMNS, {**mapping, "recordType": "record_type"}, codes) is None
    # one value in five outside the codes is under the 90% share
    odd = [["moCallRecord", "mtCallRecord", "moSMSRecord", "mtSMSRecord", "hlrIntRecord"]] + MSC_COLUMNS[1:]
    assert descriptor_by_values(MSC_NAMES, odd, mapping, codes) is None
    assert descriptor_by_values(MSC_NAMES, MSC_COLUMNS, mapping, {}) is None


def test_a_descriptor_column_of_trade_words_is_found_when_the_codes_are_not_the_layouts():
    # the SMS block of an AT&T return: 'Desc' says 'SMS MO' / 'SMS MT', codes the voice layout's map lacks
    names = ("Item", "Desc", "Originating Number")
    columns = [["1", "2", "3"], ["SMS MO", "SMS MT", "SMS MO"], ["2125550147", "6175550120", "2125550147"]]
    mapping = {"Item": "ignore", "Desc": "ignore", "Originating Number": "caller"}
    codes = {"MO VOICE": "voice", "MT VOICE": "voice"}
    assert descriptor_by_values(names, columns, mapping, codes) is None
    words = lambda v: v.split()[0].lower() in {"sms", "voice", "mms"}  # noqa: E731
    assert descriptor_by_values(names, columns, mapping, codes, words) == ("Desc", 1.0)
    # a column of many distinct values is no descriptor, whatever its words
    many = [[str(i) for i in range(20)], [f"SMS note {i}" for i in range(20)], ["2125550147"] * 20]
    assert descriptor_by_values(names, many, mapping, codes, words) is None


def test_a_date_column_with_damaged_rows_still_gets_its_time_column():
    # 3 of 20 rows damaged in both columns (85% read): the date keeps its time of day, so the 17 good rows
    # are read and only the 3 are quarantined (start_parse); before, the date was read alone and all 20 failed
    dates = ["not a date"] * 3 + [f"2024-07-{d:02d}" for d in range(1, 18)]
    times = ["not a date"] * 3 + [f"13:{m:02d}:07" for m in range(17)]
    names = ("Date", "Start Time", "Duration (s)", "Calling Number")
    columns = [dates, times, [str(60 + i) for i in range(20)], ["3125550101"] * 20]
    mapping = {"Date": "start", "Start Time": "ignore", "Duration (s)": "duration", "Calling Number": "caller"}
    got = check_timing_columns(names, columns, mapping)
    assert got.mapping["Date"] == "start" and got.mapping["Start Time"] == "start_time"
    assert got.mapping["Duration (s)"] == "duration"
    # more than half damaged: the models' start is not kept, and no column reads for 90%: unchanged
    half = [["not a date"] * 11 + dates[11:], ["not a date"] * 11 + times[11:]] + columns[2:]
    assert check_timing_columns(names, half, mapping).mapping == mapping
