"""Duplicate detection and call-leg linking over the stored ``cdr`` table (DuckDB SQL).

A duplicate is the same call seen twice (a re-sent file, a billing export of the same line, a second
system's copy with a skewed clock or a wrong zone); it is kept, with ``cdr.duplicate_of`` set to the
``record_id`` of the first record of its cluster. Legs of one forwarded or ring-group call are linked in
``call_legs``, not marked duplicates. See :mod:`raybench.dedupe.detect` for the entry point,
:mod:`raybench.dedupe.tables` for the tables and :mod:`raybench.dedupe.rules` for the match rules.
"""

from raybench.dedupe.detect import dedupe_job
from raybench.dedupe.rules import DedupeOptions

__all__ = ["DedupeOptions", "dedupe_job"]
