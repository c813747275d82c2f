"""Carrier bill layouts for PDF bills as the carriers print them: data, read by :mod:`raybench.read.pdf_bills`.

A bill is not one table with a header line naming every column (the layout
:mod:`raybench.read.pdf` reads). Its usage tables carry part of each record in lines around the rows:
the day in a heading or on a day's first row only, the year in the bill period, the subscriber in the
line's section heading, the zone in a note. A :class:`BillLayout` says how each of those is printed
(regular expressions over a line's words joined by single spaces) and which :class:`BillSection`
tables it has; the reader keeps the carried state and emits one record per row in
:data:`BILL_COLUMNS`, which the bill's canonical :class:`~raybench.layout.Layout` maps like any other
export.

Sources: ../shared/reference/carrier-formats.md 1.4a (AT&T wireless "Call Detail", T-Mobile
``TALK``/``TEXT``/``DATA``), read off public sample bills. Where 1.4a does not state a fact (the
wording of the bill period and the line headings, the columns of the text and data tables, T-Mobile's
page header) the fact is marked ``assumed`` below and was chosen to be close to the printed bills.
"""

from __future__ import annotations

from dataclasses import dataclass

from raybench.layout import Layout, StartSpec, ValueMap

BILL_COLUMNS = ("Line", "Date", "Time", "Direction", "Number", "Description", "Kind", "Min", "Read")
"""``Read`` is ``ocr`` for a row read from a scanned page's OCR text (flag ``ocr_text``), else empty."""

OCR_FLAG = (("ocr_text", "Read", r"^ocr$"),)
"""The row flag of rows read through OCR (:attr:`raybench.layout.Layout.row_flags`)."""
"""The cells of one bill record, as the reader emits them: the subscriber line (from the section
heading), the date (``YYYY-MM-DD``: the carried day with the year from the bill period), the time as
printed, the direction descriptor, the other party, the place or description, the record-type
descriptor (the row's type cell, else the section's name) and the minutes."""

MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
"""Month by the first three letters of its English name."""

ZONES = {"pacific": "America/Los_Angeles", "mountain": "America/Denver", "central": "America/Chicago",
         "eastern": "America/New_York", "alaska": "America/Anchorage", "hawaii": "Pacific/Honolulu"}
"""IANA zone by the US zone name a bill's note states ("corresponds to Pacific Time (PST/PDT)")."""

_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_PERIOD_WORDS = r"(?:Bill(?:ing)? [Pp]eriod|Billing [Cc]ycle|Service [Pp]eriod|Statement [Pp]eriod)"

BILL_PERIODS = (
    rf"{_PERIOD_WORDS}:? (?P<m1>{_MON}) (?P<d1>\d{{1,2}})(?:, (?P<y1>\d{{4}}))? ?(?:-|–|to|through) ?"
    rf"(?P<m2>{_MON}) (?P<d2>\d{{1,2}}), (?P<y2>\d{{4}})",
    rf"{_PERIOD_WORDS}:? (?P<n1>\d{{1,2}})/(?P<d1>\d{{1,2}})/(?P<y1>\d{{2,4}}) ?(?:-|–|to|through) ?"
    rf"(?P<n2>\d{{1,2}})/(?P<d2>\d{{1,2}})/(?P<y2>\d{{2,4}})",
)
"""How a bill period is printed (searched anywhere in a line): ``Bill period: Dec 15, 2024 - Jan 14,
2025``, ``Billing period: Dec 15 - Jan 14, 2025`` or ``Bill Period: 12/15/24 - 01/14/25``. The year of
a bill's usage rows is printed only here (carrier-formats.md 1.4a, and issue 16); the wording is
assumed."""

ZONE_NOTE = r"(?:date and time|times?)\b.*\b(?P<zone>Pacific|Mountain|Central|Eastern|Alaska|Hawaii)\b Time"
"""A note stating the zone of the usage times: "The date and time corresponds to Pacific Time
(PST/PDT)." (T-Mobile, carrier-formats.md 1.4a)."""

USAGE_LIKE = r"\b\d{1,2}:\d{2} ?[AaPp][Mm]\b.*(?:\(\d{3}\) ?\d{3}-\d{4}|\b\d{3}[.-]\d{3}[.-]\d{4}\b)"
"""A line that reads like a call (a 12-hour time and a phone number): outside a known table it is
counted as ``unknown_table`` and makes the file ``suspect`` (a bill table the layout does not know)."""

WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
"""The weekday of a day heading (``Sunday, May 25``): checked against the date the bill period gives."""


@dataclass(frozen=True)
class BillSection:
    """One kind of usage table of a bill.

    Attributes:
        name: the record-type descriptor of the section's rows when they have no ``type`` cell
            (mapped by the layout's ``record_type`` value map).
        heading: regular expression (full match) of the section's title line; it resets the carried
            day.
        header: the column names as printed; their words may wrap over two lines (a line and the next
            together hold exactly these words).
        row: regular expression (full match) of one row. Named groups: ``date`` (a day's first row
            only), ``time``, ``dir`` (direction descriptor), ``number``, ``place`` (Description or
            Place Called), ``type`` (record-type descriptor), ``min`` (whole minutes); others (a rate
            type) are matched and not kept.
        direction: the direction descriptor of rows without a ``dir`` group: ``place`` to take the
            place cell (AT&T: ``INCOMI CL`` means incoming), or a fixed descriptor.
        end: regular expression (full match) of the totals line that closes the table.
        source: where the facts come from.
    """

    name: str
    heading: str
    header: tuple[str, ...]
    row: str
    direction: str
    end: str
    source: str


@dataclass(frozen=True)
class BillLayout:
    """How one carrier prints its bill's usage detail.

    Attributes:
        layout: the canonical layout of the records (columns :data:`BILL_COLUMNS`).
        sections: the usage tables.
        line_heading: regular expression (full match) of the heading of a subscriber line's section;
            group ``line`` is the line's number.
        day_heading: regular expression (full match) of a day heading before that day's rows (groups
            ``month``, ``day`` and optionally ``weekday``), or None when the date is a row's ``date``
            cell.
        row_date: how a row's ``date`` cell or a day heading writes the day: ``"%b %d"`` style, month
            name then day.
        page_header, page_footer: regular expressions (searched) of the lines printed on every page.
        continued: regular expressions (full match) of the markers of a table split across pages.
        zone_note: regular expression (searched) of the note stating the zone (group ``zone``), or None.
        source: where the facts come from.
    """

    layout: Layout
    sections: tuple[BillSection, ...]
    line_heading: str
    day_heading: str | None
    page_header: tuple[str, ...]
    page_footer: tuple[str, ...] = ()
    continued: tuple[str, ...] = ()
    zone_note: str | None = ZONE_NOTE
    source: str = ""

    @property
    def id(self) -> str:
        return self.layout.id


_TIME12 = r"\d{1,2}:\d{2}[ap]m"
_DOTTED = r"\d{3}\.\d{3}\.\d{4}"
_MONEY = r"-?\$?\d[\d,]*\.\d{2}"

ATT_BILL_LAYOUT = Layout(
    id="att_wireless_bill",
    carrier="att",
    columns=BILL_COLUMNS,
    row_flags=OCR_FLAG,
    start=StartSpec("Date", "Time", ("%Y-%m-%d %I:%M%p",)),
    tz="America/New_York",
    tz_source="assumed: the AT&T bill does not state the zone of its call times (carrier-formats.md "
              "1.4a); a zone note on the bill, or --tz, replaces it",
    duration_column="Min",
    duration_unit="minutes",
    subscriber="Line",
    partner="Number",
    record_type=ValueMap("Kind", {"Call Detail": "voice", "Text Message": "sms", "Pict Video MSG": "mms",
                                  "Data Detail": "data"}),
    # Place Called is a city or a pseudo-place: INCOMI CL is an incoming call, Toll F CL a toll-free
    # call (outgoing), any city an outgoing call; texts are Sent/Rcvd; a data session is the handset's
    direction=ValueMap("Direction", {"INCOMI CL": "incoming", "Rcvd": "incoming", "Sent": "outgoing",
                                     "data": "outgoing"}, default="outgoing"),
    source="carrier-formats.md 1.4a (AT&T wireless bill, Call Detail): day headings, 12-hour times "
           "without a space, dotted numbers, INCOMI CL / Toll F CL pseudo-places, whole minutes",
)

ATT_WIRELESS_BILL = BillLayout(
    layout=ATT_BILL_LAYOUT,
    sections=(
        BillSection(
            name="Call Detail",
            heading=r"Call Detail",
            header=("Time", "Place Called", "Number Called", "Rate Code", "Feature Code", "Min",
                    "Airtime Charges", "LD/Addl Charges"),
            row=rf"(?P<time>{_TIME12}) (?P<place>.+?) (?P<number>{_DOTTED}|\d{{3,15}}) (?:[A-Z0-9]{{2,6}} ){{0,2}}"
                rf"(?P<min>\d+) {_MONEY} {_MONEY}",
            direction="place",
            end=r"Total for Call Detail\b.*",
            source="carrier-formats.md 1.4a: columns, header words wrapped over two lines, 'Total for "
                   "Call Detail'; rate and feature codes (WIFI, SDDV) optional",
        ),
        BillSection(
            name="Text Message",
            heading=r"Text(?: Message)? Detail",
            header=("Time", "To/From", "Number", "Type", "Sent/Rcvd", "Charges"),
            row=rf"(?P<time>{_TIME12}) (?P<place>.+?) (?P<number>{_DOTTED}|\d{{3,15}}) "
                rf"(?P<type>Text Message|Pict Video MSG|[A-Z][A-Za-z ]+?) (?P<dir>Sent|Rcvd) {_MONEY}",
            direction="dir",
            end=r"Total for Text(?: Message)? Detail\b.*",
            source="carrier-formats.md 1.4a names Sent/Rcvd, 'Text Message', 'Pict Video MSG'; the column "
                   "names and the heading are assumed",
        ),
        BillSection(
            name="Data Detail",
            heading=r"Data Detail",
            header=("Time", "Description", "Type", "Kilobytes", "Charges"),
            row=rf"(?P<time>{_TIME12}) (?P<place>.+?) (?P<rate>Data) [\d,]+ {_MONEY}",
            direction="data",
            end=r"Total for Data Detail\b.*",
            source="carrier-formats.md 1.4a names the 'Data Detail' section; its columns are assumed",
        ),
    ),
    line_heading=rf"(?:[A-Za-z ]+ - )?(?P<line>{_DOTTED}) [A-Z][A-Za-z0-9 .,'&-]*",
    day_heading=rf"{WEEKDAY}, (?P<month>{_MON}) (?P<day>\d{{1,2}})",
    page_header=(r"\bPage: ?\d+(?: of \d+)?", r"\bIssue Date:", r"\bAccount Number:", r"\bInvoice:"),
    page_footer=(r"^Page \d+ of \d+$",),
    source="carrier-formats.md 1.4a (AT&T wireless bill); the line heading '<dotted number> <NAME>' "
           "is assumed",
)

_PAREN = r"\(\d{3}\) \d{3}-\d{4}"
_TIME12S = r"\d{1,2}:\d{2} [AP]M"
_DAY = rf"(?:(?P<date>{_MON} \d{{1,2}}) )?"

TMOBILE_BILL_LAYOUT = Layout(
    id="tmobile_bill",
    carrier="tmobile",
    columns=BILL_COLUMNS,
    row_flags=OCR_FLAG,
    start=StartSpec("Date", "Time", ("%Y-%m-%d %I:%M %p",)),
    tz="America/Los_Angeles",
    tz_source="assumed: T-Mobile bills state Pacific Time in a note (carrier-formats.md 1.4a); the "
              "bill's own note replaces this",
    duration_column="Min",
    duration_unit="minutes",
    subscriber="Line",
    partner="Number",
    record_type=ValueMap("Kind", {"TALK": "voice", "Text": "sms", "Picture": "mms", "DATA": "data"}),
    direction=ValueMap("Direction", {"IN": "incoming", "OUT": "outgoing", "data": "outgoing"}),
    source="carrier-formats.md 1.4a (T-Mobile bill, TALK/TEXT/DATA): first-row dates, IN/OUT in the "
           "time cell, (555) 010-0123 numbers, the zone in a note",
)

TMOBILE_USAGE_BILL = BillLayout(
    layout=TMOBILE_BILL_LAYOUT,
    sections=(
        BillSection(
            name="TALK",
            heading=r"TALK",
            header=("When", "Who", "Description", "Type", "Min", "Cost"),
            row=rf"{_DAY}(?P<time>{_TIME12S}) (?P<dir>IN|OUT) (?P<number>{_PAREN}|\d{{3,15}}) "
                rf"(?P<place>.+?) (?P<rate>[A-Z][A-Za-z0-9-]*) (?P<min>\d+) (?:-|{_MONEY})",
            direction="dir",
            end=r"Totals?:? TALK\b.*|Total talk\b.*",
            source="carrier-formats.md 1.4a: columns When, Who, Description, Type, Min, Cost; the date on "
                   "a day's first call only; IN/OUT in the time cell; Description 'Incoming' or "
                   "'to Gallup/NM'",
        ),
        BillSection(
            name="TEXT",
            heading=r"TEXT",
            header=("When", "Who", "Destination", "Type", "Cost"),
            row=rf"{_DAY}(?P<time>{_TIME12S}) (?P<dir>IN|OUT) (?P<number>{_PAREN}|\d{{3,15}}) "
                rf"(?P<place>.+?) (?P<type>Text|Picture|[A-Z][A-Za-z]+) (?:-|{_MONEY})",
            direction="dir",
            end=r"Totals?:? TEXT\b.*|Total text\b.*",
            source="carrier-formats.md 1.4a names the TEXT section; its columns (like TALK's, no Min) and "
                   "the Type values Text/Picture are assumed",
        ),
        BillSection(
            name="DATA",
            heading=r"DATA",
            header=("When", "Description", "Type", "MB", "Cost"),
            row=rf"{_DAY}(?P<time>{_TIME12S}) (?P<place>.+?) (?P<rate>[A-Z][A-Za-z-]*) [\d,]+(?:\.\d+)? "
                rf"(?:-|{_MONEY})",
            direction="data",
            end=r"Totals?:? DATA\b.*|Total data\b.*",
            source="carrier-formats.md 1.4a names the DATA section; its columns are assumed",
        ),
    ),
    line_heading=rf"(?:.*? )?(?P<line>{_PAREN}) \| Voice",
    day_heading=None,
    page_header=(r"^Account:? \d",),
    page_footer=(r"^Page:? \d+ of \d+$",),
    continued=(r"CONTINUES\.\.\.", r"\.\.\.CONTINUED"),
    source="carrier-formats.md 1.4a (T-Mobile bill); the page header lines are assumed",
)

BILL_LAYOUTS: tuple[BillLayout, ...] = (ATT_WIRELESS_BILL, TMOBILE_USAGE_BILL)
"""The bill layouts raybench reads, tried in this order when a PDF's table header is not a known export's."""


def bill_layout(layout_id: str) -> BillLayout:
    """The bill layout with this id (KeyError when none)."""
    return {b.id: b for b in BILL_LAYOUTS}[layout_id]
