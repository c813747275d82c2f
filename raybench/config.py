"""The one validation path of raybench's configuration: scenarios (:mod:`raybench.harness.scenario`),
fault plans (:mod:`raybench.faults.plan`), layout templates (:mod:`raybench.classify.templates`) and
ingest options (:mod:`raybench.pipeline.options`) are checked here, and every error is one line of
:class:`raybench.errors.ConfigError` that names the key and, where there is a fixed set, the allowed
values.

- :class:`Section`: the base of every config model (pydantic v2): unknown keys refused, values checked
  by the fields' types and by validators that raise ``ValueError("<value> <problem>")``;
- :func:`validate`: a mapping checked against a :class:`Section`, the first pydantic error turned into
  ``<kind> key '<path>': <value> <problem>`` (``<kind> key '<path>' is not known; allowed: a, b`` for an
  unknown key, ``<kind> key '<path>' must be a mapping, got ...`` for a section that is not one);
- :func:`check_zone`: the one IANA time-zone check;
- :func:`size`, :func:`count`: sizes (``4MiB``) and counts (``10k``) as validators use them.
"""

from __future__ import annotations

from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, ValidationError

from raybench.errors import ConfigError
from raybench.units import parse_bytes, parse_count

S = TypeVar("S", bound="Section")

_TYPE_WORDS = {"int_parsing": "is not an integer", "int_type": "is not an integer",
               "int_from_float": "is not an integer", "float_parsing": "is not a number",
               "float_type": "is not a number", "bool_parsing": "is not true or false",
               "bool_type": "is not true or false", "string_type": "is not a text",
               "list_type": "is not a list", "tuple_type": "is not a list"}


class Section(BaseModel):
    """A config mapping: its keys are the fields; any other key is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def check_zone(tz: str, where: str) -> str:
    """``tz`` when it names an IANA time zone.

    Args:
        tz: the zone name; where: the start of the message naming the key (``--tz``, ``scenario key
            'ingest.tz':``, ``<template path>: tz``).

    Raises:
        ConfigError: ``<where> '<tz>' is not an IANA time zone (e.g. America/New_York)``.
    """
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ConfigError(f"{where} {tz!r} is not an IANA time zone (e.g. America/New_York)") from None
    return tz


def zone(value: Any) -> str | None:
    """A validator's zone check: None stays None; raises ``ValueError`` naming the value."""
    if value is None or value == "":
        return None
    try:
        return check_zone(str(value), "")
    except ConfigError as exc:
        raise ValueError(str(exc).strip()) from None


def size(value: Any) -> int | None:
    """A validator's size (``4MiB``, bytes); None stays None; raises ``ValueError`` naming the value."""
    if value is None:
        return None
    try:
        return parse_bytes(value)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None


def one_of(choices: tuple[str, ...]):
    """A validator: the value must be one of ``choices``; raises ``ValueError`` naming the value and them."""
    def check(value):
        if value not in choices:
            raise ValueError(f"{value!r} must be one of {', '.join(choices)}")
        return value
    return check


def count(value: Any) -> int | None:
    """A validator's count (``10k``, ``1M``); None stays None; raises ``ValueError`` naming the value."""
    if value is None:
        return None
    try:
        return parse_count(value)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed in the section at ``loc`` (the path of an unknown key, without the key)."""
    for part in loc:
        field = model.model_fields.get(str(part))
        sub = getattr(field, "annotation", None) if field is not None else None
        for candidate in (sub, *getattr(sub, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                model = candidate
                break
    return sorted(model.model_fields)


def validate(model: type[S], data: Any, kind: str, prefix: str = "") -> S:
    """``data`` checked against ``model``.

    Args:
        kind: what the keys are called in a message (``scenario``, ``fault``, ``template``).
        prefix: the path of ``data`` itself in the document (``faults.`` for a scenario's fault plan).

    Raises:
        ConfigError: one line for the first error (see the module docstring).
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not isinstance(p, int))
        path = prefix + ".".join(str(p) for p in loc)
        value = err.get("input")
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(_fields_at(model, loc[:-1]))
            raise ConfigError(f"{kind} key '{path}' is not known; allowed: {allowed}") from None
        if err["type"] in ("model_type", "model_attributes_type", "dict_type"):
            raise ConfigError(f"{kind} key '{path.rstrip('.') or prefix.rstrip('.')}' must be a mapping, "
                              f"got {value!r}") from None
        if err["type"] == "missing":
            raise ConfigError(f"{kind} key '{path}' is missing") from None
        if err["type"] == "value_error":  # a validator's own words, the value in them
            raise ConfigError(f"{kind} key '{path}': {str(err['ctx']['error'])}") from None
        problem = _TYPE_WORDS.get(err["type"]) or f"is not a valid value ({err['msg'][0].lower()}{err['msg'][1:]})"
        raise ConfigError(f"{kind} key '{path}': {value!r} {problem}") from None
