"""The per-file month-first / day-first decision (raybench.normalize.dates)."""

from __future__ import annotations

import polars as pl
import pytest

from raybench.normalize.dates import day_month_order


@pytest.mark.parametrize("values, order", [
    (["05/03/2024 10:00:00", "25/03/2024 23:59:30", None, "START_DATE"], "dmy"),  # 25 can only be a day
    (["03/05/2024", "03/25/2024"], "mdy"),
    (["03/04/2024", "12-11-2024", "1.2.2024"], None),  # every date fits both: the layout's first reading
    (["13/01/2024", "01/13/2024"], None),  # contradicts itself: no order fits every row
    (["2024-03-25 10:00:00", "Page 1 of 2"], None),  # not NN/NN/YYYY at all
    ([], None),
])
def test_day_month_order_is_decided_on_the_whole_column(values, order):
    assert day_month_order(pl.Series(values, dtype=pl.String)) == order
