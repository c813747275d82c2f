"""raybench.normalize.numbers: clean_number and NumberNormalizer (E.164, never a guess)."""

from __future__ import annotations

import phonenumbers
import polars as pl
import pytest

from raybench.normalize.numbers import EXCEL_DAMAGED, NULL_TOKENS, NumberNormalizer, clean_number


@pytest.mark.parametrize(("raw", "want"), [
    ("(212) 555-0123", "2125550123"),
    ("212.555.0123", "2125550123"),
    ("212/555 0123", "2125550123"),
    ("+34 798 40 01 22", "+34798400122"),
    ("  5550123  ", "5550123"),
    ("anonymous", "anonymous"),
    (" Anonymous ", "Anonymous"),
    ("*86", "*86"),
    ("9.12678E+11", "9.12678E+11"),
    ("0034798400122", "0034798400122"),
    ("15555550100.0", "15555550100"),  # typed as a float upstream: the .0 is no digit
    (" 2125550123.00 ", "2125550123"),
    ("192.168.1.3", "192.168.1.3"),  # a SIP peer's address, not 19216813
    ("212.555.0123.5", "21255501235"),  # four groups that cannot be an address: separators
    ("tel:+13125550125", "+13125550125"),  # an RFC 3966 tel URI is its number
    ("TEL:+1-312-555-0125;ext=7", "+13125550125"),
    ("sip:1001@pbx.example", "sip:1001@pbx.example"),  # a SIP URI is a party as written
])
def test_clean_number_strips_separators_only(raw, want):
    assert clean_number(raw) == want


@pytest.mark.parametrize(("raw", "region", "want"), [
    ("2125550123", "US", "+12125550123"),
    ("0405550100", "US", "0405550100"),  # a trunk 0: no US number, so no +1 invented
    ("5555550100", "US", "5555550100"),  # area code 555 is not a US area code
    ("+447700900123", "US", "+447700900123"),  # written international: only possible needed
    ("919812345678", "IN", "+919812345678"),
    ("9812345678", "IN", "+919812345678"),
])
def test_country_code_only_for_a_number_valid_in_the_region(raw, region, want):
    assert NumberNormalizer(region).one(raw) == want


@pytest.mark.parametrize("raw", [None, "", "   ", "NA", "na", "N/A", "-", "--", "null", "NONE"])
def test_clean_number_null_tokens(raw):
    assert clean_number(raw) is None


def test_null_tokens_are_lower_case():
    assert {"na", "-"} <= NULL_TOKENS
    assert all(t == t.lower() for t in NULL_TOKENS)


@pytest.mark.parametrize(("raw", "damaged"), [
    ("9.12678E+11", True),
    ("9.12678e+11", True),
    ("912678E+11", True),
    ("912678000000", False),
    ("+12125550123", False),
    ("E+11", False),
])
def test_excel_damaged_pattern(raw, damaged):
    assert bool(EXCEL_DAMAGED.fullmatch(raw)) is damaged


@pytest.mark.parametrize(("raw", "want"), [
    ("(212) 555-0123", "+12125550123"),
    ("212-555-0123", "+12125550123"),
    ("2125550123", "+12125550123"),
    ("1 212 555 0123", "+12125550123"),
    ("+1 (212) 555-0123", "+12125550123"),
    ("+34798400122", "+34798400122"),
    ("+44 20 7946 0958", "+442079460958"),
    # 7-digit local numbers have no area code: kept as digits, never guessed into +1...
    ("555-0123", "5550123"),
    ("5550123", "5550123"),
    # not dialable: as given
    ("anonymous", "anonymous"),
    ("*86", "*86"),
    # Excel damage is kept as written (the row is quarantined by number_lossy)
    ("9.12678E+11", "9.12678E+11"),
    # too short to be a number of the plan
    ("911", "911"),
    ("tel:3125550125", "+13125550125"),
])
def test_normalizer_us(raw, want):
    assert NumberNormalizer("US").one(raw) == want


@pytest.mark.parametrize("raw", ["NA", "-", "", None])
def test_normalizer_null_tokens_are_none(raw):
    assert NumberNormalizer("US").one(raw) is None


@pytest.mark.parametrize(("raw", "want"), [
    ("(212) 555-0123", "2125550123"),   # national digits kept: the numbering plan is unknown
    ("770000000", "770000000"),
    ("+34 798 400 122", "+34798400122"),  # a '+' number resolves without a region
    ("anonymous", "anonymous"),
])
def test_normalizer_without_region_keeps_national_digits(raw, want):
    assert NumberNormalizer(None).one(raw) == want


def test_series_keeps_length_order_and_nulls():
    values = pl.Series(["(212) 555-0123", None, "NA", "+34798400122", "(212) 555-0123", "5550123"])
    out = NumberNormalizer("US").series(values)
    assert out.dtype == pl.String
    assert out.to_list() == ["+12125550123", None, None, "+34798400122", "+12125550123", "5550123"]


def test_series_of_nulls_only():
    out = NumberNormalizer("US").series(pl.Series([None, None], dtype=pl.String))
    assert out.to_list() == [None, None]


def test_phonenumbers_called_once_per_distinct_value(monkeypatch):
    calls: list[str] = []
    real_parse = phonenumbers.parse

    def counting(number, region=None, *args, **kwargs):
        calls.append(number)
        return real_parse(number, region, *args, **kwargs)

    monkeypatch.setattr(phonenumbers, "parse", counting)
    normalizer = NumberNormalizer("US")
    values = pl.Series(["2125550123", "3105550199", "2125550123", None, "2125550123", "3105550199"])
    first = normalizer.series(values)
    assert sorted(calls) == ["2125550123", "3105550199"]
    # the cache lives with the normaliser: a second batch with the same values parses nothing new
    second = normalizer.series(values)
    normalizer.one("2125550123")
    assert len(calls) == 2
    assert first.to_list() == second.to_list() == [
        "+12125550123", "+13105550199", "+12125550123", None, "+12125550123", "+13105550199"]
    # a new value is parsed once
    assert normalizer.one("(646) 555-0100") == "+16465550100"
    assert len(calls) == 3


def test_cache_remembers_unresolvable_values(monkeypatch):
    calls: list[str] = []
    real_parse = phonenumbers.parse
    monkeypatch.setattr(phonenumbers, "parse",
                        lambda n, r=None, *a, **k: calls.append(n) or real_parse(n, r, *a, **k))
    normalizer = NumberNormalizer("US")
    assert normalizer.one("5550123") == "5550123"
    assert normalizer.one("5550123") == "5550123"
    assert calls == ["5550123"]
