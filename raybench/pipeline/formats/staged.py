"""Records that are not delimited text but a table in another form, written as a CSV to the job's
staging folder and read as delimited text: JSON Lines (:mod:`raybench.read.jsonl`, this module) and an
HTML table saved under a spreadsheet's name (:mod:`raybench.read.html_table`,
:mod:`raybench.pipeline.formats.html`). The generic column reader (:mod:`raybench.classify.generic`)
maps the staged columns (no built-in layout writes either form, so the column models are asked only when
the columns do not read as calls). The ``files`` row keeps the source's path, size and hash; its dialect
says how it was read. Chunks are the staged CSV's (``format`` ``delimited``); records are numbered as the
delimited path numbers them (blank lines are not records)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from raybench.pipeline.formats import delimited
from raybench.pipeline.task import FileTask, file_sha256, new_task
from raybench.read.jsonl import write_table

NAME = "jsonl"

descriptors = delimited.descriptors
read = delimited.read
source = delimited.source
unread = delimited.unread


def prepare_staged(task: FileTask, options, staging: str, writer: Callable[[str, str], tuple[int, int]],
                   kind: str, describe: Callable[[tuple[int, int]], str]) -> FileTask:
    """Write ``task.path`` as a CSV in ``staging`` with ``writer(path, out)`` and plan that as delimited
    text; a file ``writer`` cannot read (``ValueError``, ``UnicodeDecodeError``), or whose table cannot
    be read, fails with a one-line error naming the file. ``describe`` words ``writer``'s counts for the
    dialect (``kind``: ``JSON Lines``, ``HTML table``)."""
    path = task.path
    staged = os.path.join(staging, f"{len(os.listdir(staging))}-{Path(path).name}.staged.csv")
    try:
        counts = writer(path, staged)
    except UnicodeDecodeError as exc:
        task.row.update(error=f"{path}: {kind} not UTF-8 (byte {exc.start}): cannot be read",
                        bytes=os.path.getsize(path))
        return task
    except ValueError as exc:
        task.row.update(error=str(exc), bytes=os.path.getsize(path))
        return task
    sub = delimited.prepare(new_task(staged, task.row["ingest_job"]), options, staging, by_columns=True)
    if sub.plan is None or sub.layout is None:
        why = str(sub.row.get("error") or "").replace(staged, path)
        task.row.update(error=f"{why} ({kind}: {describe(counts)})", bytes=os.path.getsize(path))
        return task
    sha = file_sha256(path)
    sub.path = path
    sub.plan.sha256, sub.plan.size_bytes = sha, os.path.getsize(path)
    sub.row.update(path=path, sha256=sha, bytes=sub.plan.size_bytes,
                   dialect=f"{kind} ({describe(counts)}) read as {sub.row['dialect']}")
    return sub


def prepare(task: FileTask, options, staging: str) -> FileTask:
    """Flatten a JSON Lines file into a CSV and plan it (:func:`prepare_staged`)."""
    return prepare_staged(task, options, staging, write_table, "JSON Lines",
                          lambda c: f"{c[0]} records; lines not a JSON object: {c[1]}; flattened")
