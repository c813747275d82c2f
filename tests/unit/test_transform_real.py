"""raybench.pipeline.transform.process_chunk on the real samples, without Ray.

Each file goes through identify_file -> plan_file -> process_chunk per chunk, as the pipeline does.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pytest

from raybench.catalog import BANDICOOT, BUILTIN
from raybench.identify.file import identify_file
from raybench.normalize.numbers import NumberNormalizer
from raybench.pipeline.transform import OUTPUT_SCHEMA, process_chunk, record_id
from raybench.read.partition import plan_file

UTC = timezone.utc


def ingest(path: Path, block_bytes: int = 4 << 20) -> tuple[list[dict], list, object]:
    """Rows (dicts, ordered by source_row), the chunk results and the plan of one file."""
    ident = identify_file(str(path), BUILTIN)
    layout = ident.identification.layout
    plan = plan_file(str(path), offset=ident.encoding.bom_bytes, skip_header=layout.has_header,
                     block_bytes=block_bytes)
    data = path.read_bytes()
    numbers = NumberNormalizer(layout.region)
    results = []
    for chunk in plan.chunks:
        result = process_chunk(data[chunk.byte_start:chunk.byte_end], layout=layout,
                               encoding=ident.encoding.name, first_row=chunk.first_row,
                               source_file=str(path), sha256=plan.sha256, ingest_job="job-test",
                               numbers=numbers)
        assert result.table.schema == OUTPUT_SCHEMA
        assert result.records_seen == chunk.n_records
        assert result.table.num_rows == chunk.n_records
        results.append(result)
    rows = pa.concat_tables([r.table for r in results]).to_pylist()
    return sorted(rows, key=lambda r: r["source_row"]), results, plan


@pytest.fixture(scope="module")
def real(real_dir):
    cache: dict[str, tuple] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = ingest(real_dir / name)
        return cache[name]
    return get


def quarantined(rows: list[dict]) -> list[tuple[int, list[str]]]:
    return [(r["source_row"], r["reasons"]) for r in rows if r["reasons"]]


@pytest.mark.parametrize(("name", "n"), [
    ("bandicoot_ego.csv", 314),
    ("bandicoot_orange_u_test.csv", 500),
    ("cdrstats_import_cdr_100.txt", 100),
    ("cdrstats_cdrimport_2015-10-26.csv", 5),
    ("bandicoot_antennas.csv", 27),
])
def test_every_record_accounted_for(real, name, n):
    rows, results, plan = real(name)
    assert plan.n_records == n
    assert len(rows) == n
    assert [r["source_row"] for r in rows] == list(range(1, n + 1))
    assert sum(r.records_seen for r in results) == n


def test_quarantine_counts(real):
    assert quarantined(real("bandicoot_ego.csv")[0]) == []
    assert quarantined(real("bandicoot_orange_u_test.csv")[0]) == []
    assert quarantined(real("cdrstats_cdrimport_2015-10-26.csv")[0]) == []
    assert quarantined(real("bandicoot_antennas.csv")[0]) == []
    # none: row 37 has billsec -6, a call with a duration in doubt (stored, flagged)
    assert quarantined(real("cdrstats_import_cdr_100.txt")[0]) == []


def flagged(rows: list[dict]) -> list[tuple[int, list[str]]]:
    return [(r["source_row"], r["flags"]) for r in rows if r["flags"]]


def test_cdrstats_import_negative_duration_is_stored_null_and_flagged(real, real_dir):
    rows, results, _ = real("cdrstats_import_cdr_100.txt")
    assert flagged(rows) == [(37, ["duration_range"])]
    row37 = rows[36]
    line37 = (real_dir / "cdrstats_import_cdr_100.txt").read_text().splitlines()[36]
    assert ", -6, " in line37
    assert row37["duration_s"] is None  # never -6 s
    assert all(r["raw"] is None for r in rows if not r["reasons"])
    counts = results[0].rule_counts
    assert counts["duration_range"] == [99, 1]
    assert counts["field_count"] == [100, 0]


def test_ego_fields(real):
    rows = real("bandicoot_ego.csv")[0]
    first = rows[0]
    assert first["record_type"] == "sms"
    assert first["direction"] == "incoming"
    assert first["caller"] == "A"
    assert first["callee"] is None
    assert first["start_raw"] == "2014-03-02 07:13:30"
    assert first["start_utc"] == datetime(2014, 3, 2, 12, 13, 30, tzinfo=UTC)
    assert first["tz_assumed"] == "America/New_York"
    assert first["tz_flag"] is None
    assert first["duration_s"] is None
    assert first["cell_id"] == "1"
    assert (first["carrier"], first["layout"]) == ("bandicoot", "bandicoot_csv")
    assert {r["record_type"] for r in rows} == {"voice", "sms"}
    assert {r["direction"] for r in rows} == {"incoming", "outgoing"}
    # every call has a duration, no text has one
    assert all(r["duration_s"] is not None for r in rows if r["record_type"] == "voice")
    assert all(r["duration_s"] is None for r in rows if r["record_type"] == "sms")


def test_orange_fields(real):
    rows = real("bandicoot_orange_u_test.csv")[0]
    first, second, third = rows[0], rows[1], rows[2]
    # 1;22;...: call_record_type 1 (outgoing), basic service 22 (SMS out)
    # a message takes no time: the 0 the file writes is stored (an empty one would be null)
    assert (first["record_type"], first["direction"], first["duration_s"]) == ("sms", "outgoing", 0)
    assert second["record_type"] == "voice"
    assert second["direction"] == "outgoing"
    assert second["caller"] == "770000000"
    assert second["callee"] == "770000008"
    assert second["duration_s"] == 126
    assert second["cell_lat"] == 42.1534
    assert second["cell_lon"] == -70.7084
    assert second["start_raw"] == "2013-12-16 08:30:30"
    assert second["start_utc"] == datetime(2013, 12, 16, 13, 30, 30, tzinfo=UTC)
    # 2;22;770000000;770000007: incoming, so the partner is the caller
    assert third["direction"] == "incoming"
    assert (third["caller"], third["callee"]) == ("770000007", "770000000")


def test_cdrimport_fields(real):
    rows = real("cdrstats_cdrimport_2015-10-26.csv")[0]
    first = rows[0]
    assert first["callee"] == "+34798400122"
    assert first["caller"] == "904151440"
    assert first["duration_s"] == 50            # billsec, not duration (55)
    assert first["direction"] == "incoming"     # cdr-stats direction 1 = inbound
    assert first["record_type"] == "voice"
    assert first["start_utc"] == datetime(2015, 10, 21, 12, 13, 10, tzinfo=UTC)
    assert first["tz_assumed"] == "UTC"
    assert [r["duration_s"] for r in rows][:2] == [50, 10]


def test_cdrstats_import_fields(real):
    rows = real("cdrstats_import_cdr_100.txt")[0]
    first = rows[0]
    assert first["start_utc"] == datetime.fromtimestamp(1336101842, UTC)
    assert first["start_raw"] == "1336101842"
    assert first["duration_s"] == 78            # billsec, not duration (88)
    assert first["caller"] == "81050000"
    assert first["callee"] == "650200000"
    assert first["direction"] == "unknown"
    assert first["tz_flag"] is None


def test_antennas_are_cell_sites(real):
    rows = real("bandicoot_antennas.csv")[0]
    assert rows[0]["cell_id"] == "1"
    assert rows[0]["cell_lat"] == 42.366944
    assert rows[0]["cell_lon"] == -71.083611
    assert rows[0]["layout"] == "bandicoot_antennas"
    assert all(r["start_utc"] is None and r["caller"] is None for r in rows)


def test_record_id_is_stable_and_unique(real, real_dir):
    rows, _, plan = real("bandicoot_ego.csv")
    again, _, _ = ingest(real_dir / "bandicoot_ego.csv", block_bytes=512)
    ids = [r["record_id"] for r in rows]
    assert ids == [r["record_id"] for r in again]
    assert len(set(ids)) == len(ids)
    assert ids[0] == record_id(plan.sha256, 1)
    assert all(len(i) == 32 for i in ids)


def test_record_id_function():
    sha = "ab" * 32
    assert record_id(sha, 1) == record_id(sha, 1)
    assert record_id(sha, 1) != record_id(sha, 2)
    assert record_id(sha, 1) != record_id("cd" * 32, 1)


@pytest.mark.parametrize("name", ["cdrstats_import_cdr_100.txt", "cdrstats_cdrimport_2015-10-26.csv"])
def test_chunking_does_not_change_the_rows(real, real_dir, name):
    whole = real(name)[0]
    small, results, _ = ingest(real_dir / name, block_bytes=200)
    assert len(results) > 1
    assert small == whole


def test_bad_records_are_quarantined_with_parse_reasons():
    data = (b"call,in,A,2014-03-02 07:13:30,60,1\n"
            b"call,in,B,2014-03-02 07:13:30\n"
            b"call,out,\xff,2014-03-02 07:13:30,60,1\n"
            b"call,out,C,2014-03-02 07:13:30,-1,1\n")
    sha = "0" * 64
    result = process_chunk(data, layout=BANDICOOT, encoding="utf-8", first_row=11, source_file="x.csv",
                           sha256=sha, ingest_job="job-test", numbers=NumberNormalizer(None))
    assert result.records_seen == 4
    rows = sorted(result.table.to_pylist(), key=lambda r: r["source_row"])
    assert quarantined(rows) == [(12, ["field_count"]), (13, ["encoding"])]
    assert flagged(rows) == [(14, ["duration_range"])]  # a call with a duration in doubt is still a call
    assert rows[3]["duration_s"] is None
    assert rows[1]["raw"] == "call,in,B,2014-03-02 07:13:30"
    assert rows[1]["record_id"] == record_id(sha, 12)
    assert (rows[1]["layout"], rows[1]["source_file"], rows[1]["ingest_job"]) == (
        "bandicoot_csv", "x.csv", "job-test")
    assert rows[0]["raw"] is None and rows[0]["reasons"] == []
    counts = result.rule_counts
    assert counts["field_count"] == [3, 1]
    assert counts["encoding"] == [3, 1]
    assert counts["quoting"] == [4, 0]
    assert counts["duration_range"] == [1, 1]
