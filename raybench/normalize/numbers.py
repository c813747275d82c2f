"""Phone numbers to E.164 through ``phonenumbers``, on unique values only.

A number becomes E.164 (``+15555550123``) when ``phonenumbers`` parses it with the layout's region and
calls it *possible* (length and prefix fit the numbering plan); otherwise the cleaned digits are kept as
given, never a guess. Numbers are always strings. Excel's scientific notation (``9.12678E+11``) has lost
digits: it is kept as written and flagged, so the row is quarantined (rule ``number_lossy``).
Source: ../shared/reference/parsing-notes.md 5.2 (pitfalls of ``phonenumbers``).
"""

from __future__ import annotations

import re

import polars as pl

_SEPARATORS = re.compile(r"[\s\-.()/]")
_DIALABLE = re.compile(r"\+?\d+")
EXCEL_DAMAGED = re.compile(r"\d+(\.\d+)?[eE]\+\d+")
"""A number Excel re-wrote in scientific notation (digits lost)."""
NULL_TOKENS = frozenset({"", "na", "n/a", "-", "--", "null", "none"})


def clean_number(raw: str | None) -> str | None:
    """Strip visual separators: ``'(555) 010-0123'`` -> ``'5550100123'``; null tokens -> None.

    Values that are not dialable digits after cleaning (``anonymous``, ``*86``, pseudonyms) are returned
    stripped but otherwise as given.
    """
    if raw is None:
        return None
    value = raw.strip()
    if value.lower() in NULL_TOKENS:
        return None
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
        import phonenumbers

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
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    def series(self, values: pl.Series) -> pl.Series:
        """Normalise a string Series, calling ``phonenumbers`` once per distinct value.

        Returns:
            A string Series of the same length (E.164 or cleaned digits; null for empty values).
        """
        uniques = values.drop_nulls().unique().to_list()
        mapping = {u: self.one(u) for u in uniques}
        return values.replace_strict(mapping, default=None, return_dtype=pl.String)
