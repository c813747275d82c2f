"""What a layout is: how one kind of export maps onto the canonical ``cdr`` table.

A :class:`Layout` is declarative: column names, the zone the times are written in, date and duration
formats, and the value maps that turn carrier descriptors into ``record_type`` and ``direction``. The
normaliser (``raybench.normalize.frame``) applies it to a batch; nothing here does work.
The built-in layouts are in :mod:`raybench.catalog`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

DurationUnit = Literal["seconds", "seconds_decimal", "mm_ss", "hh_mm_ss", "minutes", "ms", "hms_words",
                       "seconds_grouped"]
"""How a duration is written: integer seconds; decimal seconds (``137.0``); ``MM:SS`` (minutes may exceed 59); ``HH:MM:SS``; whole
billed minutes; integer milliseconds; hours, minutes and seconds in words (``2m 05s``, ``1h 3m``, ``45 sec``);
integer seconds with a comma between thousands (``"3,958"``, decided per file:
:func:`raybench.normalize.durations.comma_grouping`)."""


def tz_basis(tz_source: str) -> str:
    """How a zone was decided, from its ``tz_source`` text: ``stated`` (by the source's documentation or
    the file, e.g. a ``(UTC)`` column or epoch times), ``proven`` (by evidence in the file), ``--tz`` or
    ``assumed``."""
    for basis in ("assumed", "proven", "--tz"):
        if tz_source.startswith(basis):
            return basis
    return "stated"


@dataclass(frozen=True)
class StartSpec:
    """Where the start of a record is and how it is written.

    Attributes:
        column: the date (or combined date-time, or epoch) column.
        time_column: a separate time-of-day column, or None when ``column`` holds both.
        formats: strptime formats tried in order on ``"<date> <time>"`` (or on ``column`` alone).
        epoch: ``"s"``, ``"ms"`` or ``"us"`` when the column holds a Unix epoch (always UTC); ``"coredata"``
            when it holds Core Data seconds since 2001-01-01 UTC with a fraction (iOS ``ZDATE``);
            ``"excel_days"`` when it holds Excel serial date-times as numbers (days since 1899-12-30, the
            fraction the time of day: local time, read in the layout's zone like any local stamp); None
            otherwise.
        day_first_formats: when the source does not state the date order, the day-first reading of
            ``formats``; the driver decides per file, over the whole column, which one the file uses
            (:mod:`raybench.normalize.dates`). Empty when the order is known.
        year: for a source whose dates carry no year (Mitel SMDR's ``10/13``), the year they are read in
            (a banner's, else the file's other evidence): ``"<year> "`` is put before the text, and
            ``formats`` begin with ``%Y ``. None when the dates carry their year.
        zone_suffix: each start ends in its own zone (``07/15/2024 02:05:07 PM EDT``, ``... +0200``): the
            zone (:data:`raybench.normalize.times.ZONE_SUFFIX`) is cut off before ``formats`` are tried and
            each row's start is read in it.
        else_columns: columns that hold the start, in the same form, on the rows where ``column`` is
            empty, tried in order: a 3GPP TS 32.298 MSC dump gives a call's start in ``seizureTime`` and an
            SMS's in ``originationTime`` (MO) or ``deliveryTime`` (MT), each empty on the other records.
    """

    column: str
    time_column: str | None = None
    formats: tuple[str, ...] = ()
    epoch: Literal["s", "ms", "us", "coredata", "excel_days"] | None = None
    day_first_formats: tuple[str, ...] = ()
    year: int | None = None
    zone_suffix: bool = False
    else_columns: tuple[str, ...] = ()

    @property
    def day_first(self) -> bool:
        """True when the day-first reading was chosen for the file (its formats are the day-first ones)."""
        return bool(self.day_first_formats) and self.formats == self.day_first_formats


@dataclass(frozen=True)
class ValueMap:
    """Maps the raw values of one column to a canonical value.

    Attributes:
        column: source column.
        values: raw value (compared after stripping spaces) -> canonical value.
        default: canonical value for anything not in ``values``; None means "unmapped", which fails
            the ``record_type_known`` / ``direction_known`` rule.
    """

    column: str
    values: dict[str, str] = field(default_factory=dict)
    default: str | None = None


@dataclass(frozen=True)
class Layout:
    """One export layout (a carrier's or a switch's file format).

    Attributes:
        id: layout id, e.g. ``att_mobility_voice``.
        carrier: producing system (one of ``raybench.schema.CARRIERS``).
        kind: ``"cdr"`` for call records, ``"cell_sites"`` for a tower list, ``"not_cdr"`` for records
            that are recognised but are not calls (Cisco CMR call-quality records): counted in ``files``
            (``lines_skipped``), never stored in ``cdr``.
        columns: source column names in file order (for headerless files, the names this layout gives
            the positions).
        has_header: whether the first record is a header line.
        delimiter: field separator (one character).
        skip_initial_space: True for ``", "`` separated files (a space after each separator).
        field_counts: accepted numbers of fields per record; others are quarantined as ragged.
        header_aliases: extra normalised header spellings that identify this layout.
        header_required: for exports whose column set grows with each release (Cisco CUCM), the column
            names a header must contain (in any order, among others) to be this layout; the file's own
            header then gives the columns. Empty for layouts matched by their whole header.
        probe: for headerless layouts, column index -> regular expression the first records must match.
        start: where the start time is (None for cell-site lists).
        tz: IANA zone the times are written in (``UTC`` when the source is UTC).
        tz_source: where the zone assumption comes from (a document, or "assumed").
        duration_column, duration_unit: the duration and how it is written; None when there is none.
        caller, callee: A-number and B-number columns, when the file names them so.
        callee_else: a second column holding the B-number on the rows where ``callee`` is empty (an SMDR
            record writes the digits dialed on calls out and the called extension on calls in).
        subscriber, partner: when the file has the target's number and the other party instead; the
            direction decides which is the caller.
        dialed: dialed-digits column, if any.
        display_name_parties: party cells may be a display name with the number in brackets
            (``Alice Moreau (101)``, ``"Bob" <2125550123>``: phone systems' call-history exports); the
            number is read, the name dropped (:data:`DISPLAY_NAME_PARTY`).
        dialed_annotation: suffix that marks a dialed number written inside a party cell (AT&T ``(D)``,
            on a second line of the originating-number cell).
        record_type, direction: value maps from carrier descriptors.
        direction_internal: ``(column, value)``: where the column holds the value the call is
            ``internal``, whatever the direction column says (Avaya SMDR ``Is Internal`` = 1).
        region: default region for national numbers (``US``), None when the numbering plan is unknown.
        region_cc_column: a column holding the country calling code to read national numbers with.
        not_nanp: with ``region`` None, the file's own numbers show they are not North American (the
            generic reader's profile): a ten-digit number of North American shape among them is a national
            number as written, not in doubt (``number_unresolved``).
        numbers_are_msisdn: False for layouts whose party ids are pseudonyms (bandicoot), so the number
            rules do not apply.
        pbx_parties: a phone system's log: a party may be an extension, a dialplan target, an IP address
            or a SIP URI (:data:`raybench.validate.rules.PBX_PARTY_PATTERN`), stored as written.
        voicemail_prefix: a called-number prefix meaning "rolled to voicemail" (Sprint ``11``).
        imsi, imei, lac, cell_id: columns, if any.
        sector_from_cell: True when the first digit of the cell number is the sector (Sprint).
        lat, lon: columns with the cell's coordinates in degrees, if any.
        end_column: an end date-time column written like the start (Sprint ``END_DATE``).
        duration_empty_unanswered: the source leaves the duration empty on a call never answered (3CX's
            CDR service): an empty duration stays empty, never the end minus the start (the ringing time).
        end_time_of_day: the end column holds only the time of day while the start is a date column and
            a time column (NEC SMDR ``START``/``END``): the end is on the start's date, or the next day when
            it reads earlier than the start (a call past midnight).
        zone_evidence: ``(column, kind)`` of a column whose values prove the zone of the local start
            times: ``"epoch_prefix"`` (the integer part is the Unix time at the start, Asterisk
            ``uniqueid``), ``"uuid_v1"`` (a time-based UUID minted at the start, FreeSWITCH ``uuid``).
        tz_column: a column naming each row's own zone (an IANA name, ``UTC``/``GMT`` or a UTC offset:
            :func:`raybench.normalize.times.row_zone`): each row's local start is read in its zone; a row
            whose cell names none is read in ``tz`` and flagged ``zone_row_read``. Set by the value
            profile (:func:`raybench.profile.zones.find_row_zone_column`).
        leg: ``(column, regular expression)``: the column naming the far end of a leg and the pattern
            whose group 1 is the name without a per-channel sequence (Asterisk ``SIP/1001-0000005d`` ->
            ``SIP/1001``); stored as ``cdr.leg_ref``.
        unmapped: canonical ``cdr`` columns this layout's source fills but this file's mapping (by the
            models) found no column for: empty on every row, flagged ``unmapped_<column>``.
        guessed: canonical ``cdr`` columns filled from a column the models mapped with low confidence
            (:data:`raybench.classify.fields.GUESS_BELOW`): every row flagged ``guessed_<column>``.
        row_flags: ``(flag id, column, regular expression)``: rows whose column matches get the flag
            (Cisco recording legs); the flag ids are in :data:`raybench.validate.rules.ROW_FLAG_FIELDS`.
        party_ends_lines: fixed-width text whose lines mostly end inside the last column a call is read
            from, a party column (trailing blanks trimmed after numbers of varying length: NEC SMDR
            ``DIALED/CLI`` before an empty ``ACCOUNT``): a line ending there is whole, not a number cut
            short (decided per file by :func:`raybench.classify.aligned.share_ending_inside`).
        positions: for fixed-width text, ``(start, end)`` character offsets of each column of
            ``columns`` (0-based, end exclusive); empty for delimited layouts.
        source: where the format facts come from.
    """

    id: str
    carrier: str
    columns: tuple[str, ...]
    kind: Literal["cdr", "cell_sites", "not_cdr"] = "cdr"
    has_header: bool = True
    delimiter: str = ","
    skip_initial_space: bool = False
    field_counts: tuple[int, ...] = ()
    header_aliases: tuple[tuple[str, ...], ...] = ()
    header_required: tuple[str, ...] = ()
    probe: dict[int, str] = field(default_factory=dict)
    start: StartSpec | None = None
    tz: str = "UTC"
    tz_source: str = "assumed"
    duration_column: str | None = None
    duration_unit: DurationUnit = "seconds"
    caller: str | None = None
    callee: str | None = None
    callee_else: str | None = None
    subscriber: str | None = None
    partner: str | None = None
    dialed: str | None = None
    dialed_annotation: str | None = None
    display_name_parties: bool = False
    record_type: ValueMap | None = None
    direction: ValueMap | None = None
    direction_internal: tuple[str, str] | None = None
    region: str | None = "US"
    region_cc_column: str | None = None
    not_nanp: bool = False
    numbers_are_msisdn: bool = True
    pbx_parties: bool = False
    voicemail_prefix: str | None = None
    imsi: str | None = None
    imei: str | None = None
    lac: str | None = None
    cell_id: str | None = None
    sector_from_cell: bool = False
    lat: str | None = None
    lon: str | None = None
    end_column: str | None = None
    end_time_of_day: bool = False
    duration_empty_unanswered: bool = False
    party_ends_lines: bool = False
    positions: tuple[tuple[int, int], ...] = ()
    zone_evidence: tuple[str, str] | None = None
    tz_column: str | None = None
    leg: tuple[str, str] | None = None
    unmapped: tuple[str, ...] = ()
    guessed: tuple[str, ...] = ()
    row_flags: tuple[tuple[str, str, str], ...] = ()
    source: str = ""

    @property
    def fixed_width(self) -> bool:
        """True when the records are fixed-width text cut at :attr:`positions`."""
        return bool(self.positions)

    @property
    def record_chars(self) -> int:
        """Characters a fixed-width record must have to hold every column but the last (the last one
        may be cut short by trailing spaces removed); 0 for delimited layouts."""
        return max((start for start, _ in self.positions), default=0) + 1 if self.positions else 0

    @property
    def accepted_field_counts(self) -> tuple[int, ...]:
        """Field counts a record may have; defaults to the number of columns."""
        return self.field_counts or (len(self.columns),)

    @property
    def dialect(self) -> str:
        """Short text of the dialect, e.g. ``',' header`` (recorded in ``files.dialect``)."""
        if self.positions:
            return f"fixed-width {'header' if self.has_header else 'no header'}"
        sep = self.delimiter + " " if self.skip_initial_space else self.delimiter
        sep = {"\t": "\\t"}.get(sep, sep)
        return f"'{sep}' {'header' if self.has_header else 'no header'}"

    @property
    def tz_assumed(self) -> bool:
        """True when the zone is an assumption (no source states it, the file does not prove it)."""
        return self.tz_source.startswith("assumed")

    @property
    def tz_basis(self) -> str:
        """How the zone was decided (:func:`tz_basis`)."""
        return tz_basis(self.tz_source)

    def with_tz(self, tz: str) -> "Layout":
        """This layout with another zone (``--tz``) when its zone is only assumed; a zone the source
        states or the file proves is kept."""
        if not self.tz_assumed:
            return self

        return replace(self, tz=tz, tz_source="--tz")


DISPLAY_NAME_PARTY = r"^[^()<>]*[^\W\d_][^()<>]*[(<]\s*(\+?\d[\d\s\-.]{1,20})\s*[)>]\s*$"
"""A party written as a display name with its number in brackets: group 1 is the number (a name holds a
letter; ``(312) 555-0101`` alone is a number, not a display name)."""
