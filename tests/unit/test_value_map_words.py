"""A value map's words read in any order, and a direction word written last (raybench.normalize.frame):
hand-written values, not a held-out file."""

from __future__ import annotations

import polars as pl

from raybench.layout import ValueMap
from raybench.normalize.frame import DIRECTION_BY_WORD, mapped_value


def test_words_in_another_order_and_a_last_direction_word_are_read():
    vm = ValueMap("desc", {"MO VOICE": "outgoing", "MT VOICE": "incoming", "CF VOICE": "forwarded"})
    df = pl.DataFrame({"desc": ["Voice MO", "voice, mt", "CF VOICE", "SMS MT", "SMS MO", "Voice Call", "Data"]})
    got = df.select(mapped_value(vm, DIRECTION_BY_WORD).alias("d"))["d"].to_list()
    assert got == ["outgoing", "incoming", "forwarded", "incoming", "outgoing", None, None]


def test_without_words_an_unknown_order_is_still_the_maps_only():
    vm = ValueMap("desc", {"MO VOICE": "voice"})
    df = pl.DataFrame({"desc": ["Voice MO", "SMS MO"]})
    assert df.select(mapped_value(vm).alias("t"))["t"].to_list() == ["voice", None]
