"""User templates: YAML files that say how to read an export seen every week.

A template names the built-in layout it reads like (carrier, value maps), the header signature it
matches, the file column -> field mapping, and optionally the zone, the start formats and the duration
unit. A file whose header, normalised (case, punctuation and spacing ignored), equals a template's
``header`` is read with that template, before the header rules and the models. Templates need a header
line; headerless exports are left to the rules and the models. Example::

    name: att-weekly
    layout: att_mobility_voice
    header: [Connection Date, Time (UTC), ET, Orig #, Term #, Desc]
    columns: {Connection Date: start, Time (UTC): start_time, ET: duration, Orig #: caller,
              Term #: callee, Desc: record_type}
    tz: UTC
    start_formats: ['%m/%d/%Y %H:%M:%S']
    duration_unit: mm_ss

``raybench template create FILE`` proposes one from the models' mapping; edit it, then put it in the
templates folder (``--templates``, or ``$RAYBENCH_TEMPLATES``, default ``./templates``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import get_args

import yaml
from pydantic import field_validator

from raybench.catalog import get_layout, layouts_by_id
from raybench.classify.fields import FIELDS, mapped_layout
from raybench.classify.sample import FileSample
from raybench.config import Section, validate, zone
from raybench.errors import ConfigError
from raybench.identify.sniff import normalize_header
from raybench.layout import DurationUnit, Layout

TEMPLATES_ENV = "RAYBENCH_TEMPLATES"
DEFAULT_TEMPLATES_DIR = "templates"


@dataclass(frozen=True)
class Template:
    """One template (see the module docstring for the YAML keys).

    Attributes:
        name: template name (the file's stem when the YAML has none).
        layout: the built-in layout id it reads like.
        header: the header signature, as written.
        columns: file column -> field (:data:`raybench.classify.fields.FIELDS`); absent columns are ignored.
        tz: IANA zone of the times, or None to keep the layout's.
        start_formats: strptime formats of the start, or None to keep the layout's.
        duration_unit: how durations are written, or None to keep the layout's.
        path: the YAML file.
    """

    name: str
    layout: str
    header: tuple[str, ...]
    columns: dict[str, str]
    tz: str | None = None
    start_formats: tuple[str, ...] | None = None
    duration_unit: str | None = None
    path: str = ""

    @property
    def signature(self) -> tuple[str, ...]:
        """The normalised header it matches."""
        return tuple(normalize_header(h) for h in self.header)

    def matches(self, sample: FileSample) -> bool:
        """True when the sample's header equals the signature (normalised, same order)."""
        return sample.header is not None and tuple(normalize_header(h) for h in sample.header) == self.signature

    def to_layout(self, sample: FileSample, path: str = "<text>") -> Layout:
        """The layout that reads a matching file.

        Raises:
            UnknownLayoutError: the template maps no column to a required field.
        """
        base = get_layout(self.layout)
        if self.start_formats and base.start is not None:
            base = replace(base, start=replace(base.start, formats=tuple(self.start_formats)))
        if self.duration_unit:
            base = replace(base, duration_unit=self.duration_unit)
        if self.tz:
            base = replace(base, tz=self.tz, tz_source=f"template {self.name}")
        by_norm = {normalize_header(c): f for c, f in self.columns.items()}
        mapping = {h: by_norm.get(normalize_header(h), "ignore") for h in sample.header or ()}
        return mapped_layout(base, tuple(sample.header or ()), mapping, has_header=True,
                             delimiter=sample.delimiter, skip_initial_space=sample.skip_initial_space, path=path)


class TemplateSection(Section):
    """A template's YAML mapping, checked (:func:`raybench.config.validate`; the keys are the module
    docstring's)."""

    name: str | None = None
    layout: str
    carrier: str | None = None
    header: tuple[str, ...]
    columns: dict[str, str] = {}
    tz: str | None = None
    start_formats: tuple[str, ...] | None = None
    duration_unit: str | None = None

    _tz = field_validator("tz", mode="before")(lambda v: zone(v))
    _columns = field_validator("columns", mode="before")(lambda v: {} if v is None else v)

    @field_validator("header", mode="before")
    @classmethod
    def _header(cls, value):
        if not isinstance(value, list) or not value:
            raise ValueError(f"{value!r} must be a non-empty list of column names")
        return tuple(str(h) for h in value)

    @field_validator("layout")
    @classmethod
    def _layout(cls, value):
        if value not in layouts_by_id():
            raise ValueError(f"{value!r} is not a built-in layout; allowed: {', '.join(layouts_by_id())}")
        return value

    @field_validator("duration_unit")
    @classmethod
    def _unit(cls, value):
        if value is not None and value not in get_args(DurationUnit):
            raise ValueError(f"{value!r} is not a unit; allowed: {', '.join(get_args(DurationUnit))}")
        return value

    @field_validator("columns")
    @classmethod
    def _mapped_columns(cls, value, info):
        header = {normalize_header(h) for h in info.data.get("header") or ()}
        for column, field_name in value.items():
            if field_name not in FIELDS:
                raise ValueError(f"column {column!r} maps to {field_name!r}; allowed: {', '.join(FIELDS)}")
            if normalize_header(column) not in header:
                raise ValueError(f"column {column!r} is not in the header")
        return value


def parse_template(data: dict, path: str = "<dict>") -> Template:
    """A template from its YAML mapping (checked by :class:`TemplateSection`).

    Raises:
        ConfigError: a missing or bad key; the message names the file, the key and the allowed values.
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a template is a mapping with keys layout, header, columns")
    t = validate(TemplateSection, data, f"{path}: template")
    name = t.name or os.path.splitext(os.path.basename(path))[0]
    return Template(str(name), t.layout, t.header, dict(t.columns), t.tz, t.start_formats or None,
                    t.duration_unit, path)


def templates_dir(folder: str | None = None) -> str:
    """The templates folder: ``folder``, else ``$RAYBENCH_TEMPLATES``, else ``./templates``."""
    return folder or os.environ.get(TEMPLATES_ENV) or DEFAULT_TEMPLATES_DIR


def load_templates(folder: str | None = None) -> tuple[Template, ...]:
    """Every ``*.yaml``/``*.yml`` template in the folder (none when it does not exist), sorted by file name.

    Raises:
        ConfigError: a template that does not parse.
    """
    folder = templates_dir(folder)
    if not os.path.isdir(folder):
        return ()
    out = []
    for name in sorted(os.listdir(folder)):
        if name.endswith((".yaml", ".yml")):
            path = os.path.join(folder, name)
            try:
                with open(path) as f:
                    data = yaml.safe_load(f)
            except yaml.YAMLError as exc:
                raise ConfigError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None
            out.append(parse_template(data, path))
    return tuple(out)


def match_template(sample: FileSample, templates: tuple[Template, ...]) -> Template | None:
    """The first template whose header signature the sample's header equals, or None."""
    return next((t for t in templates if t.matches(sample)), None)


def propose_template(sample: FileSample, layout_id: str, mapping: list[tuple[str, str]], name: str) -> dict:
    """A template (as a YAML-ready dict) for a file with a header, from a column mapping.

    Args:
        sample: the file's sample (must have a header).
        layout_id: the layout it reads like.
        mapping: ``(column name, field)`` in file order.
        name: the template's name.

    Raises:
        ConfigError: the file has no header line.
    """
    if sample.header is None:
        raise ConfigError("templates match on the header line, and this file has none")
    layout = get_layout(layout_id)
    return {
        "name": name, "layout": layout_id, "carrier": layout.carrier, "header": list(sample.header),
        "columns": {c: f for c, f in mapping if f != "ignore"}, "tz": layout.tz,
        "start_formats": list(layout.start.formats) if layout.start else [],
        "duration_unit": layout.duration_unit,
    }
