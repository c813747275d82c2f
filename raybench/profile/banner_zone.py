"""The zone a file's title rows state for its times: ``Time zone: America/New_York`` in a report's banner
(a workbook's title rows, a CSV export's preamble), ``All times are in UTC``, ``Times shown in EST``.

Hosted-PBX analytics reports and carrier portals write the zone of their stamps once, above the table,
not in the column names. A banner line states a zone when a zone label (``time zone``, ``timezone``,
``tz``) or a phrase about the times (``times in``, ``times are in``, ``times shown in``) is followed by a
zone that :func:`raybench.normalize.times.row_zone` reads (an IANA name, ``UTC``/``GMT``, an offset, an
abbreviation that names one offset). An abbreviation that names several zones (``CST``) states nothing.
"""

from __future__ import annotations

import re

from raybench.normalize.times import row_zone

_LABEL = re.compile(
    r"(?i)(?:^|[\s,;|\"(])(?:time[ _-]?zone|tz|(?:all[ \t]+)?(?:date[ \t]*/?[ \t]*)?times?[ \t]+"
    r"(?:are[ \t]+|is[ \t]+)?(?:shown[ \t]+|given[ \t]+|reported[ \t]+|displayed[ \t]+)?in)"
    r"[ \t]*[:=,;|\t]?[ \t\"(]*([A-Za-z][A-Za-z0-9_/+\-]*(?:[ \t]*[+-][ \t]*\d{1,2}(?::?\d{2})?)?|[+-]\d{1,2}(?::?\d{2})?)")


def banner_zone(banners: tuple[str, ...]) -> tuple[str, str] | None:
    """``(zone, banner line)`` of the first banner line that states a zone, or None.

    Args:
        banners: the file's lines above its header (as :class:`raybench.classify.sample.FileSample` keeps
            them), in file order.

    Returns:
        The zone as :func:`raybench.normalize.times.row_zone` gives it (``America/New_York``, ``UTC``,
        ``-05:00``) and the line that states it; None when no line does.
    """
    for line in banners:
        for found in _LABEL.finditer(line):
            zone = row_zone(found.group(1).replace(" ", "").replace("\t", ""))
            if zone is not None:
                return zone, line.strip().strip(",;|\t\"")
    return None
