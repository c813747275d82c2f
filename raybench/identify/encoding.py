"""Encoding detection for an input file's first bytes.

Order (../shared/reference/parsing-notes.md 1.5): a BOM decides; else strict UTF-8; else
charset-normalizer on the sample, with cp1252 preferred when it reads the sample about as cleanly as
charset-normalizer's pick; else cp1252.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

CP1252_CHAOS_MARGIN = 0.05
"""How much more mess (charset-normalizer's chaos ratio) cp1252 may show than the best guess and still be
preferred (measured: Excel curly quotes and a euro sign, 0.034 more than cp775)."""


@dataclass(frozen=True)
class Encoding:
    """A file's text encoding.

    Attributes:
        name: Python codec name (``utf-8``, ``utf-16-le``, ``cp1252``...).
        bom_bytes: length of the byte-order mark at the start of the file (0 when none).
        detector: ``bom``, ``utf-8`` (strict decode succeeded) or ``charset-normalizer``.
    """

    name: str
    bom_bytes: int
    detector: str

    @property
    def ascii_compatible(self) -> bool:
        """True when ``\\n`` and ``\"`` are single bytes with their ASCII values (not UTF-16/32)."""
        return not self.name.startswith(("utf-16", "utf-32"))


def detect_encoding(sample: bytes) -> Encoding:
    """Detect the encoding of ``sample`` (the first bytes of a file, e.g. 64 KiB).

    Args:
        sample: raw bytes from the start of the file; may end in the middle of a character.

    Returns:
        The encoding, the BOM length and how it was decided.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return Encoding(name, len(bom), "bom")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)
        return Encoding("utf-8", 0, "utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample).best()
    # Western single-byte code pages decode one another's bytes, and charset-normalizer often ranks a
    # sibling first on (near) ties: cp1250 for 'Señor' (read 'Seńor'), cp775 for Excel's curly quotes,
    # even cp1006 for one 'José' in ASCII. Non-UTF-8 carrier and billing exports are mostly cp1252
    # (Excel on Windows), so cp1252 wins when charset-normalizer finds it a plausible reading that is
    # about as clean as its pick. Other scripts read as cp1252 with far more mess (Shift-JIS: +0.09)
    # or are rejected outright (cp1251, cp1253).
    western = from_bytes(sample, cp_isolation=["cp1252"]).best()
    if western is not None and (best is None or western.chaos <= best.chaos + CP1252_CHAOS_MARGIN):
        return Encoding("cp1252", 0, "charset-normalizer")
    name = codecs.lookup(best.encoding).name if best is not None else "cp1252"
    return Encoding(name, 0, "charset-normalizer")
