"""Transcode a file whose records the byte-level planner cannot cut (UTF-16, CR-only line ends) to
UTF-8 with ``\n`` line ends, streamed."""

from __future__ import annotations

import codecs
import hashlib

BLOCK_BYTES = 4 << 20


def transcode_to_utf8(src: str, dst: str, encoding: str, bom_bytes: int, cr_to_lf: bool = False) -> str:
    """Write ``src`` (in ``encoding``, BOM skipped) to ``dst`` as UTF-8, in 4 MiB blocks; with
    ``cr_to_lf`` every carriage return becomes a newline (files with old-Mac CR-only line ends).

    Returns:
        The SHA-256 (hex) of ``src``'s original bytes.
    """
    sha = hashlib.sha256()
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        first = True
        while True:
            block = fin.read(BLOCK_BYTES)
            if not block:
                break
            sha.update(block)
            if first:
                block, first = block[bom_bytes:], False
            text = decoder.decode(block)
            fout.write((text.replace("\r", "\n") if cr_to_lf else text).encode("utf-8"))
        fout.write(decoder.decode(b"", final=True).encode("utf-8"))
    return sha.hexdigest()
