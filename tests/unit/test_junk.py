"""raybench.read.junk: junk lines of messy delimited text, decided alike by the planner and the worker."""

from __future__ import annotations

import pytest

from raybench.catalog import BUILTIN, TMOBILE
from raybench.identify.sniff import identify_text
from raybench.layout import Layout
from raybench.read.junk import JunkRules, drop_junk, is_types_line
from raybench.read.partition import plan_file
from raybench.read.records import parse_chunk, read_chunk_frame

THREE = Layout(id="three", carrier="generic", columns=("a", "b", "c"))
TMO_HEADER = ",".join(TMOBILE.columns)
TMO_ROW = "mSOriginating,12125550123,13105550199,,2024-03-15 14:05:09,150,310260123456789,35209900176148,1234,5678"


@pytest.mark.parametrize("line", [
    "Page 1 of 3", "  PAGE 12 OF 300  ", "Page 2/5", "page 7", "Printed 03/01/2024 10:00 Page 2 of 5",
    "- Page 3 -", "Page 1 of 2,,,,,", "Total for Call Detail", "Totals: 1,234", "TOTAL,,,,45.00",
    "Grand Total 12:30:00", "Subtotal for 212-555-0123", '"Total",,,12', "*** End of Report ***",
    "END OF FILE", "-- end of the listing --", "(1234 rows affected)", "1,234 records", "Record count: 1234",
    "Rows: 12",
    # a sign-off after the records (issue 13, held-out 7's UK disclosure)
    '"I certify that the records above were produced from the operator\'s systems, and are a true copy."',
    "We hereby attest that this is a complete extract", "Prepared by J. Smith, 29/07/2024",
    'Custodian of Records:,"J. Smith, Disclosure Officer"', "Signature:,______", "Date:,29/07/2024",
    "Date signed: 2024-07-29",
])
def test_footers(line):
    assert JunkRules().reason(line) == "footer"


@pytest.mark.parametrize("line", [
    TMO_ROW, "1,2,3", "call,in,5,2024-01-01 10:00:00,60,1", "text,out,7,2024-01-01 10:00:00,,1",
    '"","1001","1002","from-internal","","SIP/1001","","Page","SIP/1002",'
    '"2024-01-01 10:00:00","","2024-01-01 10:00:09","9","8","ANSWERED","DOCUMENTATION","x",""',
    "Totality,1,2", "MO VOICE,page,3", "row,1,2", "1,2,3 records", "Weekend,Pages,2",
    # sign-off words inside a record, or a date label followed by more than one field, are records
    "Date:,29/07/2024,Outgoing,447700900701", "2024-07-13 10:00:00,Signed,447700900701,60",
    "Outgoing Call,447700900701,07700900391,2024-07-13T22:00:59+0100,20,certified",
])
def test_records_are_not_footers(line):
    assert JunkRules().reason(line) is None


def test_exact_and_blank_reasons():
    rules = JunkRules(header="a,b,c", header_types="INTEGER,VARCHAR(5),DATE", banners=("ACME Proprietary",))
    assert [rules.reason(t) for t in ("a,b,c", "INTEGER,VARCHAR(5),DATE", "ACME Proprietary", "  \t",
                                      "\f", "a,b,c ", "1,2,3")] == [
        "repeated_header", "header_types", "banner", "blank", "blank", None, None]
    assert JunkRules.from_json(rules.to_json()) == rules
    assert JunkRules.from_json("") is None


def test_types_lines():
    assert is_types_line("INTEGER,VARCHAR(50),UNIQUEIDENTIFIER,DATETIME,NUMERIC(10,2),CHAR(1)", ",")
    assert is_types_line("int|varchar(20)|bigint", "|")
    assert not is_types_line("Item,Conn. Date,Description", ",")
    assert not is_types_line("INTEGER", ",")


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_candidates_cover_every_junk_record(encoding):
    """The planner's byte search finds every record that the rule calls junk (the superset property)."""
    rules = JunkRules(header="Nº,b,c", banners=("Société – Confidential",))
    lines = ["Page 1 of 2", "  total for José", "*** END  OF\tREPORT ***", "(3 rows affected)", "Nº,b,c",
             "Société – Confidential", "Record count: 3", "I certify that the above is a true copy",
             "Signature:,____", "Date:,29/07/2024", "Prepared by José"]
    for line in lines:
        data = ("1,2,3\n" + line + "\n4,5,6\n").encode(encoding)
        offsets = rules.candidate_offsets(data, encoding)
        start = data.index(line.encode(encoding))
        assert any(start <= o < start + len(line.encode(encoding)) for o in offsets), line
        assert rules.reason(line) is not None


MESSY = ("ACME Proprietary\r\nReport run 2024-03-01\r\n\r\na,b,c\r\nINTEGER,VARCHAR(5),DATE\r\n1,2,3\r\n   \r\n"
         '4,"x\nPage 1 of 2\ny",6\r\nPage 1 of 2\r\n\f\r\nACME Proprietary\r\na,b,c\r\n7,8,9\r\n10,11\r\n'
         "Total for Call Detail,,\r\n*** End of Report ***").encode()


def test_planner_and_worker_agree_at_every_block_size(tmp_path):
    path = tmp_path / "messy.csv"
    path.write_bytes(MESSY)
    ident = identify_text(MESSY.decode(), (THREE,))
    assert ident.lead == ("banner", "banner", "header", "header_types")
    assert (ident.header, ident.header_types, ident.banners) == (
        "a,b,c", "INTEGER,VARCHAR(5),DATE", ("ACME Proprietary", "Report run 2024-03-01"))
    rules = ident.junk_rules()
    for block_bytes in range(1, 70):
        plan = plan_file(str(path), lead=ident.lead, junk=rules, block_bytes=block_bytes)
        assert plan.n_records == 4, block_bytes
        assert plan.lines_skipped == {"banner": 3, "header": 1, "header_types": 1, "blank": 3,
                                      "footer": 3, "repeated_header": 1}, block_bytes
        good, bad = [], []
        for c in plan.chunks:
            data = MESSY[c.byte_start:c.byte_end]
            slow = parse_chunk(data, "utf-8", THREE, c.first_row, rules)
            fast, fast_bad = read_chunk_frame(data, "utf-8", THREE, c.first_row, rules)
            assert len(slow.rows) + len(slow.bad) == c.n_records, block_bytes
            assert fast.height + len(fast_bad) == c.n_records, block_bytes
            good += slow.source_rows
            bad += [(r, why) for r, _, why in slow.bad]
        assert good == [1, 2, 3] and bad == [(4, "field_count")], block_bytes


def test_drop_junk_counts_reasons():
    rules = JunkRules(header="a,b,c")
    kept, skipped = drop_junk(["1,2,3", "a,b,c", " ", "Page 2 of 9", "4,5,6"], rules)
    assert kept == ["1,2,3", "4,5,6"]
    assert skipped == {"repeated_header": 1, "blank": 1, "footer": 1}
    assert drop_junk(["a,b,c"], None) == (["a,b,c"], {})


# ---- identification: banners, types line, dialects ---------------------------------------------------

@pytest.mark.parametrize(("sep", "dialect"), [(",", "','"), (";", "';'"), ("|", "'|'"), ("\t", "'\\t'"),
                                              (", ", "', '")])
def test_dialect_is_sniffed(sep, dialect):
    text = "\n".join(x.replace(",", sep) for x in (TMO_HEADER, TMO_ROW)) + "\n"
    ident = identify_text(text, BUILTIN)
    assert ident.layout.id == "tmobile_cdr"
    assert ident.layout.dialect == f"{dialect} header"
    assert ident.layout.delimiter == sep[0] and ident.layout.skip_initial_space == (sep == ", ")
    assert ident.lead == ("header",) and ident.header_index == 0


def test_banners_before_the_header():
    text = "AT&T Proprietary (Internal Use Only)\n  \nReport generated 03/16/2024\n" + TMO_HEADER + "\n" + TMO_ROW
    ident = identify_text(text, BUILTIN)
    assert ident.layout.id == "tmobile_cdr"
    assert ident.header_index == 2
    assert ident.lead == ("banner", "banner", "header")
    assert ident.banners == ("AT&T Proprietary (Internal Use Only)", "Report generated 03/16/2024")


def test_headerless_layouts_have_no_lead(real_dir):
    ident = identify_text((real_dir / "bandicoot_orange_u_test.csv").read_text(), BUILTIN)
    assert (ident.layout.id, ident.lead, ident.header) == ("orange_csv", (), None)


def test_quarantine_all_keeps_one_raw_per_planned_record(tmp_path):
    """A chunk a worker failed on comes back record by record, its junk lines left out as planned."""
    from raybench import ChunkDescriptor, quarantine_all

    data = b"1,2,3\na,b,c\nPage 1 of 2\n   \n4,5,6\n"
    path = tmp_path / "c.csv"
    path.write_bytes(data)
    item = ChunkDescriptor(chunk_id="0:0", format="delimited", path=str(path), source_file="c.csv",
                           sha256="0" * 64, ingest_job="j", layout=THREE.id, layout_key=THREE.id, first_row=7,
                           n_records=2, encoding="utf-8", byte_start=0, byte_end=len(data),
                           junk=JunkRules(header="a,b,c").to_json())
    table = quarantine_all(item, THREE, "worker_error: X")
    assert table.column("source_row").to_pylist() == [7, 8]
    assert table.column("raw").to_pylist() == ["1,2,3", "4,5,6"]
