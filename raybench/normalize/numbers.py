"""Phone numbers to E.164 through ``phonenumbers``, on unique values only.

A number written with ``+`` becomes E.164 when ``phonenumbers`` calls it *possible*; a national number
becomes E.164 (``+12125550123``) only when it is *valid* in the layout's region (a country code is never
put in front of a number that cannot be one there, such as the trunk-prefixed ``0405550100`` in the US);
otherwise the cleaned digits are kept as given, never a guess (the row is flagged
``number_unresolved``). A number typed as a float upstream (``15555550100.0``) is the integer it
writes (flagged ``number_repaired``), never ``155555501000``. Numbers are always strings. Excel's scientific notation (``9.12678E+11``) has lost
digits: it is kept as written and flagged, so the row is quarantined (rule ``number_lossy``).
Source: ../shared/reference/parsing-notes.md 5.2 (pitfalls of ``phonenumbers``).
"""

from __future__ import annotations

import re

import phonenumbers
import polars as pl

_SEPARATORS = re.compile(r"[\s\-.()/]")
_DIALABLE = re.compile(r"\+?\d+")
EXCEL_DAMAGED = re.compile(r"\d+(\.\d+)?[eE]\+\d+")
"""A number Excel re-wrote in scientific notation (digits lost)."""
IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
"""An IPv4 address written as a party: kept as written (its dots are not separators)."""
FLOAT_WRITTEN = re.compile(r"\s*(\+?\d+)\.0+\s*")
"""A whole number written as a float (``15555550100.0``): group 1 is the number."""
UNRESOLVED_MIN_DIGITS = 8
"""A number of at least this many digits left without a country code is flagged ``number_unresolved``
(shorter ones are extensions and short codes, kept as written without doubt)."""
UNRESOLVED_NO_PLAN = r"^(?:\d{11,}|[2-9]\d{2}[2-9]\d{6})$"
"""Where the numbering plan is unknown (layout region None), the numbers kept as written that are in doubt
(``number_unresolved``): 11 digits or more (``17135550134`` may hold a country code that cannot be
confirmed), and ten digits of North American shape (``6025550140`` from a phone system of no stated country
may be ``+16025550140`` or a national number elsewhere). Ten digits no North American number can have
(``4790000001``: an exchange code cannot begin with 0) are a national number as written, not in doubt."""
NULL_TOKENS = frozenset({"", "na", "n/a", "-", "--", "null", "none"})
TEL_URI = re.compile(r"(?i)tel:(\+?[\d\-.()\s]+)(?:;[^\s]*)?")
"""A number written as a ``tel:`` URI (RFC 3966: ``tel:+13125550125``, ``tel:+1-312-555-0125;ext=7``, as
contact-centre exports write ANI/DNIS): group 1 is the number, its parameters dropped."""


def clean_number(raw: str | None) -> str | None:
    """Strip visual separators: ``'(555) 010-0123'`` -> ``'5550100123'``; a ``tel:`` URI -> its number
    (:data:`TEL_URI`); null tokens -> None.

    Values that are not dialable digits after cleaning (``anonymous``, ``*86``, pseudonyms) are returned
    stripped but otherwise as given.
    """
    if raw is None:
        return None
    value = raw.strip()
    if value.lower() in NULL_TOKENS:
        return None
    if (whole := FLOAT_WRITTEN.fullmatch(value)) is not None:
        return whole.group(1)
    if (uri := TEL_URI.fullmatch(value)) is not None:
        value = uri.group(1).strip()
    if IPV4.fullmatch(value):  # a SIP peer's address (FreeSWITCH, Asterisk), not a dotted number
        return value
    cleaned = _SEPARATORS.sub("", value)
    return cleaned if _DIALABLE.fullmatch(cleaned) else value


class NumberNormalizer:
    """E.164 normaliser with a cache of every value it has seen.

    Args:
        region: ISO 3166 region for national numbers (``US``), or None when the numbering plan is
            unknown (then only numbers written with ``+`` are resolved).
    """

    def __init__(self, region: str | None):
        self.region = region
        self._cache: dict[str, str | None] = {}

    def one(self, raw: str | None) -> str | None:
        """Normalise one value (cached)."""
        if raw is None:
            return None
        hit = self._cache.get(raw, self)
        if hit is not self:
            return hit  # type: ignore[return-value]
        out = self._normalize(raw)
        self._cache[raw] = out
        return out

    def _normalize(self, raw: str) -> str | None:
        value = clean_number(raw)
        if value is None or not _DIALABLE.fullmatch(value):
            return value
        if self.region is None and not value.startswith("+"):
            return value
        try:
            parsed = phonenumbers.parse(value, self.region)
        except phonenumbers.NumberParseException:
            return value
        if phonenumbers.is_possible_number_with_reason(parsed) != phonenumbers.ValidationResult.IS_POSSIBLE:
            return value
        if not value.startswith("+") and not phonenumbers.is_valid_number(parsed):
            return value  # national digits that cannot be a number of the region: no country code invented
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    def series(self, values: pl.Series) -> pl.Series:
        """Normalise a string Series, calling ``phonenumbers`` once per distinct value.

        Returns:
            A string Series of the same length (E.164 or cleaned digits; null for empty values).
        """
        uniques = values.drop_nulls().unique().to_list()
        mapping = {u: self.one(u) for u in uniques}
        return values.replace_strict(mapping, default=None, return_dtype=pl.String)
