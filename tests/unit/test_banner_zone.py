"""raybench.profile.banner_zone: the zone a file's title rows state."""

from __future__ import annotations

import pytest

from raybench.profile.banner_zone import banner_zone


@pytest.mark.parametrize("banners,zone", [
    (("Call Detail Report - Sales Team", "Time zone: America/New_York"), "America/New_York"),
    (("All times are in UTC",), "UTC"),
    (("Times shown in EDT,,,",), "-04:00"),
    (("Timezone,Europe/Paris",), "Europe/Paris"),
    (("Time Zone: (UTC-05:00) Eastern",), "-05:00"),
    (("TZ=GMT+1",), "+01:00"),
])
def test_a_stated_zone_is_read(banners, zone):
    assert banner_zone(banners)[0] == zone


@pytest.mark.parametrize("banners", [
    ("Call time in CST",),  # CST names several zones
    ("Time in seconds",), ("Times in minutes",), ("Report,2024",), ("Zone A sales, July",), (),
])
def test_no_zone_is_read_where_none_is_stated(banners):
    assert banner_zone(banners) is None
