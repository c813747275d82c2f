"""Identify one input file: encoding, layout, and where its records start."""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass

from raybench.errors import InputFileError
from raybench.identify.encoding import Encoding, detect_encoding
from raybench.identify.sniff import Identification, identify_text
from raybench.layout import Layout

SAMPLE_BYTES = 64 << 10

_NUL_PADDING = re.compile(rb"(?:(?<=\n)|^)\x00+")


def strip_nul_padding(data: bytes) -> bytes:
    """``data`` without the runs of NUL bytes that begin a line (what a log writer leaves behind when
    the machine stops before its buffer reached the disk); NULs elsewhere are kept."""
    return _NUL_PADDING.sub(b"", data) if b"\x00" in data else data


@dataclass(frozen=True)
class FileIdentity:
    """What identification found for a file.

    Attributes:
        path: the file.
        size_bytes: its size.
        encoding: detected encoding.
        identification: the layout and the confidence.
        cr_only: the lines end with a bare carriage return (old Mac); the file is transcoded to ``\n``.
    """

    path: str
    size_bytes: int
    encoding: Encoding
    identification: Identification
    cr_only: bool = False


def identify_file(path: str, layouts: tuple[Layout, ...]) -> FileIdentity:
    """Read the first 64 KiB of ``path`` and identify its encoding and layout.

    Raises:
        InputFileError: the file cannot be opened, is not a regular file, is empty or is binary.
        UnknownLayoutError: no layout matches.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path):
            raise InputFileError(path, "not a regular file (a pipe, device or socket)")
    except OSError:
        pass  # reported by open() below
    try:
        with open(path, "rb") as f:
            sample = f.read(SAMPLE_BYTES)
            f.seek(0, 2)
            size = f.tell()
    except IsADirectoryError:
        raise InputFileError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror or exc}") from None
    if not sample.strip():
        raise InputFileError(path, "the file is empty")
    padded = strip_nul_padding(sample)  # an unclean shutdown's NUL padding before a record is not binary
    encoding = detect_encoding(padded)
    if encoding.ascii_compatible and b"\x00" in padded:
        raise InputFileError(path, "binary content (NUL bytes): not delimited text; compressed or another format?")
    if encoding.ascii_compatible:
        sample = padded
    decoder = codecs.getincrementaldecoder(encoding.name)(errors="replace")
    text = decoder.decode(sample[encoding.bom_bytes:], final=size <= SAMPLE_BYTES)
    cr_only = "\r" in text and "\n" not in text
    if cr_only:  # read as the transcoded file will be: CR line ends become LF
        text = text.replace("\r", "\n")
    return FileIdentity(path, size, encoding, identify_text(text, layouts, path), cr_only)
