"""raybench.read.text_tables: where a text file of several tables is cut, and when it is not one."""

from __future__ import annotations

from raybench.read.text_tables import split_tables, tables_of

BANNER = "ACME CARRIER SUBSCRIBER RECORDS\nCase: 12\n"


def test_blocks_start_where_the_banner_comes_back():
    text = (BANNER + "Item,Date,Time,Number,Duration\n1,03/01/2024,10:00:00,2125550147,60\nTotal Records: 1\n\n"
            + BANNER + "Item,Date,Time,From,To,Text\n1,03/01/2024,11:00:00,2125550147,3105550199,MO\n")
    tables = split_tables(text)
    assert [name for name, _ in tables] == ["block 1 (line 1)", "block 2 (line 7)"]
    assert tables[1][1][2] == ("Item", "Date", "Time", "From", "To", "Text")


def test_a_paged_report_with_one_header_is_one_table(tmp_path):
    page = BANNER + "Item,Date,Time,Number,Duration\n1,03/01/2024,10:00:00,2125550147,60\n\n"
    path = tmp_path / "paged.csv"
    path.write_text(page + page)
    assert len(split_tables(page + page)) == 2
    assert tables_of(str(path)) is None  # same header on every page: read as one delimited file
