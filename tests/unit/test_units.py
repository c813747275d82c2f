"""raybench.units: sizes and counts from option text."""

from __future__ import annotations

import pytest

from raybench.errors import ConfigError, RaybenchError
from raybench.units import parse_bytes, parse_count


@pytest.mark.parametrize(("text", "want"), [
    ("4MiB", 4 * 1024 * 1024),
    ("4mib", 4_194_304),
    ("2GB", 2_000_000_000),
    ("1GiB", 1 << 30),
    ("10 kb", 10_000),
    ("1.5KiB", 1536),
    ("512", 512),
    ("100B", 100),
    (" 3 MB ", 3_000_000),
    (4096, 4096),
])
def test_parse_bytes(text, want):
    assert parse_bytes(text) == want


@pytest.mark.parametrize("text", ["", "MiB", "4 parsecs", "-1MiB", "4TiB", "1,5MiB", "four"])
def test_parse_bytes_rejects(text):
    with pytest.raises(ConfigError) as info:
        parse_bytes(text)
    msg = str(info.value)
    assert f"{text!r} is not a size" in msg
    assert msg.endswith("use a number with one of: b, kb, mb, gb, kib, mib, gib")


@pytest.mark.parametrize(("text", "want"), [
    ("1M", 1_000_000),
    ("1m", 1_000_000),
    ("10k", 10_000),
    ("10K", 10_000),
    ("250", 250),
    ("1.5k", 1500),
    (" 2 M ", 2_000_000),
    (7, 7),
])
def test_parse_count(text, want):
    assert parse_count(text) == want


@pytest.mark.parametrize("text", ["", "x", "10G", "1e6", "-5", "10 kk"])
def test_parse_count_rejects(text):
    with pytest.raises(ConfigError, match=r"is not a count; use e\.g\. 1000, 10k or 1M") as info:
        parse_count(text)
    assert repr(text) in str(info.value)
    assert isinstance(info.value, RaybenchError)
