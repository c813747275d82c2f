"""Junk lines of delimited text: banners, a second header line of SQL types, repeated headers, footers,
whitespace-only lines. They are counted per reason in ``files.lines_skipped``, never read as records.

One scheme, shared by the driver and the workers (so ``source_row`` and the planned record counts agree):

- Identification (:func:`raybench.identify.sniff.identify_text`) finds the header among the first
  non-blank records; the records before it are ``banner``, the header is ``header``, a following line
  of SQL types (Cisco CUCM: ``INTEGER,VARCHAR(50),...``) is ``header_types``. These are the file's
  *lead* records, skipped by the chunk planner by position.
- After the lead, a record is junk when :meth:`JunkRules.reason` says so: ``blank`` (only spaces, tabs,
  form feeds), ``empty_row`` (only delimiters: ``,,,,,,``), ``repeated_header`` / ``header_types`` / ``banner`` (exactly the text of the file's
  header, types line or a banner line; a banner holding numbers, with any numbers: ``Page 2``, ``export 2 of 2``), ``footer`` (:data:`FOOTER_PATTERNS`: ``Page N of M``, totals,
  ``*** End of Report ***``, ``*** CONTINUED ***``, ``Proprietary`` / ``Confidential`` notices, row counts),
  ``heading`` (a section heading written as a row, :data:`HEADING_PATTERN`: ``Calls to mobiles,,,,,``).
- The planner (:func:`raybench.read.partition.plan_file`) applies the rule to every record, so its record
  counts and ``source_row`` numbers exclude junk and ``lines_skipped`` counts it; the worker applies the
  same rule to the records of its chunk and drops them (:func:`drop_junk`). Both only look at
  *candidates* found at C speed (an anchor word, an exact text, a leading whitespace character) and then
  decide with the same Python function on the decoded record text, so they cannot disagree.

``rows_read`` therefore counts records only, and ``rows_read = rows_stored + rows_quarantined`` holds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

MAX_JUNK_CHARS = 16 << 10
"""A record longer than this (in characters) is never junk."""

MAX_JUNK_BYTES = 4 * MAX_JUNK_CHARS + 2
"""Bytes the planner keeps of a record that crosses a read block (4 bytes a character at most, plus the
line end): a longer record has more than :data:`MAX_JUNK_CHARS` characters."""

BLANK_CHARS = " \t\f\v\r"
"""A record made only of these is a blank line."""

EMPTY_ROW_CHARS = BLANK_CHARS + ",;|\""
"""A record made only of these (and not only of blanks) is a row of empty fields, ``empty_row``: a
spreadsheet's spacer row, ``,,,,,,,,,``."""

NOTICE_PATTERN = (r"[ \t\f\v\",;|]*[^,;|\t\n]*\b(?:proprietary|confidential|internal[ \t]+use[ \t]+only)\b"
                  r"[^,;|\t\n]*[ \t\",;|]*")
"""A notice line: ``AT&T Proprietary (Internal Use Only)``, ``CONFIDENTIAL``, alone or padded with
delimiters as a CSV row (one of :data:`FOOTER_PATTERNS`; the PDF reader counts it as ``page_footer``)."""

NOTICE_RE = re.compile(NOTICE_PATTERN, re.IGNORECASE | re.ASCII)

FOOTER_PATTERNS = (
    # Page 3 of 10 / Page 3/10 / Printed 03/01/2024 10:00 Page 3 / - Page 3 -
    # ... written as a CSV row too: AT&T Proprietary (Internal Use Only),Page 1 of 5
    r"[ \t\f\v-]*(?:.*[ \t,;|])?page[ \t]*[0-9]+(?:[ \t]*(?:of|/)[ \t]*[0-9]+)?[ \t,;|-]*",
    # Total for Call Detail / Totals: 1,234 / Subtotal ... / Grand Total ... / Account Total,,, (after
    # empty cells too: ,,,,,Total Calls,20,,,)
    # ... and German bills' Summe / Zwischensumme / Gesamtsumme / Gesamt
    r"[ \t\f\v\",;|]*(?:[a-z]+[ \t]+){0,2}(?:(?:grand[ \t]*|sub[ \t-]?)?totals?|(?:zwischen|gesamt)?summe|gesamt)\b.*",
    # ... and other languages' total rows: German Insgesamt, Dutch Totaal, Swedish and Norwegian Totalt, Danish
    # I alt, Finnish Yhteensä (``Yhteensä;;;;;79,72``)
    r"[ \t\f\v\",;|]*(?:[a-z]+[ \t]+){0,2}(?:insgesamt|totaal|totalt|i[ \t]+alt|yhteens(?:a|\u00e4))(?![a-z0-9_]).*",
    # *** End of Report *** / END OF FILE / -- end of the listing --
    r"[ \t\f\v*=#-]*end[ \t]+of[ \t]+(?:the[ \t]+)?(?:report|file|data|records?|listing|document|output"
    r"|transmission)\b.*",
    # *** CONTINUED *** / CONTINUES... / ...CONTINUED / (continued) / Continued on next page / - MORE -:
    # a page break
    r"[ \t\f\v*=(.-]*(?:contin(?:ued|ues)|more)(?:[ \t]+(?:on[ \t]+)?(?:the[ \t]+)?(?:next|following)[ \t]+page)?"
    r"[ \t.*=)-]*",
    NOTICE_PATTERN,
    # (1234 rows affected) / 1,234 records
    r"[ \t\f\v(]*(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)[ \t]+(?:rows?|records?)\b[^0-9]*",
    # Record count: 1234 / Rows: 12
    r"[ \t\f\v]*(?:rows?|records?)(?:[ \t]+(?:count|total|returned|listed|selected|read))?[ \t]*[:=][ \t]*"
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)[ \t.,;|]*",
)
"""Footer lines (matched whole, ASCII case-insensitive). Each holds one of :data:`ANCHORS`."""

_FOOTER_RE = re.compile("|".join(f"(?:{p})" for p in FOOTER_PATTERNS), re.IGNORECASE | re.ASCII)

def is_footer(text: str) -> bool:
    """True when the record ``text`` is a footer line (:data:`FOOTER_PATTERNS`, matched whole: a page
    line, a total row, an end-of-report line, a notice)."""
    return _FOOTER_RE.fullmatch(text) is not None


HEADING_PATTERN = r'[ \t"]*[A-Za-z][^0-9,;|\t\r\n"]{0,60}"?[ \t]*[,;|\t](?:[ \t"]*[,;|\t])+[ \t"\r]*'
"""A section heading written as a row: a few words in the first field, no digits, and every other field
empty (``Calls to mobiles,,,,,``: an itemised bill with one section per call kind, each under its heading
and its own header row). Not a call: no start, no party. Counted as ``heading`` in a file with a header."""

_HEADING_RE = re.compile(HEADING_PATTERN, re.ASCII)
_HEADING_LINE = re.compile(rb"(?m)^" + HEADING_PATTERN.encode() + rb"$")
_HEADING_RE2 = "(?m)^" + HEADING_PATTERN + "$"


def is_heading(text: str) -> bool:
    """True when the record ``text`` is a section heading (:data:`HEADING_PATTERN`, matched whole)."""
    return _HEADING_RE.fullmatch(text) is not None


def heading_offsets(block: bytes) -> list[int]:
    """Offsets of the lines of ``block`` (an ASCII-compatible encoding) that may be section headings: one
    RE2 pass (pyarrow) says whether there is any before Python's regex looks for where."""
    arr = pa.Array.from_buffers(pa.large_binary(), 1, [None, pa.py_buffer(
        pa.array([0, len(block)], pa.int64()).buffers()[1]), pa.py_buffer(block)])
    if not pc.match_substring_regex(arr, _HEADING_RE2)[0].as_py():
        return []
    return [m.start() for m in _HEADING_LINE.finditer(block)]


ANCHORS = (b"page", b"total", b"row", b"record", b"contin", b"more", b"propriet", b"confidential", b"internal",
           b"summe", b"gesamt", b"totaal", b"yhteens", b"i alt", b"i\talt")
"""Lower-case words one of which every footer holds (besides ``end of``): the candidate search."""

_END_OF = re.compile(rb"end[ \t]+of")
_ANY_ANCHOR = "|".join(w.decode() for w in ANCHORS) + "|end[ \t]+of"


def any_anchor(block: bytes) -> bool:
    """Whether ``block`` holds one of :data:`ANCHORS` or ``end of`` in any ASCII case: one pass of RE2
    (pyarrow) over the bytes, about twice as fast as the ten ``bytes.find`` scans it spares on a block
    without any (most blocks of call records). RE2 reads binary as Latin-1, whose case folding maps no
    byte above 127 onto an ASCII letter, so it says True wherever ``block.lower()`` holds a word (issue 20)."""
    arr = pa.Array.from_buffers(pa.large_binary(), 1, [None, pa.py_buffer(
        pa.array([0, len(block)], pa.int64()).buffers()[1]), pa.py_buffer(block)])
    return bool(pc.match_substring_regex(arr, _ANY_ANCHOR, ignore_case=True)[0].as_py())


_ANCHOR_POLARS = ("page|total|row|record|contin|more|propriet|confidential|internal|summe|gesamt|totaal|yhteens"
                  "|i[ \t]alt|end[ \t]+of")
_BLANK_BYTES = tuple(BLANK_CHARS.encode())

SQL_TYPE = (r"\"?[ \t]*(?:unsigned[ \t]+)?(?:integer|int|bigint|smallint|tinyint|int2|int4|int8|varchar2?|"
            r"nvarchar|char|nchar|character(?:[ \t]+varying)?|text|ntext|string|date|time|datetime2?|"
            r"timestamp(?:tz)?|boolean|bool|bit|float|double(?:[ \t]+precision)?|real|decimal|numeric|"
            r"number|money|uniqueidentifier|uuid|guid|blob|clob|binary|varbinary|long|serial|bigserial)"
            r"(?:[ \t]*\([ \t]*(?:[0-9]+|max)(?:[ \t]*,[ \t]*[0-9]+)?[ \t]*\))?(?:[ \t]+unsigned)?[ \t]*\"?")
"""One SQL column type, as a CUCM-style second header line writes it."""


def is_blank(text: str) -> bool:
    """True for a record of only spaces, tabs, form feeds (not longer than :data:`MAX_JUNK_CHARS`)."""
    return len(text) <= MAX_JUNK_CHARS and not text.strip(BLANK_CHARS)


@lru_cache(maxsize=16)
def _types_re(delimiter: str) -> re.Pattern:
    d = re.escape(delimiter)
    return re.compile(f"{SQL_TYPE}(?:{d}{SQL_TYPE})+", re.IGNORECASE | re.ASCII)


_RULE_CELL = re.compile(r"[ \t]*(?:-{2,}|={2,})[ \t]*")


def is_types_line(text: str, delimiter: str) -> bool:
    """True when ``text`` is a line of SQL column types (``INTEGER,VARCHAR(50),...``), two or more, or a
    rule of dashes under the header, one run per column (sqlcmd's ``-----|-----|---``, psql's
    ``----+----`` with ``|`` columns are not: only the file's own delimiter separates the runs): the
    header's underline, skipped (and counted) like a types line."""
    if _types_re(delimiter).fullmatch(text.strip()):
        return True
    cells = text.strip().split(delimiter)
    return len(cells) >= 2 and all(_RULE_CELL.fullmatch(c) for c in cells)


@dataclass(frozen=True)
class JunkRules:
    """What makes a record junk in one file.

    Attributes:
        header: the header line's text (its repeats are ``repeated_header``); None when headerless.
        header_types: the SQL types line after the header, if any (repeats are ``header_types``).
        banners: the banner lines before the header (repeats are ``banner``).
    """

    header: str | None = None
    header_types: str | None = None
    banners: tuple[str, ...] = ()

    @property
    def exact(self) -> dict[str, str]:
        """Exact record text -> reason. Texts with a replacement character are left out (their bytes are
        not known), so the planner and the worker decide them alike."""
        out: dict[str, str] = {}
        for text in self.banners:
            out[text] = "banner"
        if self.header_types:
            out[self.header_types] = "header_types"
        if self.header:
            out[self.header] = "repeated_header"
        return {t: r for t, r in out.items() if t and "\ufffd" not in t and len(t) <= MAX_JUNK_CHARS}

    def reason(self, text: str) -> str | None:
        """Why the record ``text`` (line end removed) is junk, or None when it is a record."""
        if len(text) > MAX_JUNK_CHARS:
            return None
        if not text.strip(BLANK_CHARS):
            return "blank"
        if not text.strip(EMPTY_ROW_CHARS):
            return "empty_row"
        exact = _exact_of(self)
        if text in exact:
            return exact[text]
        numbered = _numbered_banners(self)
        if numbered and _DIGITS.sub("#", text) in numbered:
            return "banner"  # the banner again on a later page or export, with that one's number
        if _FOOTER_RE.fullmatch(text):
            return "footer"
        if self.header and _HEADING_RE.fullmatch(text):
            return "heading"
        return None

    def candidate_offsets(self, block: bytes, encoding: str) -> list[int]:
        """Offsets in ``block`` (bytes of an ASCII-compatible encoding) where a junk record may lie: every
        junk record fully inside ``block`` holds one of them (records starting with a blank character
        are the caller's to add)."""
        out: list[int] = []
        if any_anchor(block):  # issue 20: one native pass says whether the ten scans below can find anything
            low = block.lower()
            for word in ANCHORS:
                at = low.find(word)
                while at != -1:
                    out.append(at)
                    at = low.find(word, at + 1)
            out.extend(m.start() for m in _END_OF.finditer(low))
        if self.header:
            out.extend(heading_offsets(block))
        for text in _search_bytes(self, encoding):
            at = block.find(text)
            while at != -1:
                out.append(at)
                at = block.find(text, at + 1)
        return out

    def to_json(self) -> str:
        """The rules as a JSON text (travels in the chunk descriptors)."""
        return json.dumps({"header": self.header, "header_types": self.header_types,
                           "banners": list(self.banners)})

    @staticmethod
    def from_json(text: str | None) -> "JunkRules | None":
        """Rules from :meth:`to_json`; None for None or an empty text."""
        if not text:
            return None
        return _from_json(text)


@lru_cache(maxsize=256)
def _from_json(text: str) -> JunkRules:
    d = json.loads(text)
    return JunkRules(d.get("header"), d.get("header_types"), tuple(d.get("banners") or ()))


_DIGITS = re.compile(r"[0-9]+")

MIN_FRAGMENT_CHARS = 8
"""A numbered banner is looked for by its longest run without digits, of at least this many characters."""


@lru_cache(maxsize=256)
def _numbered_banners(rules: JunkRules) -> frozenset[str]:
    """The file's banner lines that hold numbers, the numbers replaced by ``#`` (``Page 1 ... REPORT`` is
    ``Page # ... REPORT``, ``export 1 of 2`` is ``export # of #``): the same banner with other numbers, on
    a later page or in a second export, is junk too. Only banners with a long enough run without digits
    (:data:`MIN_FRAGMENT_CHARS`), which is how the planner finds them."""
    return frozenset(_DIGITS.sub("#", b) for b in rules.banners if _fragment(b))


def _fragment(banner: str) -> str | None:
    if not _DIGITS.search(banner):
        return None
    best = max(_DIGITS.split(banner), key=len)
    return best if len(best) >= MIN_FRAGMENT_CHARS else None


@lru_cache(maxsize=256)
def _fragments(rules: JunkRules) -> tuple[str, ...]:
    return tuple(f for f in (_fragment(b) for b in rules.banners) if f and "\ufffd" not in f)


@lru_cache(maxsize=256)
def _exact_of(rules: JunkRules) -> dict[str, str]:
    return rules.exact


@lru_cache(maxsize=256)
def _search_bytes(rules: JunkRules, encoding: str) -> tuple[bytes, ...]:
    """The texts the planner looks for in a block, encoded: the exact junk texts and the numbered
    banners' fragments (a text the encoding cannot write is left out)."""
    out = []
    for text in (*rules.exact, *_fragments(rules)):
        try:
            out.append(text.encode(encoding))
        except UnicodeEncodeError:
            continue
    return tuple(out)


def drop_junk(records: list[str], rules: JunkRules | None) -> tuple[list[str], dict[str, int]]:
    """Remove the junk records of a chunk (after its planned lead).

    Returns:
        The records that remain and the junk counted per reason.
    """
    if rules is None or not records:
        return records, {}

    s = pl.Series("r", records, dtype=pl.String)
    cand = s.str.to_lowercase().str.contains(_ANCHOR_POLARS) | s.str.contains(r"^[ \t\f\v\r,;|\"]")
    if rules.header:
        cand = cand | s.str.contains("^" + HEADING_PATTERN + "$")
    exact = list(_exact_of(rules))
    if exact:
        cand = cand | s.is_in(exact)
    for fragment in _fragments(rules):
        cand = cand | s.str.contains(fragment, literal=True)
    idx = np.flatnonzero(cand.fill_null(False).to_numpy())
    if not idx.size:
        return records, {}
    skipped: dict[str, int] = {}
    drop: set[int] = set()
    for i in idx.tolist():
        why = rules.reason(records[i])
        if why:
            skipped[why] = skipped.get(why, 0) + 1
            drop.add(i)
    if not drop:
        return records, {}
    return [r for i, r in enumerate(records) if i not in drop], skipped


BLANK_BYTES = tuple(EMPTY_ROW_CHARS.encode())
"""The byte values of :data:`EMPTY_ROW_CHARS` (a record starting with one is a blank-line or empty-row
candidate)."""
