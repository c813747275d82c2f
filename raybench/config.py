"""The one validation path of raybench's configuration: ingest options, scenarios, layout templates and
fault plans are checked here, and every error is a one-line :class:`raybench.errors.ConfigError` that
names the key and, where there is a fixed set, the allowed values.

- :func:`check_zone`: the one IANA time-zone check (``--tz``, a scenario's ``ingest.tz``, a template's
  ``tz``);
- :func:`validate`: a mapping checked against a pydantic v2 model (unknown keys refused, types checked),
  a pydantic error turned into a ``ConfigError`` naming the first bad key;
- :func:`unknown_keys`: the check of a mapping's keys against the allowed ones, for the readers that
  build their objects by hand.
"""

from __future__ import annotations

from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from raybench.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


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


def unknown_keys(got, allowed, where: str) -> None:
    """Refuse a key not in ``allowed``.

    Raises:
        ConfigError: ``<where> key '<key>' is not known; allowed: a, b, c`` (the first unknown key, sorted).
    """
    extra = sorted(set(got) - set(allowed))
    if extra:
        raise ConfigError(f"{where} key '{extra[0]}' is not known; allowed: {', '.join(sorted(allowed))}")


def validate(model: type[M], data: dict, where: str) -> M:
    """``data`` checked against ``model`` (a pydantic v2 model; give it ``extra="forbid"`` to refuse
    unknown keys).

    Args:
        where: the start of the key's name in a message (``fault key 'faults``: keys are
            ``<where>.<key>``).

    Raises:
        ConfigError: one line for the first error: ``<where>.<key>' is not known; allowed: ...`` for an
            unknown key, ``<where>.<key>': <value> is not a valid value (<pydantic's reason>)`` otherwise.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(model.model_fields))
            raise ConfigError(f"{where}.{key}' is not known; allowed: {allowed}") from None
        reason = err["msg"][0].lower() + err["msg"][1:]
        raise ConfigError(f"{where}.{key}': {err.get('input')!r} is not a valid value ({reason})") from None
