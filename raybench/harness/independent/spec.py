"""One file of the independent evaluation set (:class:`FileSpec`), apart from :mod:`.writer` so that the
held-out groups (:mod:`.holdout` ... :mod:`.holdout7`) can declare their files without importing the writer
that writes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from raybench.harness.independent.families import Draft


@dataclass(frozen=True)
class FileSpec:
    """One file of the set.

    Attributes:
        name: file name.
        family: export family (``att``, ``tmobile``, ``sprint``, ``verizon``, ``asterisk``, ``freeswitch``,
            ``fixed``).
        write: the family writer (:mod:`.families`, :mod:`.pbx`).
        options: its variation options.
        encoding: ``utf-8``, ``utf-8-sig`` (BOM), ``utf-16`` (BOM, little-endian), ``utf-16-be`` (BOM,
            big-endian) or ``cp1252``.
        newline: line end.
        damage: kind -> record positions as fractions of the file (0.5 = the middle record): ``nul`` (NUL
            padding before the record; still readable), ``unclosed`` (a quote that never closes),
            ``truncate`` (the record cut in half), ``foreign`` (the record's bytes in cp1252 inside a
            UTF-8 file; stored or quarantined, either is right).
        notes: what the file varies, for the table.
    """

    name: str
    family: str
    write: Callable[..., Draft]
    options: dict = field(default_factory=dict)
    encoding: str = "utf-8"
    newline: str = "\n"
    damage: dict = field(default_factory=dict)
    notes: str = ""
