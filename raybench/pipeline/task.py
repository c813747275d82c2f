"""One input file as the driver sees it (:class:`FileTask`), and the small facts every format's planner
records about it (its SHA-256, the zone its times were read in, the key of its layout)."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

from raybench.identify.file import FileIdentity
from raybench.layout import Layout
from raybench.read.junk import JunkRules
from raybench.read.partition import FilePlan


@dataclass
class FileTask:
    """One input file as the driver sees it: the file's profile (what its format module decided).

    Attributes:
        path: the file as given.
        identity: encoding and identification of a text file (None for the paged formats).
        layout: the layout it is read with (zone and date-order decisions applied); None when it failed.
        data_path: the file the workers read (a UTF-8 copy of a transcoded text file).
        offset: bytes to skip at the start of ``data_path`` (a BOM).
        plan: the chunks (:class:`raybench.read.partition.FilePlan`); None when the file is not read.
        junk: the junk rules of a text file.
        row: its ``files`` row as planned (status, error, bytes, encoding, dialect, layout, ...).
        committed: chunk ids a checkpoint already holds (a resumed job).
        identify_s: seconds spent identifying a text file; method: how it was identified.
        profile_s: seconds spent deciding its value profile (:func:`raybench.profile.profile_file`), in the
            driver before any chunk is read: what the profile adds to the file's ingest.
        format: the format module that reads its chunks (:data:`raybench.pipeline.formats.FORMATS`).
        suspect: why a file read in full must not be taken as complete (a bill's scanned pages): status
            suspect.
        sheet_layouts: sheet name -> layout, for a workbook's sheets read with another layout than
            ``layout`` (a ``Messages`` sheet beside a ``Voice`` one); empty for every other file.
    """

    path: str
    identity: FileIdentity | None = None
    layout: Layout | None = None
    data_path: str = ""
    offset: int = 0
    plan: FilePlan | None = None
    junk: JunkRules | None = None
    row: dict = field(default_factory=dict)
    committed: set[str] = field(default_factory=set)
    identify_s: float | None = None
    profile_s: float | None = None
    method: str | None = None
    format: str = "delimited"
    suspect: str | None = None
    sheet_layouts: dict[str, Layout] = field(default_factory=dict)

    def layouts(self) -> dict[str, Layout]:
        """:func:`layout_key` -> layout of every layout the file's chunks are read with."""
        out = {layout_key(self.layout): self.layout} if self.layout is not None else {}
        out.update({layout_key(lay): lay for lay in self.sheet_layouts.values()})
        return out


def new_task(path: str, job: str) -> FileTask:
    """A task with its ``files`` row as it stands before any reading: ``failed``, nothing read."""
    return FileTask(path, row={"ingest_job": job, "path": path, "status": "failed", "rows_read": 0,
                               "rows_stored": 0, "rows_quarantined": 0, "kind": None})


def file_sha256(path: str) -> str:
    """SHA-256 (hex) of the file's bytes, read 1 MiB at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def record_zone(row: dict, layout: Layout) -> None:
    """The zone a file's times were read in and how it was decided, in its ``files`` row."""
    if layout.start is not None:
        row.update(tz=layout.tz, tz_source=layout.tz_source)


def layout_key(layout: Layout) -> str:
    """The key of a layout in the worker's table: its id, its dialect (files of one layout may be
    written with different separators) and a digest of the rest (a template or the models may map
    another column order onto the same layout id)."""
    return f"{layout.id} {layout.dialect} {zlib.crc32(repr(layout).encode()):08x}"
