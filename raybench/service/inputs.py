"""What a job may read: uploads in the spool, and paths confined to the configured roots.

An upload is streamed to a temporary file in the spool while its SHA-256 is taken, then renamed to
``<sha256><suffix>`` (the suffix only when it is one of :data:`raybench.pipeline.job.INPUT_SUFFIXES`:
the XLSX reader needs it). The name the client gives is kept as a label and never becomes a path. The
same content gives the same upload id (``up-`` and the first 32 hex digits of the SHA-256).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import PurePosixPath

from raybench.errors import ConfigError
from raybench.pipeline.job import INPUT_SUFFIXES
from raybench.read.xlsx import check_unzipped_size


class TooLarge(Exception):
    """An upload passed the size cap (the service answers 413)."""


def confine(path: str, roots: list[str]) -> str:
    """``path`` resolved (symlinks followed) when it lies under one of ``roots``.

    Raises:
        ConfigError: no roots are configured, the path holds ``..``, is not absolute, does not exist, or
            resolves (through a symlink) outside every root; the message names the path, never a
            resolved target outside the roots.
    """
    if not roots:
        raise ConfigError(f"path {path!r}: this service takes no path inputs (start it with --root FOLDER)")
    if not os.path.isabs(path):
        raise ConfigError(f"path {path!r}: give an absolute path under a root ({', '.join(roots)})")
    if ".." in PurePosixPath(path).parts:
        raise ConfigError(f"path {path!r}: '..' is not allowed")
    real = os.path.realpath(path)
    for root in roots:
        if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
            if not os.path.exists(real):
                raise ConfigError(f"path {path!r}: no such file or folder")
            return real
    raise ConfigError(f"path {path!r}: outside the service's roots ({', '.join(roots)})")


def upload_id(sha256: str) -> str:
    """The upload id of a content: ``up-`` and the first 32 hex digits of its SHA-256."""
    return f"up-{sha256[:32]}"


def spool_suffix(name: str | None) -> str:
    """The file ending a spooled upload keeps: the name's, when it is a known input ending, else none."""
    suffix = os.path.splitext(os.path.basename((name or "").replace("\\", "/")))[1].lower()
    return suffix if suffix in INPUT_SUFFIXES else ""


class SpoolWriter:
    """Streams one upload into the spool folder, hashing as it goes.

    Args:
        spool: the spool folder.
        max_bytes: the cap; :meth:`write` raises :class:`TooLarge` past it (the partial file is removed).
    """

    def __init__(self, spool: str, max_bytes: int):
        self.spool, self.max_bytes = spool, max_bytes
        self.tmp = os.path.join(spool, f".part-{uuid.uuid4().hex}")
        self._f = open(self.tmp, "wb")
        self._h = hashlib.sha256()
        self.size_bytes = 0

    def write(self, data: bytes) -> None:
        """Append one block of the body (hashed as it goes). Raises TooLarge past the cap."""
        self.size_bytes += len(data)
        if self.size_bytes > self.max_bytes:
            self.abort()
            raise TooLarge(f"upload over the cap of {self.max_bytes} bytes")
        self._h.update(data)
        self._f.write(data)

    def abort(self) -> None:
        """Drop the partial file (a body that stopped, a cap passed)."""
        if not self._f.closed:
            self._f.close()
        if os.path.exists(self.tmp):
            os.remove(self.tmp)

    def commit(self, name: str | None) -> tuple[str, str]:
        """Close and rename the file to its content's name. Returns ``(sha256, path)``; an upload of
        content already spooled keeps the earlier file."""
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()
        sha = self._h.hexdigest()
        final = os.path.join(self.spool, sha + spool_suffix(name))
        existing = [os.path.join(self.spool, n) for n in os.listdir(self.spool) if n.startswith(sha)]
        if existing:
            os.remove(self.tmp)
            return sha, existing[0]
        os.replace(self.tmp, final)
        return sha, final


def check_workbook(path: str, max_unzipped_bytes: int) -> None:
    """For a ZIP container (an XLSX workbook): its members' uncompressed sizes must add up to at most
    ``max_unzipped_bytes``.

    Raises:
        InputFileError: over the bound, or a ZIP that cannot be read.
    """
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":
            return

    check_unzipped_size(path, max_unzipped_bytes)
