"""``normalize.frame.mapped_column`` (the value maps worked out once per distinct raw value) gives every
row what the per-row expression ``mapped_value`` gives it, for every catalog layout's record-type and
direction maps, on spellings the maps know (any case, punctuation, word order) and on ones they do not."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from raybench import catalog
from raybench.layout import Layout
from raybench.normalize.frame import DIRECTION_BY_WORD, mapped_column, mapped_value

LAYOUTS = [v for v in vars(catalog).values() if isinstance(v, Layout)]
MAPS = [(vm, words) for lay in LAYOUTS
        for vm, words in ((lay.record_type, None), (lay.direction, DIRECTION_BY_WORD)) if vm is not None]


def _spelling(draw, vm) -> str | None:
    kind = draw(st.sampled_from(["known", "reordered", "punctuated", "word", "other", "none"]))
    known = sorted(vm.values) or ["x"]
    base = draw(st.sampled_from(known))
    if kind == "known":
        return draw(st.sampled_from([base, base.upper(), base.lower(), f"  {base} "]))
    if kind == "reordered":
        return " ".join(reversed(base.split()))
    if kind == "punctuated":
        return base.replace(" ", draw(st.sampled_from([", ", "-", "_", "/"])))
    if kind == "word":
        return draw(st.sampled_from(sorted(DIRECTION_BY_WORD))) + draw(st.sampled_from(["", " Voice", " call"]))
    if kind == "other":
        return draw(st.text(alphabet="abcXYZ ,-019", max_size=8))
    return None


@st.composite
def columns(draw):
    vm, words = draw(st.sampled_from(MAPS))
    values = [_spelling(draw, vm) for _ in range(draw(st.integers(1, 40)))]
    return vm, words, values


@settings(max_examples=300, derandomize=True, deadline=None)
@given(columns())
def test_mapped_column_equals_mapped_value(case):
    vm, words, values = case
    df = pl.DataFrame({vm.column: values}, schema={vm.column: pl.String})
    per_row = df.select(mapped_value(vm, words).alias("v"))["v"].to_list()
    by_uniques = df.select(mapped_column(df, vm, words).alias("v"))["v"].to_list()
    assert by_uniques == per_row


def test_known_maps_present_and_a_value_mapped():
    """The comparison above covers real maps, and mapped_column does map (not just pass nulls through)."""
    assert len(MAPS) >= 10
    vm = catalog.ATT_MOBILITY_VOICE.record_type
    raw = next(iter(vm.values))
    df = pl.DataFrame({vm.column: [raw.lower(), None, "zzz"]})
    out = df.select(mapped_column(df, vm).alias("v"))["v"].to_list()
    assert out[0] == vm.values[raw]
    assert out[2] == vm.default
