"""Encoding detection for an input file's first bytes.

Order (../shared/reference/parsing-notes.md 1.5): a BOM decides; else strict UTF-8; else
charset-normalizer on the sample; else cp1252.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


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
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    name = codecs.lookup(best.encoding).name if best is not None else "cp1252"
    return Encoding(name, 0, "charset-normalizer")
