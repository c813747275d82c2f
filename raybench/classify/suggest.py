"""The manual-mapping workflow's suggestion for a file the rules could not place (:func:`mapping_suggestion`):
apart from :mod:`.templates` because it runs :func:`raybench.classify.resolve.resolve`, which itself matches
templates."""

from __future__ import annotations

import os

from raybench.catalog import BUILTIN, layouts_by_id
from raybench.classify.resolve import resolve
from raybench.classify.sample import decode_sample, sample_text
from raybench.classify.templates import propose_template
from raybench.errors import ConfigError


def mapping_suggestion(path: str, classifiers=None) -> dict:
    """What the manual-mapping workflow shows for a file that failed as unknown or ended suspect: the
    models' ``top3`` (``[{layout, p}]``, ``other`` included) and ``proposed_template`` (as
    :func:`raybench.classify.templates.propose_template` makes it, from the best built-in layout among the top three and the models'
    column mapping; None for a file without a header line), with ``reason`` when the models abstained.

    Raises:
        InputFileError: the file cannot be read at all.
    """
    result, _ = resolve(path, BUILTIN, templates=(), classifiers=classifiers)
    known = layouts_by_id()
    layout = result.layout if not result.abstained else next((k for k, _ in result.top3 if k in known), None)
    proposal = None
    if layout is not None:
        with open(path, "rb") as f:
            sample = sample_text(decode_sample(f.read(1 << 16)))
        try:
            name = os.path.splitext(os.path.basename(path))[0][:40] or "template"
            proposal = propose_template(sample, layout, [(c.name, c.field) for c in result.columns],
                                        f"t-{name}")
        except ConfigError:  # no header line: templates cannot match this file
            proposal = None
    return {"top3": [{"layout": k, "p": round(float(p), 4)} for k, p in result.top3],
            "proposed_template": proposal, "reason": result.reason}
