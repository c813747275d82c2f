"""raybench.validate.rules: every rule passes a good row and fails a bad one, through the real
normaliser (records_frame -> normalize_frame -> apply_rules) with built-in layouts; a hard failure goes to
``reasons`` (quarantine), a soft one to ``flags`` (stored)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import polars as pl
import pytest

from raybench.catalog import (ATT_MOBILITY_VOICE, BANDICOOT, BANDICOOT_ANTENNAS, BUILTIN, ORANGE, SPRINT_CDMA,
                              TMOBILE, VERIZON_BILLING)
from raybench.layout import Layout
from raybench.normalize.frame import normalize_frame
from raybench.read.records import records_frame
from raybench.normalize.numbers import NumberNormalizer
from raybench.read.records import ChunkRecords
from raybench.validate.rules import FLAG_FIELDS, MAX_DURATION_S, RULES, apply_rules, rules_for

BASE: dict[str, dict[str, str]] = {
    ATT_MOBILITY_VOICE.id: {
        "Item": "1", "Conn. Date": "03/15/2024", "Conn. Time (UTC)": "14:05:09", "Seizure Time": "0:03",
        "ET": "2:30", "Originating Number": "2125550123", "Terminating Number": "(310) 555-0199",
        "IMEI": "35209900176148", "IMSI": "310410123456789", "Description": "MO VOICE", "LAC": "1234",
        "Cell ID": "5678"},
    SPRINT_CDMA.id: {
        "CALLING_NBR": "2125550123", "CALLED_NBR": "3105550199", "DIALED_DIGITS": "3105550199", "M_R": "1",
        "START_DATE": "03/15/2024 14:05:09", "END_DATE": "03/15/2024 14:07:39", "DURATION": "150",
        "NEID": "7", "REPOLL": "0", "FIRST_CELL": "31234", "LAST_CELL": "31234"},
    TMOBILE.id: {
        "Type of Call": "mSOriginating", "Calling Number": "12125550123", "Called Number": "13105550199",
        "Dialed Number": "3105550199", "Start Date/Time (UTC)": "2024-03-15 14:05:09", "Duration (Sec)": "150",
        "IMSI": "310260123456789", "IMEI": "35209900176148", "LAC": "1234", "Cell ID": "5678"},
    VERIZON_BILLING.id: {
        "Wireless Number": "212-555-0123", "Date": "03/15/2024", "Time": "2:05 PM", "Number": "310-555-0199",
        "Usage Type": "Voice", "Origination": "NEW YORK, NY", "Destination": "LOS ANGELES, CA", "Minutes": "3",
        "Airtime Charges": "0.00", "LD/Other Charges": "0.00", "Total Charges": "0.00"},
    ORANGE.id: {
        "call_record_type": "1", "basic_service": "11", "user_msisdn": "770000000",
        "call_partner_identity": "770000008", "datetime": "2013-12-16 08:30:30", "call_duration": "126",
        "latitude": "42.1534", "longitude": "-70.7084"},
    BANDICOOT.id: {
        "interaction": "call", "direction": "out", "correspondent_id": "A", "datetime": "2014-03-02 07:13:30",
        "call_duration": "60", "antenna_id": "1"},
}
LAYOUTS = {lo.id: lo for lo in BUILTIN}


def normalized(layout: Layout, *rows: dict[str, str | None]) -> pl.DataFrame:
    """Rows (column -> text, missing columns take the layout's base row) through the real normaliser
    and the rules."""
    full = [[{**BASE[layout.id], **row}[c] for c in layout.columns] for row in rows]
    records = ChunkRecords(full, list(range(1, len(rows) + 1)), [f"raw {i}" for i in range(len(rows))], [])
    frame = normalize_frame(records_frame(records, layout), layout, NumberNormalizer(layout.region))
    checked, _ = apply_rules(frame, layout)
    return checked


def reasons(layout: Layout, row: dict[str, str | None]) -> list[str]:
    """Every rule the row fails, hard and soft, in RULES order."""
    out = normalized(layout, row)
    failed = set(out["reasons"].to_list()[0]) | set(out["flags"].to_list()[0])
    return [r.id for r in RULES if r.id in failed]


SEVERITY = {r.id: r.severity for r in RULES}


# rule id -> (layout, passing change, failing change, reasons of the failing row)
CASES: dict[str, tuple[Layout, dict, dict, list[str]]] = {
    "start_present": (ATT_MOBILITY_VOICE, {"Conn. Time (UTC)": "00:00:00"}, {"Conn. Time (UTC)": ""},
                      ["start_present"]),
    "start_parse": (ATT_MOBILITY_VOICE, {"Conn. Date": "12/31/2023"}, {"Conn. Date": "2024-03-15"},
                    ["start_parse"]),
    "start_range": (TMOBILE, {"Start Date/Time (UTC)": "1990-01-01 00:00:00"},
                    {"Start Date/Time (UTC)": "1989-12-31 23:59:59"}, ["start_range"]),
    "end_not_before_start": (SPRINT_CDMA, {"END_DATE": "03/15/2024 14:05:09"},
                             {"END_DATE": "03/15/2024 14:05:08"}, ["end_not_before_start"]),
    "duration_parse": (ATT_MOBILITY_VOICE, {"ET": "75:02"}, {"ET": "1:75"}, ["duration_parse"]),
    "duration_range": (TMOBILE, {"Duration (Sec)": str(MAX_DURATION_S)}, {"Duration (Sec)": "-6"},
                       ["duration_range"]),
    "party_present": (TMOBILE, {"Calling Number": "", "Called Number": "13105550199"},
                      {"Calling Number": "", "Called Number": "NA"}, ["party_present"]),
    "number_lossy": (TMOBILE, {"Called Number": "13105550199"}, {"Called Number": "9.12678E+11"},
                     ["number_lossy"]),
    "number_format": (TMOBILE, {"Calling Number": "anonymous", "Called Number": "*86"},
                      {"Calling Number": "=cmd|calc!A0"}, ["number_format"]),
    "record_type_known": (VERIZON_BILLING, {"Usage Type": "Text Msg"}, {"Usage Type": "Fax"},
                          ["record_type_known"]),
    "direction_known": (SPRINT_CDMA, {"M_R": "3"}, {"M_R": "9"}, ["direction_known"]),
    # a per-row zone column (here the Sprint NEID column stands in for it): a row naming no zone is flagged
    "zone_row_read": (replace(SPRINT_CDMA, tz_column="NEID"), {"NEID": "America/Chicago"}, {"NEID": "7"},
                      ["zone_row_read"]),
    "imsi_format": (TMOBILE, {"IMSI": "310260"}, {"IMSI": "31026012345678901"}, ["imsi_format"]),
    "imei_format": (ATT_MOBILITY_VOICE, {"IMEI": "3520990017614801"}, {"IMEI": "35-209900-176148"},
                    ["imei_format"]),
    "coordinates_range": (ORANGE, {"latitude": "-90", "longitude": "180"}, {"latitude": "95.0"},
                          ["coordinates_range"]),
    "number_repaired": (TMOBILE, {"Called Number": "13105550199"}, {"Called Number": "13105550199.0"},
                        ["number_repaired"]),
    "number_unresolved": (TMOBILE, {"Called Number": "3105550199"}, {"Called Number": "0405550100"},
                          ["number_unresolved"]),
    # a masked far end is the party as given: flagged masked, not number_format (not 'not a number')
    "number_masked": (TMOBILE, {"Called Number": "13105550199"}, {"Called Number": "1310555xxx"},
                      ["number_masked"]),
}

HARD = {"start_present", "start_parse", "start_range", "number_lossy"}
"""What cannot be stored as a call (issue 13): no start, an unreadable or impossible start, lost digits."""


MODEL_RULES = {"record_type_inferred"}
"""Rules that only the record-type model can fail (tested with it below)."""


def test_every_rule_has_a_case():
    assert set(CASES) | MODEL_RULES == {r.id for r in RULES if not r.id.startswith(("unmapped_", "guessed_"))}


def test_a_record_type_the_model_guessed_is_stored_flagged_as_inferred():
    from raybench.classify.models import default_classifiers

    layout = VERIZON_BILLING
    full = [[{**BASE[layout.id], **row}[c] for c in layout.columns]
            for row in ({"Usage Type": "Voice"}, {"Usage Type": "Voice Call"})]
    records = ChunkRecords(full, [1, 2], ["raw 1", "raw 2"], [])
    frame = normalize_frame(records_frame(records, layout), layout, NumberNormalizer(layout.region),
                            record_types=default_classifiers())
    checked, _ = apply_rules(frame, layout)
    assert checked["record_type"].to_list() == ["voice", "voice"]  # the model reads 'Voice Call' as voice
    assert [("record_type_inferred" in f) for f in checked["flags"].to_list()] == [False, True]
    assert FLAG_FIELDS["record_type_inferred"] == ("record_type",)


def test_a_field_the_models_found_no_column_for_is_flagged_on_every_row():
    from dataclasses import replace

    layout = replace(TMOBILE, cell_id=None, unmapped=("cell_id",))
    rows = normalized(layout, {}, {"Duration (Sec)": "42"})
    assert rows["flags"].to_list() == [["unmapped_cell_id"], ["unmapped_cell_id"]]
    assert rows["cell_id"].to_list() == [None, None] and FLAG_FIELDS["unmapped_cell_id"] == ("cell_id",)


@pytest.mark.parametrize("layout_id", sorted(BASE))
def test_base_rows_pass_every_rule(layout_id):
    assert reasons(LAYOUTS[layout_id], {}) == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_passes_and_fails(rule_id):
    layout, good, bad, want = CASES[rule_id]
    assert rule_id in {r.id for r in rules_for(layout)}
    assert reasons(layout, good) == []
    assert reasons(layout, bad) == want


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_a_hard_failure_quarantines_and_a_soft_one_flags(rule_id):
    layout, _, bad, _ = CASES[rule_id]
    row = normalized(layout, bad).row(0, named=True)
    assert SEVERITY[rule_id] == ("hard" if rule_id in HARD else "soft")
    if rule_id in HARD:
        assert rule_id in row["reasons"] and rule_id not in row["flags"]
    else:
        assert row["reasons"] == [] and rule_id in row["flags"]
        assert FLAG_FIELDS[rule_id]  # a flag names the fields it puts in doubt


def test_soft_values_are_stored_as_the_schema_says():
    unknown_dir = normalized(SPRINT_CDMA, {"M_R": "9"}).row(0, named=True)
    assert unknown_dir["direction"] == "unknown" and unknown_dir["flags"] == ["direction_known"]
    unknown_type = normalized(VERIZON_BILLING, {"Usage Type": "Fax"}).row(0, named=True)
    assert unknown_type["record_type"] == "unknown"
    floaty = normalized(TMOBILE, {"Called Number": "13105550199.0"}).row(0, named=True)
    assert floaty["callee"] == "+13105550199"  # not +131055501990: the .0 is no digit
    trunk = normalized(TMOBILE, {"Called Number": "0405550100"}).row(0, named=True)
    assert trunk["callee"] == "0405550100"  # no +1 put before a number that cannot be a US one
    ext = normalized(TMOBILE, {"Called Number": "Ext.610"}).row(0, named=True)
    assert ext["callee"] == "Ext.610" and ext["flags"] == ["number_format"]


@pytest.mark.parametrize(("layout", "row", "want"), [
    # a start one day after now is out of range; a start in 2999 too
    (TMOBILE, {"Start Date/Time (UTC)": "2999-01-01 00:00:00"}, ["start_range"]),
    # a duration over one day
    (ATT_MOBILITY_VOICE, {"ET": "1440:01"}, ["duration_range"]),
    (ATT_MOBILITY_VOICE, {"ET": "1440:00"}, []),
    (TMOBILE, {"Duration (Sec)": str(MAX_DURATION_S + 1)}, ["duration_range"]),
    # an empty duration is not a parse failure
    (TMOBILE, {"Duration (Sec)": ""}, []),
    (TMOBILE, {"Duration (Sec)": "12s"}, ["duration_parse"]),
    # the caller's Excel damage counts too
    (ATT_MOBILITY_VOICE, {"Originating Number": "2.12555E+9"}, ["number_lossy"]),
    # coordinates: a longitude out of range, an unreadable latitude, both absent
    (ORANGE, {"longitude": "-180.5"}, ["coordinates_range"]),
    (ORANGE, {"latitude": "north"}, ["coordinates_range"]),
    (ORANGE, {"latitude": "", "longitude": ""}, []),
    # an unknown descriptor fails both maps that read it
    (ATT_MOBILITY_VOICE, {"Description": "XX VOICE"}, ["record_type_known", "direction_known"]),
    (ATT_MOBILITY_VOICE, {"Description": " mt voice "}, []),
    # several failures are listed in RULES order
    (TMOBILE, {"Start Date/Time (UTC)": "yesterday", "Duration (Sec)": "-1", "IMEI": "1"},
     ["start_parse", "duration_range", "imei_format"]),
])
def test_more_rule_edges(layout, row, want):
    assert reasons(layout, row) == want


def test_apply_rules_counts_passed_and_failed():
    frame = normalized(TMOBILE, {}, {"Duration (Sec)": "-6"}, {"Duration (Sec)": "-7", "IMSI": "12"}, {})
    checked, counts = apply_rules(frame.drop("reasons", "flags"), TMOBILE)
    assert checked["reasons"].to_list() == [[], [], [], []]
    assert checked["flags"].to_list() == [[], ["duration_range"], ["duration_range", "imsi_format"], []]
    assert counts["duration_range"] == [2, 2]
    assert counts["imsi_format"] == [3, 1]
    assert counts["start_present"] == [4, 0]
    assert set(counts) == {r.id for r in rules_for(TMOBILE)}


def test_apply_rules_without_rules_gives_empty_reasons():
    layout = Layout(id="nothing", carrier="generic", columns=("a",), kind="cell_sites",
                    numbers_are_msisdn=False)
    assert rules_for(layout) == ()
    checked, counts = apply_rules(pl.DataFrame({"a": ["x", "y"]}), layout)
    assert counts == {}
    assert checked["reasons"].to_list() == [[], []]


def ids(layout: Layout) -> set[str]:
    return {r.id for r in rules_for(layout)}


def test_rules_for_applicability():
    # bandicoot party ids are pseudonyms: no number rules; no IMSI/IMEI/coordinates/end columns
    assert "number_lossy" not in ids(BANDICOOT)
    assert ids(BANDICOOT) == {"start_present", "start_parse", "start_range", "duration_parse",
                              "duration_range", "party_present", "record_type_known", "record_type_inferred",
                              "direction_known"}
    # only Sprint has an end column
    assert "end_not_before_start" in ids(SPRINT_CDMA)
    assert "end_not_before_start" not in ids(ATT_MOBILITY_VOICE)
    # IMSI/IMEI rules where the layout has the columns
    assert {"imsi_format", "imei_format"} <= ids(ATT_MOBILITY_VOICE)
    assert not {"imsi_format", "imei_format"} & ids(SPRINT_CDMA)
    # coordinates only where there are coordinates
    assert "coordinates_range" in ids(ORANGE)
    assert "coordinates_range" not in ids(TMOBILE)
    # a cell-site list is not a call: no start, party or duration rules
    assert not {"start_present", "party_present", "duration_range"} & ids(BANDICOOT_ANTENNAS)
    assert "coordinates_range" in ids(BANDICOOT_ANTENNAS)


def test_rules_for_keeps_rules_order():
    order = [r.id for r in RULES]
    got = [r.id for r in rules_for(ATT_MOBILITY_VOICE)]
    assert got == sorted(got, key=order.index)


def test_normalized_values_of_an_att_row():
    row = normalized(ATT_MOBILITY_VOICE, {"ET": "75:02", "Originating Number": "2125550123\n3105550100(D)",
                                          "Description": "MO VOICE"}).row(0, named=True)
    assert row["caller"] == "+12125550123"
    assert row["dialed"] == "+13105550100"
    assert row["callee"] == "+13105550199"
    assert row["duration_s"] == 4502
    assert row["record_type"] == "voice" and row["direction"] == "outgoing"
    assert row["start_raw"] == "03/15/2024 14:05:09"
    assert row["start_utc"] == datetime(2024, 3, 15, 14, 5, 9, tzinfo=timezone.utc)
    assert row["tz_assumed"] == "UTC" and row["tz_flag"] is None
    assert row["reasons"] == []


def test_normalized_values_of_a_sprint_voicemail_row():
    row = normalized(SPRINT_CDMA, {"CALLED_NBR": "113105550199", "M_R": "2"}).row(0, named=True)
    assert row["record_type"] == "voicemail"
    assert row["callee"] == "+13105550199"
    assert row["direction"] == "incoming"
    assert row["sector"] == "3"
    assert row["cell_id"] == "31234"


def test_bandicoot_dst_gap_is_flagged_not_quarantined():
    row = normalized(BANDICOOT, {"datetime": "2024-03-10 02:30:00"}).row(0, named=True)
    assert row["tz_flag"] == "dst_nonexistent"
    assert row["start_utc"] == datetime(2024, 3, 10, 7, 30, tzinfo=timezone.utc)
    assert row["caller"] is None and row["callee"] == "A"  # outgoing: the subscriber (unknown) calls A
    assert row["reasons"] == []


@pytest.mark.parametrize("value, ok", [
    ("hello", False), ("+", False), ("0", False), ("1234567890123456789012", False), ("12ab", False),
    ("911", True), ("01133123456789", True), ("Restricted", True), ("#31#", True)])
def test_number_format_values(value, ok):
    assert (reasons(TMOBILE, {"Calling Number": value}) == []) is ok
