"""The format registry and the chunk descriptor: the driver picks a file's module once, by content; the
descriptor survives its trip as an Arrow row; each format's chunks read back to the records planned."""

from __future__ import annotations

import shutil
from dataclasses import fields
from pathlib import Path

import pyarrow as pa
import pytest

from raybench import ChunkDescriptor, descriptors, plan, read_chunk
from raybench.pipeline import formats
from raybench.read.chunk import CHUNK_SCHEMA, descriptor_table, descriptors_of

CASES = Path(__file__).resolve().parents[1] / "cases"


@pytest.mark.parametrize("case, fmt, sniffed", [
    ("delimited/banner_lines.csv", "delimited", "delimited"),
    ("fixed/switch_report.txt", "fixed", "delimited"),
    ("xlsx/two_sheets.xlsx", "xlsx", "xlsx"),
    ("pdf/sections.pdf", "pdf", "pdf"),
    ("pdf/bill_att_new_year.pdf", "pdf_bill", "pdf"),
])
def test_each_format_plans_and_reads_back_its_records(tmp_path, case, fmt, sniffed):
    path = CASES / case
    assert formats.sniff_format(str(path)).NAME == sniffed
    task = plan(str(path), str(tmp_path), chunk_bytes=4096)
    assert task.plan is not None, task.row.get("error")
    assert task.format == fmt
    items = descriptors(task)
    assert {d.format for d in items} == {fmt}
    assert [d.first_row for d in items] == sorted(d.first_row for d in items)
    seen = sum(read_chunk(d, task.layout).records_seen for d in items)
    assert seen == task.plan.n_records == sum(d.n_records for d in items)


def test_a_misnamed_pdf_is_read_as_a_pdf(tmp_path):
    misnamed = tmp_path / "export.csv"
    shutil.copy(CASES / "pdf" / "sections.pdf", misnamed)
    assert formats.sniff_format(str(misnamed)) is formats.pdf
    assert formats.sniff_format(str(tmp_path)) is formats.delimited  # a folder: the text module says why


def test_the_descriptor_survives_an_arrow_row_and_its_schema_lists_every_field(tmp_path):
    task = plan(str(CASES / "xlsx" / "two_sheets.xlsx"), str(tmp_path), chunk_bytes=4096)
    items = descriptors(task)
    table = descriptor_table(items)
    assert table.schema == CHUNK_SCHEMA and table.num_rows == len(items)
    assert [f.name for f in fields(ChunkDescriptor)] == CHUNK_SCHEMA.names
    back = descriptors_of(pa.Table.from_batches(table.to_batches()))
    assert back == items and all(isinstance(d, ChunkDescriptor) for d in back)
    with pytest.raises(Exception):
        items[0].first_row = 99  # frozen: a worker cannot change the contract


def test_every_registered_module_has_the_whole_contract():
    for name, module in formats.FORMATS.items():
        assert module.NAME == name
        for part in ("prepare", "descriptors", "read", "source", "unread"):
            assert callable(getattr(module, part)), (name, part)
