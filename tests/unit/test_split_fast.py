"""The faster record splitter and record ids (issue 20) give exactly what the first versions gave."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from raybench.pipeline.transform import record_id, record_ids
from raybench.read.records import split_records, split_records_reference

_piece = st.sampled_from(['a', 'b,c', '"', '""', '"x\n', 'y"', '\n', '\r\n', '\r', '\x00', ' ', ',', '\n\n',
                          '"q"', '12', '(D)"', '\n"'])


@settings(max_examples=400, deadline=None)
@given(st.lists(_piece, max_size=60))
def test_split_records_is_the_reference(pieces):
    text = "".join(pieces)
    assert split_records(text) == split_records_reference(text)


def test_split_records_joins_a_quoted_second_line_and_isolates_a_broken_quote():
    text = '1,"555\n999(D)",x\r\n2,"open\n3,a\n4,b\n5,c\n6,d\n'
    assert split_records(text) == ['1,"555\n999(D)",x', '2,"open', '3,a', '4,b', '5,c', '6,d']


@given(st.lists(st.integers(0, 10**12), max_size=50), st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
def test_record_ids_are_record_id(rows, sha):
    assert record_ids(sha, rows) == [record_id(sha, r) for r in rows]
    if rows:  # and the id is the documented BLAKE2b-128 of "<sha>:<row>"
        assert record_ids(sha, rows[:1])[0] == hashlib.blake2b(f"{sha}:{rows[0]}".encode(), digest_size=16).hexdigest()


_bytes = st.lists(st.sampled_from([b"page", b"PaGe", b"tot", b"al", b"row", b"end", b" ", b"\t", b"of", b"OF",
                                   b"\xc0", b"\xe0", b"\xff", b"\x80", b"x", b"1", b"more", b"internal"]),
                  max_size=12).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(_bytes)
def test_anchor_precheck_says_true_wherever_a_scan_finds_a_word(block):
    import re

    from raybench.read.junk import ANCHORS, any_anchor

    words = re.compile(b"|".join(ANCHORS) + rb"|end[ \t]+of")
    assert any_anchor(block) == bool(words.search(block.lower()))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_bytes, st.just(b"\n"), st.just(b"\r\n")), max_size=10).map(b"".join))
def test_anchor_lines_are_the_lines_of_every_anchor_word(block):
    """The planner's one-pass line search (RE2) marks exactly the lines on which the per-word scans find
    an anchor, so the same records are looked at as junk candidates."""
    from raybench.read.junk import anchor_line_offsets, anchor_word_offsets

    def lines(offsets):
        return {block.count(b"\n", 0, o) for o in offsets}

    got = anchor_line_offsets(block)
    assert all(o == 0 or block[o - 1:o] == b"\n" for o in got)  # each is a line's start
    assert lines(got) == lines(anchor_word_offsets(block))
