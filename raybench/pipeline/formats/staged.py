"""Records that are not delimited text but a table in another form (JSON Lines: :mod:`raybench.read.jsonl`),
written as a CSV to the job's staging folder and read as delimited text: the generic column reader
(:mod:`raybench.classify.generic`) maps the flattened columns (no built-in layout writes JSON, so the
column models are asked only when the columns do not read as calls). Records are numbered as the
delimited path numbers them (blank lines are not records). The ``files`` row keeps the source's path,
size and hash; its dialect says how it was read. Chunks are the staged CSV's (``format`` ``delimited``)."""

from __future__ import annotations

import os
from pathlib import Path

from raybench.pipeline.formats import delimited
from raybench.pipeline.task import FileTask, file_sha256, new_task
from raybench.read.jsonl import write_table

NAME = "jsonl"

descriptors = delimited.descriptors
read = delimited.read
source = delimited.source
unread = delimited.unread


def prepare(task: FileTask, options, staging: str) -> FileTask:
    """Flatten a JSON Lines file into a CSV in ``staging`` and plan that as delimited text; a file that is
    not UTF-8, or whose table cannot be read, fails with a one-line error naming the file."""
    path = task.path
    staged = os.path.join(staging, f"{len(os.listdir(staging))}-{Path(path).name}.flat.csv")
    try:
        records, bad = write_table(path, staged)
    except UnicodeDecodeError as exc:
        task.row.update(error=f"{path}: JSON Lines not UTF-8 (byte {exc.start}): cannot be read",
                        bytes=os.path.getsize(path))
        return task
    sub = delimited.prepare(new_task(staged, task.row["ingest_job"]), options, staging, by_columns=True)
    if sub.plan is None or sub.layout is None:
        why = str(sub.row.get("error") or "").replace(staged, path)
        task.row.update(error=f"{why} (JSON Lines flattened to {records} rows)", bytes=os.path.getsize(path))
        return task
    sha = file_sha256(path)
    sub.path = path
    sub.plan.sha256, sub.plan.size_bytes = sha, os.path.getsize(path)
    sub.row.update(path=path, sha256=sha, bytes=sub.plan.size_bytes, encoding="utf-8",
                   dialect=f"JSON Lines ({records} records; lines not a JSON object: {bad}) flattened, read as "
                           f"{sub.row['dialect']}")
    return sub
