"""Small cases of the input classes the held-out groups found (raybench/harness/independent/holdout*.py),
written here by hand: each read with the driver's own steps (read_local), its rows and counts asserted."""

from __future__ import annotations

from pathlib import Path

from raybench.pipeline.local import local_verdict, read_local
from raybench.read.junk import JunkRules

SPRINT_HEAD = "CALLING_NBR,CALLED_NBR,DIALED_DIGITS,M_R,START_DATE,END_DATE,DURATION,NEID,REPOLL,FIRST_CELL,LAST_CELL"


def _read(tmp_path: Path, name: str, text: str, **kw):
    path = tmp_path / name
    path.write_bytes(text.encode(kw.pop("encoding", "utf-8")))
    read = read_local(str(path), ingest_job="job-held", **kw)
    rows = sorted(read.rows, key=lambda r: r["source_row"])
    return read, rows


def test_epoch_milliseconds_are_read_as_utc_instants(tmp_path):
    text = (SPRINT_HEAD + "\n"
            "4155550110,6175550195,6175550195,1,1721084481371,1721084531371,50,971,34,3657,2657\n"
            "4155550111,6175550196,6175550196,2,1721088627108,1721088637108,10,971,34,3657,2657\n")
    read, rows = _read(tmp_path, "epoch_ms.csv", text, tz="America/Chicago")
    assert [r["start_utc"].strftime("%Y-%m-%dT%H:%M:%S") for r in rows] == ["2024-07-15T23:01:21",
                                                                           "2024-07-16T00:10:27"]
    assert read.file["tz"] == "UTC" and read.file["tz_source"].startswith("stated: the start column holds Unix "
                                                                          "epoch ms")


def test_iso_starts_with_an_offset_are_instants(tmp_path):
    head = "Call Type,Start Date/Time (UTC),Calling Number,Called Number,Dialed Number,Duration (Sec),IMSI,IMEI,LAC,Cell ID\n"
    text = head + ("mSOriginating,2024-01-14T04:45:19-05:00,12125550123,13105550199,,60,310260123456789,"
                   "35209900176148,1,2\n"
                   "mSOriginating,2024-07-14T04:45:19-04:00,12125550123,13105550199,,60,310260123456789,"
                   "35209900176148,1,2\n")
    read, rows = _read(tmp_path, "iso_offset.csv", text)
    assert [r["start_utc"].strftime("%H:%M") for r in rows] == ["09:45", "08:45"]  # -05:00 in winter, -04:00 in summer
    assert not any(r["reasons"] for r in rows)


def test_empty_rows_notices_and_totals_after_empty_cells_are_junk():
    rules = JunkRules(header="a,b,c", banners=("Carrier X - export 1 of 2",))
    assert rules.reason(",,,,,,") == "empty_row"
    assert rules.reason('"","",""') == "empty_row"
    assert rules.reason(",,,,,Total Calls,20,,,") == "footer"
    assert rules.reason("Account Total,,,,,Total Minutes,793,,,") == "footer"
    assert rules.reason("AT&T Proprietary (Internal Use Only),,,,,,") == "footer"
    assert rules.reason("Carrier X - export 2 of 2") == "banner"  # the banner again, another number
    assert rules.reason("1,Carrier X - export 2 of 2,3") is None
    assert rules.reason("4155550110,,,1,2024-07-15 10:00:00") is None  # empty cells in a record


def test_a_report_by_extension_reads_the_station_as_the_subscriber(tmp_path):
    text = ("PBX ONE - CALL DETAIL BY EXTENSION      Page 1\n"
            "DATE        TIME      EXT   NUMBER           DUR(SEC)  TYPE\n"
            "----------  --------  ----  ---------------  --------  ----\n"
            "05/16/2024  01:43:41  3122  4155550175             52  OUT\n"
            "05/16/2024  02:25:25  3196  4155550186              8  IN\n"
            "05/16/2024  02:30:00  3147  3125550105           4580  OUT\n"
            "PBX ONE - CALL DETAIL BY EXTENSION      Page 2\n"
            "DATE        TIME      EXT   NUMBER           DUR(SEC)  TYPE\n"
            "----------  --------  ----  ---------------  --------  ----\n"
            "05/16/2024  02:50:57  3147  3147                  532  IC\n")
    read, rows = _read(tmp_path, "station.txt", text)
    assert read.file["layout"] == "station_fixed_detail"
    assert read.file["lines_skipped"]["banner"] == 2  # page 1's lead, then page 2's with its number
    got = [(r["caller"], r["callee"], r["direction"], r["duration_s"]) for r in rows]
    assert got == [("3122", "+14155550175", "outgoing", 52), ("+14155550186", "3196", "incoming", 8),
                   ("3147", "+13125550105", "outgoing", 4580), ("3147", "3147", "internal", 532)]
    assert local_verdict(read)[0] == "ok"
