"""Cisco CUCM CMR files (call-quality records, carrier-formats.md 1.8) are recognised, counted and never
stored as calls; a CDR file of the same cluster is read by its own header, whatever its column count."""

from __future__ import annotations

from raybench.pipeline.local import read_local

CMR_HEADER = ('"cdrRecordType","globalCallID_callManagerId","globalCallID_callId","nodeId","directoryNum",'
              '"callIdentifier","dateTimeStamp","numberPacketsSent","numberOctetsSent","numberPacketsReceived",'
              '"numberOctetsReceived","numberPacketsLost","jitter","latency","pkid","directoryNumPartition",'
              '"globalCallId_ClusterID","deviceName","varVQMetrics"')
CMR_TYPES = ",".join(["INTEGER"] * 14 + ["UNIQUEIDENTIFIER", "VARCHAR(50)", "VARCHAR(50)", "VARCHAR(129)",
                                          "VARCHAR(600)"])


def test_cmr_records_are_counted_not_stored(tmp_path):
    path = tmp_path / "cmr_StandAloneCluster_01_201601141231_1"
    rows = [f'2,1,{100 + i},1,"5033466594",{3000 + i},1744993941,520,89440,518,89096,0,0,0,'
            f'"3f9c8e4a-0000-0000-0000-00000000000{i}","","StandAloneCluster","SEPCC7F750586B7",'
            f'"MLQK=4.5;MLQKav=4.5"' for i in range(3)]
    path.write_text("\n".join([CMR_HEADER, CMR_TYPES, *rows]) + "\n")
    read = read_local(str(path))
    assert read.layout.id == "cucm_cmr" and read.layout.kind == "not_cdr"
    assert read.rows == []
    assert (read.file["rows_read"], read.file["lines_skipped"]) == (
        0, {"header": 1, "header_types": 1, "cucm_cmr_record": 3})


def test_a_cdr_file_with_other_columns_is_read_by_its_own_header(tmp_path):
    path = tmp_path / "cdr_StandAloneCluster_01_201601141231_1"
    header = ('"cdrRecordType","globalCallID_callManagerId","globalCallID_callId","dateTimeOrigination",'
              '"callingPartyNumber","originalCalledPartyNumber","finalCalledPartyNumber","dateTimeConnect",'
              '"dateTimeDisconnect","duration","newColumnOfALaterRelease"')
    types = ",".join(["INTEGER"] * 4 + ["VARCHAR(50)"] * 3 + ["INTEGER"] * 3 + ["VARCHAR(10)"])
    path.write_text("\n".join([header, types, '1,1,25447,1744993928,"5033466594","5033466593","5033466593",'
                               '1744993930,1744993941,11,"x"']) + "\n")
    read = read_local(str(path))
    assert read.layout.id == "cucm_cdr" and len(read.layout.columns) == 11
    [row] = read.rows
    assert (row["caller"], row["callee"], row["duration_s"], row["start_utc"].isoformat()) == (
        "+15033466594", "+15033466593", 11, "2025-04-18T16:32:08+00:00")
