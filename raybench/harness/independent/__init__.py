"""An evaluation set written from the public format descriptions, by another route than ``raybench.generate``.

The files imitate carrier and phone-system exports (``../shared/reference/carrier-formats.md`` sections 1.1
to 1.10) with their own spellings, date and duration styles, codes, footers and encodings. Nothing here
imports the generator, the classifier corpus or the layout catalog, and nothing here is ever used for
training: the set measures how raybench reads input that it did not write.

* :mod:`.parties`: made-up parties (numbers, extensions, SIP users) with their canonical values.
* :mod:`.families`: one writer per export family; each returns the file's bytes and its truth.
* :mod:`.writer`: the set (which files, with which variations) and :func:`write_set`.
* :mod:`.score`: ingest the set in one job and give each file a verdict.
"""

from raybench.harness.independent.score import VERDICTS, evaluate_independent, format_table
from raybench.harness.independent.writer import FILES, write_set

__all__ = ["FILES", "VERDICTS", "evaluate_independent", "format_table", "write_set"]
