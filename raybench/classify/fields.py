"""The canonical fields a source column maps to, and a layout rebuilt from a column mapping.

A field is a :class:`~raybench.layout.Layout` attribute that names a source column: ``start`` (the
date, date-time or epoch column), ``start_time`` (a separate time-of-day column), ``end``, ``duration``,
``caller``, ``callee``, ``subscriber``, ``partner``, ``dialed``, ``record_type`` (the descriptor
column; also direction when the layout reads both from it), ``direction``, ``imsi``, ``imei``, ``lac``,
``cell_id``, ``lat``, ``lon``; every other column is ``ignore``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from raybench.errors import UnknownLayoutError
from raybench.identify.sniff import normalize_header
from raybench.layout import Layout, StartSpec, ValueMap

FIELDS = ("start", "start_time", "end", "duration", "caller", "callee", "subscriber", "partner", "dialed",
          "record_type", "direction", "imsi", "imei", "lac", "cell_id", "lat", "lon", "ignore")
"""Classes of the column mapper, ``ignore`` last."""

CANONICAL_OF: dict[str, tuple[str, ...]] = {
    "start": ("start_utc",), "start_time": ("start_utc",), "end": ("duration_s",), "duration": ("duration_s",),
    "caller": ("caller",), "callee": ("callee",), "callee_else": ("callee",), "subscriber": ("caller", "callee"),
    "partner": ("caller", "callee"), "dialed": ("dialed",), "record_type": ("record_type",),
    "direction": ("direction",), "imsi": ("imsi",), "imei": ("imei",), "lac": ("lac",), "cell_id": ("cell_id",),
    "lat": ("cell_lat",), "lon": ("cell_lon",)}
"""The canonical ``cdr`` columns each field feeds (a layout whose field has no column leaves them empty)."""

GUESS_BELOW = 0.6
"""A column the column models map with a confidence under this is a guess: the canonical columns it fills
are flagged ``guessed_<column>`` on every row (:attr:`raybench.layout.Layout.guessed`)."""

REQUIRED = ("start",)
"""Fields without which a file cannot be read as its layout."""


def layout_fields(layout: Layout) -> dict[str, str]:
    """Source column -> field for every column of ``layout`` (``ignore`` for columns it does not read).

    A column read for two purposes gets the first in :data:`FIELDS` order (T-Mobile's ``Type of Call``
    is ``record_type``, which also gives the direction).
    """
    refs: list[tuple[str, str | None]] = [
        ("start", layout.start.column if layout.start else None),
        ("start_time", layout.start.time_column if layout.start else None),
        ("end", layout.end_column), ("duration", layout.duration_column), ("caller", layout.caller),
        ("callee", layout.callee), ("subscriber", layout.subscriber), ("partner", layout.partner),
        ("dialed", layout.dialed),
        ("record_type", layout.record_type.column if layout.record_type else None),
        ("direction", layout.direction.column if layout.direction else None),
        ("imsi", layout.imsi), ("imei", layout.imei), ("lac", layout.lac), ("cell_id", layout.cell_id),
        ("lat", layout.lat), ("lon", layout.lon),
    ]
    out = {c: "ignore" for c in layout.columns}
    for name, column in refs:
        if column is not None and out.get(column) == "ignore":
            out[column] = name
    return out


def exact_names_first(base: Layout, columns: tuple[str, ...], mapping: dict[str, str]) -> dict[str, str]:
    """A model's column mapping with every file column named exactly as a column of ``base`` (compared as
    :func:`raybench.identify.sniff.normalize_header` writes them) mapped to that column's field, and
    the model's other claims on those fields dropped: a name the layout's own source gives is a fact,
    the model's reading of it a guess."""
    by_name = {normalize_header(c): f for c, f in layout_fields(base).items() if f != "ignore"}
    exact = {c: by_name[normalize_header(c)] for c in columns if normalize_header(c) in by_name}
    taken = set(exact.values())
    return {c: exact.get(c, "ignore" if f in taken else f) for c, f in {**mapping, **exact}.items()}


def guessed_fields(base: Layout, mapping: dict[str, str], confidence: dict[str, float],
                   model_fields: dict[str, str]) -> set[str]:
    """The fields of ``mapping`` that rest on a low-confidence guess of the column models.

    Args:
        base: the layout classified (a column named exactly as one of its columns is a fact, not a guess).
        mapping: column -> field, as finally used.
        confidence: column -> the models' confidence in the field they gave it.
        model_fields: column -> the field the models gave it (a field given by a name or the values is not
            the models' guess).
    """
    exact = {normalize_header(c) for c in layout_fields(base)}
    return {f for c, f in mapping.items() if f != "ignore" and normalize_header(c) not in exact
            and model_fields.get(c) == f and confidence.get(c, 1.0) < GUESS_BELOW}


def mapped_layout(base: Layout, columns: tuple[str, ...], mapping: dict[str, str], *, has_header: bool,
                  delimiter: str, skip_initial_space: bool, path: str = "<text>", flag_unmapped: bool = False,
                  guessed: set[str] | frozenset[str] = frozenset()) -> Layout:
    """``base`` rebuilt to read a file whose columns are ``columns``, mapped to fields by ``mapping``.

    Args:
        base: the layout the file was classified as.
        columns: the file's column names in file order (for a headerless file, made-up unique names).
        mapping: file column -> field (see :data:`FIELDS`); a ``start_time`` column splits the start
            into date and time even where the base layout reads both from one column (the value
            profile then decides the joined format). A field missing from it leaves the base
            layout's use of that field empty (a missing descriptor column leaves record type and
            direction unmapped, so the rows fail ``record_type_known`` rather than being guessed).
        has_header, delimiter, skip_initial_space: the file's dialect.
        path: the file, for the error.
        flag_unmapped: record in ``Layout.unmapped`` the canonical columns that the base layout fills and
            the mapping leaves without a column (the models' mapping; a template's omissions are the
            user's word), so every row is flagged for them.
        guessed: fields mapped on a low-confidence guess (:func:`guessed_fields`): their canonical columns
            go to ``Layout.guessed``, flagged on every row.

    Returns:
        A layout with the base's id, carrier, zone, formats and value maps, reading the file's columns.

    Raises:
        UnknownLayoutError: a required field (:data:`REQUIRED`) has no column.
    """
    by_field = {f: c for c, f in mapping.items() if f != "ignore"}
    base_fields = layout_fields(base)
    rename = {bc: by_field.get(f) for bc, f in base_fields.items() if f != "ignore"}
    for field_name in REQUIRED:
        if field_name in base_fields.values() and field_name not in by_field:
            raise UnknownLayoutError(path, f"classified as {base.id} but no column maps to {field_name!r}", row=1)

    def col(name: str | None) -> str | None:
        return rename.get(name) if name is not None else None

    def vmap(vm: ValueMap | None) -> ValueMap | None:
        if vm is None or col(vm.column) is None:
            return None
        new = col(vm.column)

        if normalize_header(new) == normalize_header(vm.column):
            return replace(vm, column=new)
        # another column of this file holds the descriptor: the base's codes still read, but its default
        # was meant for the base's own column (Verizon: a city in Destination is a call out), so a value
        # the map does not know is looked up in the trade's words or left unknown and flagged
        return replace(vm, column=new, default=None)

    start = base.start
    if start is not None:
        time_column = col(start.time_column) if start.time_column is not None else by_field.get("start_time")
        # no time column where the base has one: the start column may hold both (``16-JUL-24 06:45:09 PM``);
        # the value profile decides its format, and a start that does not read is quarantined (start_parse)
        start = StartSpec(col(start.column) or columns[0], time_column, start.formats, start.epoch)
    missing = {c for f in base_fields.values() if f != "ignore" and f not in by_field for c in CANONICAL_OF.get(f, ())}
    for name, vm in (("record_type", base.record_type), ("direction", base.direction)):
        if vm is not None and vmap(vm) is None:  # a descriptor column read for both, lost with its field
            missing.add(name)
    if "end" in by_field and "duration" not in by_field and start is not None:
        missing.discard("duration_s")  # no duration column: the end minus the start gives it (normalize.frame)
    missing = tuple(sorted(missing)) if flag_unmapped else ()
    doubt = {c for f in guessed if f in by_field for c in CANONICAL_OF.get(f, ())}
    if (base.subscriber is not None or base.partner is not None) and base.direction is not None:
        # the A- and B-number are the subscriber and the other party ordered by direction: a direction
        # read from a guessed column, or from none, puts both in doubt
        direction_field = layout_fields(base).get(base.direction.column, "direction")
        if direction_field in guessed or vmap(base.direction) is None:
            doubt |= {"caller", "callee"}
    doubt = tuple(sorted(doubt - set(missing)))
    return replace(
        base, columns=tuple(columns), has_header=has_header, delimiter=delimiter, unmapped=missing, guessed=doubt,
        skip_initial_space=skip_initial_space, field_counts=(), header_aliases=(), probe={}, start=start,
        duration_column=col(base.duration_column), caller=col(base.caller), callee=col(base.callee),
        subscriber=col(base.subscriber), partner=col(base.partner), dialed=col(base.dialed),
        record_type=vmap(base.record_type), direction=vmap(base.direction), imsi=col(base.imsi),
        imei=col(base.imei), lac=col(base.lac), cell_id=col(base.cell_id), lat=col(base.lat),
        lon=col(base.lon), end_column=col(base.end_column),
    )


CAMEL_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])")
"""Where a camel-case column name's words meet (``remoteCallId`` -> ``remote Call Id``)."""


ID_HEAD_WORDS = frozenset({"id", "ids", "uuid", "guid", "identifier", "key", "ref", "reference"})
"""Head words of a column name that name an identifier (``remoteCallId``, ``Call ID``, ``Session UUID``)."""


VOLUME_WORDS = frozenset({"byte", "bytes", "octet", "octets", "kb", "mb", "gb", "kbytes", "mbytes", "volume"})
"""Words of a column name that name a data volume (``Bytes Up``, ``Data Volume (KB)``, ``uplinkOctets``)."""


def names_volume(name: str | None) -> bool:
    """True when a column name names a data volume: one of its words (camel case split, normalised) is in
    :data:`VOLUME_WORDS`. Such a column counts bytes; it is never a party, a length or a place
    (``Bytes Down`` -> True, ``datavolumeFBCUplink`` -> False: one word, not split)."""
    if not name:
        return False
    words = normalize_header(CAMEL_BREAK.sub(" ", name.strip())).split()
    return any(w in VOLUME_WORDS for w in words)


def names_identifier(name: str | None) -> bool:
    """True when a column name names an identifier: its last word (camel case split, normalised) is
    ``id``, ``uuid``, ``guid``, ``identifier``, ``key`` or ``ref``. Such a column holds labels, never a
    duration or a count: ``remoteCallId`` -> True, ``callDuration`` -> False, ``Idle`` -> False."""
    if not name:
        return False
    words = normalize_header(CAMEL_BREAK.sub(" ", name.strip())).split()
    return bool(words) and words[-1] in ID_HEAD_WORDS
