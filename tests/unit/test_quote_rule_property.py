"""The planner (raybench.read.partition.plan_file) and the reader (raybench.read.records.split_records) cut
any text into the same records, at any read-block size: one quote rule, two implementations (numpy over
blocks with a record read again when its quote is undecided, and Python over a chunk's lines)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings, strategies as st

from raybench.read.partition import plan_file
from raybench.read.records import MAX_QUOTED_LINES, split_records

LINE = st.text(alphabet='ab,"', max_size=6)
TEXT = st.lists(st.tuples(LINE, st.sampled_from(["\n", "\r\n"])), max_size=14).map(
    lambda parts: "".join(a + b for a, b in parts))


def _planned(data: bytes, block_bytes: int) -> tuple[list[str], int]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        path.write_bytes(data)
        plan = plan_file(str(path), block_bytes=block_bytes)
    records: list[str] = []
    for chunk in plan.chunks:
        got = split_records(data[chunk.byte_start:chunk.byte_end].decode())
        assert len(got) == chunk.n_records, (chunk, got)
        records += got
    assert plan.size_bytes == len(data)
    return records, plan.n_records


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(TEXT, st.booleans(), st.integers(min_value=1, max_value=40))
def test_planner_and_reader_cut_the_same_records(text, trailing_newline, block_bytes):
    if not trailing_newline:
        text = text.rstrip("\r\n")
    data = text.encode()
    records, n = _planned(data, block_bytes)
    want = split_records(text)
    assert records == want
    assert n == len(want)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(TEXT)
def test_no_record_spans_more_lines_than_the_bound(text):
    for record in split_records(text):
        assert record.count("\n") < MAX_QUOTED_LINES
