"""The chunk descriptor: the whole contract between the driver (which plans a file) and a worker (which
reads one chunk of it).

A descriptor names a part of one file that a worker reads by itself (the file must be readable from every
node: a local path on one machine, shared storage on a cluster), so only descriptors travel through the
object store, never the data. Ray Data carries them as Arrow rows of :data:`CHUNK_SCHEMA`
(:func:`descriptor_table`); a worker turns each row back into a :class:`ChunkDescriptor`
(:meth:`ChunkDescriptor.from_row`). Which reader reads it is its ``format``
(:mod:`raybench.pipeline.formats`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import pyarrow as pa

CHUNK_SCHEMA = pa.schema([
    pa.field("chunk_id", pa.string(), nullable=False),
    pa.field("format", pa.string(), nullable=False),
    pa.field("path", pa.string(), nullable=False),
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("sha256", pa.string(), nullable=False),
    pa.field("ingest_job", pa.string(), nullable=False),
    pa.field("layout", pa.string(), nullable=False),
    pa.field("layout_key", pa.string(), nullable=False),
    pa.field("first_row", pa.int64(), nullable=False),
    pa.field("n_records", pa.int64(), nullable=False),
    pa.field("encoding", pa.string(), nullable=False),
    pa.field("byte_start", pa.int64(), nullable=False),
    pa.field("byte_end", pa.int64(), nullable=False),
    pa.field("junk", pa.string(), nullable=False),
    pa.field("page_start", pa.int64(), nullable=False),
    pa.field("page_end", pa.int64(), nullable=False),
    pa.field("sheet", pa.string(), nullable=False),
    pa.field("context", pa.string(), nullable=False),
])
"""The Arrow schema of a descriptor as a Ray Data row: one field per :class:`ChunkDescriptor` attribute."""


@dataclass(frozen=True)
class ChunkDescriptor:
    """One chunk of one file, as a worker needs it.

    Attributes:
        chunk_id: ``<first 12 hex of the file's SHA-256>:<chunk number>``; unique within a job.
        format: the reader (:data:`raybench.pipeline.formats.FORMATS`): ``delimited``, ``fixed``,
            ``xlsx``, ``pdf`` or ``pdf_bill``.
        path: the readable data file (absolute; a UTF-8 copy for a transcoded text file).
        source_file: the file as the user named it.
        sha256: the original file's SHA-256 (hex).
        ingest_job: the job id.
        layout: the layout id; layout_key: its key in the worker's table of layouts
            (:func:`raybench.pipeline.planner.layout_key`: id, dialect and a digest).
        first_row: ``source_row`` (1-based, junk lines not counted) of the chunk's first record.
        n_records: records the planner counted in the chunk (the worker must find as many).
        encoding: the codec of ``path`` for text (``utf-8`` after a transcode); the format name otherwise.
        byte_start, byte_end: the text range ``[byte_start, byte_end)`` of ``path`` (whole records);
            0, 0 for a paged format.
        junk: the file's :class:`raybench.read.junk.JunkRules` as JSON (the range's records exclude its
            junk lines, which the planner counted); ``""`` for none.
        page_start, page_end: the PDF pages ``[page_start, page_end)`` (0-based), or the XLSX sheet rows
            ``[row_start, row_end)``; 0, 0 for text.
        sheet: the XLSX sheet; ``""`` otherwise.
        context: what a paged reader needs at the first page (a PDF table's or a bill's state as JSON,
            :class:`raybench.read.pdf.TableState`; an XLSX sheet's header); ``""`` for text.
    """

    chunk_id: str
    format: str
    path: str
    source_file: str
    sha256: str
    ingest_job: str
    layout: str
    layout_key: str
    first_row: int
    n_records: int
    encoding: str
    byte_start: int = 0
    byte_end: int = 0
    junk: str = ""
    page_start: int = 0
    page_end: int = 0
    sheet: str = ""
    context: str = ""

    @property
    def last_row(self) -> int:
        """``source_row`` of the chunk's last record."""
        return self.first_row + self.n_records - 1

    def rows_text(self) -> str:
        """``<source_file> rows <first>-<last>``: where the chunk lies, for error messages."""
        return f"{self.source_file} rows {self.first_row}-{self.last_row}"

    def to_row(self) -> dict:
        """The descriptor as a row of :data:`CHUNK_SCHEMA`."""
        return asdict(self)

    @classmethod
    def from_row(cls, row: dict) -> ChunkDescriptor:
        """The descriptor of a :data:`CHUNK_SCHEMA` row (extra keys are ignored)."""
        return cls(**{f.name: row[f.name] for f in _FIELDS})


_FIELDS = fields(ChunkDescriptor)
assert [f.name for f in _FIELDS] == CHUNK_SCHEMA.names, "CHUNK_SCHEMA must list ChunkDescriptor's fields"


def descriptor_table(descriptors: list[ChunkDescriptor]) -> pa.Table:
    """The descriptors as one Arrow table of :data:`CHUNK_SCHEMA` (one row each)."""
    return pa.Table.from_pylist([d.to_row() for d in descriptors], schema=CHUNK_SCHEMA)


def descriptors_of(table: pa.Table) -> list[ChunkDescriptor]:
    """The descriptors of a :data:`CHUNK_SCHEMA` table (a Ray Data batch)."""
    return [ChunkDescriptor.from_row(row) for row in table.to_pylist()]
