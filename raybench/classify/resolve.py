"""Which layout a file is read with: a matching template, else the header rules, else the models.

The order is the project's: a user's template takes precedence; the exact header rules and headerless
probes (:mod:`raybench.identify.sniff`) come next; a fixed-width report whose header is underlined by a
rule of dashes is read at the rule's positions (:mod:`raybench.classify.ruled`); when none of these finds
a layout, the ONNX models' layout and column mapping are used if their confidence reaches the calibrated threshold. Otherwise the file is
``unknown`` with its top-3 candidates, and :func:`resolve_identity` raises so it is not ingested.
``raybench classify`` and the ingest driver both call :func:`resolve`.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import replace
from datetime import datetime

from raybench.catalog import get_layout
from raybench.classify.fields import (
    exact_names_first,
    guessed_fields,
    layout_fields,
    mapped_layout,
)
from raybench.classify.generic import better_than, classify_generic, reads_record_type
from raybench.classify.models import (
    UNKNOWN,
    Classifiers,
    ColumnMapping,
    FileClassification,
    column_names,
    default_classifiers,
)
from raybench.classify.ruled import NANP_PARTS, ruled_sample, station_mapping
from raybench.classify.sample import FileSample, decode_sample, sample_text
from raybench.classify.templates import load_templates, match_template
from raybench.classify.value_check import (
    check_money_duration,
    check_timing_columns,
    descriptor_by_values,
    start_else_columns,
)
from raybench.errors import UnknownLayoutError
from raybench.identify.encoding import detect_encoding
from raybench.identify.file import SAMPLE_BYTES, FileIdentity, identify_file
from raybench.identify.sniff import Identification, normalize_header
from raybench.layout import Layout


def _read_start(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read(SAMPLE_BYTES)


def _lead(sample: FileSample) -> tuple[str, ...]:
    lead = ("banner",) * len(sample.banners)
    if sample.header is not None:  # a two-row header's group row is a header line too
        lead += ("header",) * (2 if sample.group_row is not None else 1) + (("header_types",) if sample.header_types else ())
    return lead


def _identity(facts: tuple[str, int, object, bool], layout: Layout, sample: FileSample, confidence: float,
              method: str) -> FileIdentity:
    """A :class:`FileIdentity` for a layout found by a template or the models (lead from the sample)."""
    path, size, encoding, cr_only = facts
    ident = Identification(layout, confidence, method, _lead(sample), sample.header_line, sample.header_types,
                           sample.banners)
    return FileIdentity(path, size, encoding, ident, cr_only)


def _rules_columns(layout: Layout) -> tuple[ColumnMapping, ...]:
    fields = layout_fields(layout)
    return tuple(ColumnMapping(i, n, fields.get(n, "ignore"), 1.0) for i, n in enumerate(layout.columns))


def _rules_result(identity: FileIdentity) -> FileClassification:
    ident = identity.identification
    return FileClassification(ident.layout.id, ident.layout.carrier, ident.confidence,
                              ((ident.layout.id, ident.confidence),), _rules_columns(ident.layout), ident.method)


def top3_text(result: FileClassification) -> str:
    """``'att_mobility_voice 0.41, other 0.30, sprint_cdma 0.12'``."""
    return ", ".join(f"{k} {p:.2f}" for k, p in result.top3)


def _start_else(mapping: dict[str, str], names: tuple[str, ...], columns: list[list[str]],
                base: Layout) -> tuple[str, ...]:
    """The stamp columns that hold the start on the rows where the mapped start column is empty
    (:func:`start_else_columns`); they are taken off whatever field the models gave them (a column of
    date-times filled only where the start is not is no dialed number). None for a start split into date
    and time, or written as an epoch by the base layout (the coalesced text must be one form)."""
    start = next((c for c, f in mapping.items() if f == "start"), None)
    if start is None or "start_time" in mapping.values() or base.start is None or base.start.epoch is not None:
        return ()
    others = start_else_columns(names, columns, start)
    for c in others:
        mapping[c] = "ignore"
    return others


def _with_start_else(layout: Layout, others: tuple[str, ...]) -> Layout:
    """``layout`` with :attr:`raybench.layout.StartSpec.else_columns` ``others``."""
    if not others or layout.start is None:
        return layout
    return replace(layout, start=replace(layout.start, else_columns=others))


def resolve(path: str, layouts: tuple[Layout, ...], *, templates=(), classifiers: Classifiers | None = None,
            by_columns: bool = False) -> tuple[FileClassification, FileIdentity | None]:
    """Classify one file: template, rules, then models.

    Args:
        path: the file.
        layouts: the layouts the header rules try (``raybench.catalog.BUILTIN``).
        templates: loaded templates (:func:`raybench.classify.templates.load_templates`).
        classifiers: the ONNX models (default: the shipped ones, one thread).
        by_columns: read the file by its columns' names and values only
            (:func:`raybench.classify.generic.classify_generic`), falling back to the models when they do
            not read as calls: a table no built-in layout can have written (flattened JSON Lines).

    Returns:
        The classification and, unless it abstained, the :class:`FileIdentity` to ingest with.

    Raises:
        InputFileError: the file cannot be read (empty, binary, missing); UnknownLayoutError is not
            raised here: an unknown file comes back with ``layout == 'unknown'``.
    """
    identity: FileIdentity | None = None
    rules_reason = ""
    if by_columns:
        sample = sample_text(decode_sample(_read_start(path)))
        generic = classify_generic(sample.text, sample, file_year=_file_year(path))
        if generic is not None:
            found, layout, used = generic
            return found, _identity(_file_facts(path), layout, used, found.confidence, "values")
    try:
        identity = identify_file(path, layouts)
    except UnknownLayoutError as exc:
        rules_reason = exc.reason
    if identity is not None and not templates:
        return _rules_result(identity), identity
    sample = sample_text(decode_sample(_read_start(path)))
    facts = (_file_facts(path) if identity is None else
             (identity.path, identity.size_bytes, identity.encoding, identity.cr_only))
    template = match_template(sample, tuple(templates))
    if template is not None:
        layout = template.to_layout(sample, path)
        by_norm = {normalize_header(c): f for c, f in template.columns.items()}
        cols = tuple(ColumnMapping(i, n, by_norm.get(normalize_header(n), "ignore"), 1.0)
                     for i, n in enumerate(column_names(sample)))
        return FileClassification(layout.id, layout.carrier, 1.0, ((layout.id, 1.0),), cols, "template",
                                  template=template.name), _identity(facts, layout, sample, 1.0, "template")
    if identity is not None:
        return _rules_result(identity), identity
    clf = classifiers or default_classifiers()
    ruled = _resolve_ruled(path, facts, sample, clf)
    if ruled is not None:
        return ruled
    result = clf.classify_sample(sample)
    if result.abstained:
        generic = classify_generic(sample.text, sample, result.top3, file_year=_file_year(path))  # no layout: the columns' names and values
        if generic is not None:
            found, layout, used = generic
            return found, _identity(facts, layout, used, found.confidence, "values")
        return replace(result, reason=f"{rules_reason}; models: {result.reason}"), None

    names = column_names(sample)
    base = get_layout(result.layout)
    try:
        model_fields = {c.name: c.field for c in result.columns}
        confidence = {c.name: c.confidence for c in result.columns}
        positional = sample.header is None and not base.has_header and sample.width in base.accepted_field_counts
        if positional:
            # a headerless format with its own field count: its documented order is the fact (the column
            # model would choose among the start, answer and end stamps by their values)

            by_position = layout_fields(base)
            model_fields = {n: by_position.get(base.columns[i], "ignore") if i < len(base.columns) else "ignore"
                            for i, n in enumerate(names)}
            confidence = {n: 1.0 for n in names}
            result = replace(result, columns=tuple(replace(c, field=model_fields.get(c.name, c.field), confidence=1.0)
                                                   for c in result.columns))
        mapping = exact_names_first(base, tuple(names), model_fields)
        columns = [sample.column(j) for j in range(len(names))]  # the sampled values, one list per column
        repair = (None if positional else  # the documented order is not second-guessed by the values
                  check_timing_columns(tuple(names), columns, mapping))
        if repair is not None and repair.changed:
            mapping = repair.mapping
            result = replace(result, columns=tuple(
                replace(c, field=repair.changed[c.name][1], confidence=repair.changed[c.name][2])
                if c.name in repair.changed else c for c in result.columns))
        money = check_money_duration(tuple(names), columns, mapping)
        if money.changed:  # a fee column is never the duration
            mapping = money.mapping
            result = replace(result, columns=tuple(
                replace(c, field=money.changed[c.name][1], confidence=1.0) if c.name in money.changed else c
                for c in result.columns))
        codes = base.record_type.values if base.record_type is not None else {}
        descriptor = descriptor_by_values(tuple(names), columns, mapping, codes, reads_record_type)
        if descriptor is not None:  # the layout's own codes in a column the models did not map
            mapping[descriptor[0]] = "record_type"
            result = replace(result, columns=tuple(replace(c, field="record_type", confidence=round(descriptor[1], 3))
                                                   if c.name == descriptor[0] else c for c in result.columns))
        start_else = _start_else(mapping, tuple(names), columns, base)
        if start_else:
            result = replace(result, columns=tuple(replace(c, field="ignore", confidence=1.0) if c.name in start_else
                                                   else c for c in result.columns))
        layout = mapped_layout(base, names, mapping, has_header=sample.header is not None,
                               delimiter=sample.delimiter, skip_initial_space=sample.skip_initial_space, path=path,
                               flag_unmapped=True,
                               guessed=guessed_fields(base, mapping, confidence, model_fields))
        layout = _with_start_else(layout, start_else)
    except UnknownLayoutError as exc:
        generic = classify_generic(sample.text, sample, result.top3, file_year=_file_year(path))  # the models' layout does not fit it
        if generic is not None:
            found, layout, used = generic
            return found, _identity(facts, layout, used, found.confidence, "values")
        return FileClassification(UNKNOWN, UNKNOWN, result.confidence, result.top3, result.columns, UNKNOWN,
                                  reason=f"{rules_reason}; models: {exc.reason}"), None
    return result, _identity(facts, layout, sample, result.confidence, "model")


def _resolve_ruled(path: str, facts, sample: FileSample, clf: Classifiers
                   ) -> tuple[FileClassification, FileIdentity] | None:
    """A fixed-width report whose header a rule of dashes underlines (:mod:`raybench.classify.ruled`),
    read as the generic switch report (``switch_fixed_detail``) at the rule's positions, its columns
    mapped by exact names, then the column model, then their values; None when the file has no rule."""
    found = ruled_sample(sample.text)
    if found is None:
        return None
    rsample, positions = found
    base = get_layout("switch_fixed_detail")
    names = tuple(rsample.header)
    columns = clf.map_columns(rsample, base.id)
    model_fields = {c.name: c.field for c in columns}
    mapping = exact_names_first(base, names, model_fields)
    nanp = " ".join(NANP_PARTS)
    if "callee" not in mapping.values():  # detail.rpt prints the called number as NPA / NXX / line
        for name in names:
            if name.lower() == nanp and mapping.get(name) == "ignore":
                mapping[name] = "callee"
    station = station_mapping(names, mapping)
    if station is not None:  # a report by extension: the station and the other party, a call class
        base, mapping = get_layout("station_fixed_detail"), station
    repair = check_timing_columns(names, [rsample.column(j) for j in range(len(names))], mapping)
    mapping = repair.mapping

    generic = classify_generic(sample.text, rsample, ((base.id, 0.0),), positions=positions,
                               file_year=_file_year(path))
    if generic is not None and better_than(generic[0], mapping):  # the columns' names and values read more
        found, layout, used = generic
        return found, _identity(facts, layout, used, found.confidence, "values")
    try:
        layout = mapped_layout(base, names, mapping, has_header=True, delimiter=base.delimiter,
                               skip_initial_space=False, path=path, flag_unmapped=True,
                               guessed=guessed_fields(base, mapping, {c.name: c.confidence for c in columns},
                                                      model_fields))
    except UnknownLayoutError:
        return None
    layout = replace(layout, positions=positions)
    # a column keeps the models' confidence where it keeps their field; a name or the values that gave
    # it another field are facts (1.0)
    cols = tuple(ColumnMapping(i, n, mapping.get(n, "ignore"),
                               c.confidence if mapping.get(n, "ignore") == c.field else 1.0)
                 for i, (n, c) in enumerate(zip(names, columns)))
    used = [c.confidence for c in cols if c.field != "ignore"]
    confidence = round(min(used), 3) if used else 0.0
    result = FileClassification(base.id, base.carrier, confidence, ((base.id, confidence),), cols, "ruled")
    return result, _identity(facts, layout, rsample, confidence, "ruled")


def _file_year(path: str) -> int | None:
    """The year of the file's modification time (local), or None when it cannot be read."""
    try:
        return datetime.fromtimestamp(os.path.getmtime(path)).year
    except OSError:
        return None


def _file_facts(path: str) -> tuple[str, int, object, bool]:
    """``(path, size, encoding, cr_only)`` of a file the rules could not identify (read as they would)."""
    data = _read_start(path)
    encoding = detect_encoding(data)
    text = codecs.getincrementaldecoder(encoding.name)(errors="replace").decode(data[encoding.bom_bytes:])
    return path, os.path.getsize(path), encoding, "\r" in text and "\n" not in text


def resolve_identity(path: str, layouts: tuple[Layout, ...], *, templates=None,
                     classifiers: Classifiers | None = None, by_columns: bool = False) -> FileIdentity:
    """The identity the ingest driver reads ``path`` with (templates from the default folder;
    ``by_columns``: see :func:`resolve`).

    Raises:
        InputFileError: the file cannot be read.
        UnknownLayoutError: rules, templates and models found no layout; the one-line message has the
            models' top-3.
    """
    result, identity = resolve(path, layouts, templates=load_templates() if templates is None else templates,
                               classifiers=classifiers, by_columns=by_columns)
    if identity is None:
        raise UnknownLayoutError(path, f"{result.reason}; top-3: {top3_text(result)}", row=1)
    return identity
