"""A file of no known layout read by what its columns hold: the trade's column names and their values.

When no header rule, template, ruled report or model knows a file, its columns are still often plain:
a start, a duration, two parties. Each column is profiled from the sample's values (epoch seconds,
milliseconds or microseconds; date-times, dates and times of day in the profile's candidate formats;
durations as integers, decimals, ``MM:SS`` or ``H:MM:SS``; E.164, North American and exit-prefixed
numbers; extensions; direction words) and its header, if any, is read with the trade's vocabulary
(:data:`HEADER_WORDS`). A field goes to a column whose values can hold it; the name decides among such
columns, else the values do (the earliest of several stamps is the start; a duration the stamps confirm;
the first of two party columns is the A-number). Every field carries a confidence; a field under
:data:`raybench.classify.fields.GUESS_BELOW` puts its canonical columns in doubt on every row
(``guessed_<column>``), so a wrong guess is never stored without a flag.

Facts of the trade used here, with their sources in ../shared/reference/carrier-formats.md: call stamps
as Unix epoch seconds, always UTC, ``0`` when a call was never answered (1.8, CUCM; FreeSWITCH's
``*_epoch`` variables, 1.7); a duration written in seconds, milliseconds (1.9, R2D2 gateways), ``MM:SS``
with minutes past 59 (``mmm:ss``, 1.9, 2N gateways; 0.2), ``H:MM:SS`` or billed minutes with tenths
(0.2, billing exports); a failed call's cause word written in the duration column (1.9, 2N); a talk
time (``billsec``) next to a total time (``duration``) that is never smaller (1.5, 1.7, Asterisk and
FreeSWITCH); ``NPA NXX LINE`` is a North American number in three fields (1.9, ``detail.rpt``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from dataclasses import replace as _replace

import polars as pl

from raybench.classify.aligned import (
    ENDS_INSIDE_SHARE,
    aligned_sample,
    share_ending_inside,
)
from raybench.classify.descriptors import VOCABULARY
from raybench.classify.fields import CAMEL_BREAK, CANONICAL_OF, GUESS_BELOW, names_identifier
from raybench.classify.models import ColumnMapping, FileClassification, column_names
from raybench.classify.value_check import _date_only_formats
from raybench.identify.sniff import normalize_header
from raybench.layout import (
    DISPLAY_NAME_PARTY,
    DurationUnit,
    Layout,
    StartSpec,
    ValueMap,
)
from raybench.normalize.durations import comma_grouping
from raybench.normalize.frame import DIRECTION_BY_WORD, TRUNK_PATTERN
from raybench.normalize.numbers import TEL_URI
from raybench.normalize.times import (
    EPOCH_SCALE_US,
    ZONE_SUFFIX,
    excel_serial_naive,
    row_zone,
    states_offset,
    strptime_naive,
)
from raybench.profile.banner_zone import banner_zone
from raybench.profile.formats import (
    DURATION_UNITS,
    LEAP_YEAR,
    date_time_formats,
    read_counts_duration,
    read_counts_epoch,
    read_counts_start,
    second_clock,
    yearless_formats,
)
from raybench.read.fixed import key_columns
from raybench.read.junk import is_footer, is_heading

GENERIC_ID = "generic_cdr"
"""Layout id of a file read by its columns' names and values (``files.layout``)."""

HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "start": ("start", "begin", "started", "calldate", "call date", "date", "datetime", "date time", "timestamp",
              "when", "origination", "seizure", "setup", "start epoch", "start stamp", "start time", "start date",
              "conn date", "connect date", "call start", "date utc", "start utc", "starting date", "date and time",
              "datetimeorigination", "start date time", "start datetime", "event time", "date of call",
              "datum", "verbindungsdatum"),
    "start_time": ("time", "call time", "hour", "conn time", "time utc", "start hour", "time of call", "uhrzeit", "zeit", "beginn"),
    "end": ("end", "stop", "disconnect", "release", "hangup time", "end epoch", "end stamp", "end time", "ended",
            "end date", "datetimedisconnect", "end datetime"),
    "answer": ("answer", "answered", "answer epoch", "answer stamp", "answer time", "connect time", "connected",
               "datetimeconnect"),
    "duration": ("duration", "dur", "durat", "billsec", "billmsec", "bill sec", "billed", "talk", "talk time", "talking",
                 "talk duration", "talktime",
                 "secs", "seconds", "sec", "elapsed", "et", "length", "min", "mins", "minutes", "min t",
                 "usage", "call length", "airtime", "air time", "conversation", "duration sec", "duration s",
                 "duration ms", "duration min", "billable", "billed min", "call duration", "time used",
                 "dauer", "verbindungsdauer", "gespr chsdauer", "gespraechsdauer", "elapsed time"),
    "caller": ("from", "caller", "calling", "calling number", "calling nbr", "calling no", "src", "source",
               "a party", "a number", "anumber", "aparty", "a party number", "orig", "originating",
               "originating number", "origin", "clid", "ani", "caller id", "caller id number", "callerid",
               "caller number", "from number", "source number", "orig number", "callingpartynumber",
               "sender", "sender number", "sent from", "calling line id", "calling line", "cli",
               "calling party"),
    "callee": ("to", "called", "callee", "called number", "called nbr", "called no", "dst", "destination",
               "dest", "b party", "b number", "bnumber", "bparty", "b party number", "term", "terminating",
               "terminating number", "dnis", "destination number", "to number", "npa nxx line",
               "called party", "finalcalledpartynumber", "dest number", "target number",
               "recipient", "recipient number", "receiver", "sent to",
               "zielrufnummer", "zielnummer", "gew hlte rufnummer", "angerufene nummer"),
    "dialed": ("dialed", "dialled", "dialed number", "dialled number", "dialed digits", "number dialed",
               "digits"),
    "partner": ("from to", "number", "other party", "remote", "remote party", "party", "phone", "phone number",
                "counterpart", "correspondent", "correspondent id", "other number", "contact", "peer",
                "remote number", "far end", "dialed cli", "dialled cli", "digits cli"),
    "subscriber": ("msisdn", "subscriber", "target", "billed number", "station", "ext", "extension",
                   "own number", "local number", "user", "account number", "mobile number", "line number",
                   "service number", "service no", "service id", "mobile service number", "sta", "stn"),
    "direction": ("direction", "dir", "in out", "io", "call direction", "inout", "in or out", "orig term",
                  "mobile role", "role"),
    "record_type": ("type", "call type", "record type", "service", "usage type", "event", "event type", "kind",
                    "category", "rec type", "interaction", "service type", "type of call",
                    "verbindungsart"),
    "imsi": ("imsi",),
    "imei": ("imei",),
    "lac": ("lac", "location area", "location area code", "tac", "lac tac"),
    "cell_id": ("cell", "cell id", "cellid", "ci", "cgi", "bts", "site", "antenna", "antenna id", "tower",
                "cell site", "first cell", "cell tower", "cid", "eci", "cid eci"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "ignore": ("uuid", "id", "callid", "call id", "uniqueid", "unique id", "account", "accountcode",
               "account code", "cause", "hangup cause", "hangup cause id", "disposition", "status", "result",
               "name", "caller name", "caller id name", "place", "city", "location", "rc", "rate", "rate code",
               "cost", "amount", "charge", "charges", "price", "group", "groups", "trunk", "channel", "context",
               "codec", "ip", "conn", "ring", "ring time", "ringing", "ring duration", "wait", "queue", "item", "seq", "sequence", "page",
               "note", "notes", "userfield", "amaflags", "lastapp", "lastdata", "dstchannel", "comment",
               "bleg uuid", "sip user agent", "read codec", "write codec", "progresssec", "answersec",
               "waitsec", "country", "country code", "switch", "state", "zone", "plan", "feature", "tax",
               "azimuth", "address", "bearing", "port", "transport",
               "tarif", "betrag", "betrag eur", "preis", "kosten"),
}
"""Normalised column names (:func:`raybench.identify.sniff.normalize_header`) -> the field they name in
the trade's exports (the carrier, switch and research layouts of carrier-formats.md 1.1-1.10 and their
common respellings). A name not listed is read by its words: one that is a single-word entry of a field
(``Calling Nbr``: ``calling``) names that field with less confidence."""

_WORD_FIELD: dict[str, str] = {}
for _f, _names in HEADER_WORDS.items():
    for _n in _names:
        if " " not in _n:
            _WORD_FIELD.setdefault(_n, _f)

PARTY_FIELDS = ("caller", "callee", "dialed", "partner", "subscriber")

NAME_EXACT = 0.95
"""Confidence of a field whose column is named with one of its names and holds values it can have."""
NAME_WORD = 0.8
"""... named with one of its words."""
VALUES_STRONG = 0.85
"""A field proven by the values alone: the earliest of the stamps, a duration the stamps confirm."""
VALUES_ONLY = 0.65
"""A field the values alone point to, with nothing against it (one duration-like column)."""
BY_POSITION = 0.5
"""The A- and B-number of a file without names taken by their order (the trade's usual order, with
exceptions: bandicoot's Telenor sample writes ``B_PARTY`` first, carrier-formats.md 1.10): a guess."""

_PHONE = re.compile(r"^(?:\+\d{7,15}|(?:00|011)\d{7,15}|\d{10,15})$")
_NANP = re.compile(r"^(?:\+?1)?[2-9]\d{2}[2-9]\d{6}$")
_EXT_DIGITS = re.compile(r"^\d{2,6}$")
_NATIONAL_SHORT = re.compile(r"^[1-9]\d{7,8}$")
_SIP_USER = re.compile(r"^(?i:[a-z][a-z0-9_.-]{0,31}(?:@[\w.-]+)?|anonymous|unknown|private|restricted)$")
_SEPARATORS = re.compile(r"[\s\-.()]")
_INT = re.compile(r"^\d+$")
_DEC = re.compile(r"^\d+[.,]\d+$")
_MM_SS = re.compile(r"^\d+:[0-5]\d$")
_HH_MM_SS = re.compile(r"^\d+:[0-5]\d:[0-5]\d$")
_TIME_OF_DAY = re.compile(r"^([01]?\d|2[0-3])(?:[:.]?[0-5]\d([:.]?[0-5]\d(\.\d+)?)?(\s?[AaPp][Mm]?)?"
                          r"|h[0-5]\d(?:m[0-5]\ds?|:[0-5]\d)?)$")
"""A time of day: ``13:05``, ``13.05.07``, ``1:05 PM``, ``130507``; French ``13h05``, ``13h05m07s``."""
_TRUNK = re.compile(TRUNK_PATTERN)
"""A trunk id a phone system writes as the calling party of a call in from outside (Mitel SMDR ``T012``):
the system's own side, like an extension."""
_YEARLESS_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}$")
"""A date written without its year (``10/13``)."""
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_NULLS = frozenset({"", "-", "--", "na", "n/a", "null", "none"})
_MAY_BE_DATE = re.compile(r"\d[-/.]\d|\d:\d|^\d{6}(?:\d{2})?(?:\s|$)|^\d{14}(?:\.\d+)?$|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
"""A value the date formats are worth trying on (a separated date or time, six or eight digits, a month
name): the candidate formats are not tried on columns of names, codes or plain numbers."""
_ICCID = re.compile(r"^89\d{17,18}$")
"""A SIM card's ICCID (19 or 20 digits after the telecom industry prefix 89, ITU-T E.118): SIM gateways
write it where the SIM is a party (carrier-formats.md 1.9: R2D2 gateways' IMEI/IMSI/ICCID)."""


def _luhn(digits: str) -> bool:
    """The Luhn check an IMEI's 15th digit makes."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _norm(name: str) -> str:
    return normalize_header(name)


def name_field(name: str | None) -> tuple[str | None, float]:
    """The field a column name names in the trade's vocabulary and how surely: ``(field, 1.0)`` for a
    listed name, ``(field, 0.6)`` for a name holding one listed word (the first such word), else
    ``(None, 0.0)``. ``Duration (ms)`` -> ``('duration', 0.6)``; ``From/to`` -> ``('partner', 1.0)``."""
    if not name:
        return None, 0.0
    spellings = [_norm(name)]
    folded = fold_accents(name)
    if folded != name and _norm(folded) not in spellings:  # Número destino, Duração: their unaccented words
        spellings.append(_norm(folded))
    camel = CAMEL_BREAK.sub(" ", name.strip())  # StartTime, DateCreated: web APIs' names, words run together
    if camel != name.strip():
        spellings.append(_norm(camel))
    for low in spellings:
        for f, names in HEADER_WORDS.items():
            if low in names:
                return f, 1.0
    for low in spellings:
        hits = [_WORD_FIELD[w] for w in low.split() if w in _WORD_FIELD]
        if hits:
            words = [w for w in low.split() if w in _WORD_FIELD]
            # a vague word (``Tower``, ``Number``) beside a more specific one: the specific one names it.
            # ``1st Tower LAC/TAC`` is the tower's location area, ``1st Tower Azimuth`` no cell id at all,
            # ``Number called`` the B-number; of several specific words, the last (the head of an English
            # noun phrase): ``Source Port`` and ``Dest IP`` are not parties, ``User Location`` no user
            specific = [f for w, f in zip(words, hits) if w not in VAGUE_WORDS]
            return (specific[-1] if specific else hits[0]), 0.6
    return None, 0.0


_UNDECOMPOSED = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "ð": "d",
                               "þ": "th", "œ": "oe", "Œ": "Oe", "ł": "l", "Ł": "L"})
"""Letters NFKD does not split into a base letter and a mark (Danish/Norwegian ``æ ø``, German ``ß``),
spelled as their languages spell them without them (``Klokkeslæt`` -> ``Klokkeslaet``, ``Beløb`` ->
``Belob``)."""




def fold_accents(name: str) -> str:
    """``name`` with its letters' accents removed (``Número`` -> ``Numero``, ``Duração`` -> ``Duracao``,
    ``Päivämäärä`` -> ``Paivamaara``, ``Klokkeslæt`` -> ``Klokkeslaet``): Unicode NFKD, combining marks
    dropped, and the letters of :data:`_UNDECOMPOSED` respelled. The normaliser turns a letter outside
    ASCII into a space, so the vocabulary of other languages' exports is listed unaccented and read
    this way."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSED))
                   if not unicodedata.combining(c))


ROMANCE_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "start": ("fecha", "fecha y hora", "fecha hora", "fecha inicio", "data e hora", "data hora", "data inicio",
              "date et heure", "date heure", "data ora"),
    "start_time": ("hora", "hora inicio", "heure", "ora"),
    "duration": ("duracion", "duracao", "duree", "durata", "tiempo", "duracion min", "duracion seg",
                 "duracao min", "duree min"),
    "caller": ("origen", "origem", "numero origen", "numero de origen", "numero origem", "numero de origem",
               "llamante", "chamador", "appelant", "numero appelant"),
    "callee": ("destino", "numero destino", "numero de destino", "numero llamado", "numero marcado",
               "numero chamado", "destinatario", "appele", "numero appele", "numero compose"),
    "record_type": ("tipo", "tipo de llamada", "tipo llamada", "tipo de chamada", "tipo chamada", "servicio",
                    "servico", "type d appel"),
    "ignore": ("importe", "valor", "coste", "costo", "precio", "tarifa", "montant", "prix", "cout"),
}
"""Column names of Spanish, Portuguese, French and Italian bills and call logs, unaccented
(:func:`fold_accents`), added to :data:`HEADER_WORDS` (``Fecha``, ``Hora``, ``Número destino``, ``Tipo de
llamada``, ``Duración (min)``, ``Importe (€)``; ``Origem``, ``Destino``, ``Duração``)."""
for _f, _names in ROMANCE_HEADER_WORDS.items():
    HEADER_WORDS[_f] = HEADER_WORDS[_f] + tuple(n for n in _names if n not in HEADER_WORDS[_f])
    for _n in _names:
        if " " not in _n:
            _WORD_FIELD.setdefault(_n, _f)


GERMANIC_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "start": ("datum uhrzeit", "datum und uhrzeit", "datum zeit", "startzeit", "anrufzeit", "zeitpunkt",
              "datum tijd", "datum en tijd", "starttijd", "paivamaara", "pvm", "alkamisaika", "aloitusaika",
              "datum tid", "starttid", "dato", "dato tid", "dato og tid", "dato og klokkeslaet",
              "dato klokkeslett"),
    "start_time": ("tijd", "tijdstip", "begintijd", "kellonaika", "klo", "aika", "tid", "klockslag",
                   "klokkeslaet", "klokkeslett", "tidspunkt", "kl"),
    "duration": ("gesprachsdauer", "anrufdauer", "dauer sek", "dauer min", "duur", "gespreksduur", "belduur",
                 "kesto", "puhelun kesto", "kesto min", "langd", "samtalstid", "varaktighet", "samtalslangd",
                 "varighed", "varighet", "samtaletid", "varighed min sek", "varighet min sek"),
    "caller": ("anrufer", "rufnummer anrufer", "von", "beller", "afzender", "soittaja", "lahettaja", "fran",
               "uppringare", "avsandare", "fra", "opkalder", "afsender", "anroper", "avsender"),
    "callee": ("ziel", "nach", "gebeld nummer", "nummer gebeld", "bestemming", "ontvanger", "naar",
               "vastaanottaja", "soitettu numero", "kohdenumero", "till", "mottagare", "uppringt nummer",
               "til", "modtager", "opkaldt nummer", "kaldt nummer", "mottaker", "oppringt nummer"),
    "partner": ("rufnummer", "nummer", "telefonnummer", "telefoonnummer", "numero", "puhelinnumero"),
    "record_type": ("typ", "anrufart", "dienst", "soort", "type gesprek", "tyyppi", "palvelu", "laji",
                    "samtalstyp", "tjanst", "opkaldstype", "tjeneste", "samtaletype"),
    "ignore": ("gebuhr", "gebuhren", "entgelt", "bedrag", "prijs", "tarief", "hinta", "summa", "veloitus",
               "maksu", "hinta eur", "pris", "belopp", "kostnad", "avgift", "belob", "belob kr", "takst",
               "belop", "belop kr", "pris kr", "kosten eur"),
}
"""Column names of German, Dutch, Finnish, Swedish, Danish and Norwegian bills and call logs, folded
(:func:`fold_accents`: ``Päivämäärä`` ``paivamaara``, ``Klokkeslæt`` ``klokkeslaet``, ``Beløb (kr.)``
``belob kr``), added to :data:`HEADER_WORDS` (``Gesprächsdauer``, ``Gebeld nummer``, ``Kellonaika``,
``Kesto``, ``Samtalstid``, ``Varighed (min:sek)``, ``Nummer``)."""
for _f, _names in GERMANIC_HEADER_WORDS.items():
    HEADER_WORDS[_f] = HEADER_WORDS[_f] + tuple(n for n in _names if n not in HEADER_WORDS[_f])
    for _n in _names:
        if " " not in _n:
            _WORD_FIELD.setdefault(_n, _f)


RADIUS_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "start": ("h323 setup time", "setup time"),
    "answer": ("h323 connect time",),
    "end": ("h323 disconnect time", "disconnect time"),
    "duration": ("acct session time",),
    "caller": ("calling station id",),
    "callee": ("called station id",),
    "ignore": ("acct session id", "acct status type", "nas ip address", "user name", "event timestamp",
               "h323 disconnect cause", "h323 conf id", "acct unique session id", "record time"),
}
"""RADIUS accounting attributes (RFC 2865/2866: ``Calling-Station-Id``, ``Called-Station-Id``,
``Acct-Session-Time`` in seconds) and Cisco's H.323 VSAs (``h323-setup-time``, ``h323-connect-time``,
``h323-disconnect-time``), as FreeRADIUS detail files name them (:mod:`raybench.read.attribute_blocks`)."""
for _f, _names in RADIUS_HEADER_WORDS.items():
    HEADER_WORDS[_f] = HEADER_WORDS[_f] + tuple(n for n in _names if n not in HEADER_WORDS[_f])


VAGUE_WORDS = frozenset({"tower", "cell", "site", "antenna", "bts", "number", "party", "time", "date",
                         "numero", "nummer", "rufnummer", "tid", "aika", "timestamp"})
"""Words naming what a column is about rather than what it holds of it (``Tower LAT``, ``Number called``,
``Nummer gebeld``): a name's other field word, if any, says the field (:func:`name_field`)."""


"""Where a camelCase/PascalCase name's next word begins (``StartTime`` -> ``Start Time``)."""


@dataclass
class ColumnProfile:
    """What one column's sampled values are.

    Attributes:
        name: the column name (``colN`` when headerless).
        index: its position.
        values: the non-empty values.
        epoch: ``(unit, share)`` of values that read as Unix epochs (``0`` left out), or None.
        datetime: ``(format, share)`` of the best date-time format, or None.
        date: ``(format, share)`` of the best date-only format, or None.
        time_share: share of times of day.
        duration: ``(unit, share)`` of the best duration reading, or None.
        phone_share, ext_share, sip_share: shares of phone numbers, digit extensions, SIP users/words.
        nanp_share: share of phone numbers that are North American.
        same_length: share of values of the commonest length.
        distinct: distinct values.
        direction_share, directions: share of values read as a direction word, and the directions read.
        uuid_share: share of UUIDs.
        display_share: share of display-name parties (``Alice Moreau (101)``, :data:`_DISPLAY_NAME`).
        sim_share: share of SIM ICCIDs (a SIM gateway's own party).
        id15_share, plmn_share, luhn_share: shares of 14-16 digit identifiers, of those sharing one
            5-digit prefix that can be an MCC+MNC (an IMSI column of one network), of 15-digit values
            passing the Luhn check (IMEIs).
        yearless_share: share of dates written without their year (``10/13``).
        trunk_share: share of trunk ids written as the party (``T012``: :data:`_TRUNK`).
        national_share: share of 8- or 9-digit numbers (national numbers of Spain, Belgium, Norway ...
            written without a trunk prefix: ``612 555 012``); read as parties only in a column named so.
        zone_suffix: the date-times end in their zone (``... PM EDT``): ``datetime`` is read without it.
        serial_share, serial_fraction: shares of Excel serial date-times written as numbers in a call's
            plausible range (``45427.433518519``: :func:`raybench.normalize.times.excel_serial_naive`) and
            of those with a time of day (a fraction).
        named: the field the column's name names and how surely (:func:`name_field`).
    """

    name: str
    index: int
    values: list[str]
    epoch: tuple[str, float] | None = None
    datetime: tuple[str, float] | None = None
    date: tuple[str, float] | None = None
    time_share: float = 0.0
    duration: tuple[DurationUnit, float] | None = None
    phone_share: float = 0.0
    ext_share: float = 0.0
    sip_share: float = 0.0
    nanp_share: float = 0.0
    same_length: float = 0.0
    distinct: int = 0
    direction_share: float = 0.0
    directions: frozenset[str] = frozenset()
    uuid_share: float = 0.0
    display_share: float = 0.0
    sim_share: float = 0.0
    id15_share: float = 0.0
    plmn_share: float = 0.0
    luhn_share: float = 0.0
    yearless_share: float = 0.0
    trunk_share: float = 0.0
    national_share: float = 0.0
    zone_suffix: bool = False
    serial_share: float = 0.0
    serial_fraction: float = 0.0
    named: tuple[str | None, float] = (None, 0.0)

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def party_share(self) -> float:
        return self.phone_share + self.ext_share + self.sim_share + self.trunk_share


def _best(counts: dict[str, int], n: int) -> tuple[str, float] | None:
    if not counts or not n:
        return None
    best = max(counts, key=lambda k: counts[k])  # the first of the best: the candidates' order
    return best, counts[best] / n


def _direction_of(value: str) -> str | None:
    """The direction a value's words say, as the normaliser reads them (:func:`raybench.normalize.frame.
    mapped_value`): the whole value, else its first word, else its last (``SMS MO``), or None."""
    low = value.strip().lower()
    first, last = re.match(r"^([a-z]+)", low), re.search(r"([a-z]+)$", low)
    for key in (low, first and first.group(1), last and last.group(1)):
        if key and key in DIRECTION_BY_WORD:
            return DIRECTION_BY_WORD[key]
    return None


_DISPLAY_NAME = re.compile(DISPLAY_NAME_PARTY)
"""A party written as a display name with its number in brackets (``Alice Moreau (101)``,
``WIRELESS CALLER (+14155550125)``, ``"Bob" <2125550123>``: phone systems' call-history exports)."""


_MASKED = re.compile(r"^(\+?\d{4,})([xX*#]{1,6})$")
"""A number whose last digits are masked (``030555012xxx``: German itemised bills, privacy redaction)."""


_URI_NUMBER = re.compile(r"^(?:sips?:)?(\+?\d{3,15})@[\w.-]+(?:;[\w.-]+(?:=[\w.-]+)?)*$")
"""A SIP URI whose user part is a number (``+13125550123@sip.example``, ``sip:3125550123@203.0.113.20``:
SBC and SIP proxy records; with URI parameters too: ``+13125550123@sip.example;user=phone``): profiled by
the number (stored as written)."""


def _number_of_display(value: str) -> str:
    """The number inside a display-name party (:data:`_DISPLAY_NAME`), a SIP URI (:data:`_URI_NUMBER`) or a
    ``tel:`` URI, a masked number with its masked digits as zeros (:data:`_MASKED`), else ``value``: the
    column's values are profiled by it (the value is
    stored as written)."""
    found = _DISPLAY_NAME.match(value)
    if found:
        return found.group(1)
    uri = TEL_URI.fullmatch(value) or _URI_NUMBER.match(value)
    if uri:  # tel:+13125550125 (RFC 3966) or sip:3125550123@host: the number, as the normaliser reads it
        return uri.group(1)
    masked = _MASKED.match(value)
    return masked.group(1) + "0" * len(masked.group(2)) if masked else value


def profile_column(name: str, index: int, raw: list[str]) -> ColumnProfile:
    """Profile one column from its sampled values (see :class:`ColumnProfile`)."""
    values = [v.strip() for v in raw if v.strip().lower() not in _NULLS]
    p = ColumnProfile(name, index, values, named=name_field(None if re.fullmatch(r"col\d+", name) else name))
    if not values:
        return p
    n = len(values)
    series = pl.Series(values, dtype=pl.String)
    nonzero = series.filter(series != "0")
    # an epoch has no leading zero (0639980655 is a national number with its trunk 0, not 1990)
    if nonzero.len() and all(_INT.match(v) and v[0] != "0" for v in nonzero.to_list()[:50]):
        p.epoch = _best(read_counts_epoch(nonzero), nonzero.len())
    if (not p.epoch or p.epoch[1] < 0.9) and any(_MAY_BE_DATE.search(v) for v in values[:40]):
        p.datetime = _best(read_counts_start(series, tuple(f for f in date_time_formats() if "T" not in f)
                                             + tuple(f for f in date_time_formats() if "T" in f)), n)
        p.date = _best(read_counts_start(series, _date_only_formats()), n)
    if (not p.datetime or p.datetime[1] < 0.9) and (not p.epoch or p.epoch[1] < 0.9):
        _zone_suffixed(p, values)
    p.time_share = sum(1 for v in values if _TIME_OF_DAY.match(v)) / n
    if not p.datetime or p.datetime[1] < 0.9:
        _excel_serials(p, series)
    p.yearless_share = sum(1 for v in values if _YEARLESS_DATE.match(v)) / n
    durations = read_counts_duration(series, DURATION_UNITS)
    p.duration = _best(durations, n)  # type: ignore[assignment]
    p.display_share = sum(1 for v in values if _DISPLAY_NAME.match(v)) / n
    cleaned = [_SEPARATORS.sub("", _number_of_display(v)) for v in values]
    phones = [c for c in cleaned if _PHONE.match(c)]
    p.phone_share = len(phones) / n
    p.nanp_share = sum(1 for c in phones if _NANP.match(c)) / max(1, len(phones))
    p.ext_share = sum(1 for c in cleaned if _EXT_DIGITS.match(c)) / n
    p.trunk_share = sum(1 for c in cleaned if _TRUNK.match(c)) / n
    p.national_share = sum(1 for c in cleaned if _NATIONAL_SHORT.match(c)) / n
    p.sim_share = sum(1 for c in cleaned if _ICCID.match(c)) / n
    long_ids = [c for c in cleaned if re.fullmatch(r"\d{14,16}", c)]
    p.id15_share = len(long_ids) / n
    if long_ids:
        prefixes: dict[str, int] = {}
        for c in long_ids:
            prefixes[c[:5]] = prefixes.get(c[:5], 0) + 1
        top = max(prefixes, key=lambda k: prefixes[k])
        p.plmn_share = prefixes[top] / n if top[0] in "234567" else 0.0
        p.luhn_share = sum(1 for c in long_ids if len(c) == 15 and _luhn(c)) / n
    p.sip_share = sum(1 for v in values if _SIP_USER.match(v)) / n
    lengths: dict[int, int] = {}
    for v in values:
        lengths[len(v)] = lengths.get(len(v), 0) + 1
    p.same_length = max(lengths.values()) / n
    p.distinct = len(set(values))
    dirs = [_direction_of(v) for v in values]
    p.direction_share = sum(1 for d in dirs if d) / n
    p.directions = frozenset(d for d in dirs if d)
    p.uuid_share = sum(1 for v in values if _UUID.match(v)) / n
    return p


def _excel_serials(p: ColumnProfile, series: pl.Series) -> None:
    """``p.serial_share`` and ``p.serial_fraction``: values that read as Excel serial date-times
    (:func:`raybench.normalize.times.excel_serial_naive`), and of those the ones with a time of day."""
    if not series.str.contains(r"^\d{5}(\.\d+)?$").any():
        return
    read = pl.select(excel_serial_naive(pl.lit(series)).is_not_null()).to_series()
    k = int(read.sum())
    p.serial_share = k / p.n
    p.serial_fraction = int((read & series.str.contains(r"\.\d*[1-9]")).sum()) / k if k else 0.0


SERIAL_FRACTION_SHARE = 0.5
"""Share of a column's Excel serials that must carry a time of day for the column to be read as call starts
by its values alone (whole numbers of five digits are more often ids or counts than dates)."""


def _serial_start(m: _Mapper) -> StartSpec | None:
    """A column of Excel serial date-times written as numbers (a workbook whose cells lost their date
    format: ``45427.433518519``), the start where no column holds date-times: one named as the start (by a
    start word), else one whose serials mostly carry a time of day, taken by position (in doubt, flagged
    ``guessed_start_utc``). Read as local time in the file's zone (assumed; ``--tz`` applies)."""
    cands = [p for p in m.free() if p.serial_share >= 0.9]
    named = [p for p in cands if m.named(p, "start")]
    if named:
        best = max(named, key=lambda p: (m.named(p, "start"), -p.index))
        m.take(best, "start", NAME_EXACT if m.named(best, "start") == 1.0 else NAME_WORD,
               "named as the start: Excel serial date-times (days since 1899-12-30)")
        return StartSpec(best.name, epoch="excel_days")
    timed = [p for p in cands if p.serial_fraction >= SERIAL_FRACTION_SHARE and p.named[0] is None]
    if not timed:
        return None
    m.take(timed[0], "start", BY_POSITION, "Excel serial date-times by their values (days since 1899-12-30)")
    return StartSpec(timed[0].name, epoch="excel_days")


ZONE_SUFFIX_SHARE = 0.9
"""Share of a column's values that must end in a zone (:data:`raybench.normalize.times.ZONE_SUFFIX`) and
read as date-times without it for the column to be a start written with its zone."""


def _zone_suffixed(p: ColumnProfile, values: list[str]) -> None:
    """Date-times that each end in their zone (``07/15/2024 02:05:07 PM EDT``, ``2024-07-15 13:05:07 +0200``):
    ``p.datetime`` is their reading without it and ``p.zone_suffix`` True, when at least
    :data:`ZONE_SUFFIX_SHARE` of the values end in a zone :func:`raybench.normalize.times.row_zone` reads."""
    suffix = re.compile(ZONE_SUFFIX)
    cut, zoned = [], 0
    for v in values:
        m = suffix.search(v)
        if m and row_zone(m.group(1)) is not None:
            zoned += 1
            cut.append(v[:m.start()])
        else:
            cut.append(v)
    if zoned < ZONE_SUFFIX_SHARE * len(values):
        return
    best = _best(read_counts_start(pl.Series(cut, dtype=pl.String),
                                   tuple(f for f in date_time_formats() if "T" not in f and "%z" not in f)), len(values))
    if best is not None and best[1] >= 0.9:
        p.datetime, p.zone_suffix = best, True


@dataclass(frozen=True)
class GenericMapping:
    """The columns of a file of no known layout, as read by :func:`map_generic`.

    Attributes:
        fields: column name -> field (:data:`raybench.classify.fields.FIELDS`; ``ignore`` for the rest).
        confidence: column name -> confidence in its field.
        evidence: column name -> why (one short phrase), for ``raybench classify``.
        start: the start column's spec (epoch unit or formats, a time column).
        duration_unit: the duration's unit, decided for this file.
        region: ``US`` when the file's national numbers are North American, else None (kept as written).
        tz_stated: why the zone is UTC by the file's own word (epoch values, ``(UTC)`` in a name), or None.
        record_type_default: ``voice`` where no column names the record type but the file times calls.
        doubt: what the values leave in doubt: ``start`` (a date read both day- and month-first),
            ``duration`` (its unit), ``partner`` (no direction orders the parties), ``unmapped_<field>``
            (a mobile record's cell or LAC may be among the unread columns).
    """

    fields: dict[str, str]
    confidence: dict[str, float]
    evidence: dict[str, str]
    start: StartSpec
    duration_unit: DurationUnit = "seconds"
    region: str | None = None
    tz_stated: str | None = None
    record_type_default: str | None = None
    doubt: frozenset[str] = field(default_factory=frozenset)
    display_names: bool = False
    """True when a party column holds display names with the number in brackets (read as the number)."""
    not_nanp: bool = False
    """``region`` is None because the file's phone numbers are mostly not North American (not for want of
    numbers): ten digits of North American shape among them are national numbers, not in doubt."""
    direction_in: str | None = None
    """The record-type column, where no column is the direction and that one's words also say it
    (``moc``/``mtc``, ``mSOriginating``, ``Voice MO``): the direction is read from it too."""

    def by_field(self, name: str) -> str | None:
        """The column mapped to field ``name``, or None."""
        return next((c for c, f in self.fields.items() if f == name), None)


class _Mapper:
    """One file's mapping, built field by field (see :func:`map_generic`)."""

    def __init__(self, profiles: list[ColumnProfile], raw: dict[str, list[str]] | None = None):
        self.profiles = profiles
        self.raw = raw or {}
        self.fields = {p.name: "ignore" for p in profiles}
        self.confidence: dict[str, float] = {}
        self.evidence: dict[str, str] = {}
        self.doubt: set[str] = set()

    def free(self) -> list[ColumnProfile]:
        return [p for p in self.profiles if self.fields[p.name] == "ignore" and p.n]

    def take(self, p: ColumnProfile, f: str, confidence: float, why: str) -> None:
        self.fields[p.name] = f
        self.confidence[p.name] = round(confidence, 3)
        self.evidence[p.name] = why

    def named(self, p: ColumnProfile, *fields: str) -> float:
        f, how = p.named
        return how if f in fields else 0.0


def _stamp_share(p: ColumnProfile) -> float:
    return max(p.epoch[1] if p.epoch else 0.0, p.datetime[1] if p.datetime else 0.0)


def _instants(p: ColumnProfile, values: list[str]) -> list[float | None]:
    """Seconds since the epoch of each value of a stamp column (None where it does not read or is 0)."""
    s = pl.Series([v.strip() for v in values], dtype=pl.String)
    if p.epoch and p.epoch[1] >= 0.9:
        parsed = (s.cast(pl.Int64, strict=False) * EPOCH_SCALE_US[p.epoch[0]]).cast(pl.Datetime("us"))
        parsed = pl.select(pl.when(s == "0").then(None).otherwise(parsed)).to_series()
    elif p.datetime:
        parsed = pl.select(strptime_naive(pl.lit(s), p.datetime[0])).to_series()
    else:
        return [None] * len(values)
    return [None if t is None else t.timestamp() for t in parsed.to_list()]


def _choose_end(m: _Mapper) -> None:
    """A stamp column named as the end (``End Time``, ``Call end``) written like the start: the call's end,
    from which the duration is the end minus the start where no column writes it. Beside a start written
    as a date column and a time column, an end column of times of day (NEC SMDR ``START``/``END``) is the
    end on the start's date (:attr:`raybench.layout.Layout.end_time_of_day`)."""
    start = next((p for p in m.profiles if m.fields[p.name] == "start"), None)
    if start is None:
        return
    if any(f == "start_time" for f in m.fields.values()):
        for p in m.free():
            if m.named(p, "end") and p.time_share >= 0.9:
                m.take(p, "end", NAME_EXACT if m.named(p, "end") == 1.0 else NAME_WORD,
                       "named as the end: a time of day on the start's date")
                return
        return
    if not start.datetime:
        return
    for p in m.free():
        if m.named(p, "end") and p.datetime and p.datetime[0] == start.datetime[0] and p.datetime[1] >= 0.9:
            m.take(p, "end", NAME_EXACT if m.named(p, "end") == 1.0 else NAME_WORD, "named as the end")
            return


def _choose_start(m: _Mapper, raw: dict[str, list[str]], year: "YearEvidence | None" = None) -> StartSpec | None:
    stamps = [p for p in m.free() if _stamp_share(p) >= 0.9]
    named = [p for p in stamps if m.named(p, "start")]
    if named:
        best = max(named, key=lambda p: (m.named(p, "start"), -p.index))
        m.take(best, "start", NAME_EXACT if m.named(best, "start") == 1.0 else NAME_WORD, "named as the start")
    elif stamps:
        # several stamps (start, answer, end): the start is the one never later than the others
        others = [p for p in stamps if not m.named(p, "end", "answer")] or stamps
        times = {p.name: _instants(p, raw[p.name]) for p in stamps}

        def earliest(p: ColumnProfile) -> float:
            mine = times[p.name]
            pairs = [(a, b) for q in stamps if q is not p for a, b in zip(mine, times[q.name])
                     if a is not None and b is not None]
            return sum(1 for a, b in pairs if a <= b) / len(pairs) if pairs else 1.0

        best = max(others, key=lambda p: (earliest(p), _stamp_share(p), -p.index))
        share = earliest(best)
        m.take(best, "start", VALUES_STRONG if len(stamps) > 1 and share >= 0.95 else VALUES_ONLY,
               "the earliest stamp" if len(stamps) > 1 else "the only column of date-times")
        for q in stamps:
            if q is not best and m.fields[q.name] == "ignore":
                m.evidence[q.name] = "a later stamp (answer or end)"
    else:
        # a date column and a time-of-day column
        dates = [p for p in m.free() if p.date and p.date[1] >= 0.9]
        if not dates:
            return _serial_start(m) or _yearless_start(m, raw, year)
        best = max(dates, key=lambda p: (m.named(p, "start"), -p.index))
        times = [p for p in m.free() if p is not best and p.time_share >= 0.9]
        if not times:
            return None
        t = max(times, key=lambda p: (m.named(p, "start_time", "start"), -abs(p.index - best.index)))
        named_both = m.named(best, "start") and m.named(t, "start_time", "start")
        m.take(best, "start", NAME_EXACT if named_both else VALUES_ONLY, "a date column")
        m.take(t, "start_time", NAME_EXACT if named_both else VALUES_ONLY, "the time of day beside the date")
    _choose_end(m)
    p = next(q for q in m.profiles if m.fields[q.name] == "start")
    if p.epoch and p.epoch[1] >= 0.9:
        return StartSpec(p.name, epoch=p.epoch[0])  # type: ignore[arg-type]
    t = next((q for q in m.profiles if m.fields[q.name] == "start_time"), None)
    if t is None:
        values = [re.sub(ZONE_SUFFIX, "", v) for v in p.values] if p.zone_suffix else p.values
        return _date_order(m, p, StartSpec(p.name, None, (p.datetime[0],) if p.datetime else (),
                                           zone_suffix=p.zone_suffix), values)
    joined = pl.Series([f"{a.strip()} {b.strip()}" for a, b in zip(raw[p.name], raw[t.name])
                        if a.strip() and b.strip()], dtype=pl.String)

    candidates = tuple(f for f in date_time_formats() if "T" not in f)
    best_fmt = _best(read_counts_start(joined, candidates), joined.len())
    formats: tuple[str, ...] = (best_fmt[0],) if best_fmt else ()
    if best_fmt and best_fmt[1] < 0.98:  # a 12 h clock beside a 24 h one (two exports pasted together)
        other = second_clock(joined, best_fmt[0], candidates)
        formats += (other,) if other else ()
    return _date_order(m, p, StartSpec(p.name, t.name, formats), joined.to_list())


@dataclass(frozen=True)
class YearEvidence:
    """Where a file whose dates carry no year says the year (:func:`year_evidence`).

    Attributes:
        years: the years its banner lines name, in order (``PERIOD 10/2024`` -> 2024).
        months: the months named beside a year (``10/2024`` -> 10), or empty.
        file_year: the year of the file's modification time, the last resort (in doubt).
    """

    years: tuple[int, ...] = ()
    months: tuple[int, ...] = ()
    file_year: int | None = None


_MONTH_YEAR = re.compile(r"(?<!\d)(0?[1-9]|1[0-2])[/.-]((?:19|20)\d\d)(?!\d)|(?<!\d)((?:19|20)\d\d)[/.-](0?[1-9]|1[0-2])(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def year_evidence(banners: tuple[str, ...], file_year: int | None = None) -> YearEvidence:
    """The years and months a file's banner lines name (a capture program's ``PERIOD 10/2024``, a report's
    ``Call detail 2024``), with the file's own year as the last resort."""
    years: list[int] = []
    months: list[int] = []
    for line in banners:
        for found in _MONTH_YEAR.finditer(line):
            month, year = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
            months.append(int(month))
            years.append(int(year))
        years += [int(y) for y in _YEAR.findall(line)]
    return YearEvidence(tuple(dict.fromkeys(years)), tuple(dict.fromkeys(months)), file_year)


def _yearless_start(m: _Mapper, raw: dict[str, list[str]], year: YearEvidence | None) -> StartSpec | None:
    """A date column written without its year (``10/13``) beside a time of day, read in the year the
    banner names; the start is in doubt (``guessed_start_utc``) unless the banner names one year and every
    sampled date falls in a month it names (a period ``10/2024`` over October's calls). With no year in the
    banner, the file's own year is used, in doubt; with none at all, None (no start)."""
    dates = [p for p in m.free() if p.yearless_share >= 0.9]
    if not dates or year is None or not (year.years or year.file_year):
        return None
    best = max(dates, key=lambda p: (m.named(p, "start"), -p.index))
    times = [p for p in m.free() if p is not best and p.time_share >= 0.9]
    if not times:
        return None
    t = max(times, key=lambda p: (m.named(p, "start_time", "start"), -abs(p.index - best.index)))
    joined = [f"{a.strip()} {b.strip()}" for a, b in zip(raw[best.name], raw[t.name]) if a.strip() and b.strip()]
    counts = read_counts_start(pl.Series([f"{LEAP_YEAR} {v}" for v in joined], dtype=pl.String), yearless_formats())
    fmt = _best(counts, len(joined))
    if fmt is None or fmt[1] < 0.9:
        return None
    m.take(best, "start", VALUES_ONLY, "a date column without its year")
    m.take(t, "start_time", VALUES_ONLY, "the time of day beside the date")
    month_first = fmt[0].startswith("%Y %m")
    sampled = {int(re.split(r"[/.-]", v)[0 if month_first else 1]) for v in best.values if _YEARLESS_DATE.match(v)}
    if year.years:
        chosen = year.years[0]
        sure = len(year.years) == 1 and bool(year.months) and sampled <= set(year.months)
        m.evidence[best.name] += f"; the year {chosen} from the banner" + ("" if sure else " (in doubt)")
    else:
        chosen, sure = year.file_year, False
        m.evidence[best.name] += f"; the year {chosen} from the file's modification time (in doubt)"
    if not sure:
        m.doubt.add("start")
    return StartSpec(best.name, t.name, (fmt[0],), year=chosen)


def _date_order(m: _Mapper, p: ColumnProfile, spec: StartSpec, values: list[str]) -> StartSpec:
    """``spec`` with the other reading of a ``NN/NN/YYYY`` date (day-first for month-first) when the sample
    reads as well both ways: the driver then decides over the whole column
    (:mod:`raybench.normalize.dates`); the start is in doubt until it does (flagged ``guessed_start_utc``:
    a column where every date fits both orders keeps the first reading)."""
    if spec.formats and spec.formats[0][:6] in _SIX_DIGIT_DATES:
        return _six_digit_order(m, spec, values)
    if not spec.formats or not re.match(r"^%[md][/\-]?%[md]", spec.formats[0]):
        return spec  # a dotted date (15.10.2024) is day-first: the European writing, never month.day
    fmt = spec.formats[0]
    other = fmt.replace("%m", "\0").replace("%d", "%m").replace("\0", "%d")
    counts = read_counts_start(pl.Series(values, dtype=pl.String), (fmt, other))
    if counts.get(other, 0) < counts.get(fmt, 0):
        return spec
    if counts.get(other, 0) > counts.get(fmt, 0):
        return replace(spec, formats=(other,))
    m.doubt.add("start")
    return replace(spec, day_first_formats=(other,)) if not fmt.startswith("%d") else replace(
        spec, formats=(other,), day_first_formats=(fmt,))


_SIX_DIGIT_DATES = ("%m%d%y", "%d%m%y", "%y%m%d")
"""Six-digit dates with no separator, in the order preferred when the sample reads as well in several:
month-first (North American switches, carrier-formats.md 1.9), day-first, year-first."""


def _six_digit_order(m: _Mapper, spec: StartSpec, values: list[str]) -> StartSpec:
    """``spec`` with its six-digit date (``011525``) read in the order that reads the most sampled values;
    where several read as many (``010325``: 3 January 2025, 1 March 2025 or 25 March 2001), the first of
    :data:`_SIX_DIGIT_DATES` and the start in doubt (flagged ``guessed_start_utc``)."""
    rest = spec.formats[0][6:]
    candidates = tuple(d + rest for d in _SIX_DIGIT_DATES)
    counts = read_counts_start(pl.Series(values, dtype=pl.String), candidates)
    top = max(counts.values(), default=0)
    best = [f for f in candidates if counts.get(f, 0) == top and top]
    if not best:
        return spec
    if len(best) > 1:
        m.doubt.add("start")
    return replace(spec, formats=(best[0],), day_first_formats=())


ZERO_PADDED_SHARE = 0.5
"""Share of a fixed-length digit column's values with a leading zero above which it is a zero-padded
quantity (``00428`` seconds, a fixed-width CDR field) rather than extensions (which a PBX numbers from 1-9)."""


def _zero_padded(p: ColumnProfile) -> bool:
    """A column of digits of one length, at least :data:`ZERO_PADDED_SHARE` of them with a leading zero."""
    digits = [v for v in p.values if _INT.match(v) and len(v) >= 3]
    return (p.same_length >= 0.9 and len(digits) >= 0.9 * p.n > 0
            and sum(1 for v in digits if v[0] == "0") >= ZERO_PADDED_SHARE * len(digits))


COMPLEMENT_SHARE = 0.9
"""Share of rows on which exactly one of two columns is filled for them to be one field in two places."""


def _complements(a: list[str], b: list[str]) -> bool:
    """Two columns of which one is filled on each row, never both (:data:`COMPLEMENT_SHARE` of the rows,
    each filled somewhere): one field written in two places (SMDR: the digits dialed on calls out, the
    called extension on calls in)."""
    filled = [(bool(x.strip()), bool(y.strip())) for x, y in zip(a, b)]
    if not filled or not any(x for x, _ in filled) or not any(y for _, y in filled):
        return False
    return sum(1 for x, y in filled if x != y) >= COMPLEMENT_SHARE * len(filled)


COUNTER_SHARE = 0.9
"""Share of a column's consecutive sampled values that must rise by 1 to 10 for it to be a record counter."""
COUNTER_MIN_VALUES = 8
"""Sampled values a counter needs: a few calls from extensions in ascending order (2011, 2012, 2013) happen,
eight in a row do not."""


def _counter(p: ColumnProfile) -> bool:
    """A column of integers that count up from row to row (a database row id, a sequence number): at least
    :data:`COUNTER_SHARE` of consecutive sampled values (at least :data:`COUNTER_MIN_VALUES`) rise by 1 to 10. Extensions and phone numbers do
    not: the calls of a phone system are not made in the order of its extensions."""
    ints = [int(v) for v in p.values if _INT.match(v)]
    if len(ints) < COUNTER_MIN_VALUES or len(ints) < 0.9 * p.n:
        return False
    steps = [b - a for a, b in zip(ints, ints[1:])]
    return sum(1 for d in steps if 1 <= d <= 10) >= COUNTER_SHARE * len(steps)


_WITHHELD_WORDS = frozenset({"anonymous", "unknown", "private", "restricted", "unavailable", "withheld"})


def _dialplan_share(p: ColumnProfile) -> float:
    """Share of values a phone system writes as a party besides numbers: SIP users and dialplan targets
    written in lower case or with digits or a host (``s``, ``hangup``, ``sip100``, ``alice@pbx``), and the
    withheld markers in any case (``Anonymous``). Capitalised words (``London``, ``Mobile``, ``USA``: a
    bill's destination names) are not parties."""
    def party(v: str) -> bool:
        return bool(_SIP_USER.match(v)) and (v.islower() or "@" in v or any(c.isdigit() for c in v)
                                            or v.lower() in _WITHHELD_WORDS)
    return sum(1 for v in p.values if party(v)) / max(1, p.n)


def _addressed_share(p: ColumnProfile) -> float:
    """Share of values that are SIP users with a host or with digits (``alice@pbx``, ``sip100``): a column
    named only by a word (``User Location``, ``Number Type``) whose values are words (``US``, ``user``) is
    not a party column."""
    return sum(1 for v in p.values if _SIP_USER.match(v) and ("@" in v or any(c.isdigit() for c in v))) / max(1, p.n)


PLUS_NUMBER_SHARE = 0.9
"""Share of a column's values that must be E.164 numbers written with their ``+`` for the column to be a
party whatever a word of its name says (:func:`_plus_numbers`)."""


def _plus_numbers(p: ColumnProfile) -> bool:
    """A column named by one word as not a call field (``CustomerEndpoint.Address``: a flattened JSON
    record's endpoint address) whose values are nearly all ``+`` numbers: the values say it is a party."""
    return (p.named[0] == "ignore" and p.named[1] < 1.0 and p.n > 0
            and sum(1 for v in p.values if _PHONE.match(_SEPARATORS.sub("", v)) and v.startswith("+"))
            >= PLUS_NUMBER_SHARE * p.n)


FULL_SHARE = 0.9
SPARSE_SHARE = 0.75
"""A party column named exactly but filled on fewer than :data:`SPARSE_SHARE` of the rows gives way to
one named by the field's word that is filled on at least :data:`FULL_SHARE` (:func:`_choose_parties`)."""


def _filled(m: _Mapper, p: ColumnProfile) -> float:
    """Share of the sampled rows whose cell in ``p`` holds a value (not empty, not ``NULL``)."""
    return p.n / max(1, len(m.raw.get(p.name, ())) or p.n)


def _choose_parties(m: _Mapper) -> None:
    def party_like(p: ColumnProfile, named: float) -> bool:
        if p.uuid_share > 0.5 or _stamp_share(p) >= 0.9:
            return False
        if named == 1.0:  # dialplan targets (``s``, ``hangup``) are lower case; ``London``, ``USA`` are places
            # a column named as a party may hold national numbers of 8 or 9 digits (Spain's 612 555 012)
            return p.party_share + _dialplan_share(p) + p.national_share >= 0.6
        if named:  # named by one of its words only (``User Location``): the values must be parties
            return p.party_share + _addressed_share(p) >= 0.6
        if _counter(p):
            return False  # a record id counting up row by row (``325860, 325861``), not extensions
        # by values alone: phone numbers, or a column of extensions of one length with many values
        if (p.phone_share >= 0.1 and p.party_share >= 0.9) or (p.phone_share >= 0.3 and p.sim_share >= 0.2
                                                                and p.party_share >= 0.9):
            return True
        own = p.ext_share + p.trunk_share  # extensions, and trunks on calls from outside
        return (own >= 0.9 and (p.same_length >= 0.9 or p.trunk_share > 0) and p.distinct >= max(4, p.n // 4)
                and all(len(v) >= 3 for v in p.values) and not _zero_padded(p))

    for f in ("caller", "callee", "dialed", "partner", "subscriber"):
        if f in ("partner", "subscriber") and {"caller", "callee"} <= set(m.fields.values()):
            break  # both parties named: a user or account column beside them is not a third party
        named = [p for p in m.free() if m.named(p, f) and party_like(p, m.named(p, f))]
        if named:  # the column named exactly before one named by a word (``Calling number``, ``Calling line ID``)
            p = max(named, key=lambda q: (m.named(q, f), -q.index))
            fuller = [q for q in named if q is not p and _filled(m, q) >= FULL_SHARE]
            if fuller and _filled(m, p) < SPARSE_SHARE:
                # the exact name mostly empty (Lync's FromNumber, NULL on calls between SIP users) beside
                # a column the field's word names that every row fills (FromUri): the full one is the party
                p = max(fuller, key=lambda q: (_filled(m, q), -q.index))
            how = m.named(p, f)
            m.take(p, f, NAME_EXACT if how == 1.0 else NAME_WORD, f"named as the {f}")
        if f == "dialed":
            _dialed_as_callee(m)
    taken = {f for f in m.fields.values() if f in PARTY_FIELDS}
    if taken & {"caller", "callee", "partner"}:
        return
    unnamed = [p for p in m.free() if (p.named[0] is None or _plus_numbers(p)) and party_like(p, 0.0)]
    if not any(p.phone_share >= 0.4 for p in unnamed):
        return
    if len(unnamed) >= 2:
        m.take(unnamed[0], "caller", BY_POSITION, "the first party column (the trade's usual order)")
        m.take(unnamed[1], "callee", BY_POSITION, "the second party column (the trade's usual order)")
        later = [p for p in m.free() if p.index > unnamed[1].index and p.named[0] is None
                 and p.party_share >= 0.9 and p.uuid_share < 0.5 and _stamp_share(p) < 0.9]
        for p in later:
            if _complements(m.raw[unnamed[1].name], m.raw[p.name]):
                m.take(p, "callee_else", BY_POSITION, "the B-number where the second party column is empty")
                break
    elif unnamed:
        m.take(unnamed[0], "partner", BY_POSITION, "the only party column")


def _choose_mobile_ids(m: _Mapper) -> None:
    """IMSI and IMEI columns: by name, else by values; LAC, cell and coordinates by name only (3GPP TS 23.003: an IMSI is at most 15 digits, its
    first 5-6 the network's MCC+MNC, the same down a subscriber's or a gateway's column; an IMEI is 15
    digits whose last is a Luhn check)."""
    for f in ("imsi", "imei"):
        for p in m.free():
            if m.named(p, f) and p.id15_share >= 0.8:
                m.take(p, f, NAME_EXACT, f"named as the {f.upper()}")
                break
    for f, pattern in (("lac", r"\d{1,6}|[0-9A-Fa-f]{4}"), ("cell_id", r"[0-9A-Za-z_-]{1,20}"),
                       ("lat", r"-?\d{1,2}(\.\d+)?"), ("lon", r"-?\d{1,3}(\.\d+)?")):
        for p in m.free():
            how = m.named(p, f)
            if how and p.n and sum(1 for v in p.values if re.fullmatch(pattern, v)) >= 0.9 * p.n:
                m.take(p, f, NAME_EXACT if how == 1.0 else NAME_WORD, f"named as the {f}")
                break
    if "imsi" not in m.fields.values():
        cands = [p for p in m.free() if p.named[0] is None and p.id15_share >= 0.9 and p.plmn_share >= 0.9]
        if len(cands) == 1:
            m.take(cands[0], "imsi", VALUES_ONLY, "15 digits under one MCC+MNC")
    if "imei" not in m.fields.values():
        cands = [p for p in m.free() if p.named[0] is None and p.id15_share >= 0.9]
        luhn = [p for p in cands if p.luhn_share >= 0.9]
        if len(luhn) == 1:
            m.take(luhn[0], "imei", VALUES_ONLY, "15 digits with the Luhn check digit")
        elif len(cands) == 1 and "imsi" in m.fields.values():
            m.take(cands[0], "imei", BY_POSITION, "a device identifier beside the IMSI (no Luhn check)")


def _choose_direction(m: _Mapper) -> None:
    for p in m.free():
        how = m.named(p, "direction", "record_type")
        if p.direction_share < (0.5 if m.named(p, "direction") == 1.0 else 0.8):
            continue
        if (m.named(p, "record_type") and not m.named(p, "direction")
                and sum(1 for v in p.values if reads_record_type(v)) >= 0.5 * p.n):
            continue  # a record type written with its direction ('SMS MO'): read for both (_direction_in_record_type)
        # a column of one direction word over calls made both ways is not the call's direction (FreeSWITCH's
        # channel direction is 'inbound' for a phone's call out, carrier-formats.md 1.7)
        if len(p.directions) < 2 and m.named(p, "direction") < 1.0:
            m.evidence[p.name] = "one direction word on every row: not the call's direction"
            continue
        m.take(p, "direction", NAME_EXACT if how == 1.0 else NAME_WORD if how else VALUES_ONLY,
               "direction words of the trade")
        return


def _own_side(value: str) -> bool:
    """A party that is the recording system's own side: an extension or a SIM's ICCID."""
    c = _SEPARATORS.sub("", value.strip())
    return bool(_EXT_DIGITS.match(c) or _ICCID.match(c))


def _order_parties_by_direction(m: _Mapper, raw: dict[str, list[str]]) -> None:
    """The A/B order of two party columns taken by position, checked against the direction column: the
    system's own side (an extension, the SIM's ICCID) is the A-number of a call out and the B-number of a
    call in. When the rows say so (at least 4 with an own side, 90 % of them agreeing), the order is
    proven (swapped if need be, R2D2 gateways write the destination first) and no longer a guess."""
    direction = next((c for c, f in m.fields.items() if f == "direction"), None)
    a = next((c for c, f in m.fields.items() if f == "caller" and m.confidence.get(c) == BY_POSITION), None)
    b = next((c for c, f in m.fields.items() if f == "callee" and m.confidence.get(c) == BY_POSITION), None)
    if direction is None or a is None or b is None:
        return
    agree = disagree = 0
    for d, x, y in zip(raw[direction], raw[a], raw[b]):
        way = _direction_of(d) if d.strip() else None
        if way not in ("outgoing", "incoming") or _own_side(x) == _own_side(y):
            continue
        own_first = _own_side(x)
        if (way == "outgoing") == own_first:
            agree += 1
        else:
            disagree += 1
    n = agree + disagree
    pa = next(p for p in m.profiles if p.name == a)
    pb = next(p for p in m.profiles if p.name == b)
    if n < 4:
        _own_line_by_direction(m, raw[direction], pa, pb)
        return
    if max(agree, disagree) < 0.9 * n:
        return
    why = "the own side (extension, SIM) is the A-number of calls out"
    if disagree > agree:
        pa, pb = pb, pa
    m.take(pa, "caller", VALUES_STRONG, why)
    m.take(pb, "callee", VALUES_STRONG, why)


OWN_LINE_MIN_ROWS = 8
"""Fewest sampled rows with both parties before one number on every row is taken as the system's own line."""


def _own_line_by_direction(m: _Mapper, directions: list[str], pa: ColumnProfile, pb: ColumnProfile) -> None:
    """Two party columns taken by position, neither an extension, beside a direction column of calls both
    ways: where one of them holds one number on every row and the other many (a contact centre's own
    number beside its customers': Amazon Connect's ``SystemEndpoint`` and ``CustomerEndpoint``), the one
    number is the system's own line (``subscriber``) and the other the remote party (``partner``): the
    direction orders them per row, the own line the A-number of calls out and the B-number of calls in."""
    ways = {_direction_of(d) for d in directions if d.strip()}
    if not {"outgoing", "incoming"} <= ways:
        return
    for own, other in ((pa, pb), (pb, pa)):
        if (own.n >= OWN_LINE_MIN_ROWS and own.distinct == 1 and other.n >= OWN_LINE_MIN_ROWS
                and other.distinct >= OWN_LINE_MIN_ROWS // 2):
            m.take(own, "subscriber", VALUES_ONLY, "one number on every row beside calls both ways: the own line")
            m.take(other, "partner", VALUES_ONLY, "the remote party: ordered by the direction")
            return


def reads_record_type(v: str) -> bool:
    """A value that is, or begins with, a record-type word of the trade (``SMS MO``, ``Voice``), or whose
    words name one kind in another language (``Puhelu``, ``Appel vers mobile``: :func:`record_type_by_words`)."""
    words = {_norm(w) for ws in VOCABULARY.values() for w in ws}
    low = _norm(v)
    return bool(low) and (low in words or low.split()[0] in words or record_type_by_words(v) is not None)


_DIALED_FORM = re.compile(r"^(?:1[2-9]\d{2}[2-9]\d{6}|[89]1?[2-9]\d{2}[2-9]\d{6}|011\d{7,15})$")
"""An external number as a phone's user dials it in North America: with the long-distance ``1``, an
outside-line access digit (``9``, ``8``) or the international prefix ``011`` in front (PBX CDR and SMDR
``dialed-num`` fields, carrier-formats.md 1.9)."""
_RECEIVED_FORM = re.compile(r"^[2-9]\d{2}[2-9]\d{6}$")
"""An external number as caller ID delivers it to a PBX: the ten national digits, no prefix."""


def _order_parties_by_dialing(m: _Mapper, raw: dict[str, list[str]]) -> None:
    """The A/B order of two party columns taken by position, where no direction decides it, set by how
    their external numbers are written: the column whose external numbers carry a dialing prefix
    (:data:`_DIALED_FORM`, at least 3 and 80 % of them) while the other's are plain national numbers
    (:data:`_RECEIVED_FORM`, 80 %) holds what was dialed: the B-number. The columns are swapped if need be,
    and stay in doubt (flagged ``guessed_caller``/``guessed_callee``): it is a reading of habits, not a
    statement of the file."""
    a = next((c for c, f in m.fields.items() if f == "caller" and m.confidence.get(c) == BY_POSITION), None)
    b = next((c for c, f in m.fields.items() if f == "callee" and m.confidence.get(c) == BY_POSITION), None)
    if a is None or b is None or "direction" in m.fields.values():
        return

    def forms(column: str) -> tuple[int, int]:
        values = [_SEPARATORS.sub("", v.strip()) for v in raw[column]]
        return (sum(1 for v in values if _DIALED_FORM.match(v)), sum(1 for v in values if _RECEIVED_FORM.match(v)))

    (a_dialed, a_received), (b_dialed, b_received) = forms(a), forms(b)

    def dialed_side(d: int, r: int, od: int, orr: int) -> bool:
        return d >= 3 and d >= 0.8 * (d + r) and orr >= 0.8 * (od + orr) and orr >= 1

    pa = next(p for p in m.profiles if p.name == a)
    pb = next(p for p in m.profiles if p.name == b)
    if dialed_side(a_dialed, a_received, b_dialed, b_received):
        pa, pb = pb, pa
    elif not dialed_side(b_dialed, b_received, a_dialed, a_received):
        return
    why = "external numbers dialled with a prefix are the B-number's; caller ID's ten digits the A-number's (a guess)"
    m.take(pa, "caller", BY_POSITION, why)
    m.take(pb, "callee", BY_POSITION, why)


def _choose_record_type(m: _Mapper) -> None:
    reads = reads_record_type
    for p in sorted(m.free(), key=lambda q: -m.named(q, "record_type")):
        if p.party_share > 0.5 or not p.n or p.distinct > max(12, p.n // 2):
            continue
        read = sum(1 for v in p.values if reads(v)) / p.n
        if read >= (0.5 if m.named(p, "record_type") else 0.9):
            m.take(p, "record_type", NAME_WORD if m.named(p, "record_type") else VALUES_ONLY, "record-type words")
            return
    if _choose_record_type_by_messages(m):
        return
    # a column named as the record type whose words are mostly not the trade's (``Inland``, ``Mobilfunk``,
    # ``SMS``): it is still the record type, read in doubt (flagged guessed) rather than every row assumed
    # a voice call
    for p in m.free():
        if m.named(p, "record_type") == 1.0 and p.n and p.party_share <= 0.5 and p.distinct <= max(12, p.n // 2):
            m.take(p, "record_type", BY_POSITION, "named as the record type; its words are not the trade's")
            return


MESSAGE_TYPES = ("sms", "mms")
"""Record types that are not calls: a column that says so on some rows tells the messages from the calls."""
MESSAGE_ROWS_MIN = 2
"""Rows whose value is a message word (:data:`MESSAGE_TYPES`) a column needs to be read as the record type."""


_MESSAGE_WORDS = frozenset(_norm(w) for t in MESSAGE_TYPES for w in VOCABULARY[t])


def _message_word(v: str) -> bool:
    """A value that is, or begins with, a message record-type word (``SMS to mobile``, ``SMS nacional``,
    ``MMS``)."""
    low = _norm(v)
    return bool(low) and (low in _MESSAGE_WORDS or low.split()[0] in _MESSAGE_WORDS)


def _choose_record_type_by_messages(m: _Mapper) -> bool:
    """A bill's description column (``Description``: ``SMS to mobile`` beside ``National call``; ``Tipo``:
    ``SMS`` beside ``Longa distância``): a column of few distinct values, not parties, where at least
    :data:`MESSAGE_ROWS_MIN` rows say a message type, is the record type, whatever its name: without it
    those messages would be stored as voice calls. Its other values are read by the trade's words and the
    record-type model, each row flagged where the model typed it or nothing did (``record_type_inferred``,
    ``record_type_known``). True when a column was taken."""
    for p in m.free():
        if p.party_share > 0.5 or p.direction_share > 0.5 or p.distinct > max(12, p.n // 2) or _stamp_share(p) >= 0.5:
            continue
        if p.duration is not None and p.duration[1] >= 0.5:
            continue
        if sum(1 for v in p.values if _message_word(v)) >= MESSAGE_ROWS_MIN:
            m.take(p, "record_type", VALUES_ONLY, "some rows say a message type (SMS/MMS): the record type")
            return True
    return False


def _dialed_as_callee(m: _Mapper) -> None:
    """A caller column and a dialed-number column, no callee (``Caller ID``, ``Dialed Number``: a PBX
    report's A- and B-numbers): the number dialed is the party called, on calls made and received alike;
    an ``Extension`` column beside them is then the user's line, not a third party."""
    fields = set(m.fields.values())
    if "caller" not in fields or "callee" in fields or "dialed" not in fields:
        return
    p = next(q for q in m.profiles if m.fields[q.name] == "dialed")
    m.take(p, "callee", m.confidence.get(p.name, NAME_WORD), "named as the number dialed, beside the caller: the B-number")


def _subscriber_beside_callee(m: _Mapper) -> None:
    """A bill's own line (``Service Number``) beside the number it called (``Called Number``) and no other
    party: the line is the A-number. With a direction column the rows could run both ways, so the order
    is in doubt (confidence :data:`BY_POSITION`: flagged ``guessed_caller``/``guessed_callee``)."""
    fields = set(m.fields.values())
    if "caller" in fields or "partner" in fields or "callee" not in fields or "subscriber" not in fields:
        return
    p = next(q for q in m.profiles if m.fields[q.name] == "subscriber")
    if "direction" in fields:
        m.take(p, "caller", BY_POSITION, "the line billed, beside the number called, calls made both ways (a guess)")
        callee = next(q for q in m.profiles if m.fields[q.name] == "callee")
        m.take(callee, "callee", BY_POSITION, m.evidence.get(callee.name, "named as the callee") + "; order a guess")
        return
    m.take(p, "caller", m.confidence.get(p.name, NAME_WORD), "the line billed, beside the number it called: the A-number")


DIRECTION_IN_TYPE_SHARE = 0.1
"""Share of a record-type column's values that must be direction words (``moc``, ``mtc``) for the direction
to be read from it where no column is the direction (the rest read ``unknown``, flagged ``direction_known``:
a column that names the direction of some calls leaves the others' in doubt)."""


TYPE_DIRECTION_SHARE = 0.3
"""Share of direction words in a type column none of whose words is a record type that makes it the
direction (:func:`_type_words_are_directions`)."""


def _type_words_are_directions(m: _Mapper) -> None:
    """A column taken as the record type only by its name (``CALL TYPE``), none of whose words is a record
    type and at least :data:`TYPE_DIRECTION_SHARE` of whose values are direction words (``Inbound``, ``Outbound``; a contact
    centre's ``Manual``, ``Queue Callback`` beside them), is the direction: read as such (the other words
    ``unknown``, flagged), the record type left to the default."""
    p = next((q for q in m.profiles if m.fields[q.name] == "record_type" and m.confidence.get(q.name) == BY_POSITION),
             None)
    if (p is None or "direction" in m.fields.values() or p.direction_share < TYPE_DIRECTION_SHARE
            or any(reads_record_type(v) for v in p.values)):
        return
    m.take(p, "direction", VALUES_ONLY, "named as the type; its words are directions, not record types")


def _direction_in_record_type(m: _Mapper) -> str | None:
    """The record-type column, when no column was taken for the direction and at least
    :data:`DIRECTION_IN_TYPE_SHARE` of its values are direction words (a carrier's ``Type of Call`` writes
    ``moc``/``mtc`` and the 3GPP record names, ``SMSc`` beside ``mSOriginatingSMSinMSC``); else None."""
    if "direction" in m.fields.values():
        return None
    p = next((q for q in m.profiles if m.fields[q.name] == "record_type"), None)
    if p is None or p.direction_share < DIRECTION_IN_TYPE_SHARE:
        return None
    m.evidence[p.name] = m.evidence.get(p.name, "") + "; its words say the direction too"
    return p.name


def _epoch_gap_ratio(m: _Mapper, p: ColumnProfile, raw: dict[str, list[str]]) -> float | None:
    """The median of ``value / gap`` over rows with two or more epoch stamps, where the gap is the one
    from a stamp to the row's last stamp (end - start, end - answer) whose ratio is nearest 1 or 1000:
    about 1 for a duration in seconds, 1000 in milliseconds; None without two epoch stamps."""
    stamps = [q for q in m.profiles if q.epoch and q.epoch[1] >= 0.9]
    if len(stamps) < 2:
        return None
    times = [_instants(q, raw[q.name]) for q in stamps]
    ratios = []
    for i, v in enumerate(raw[p.name]):
        v = v.strip()
        if not _INT.match(v) or v == "0":
            continue
        row = [t[i] for t in times if i < len(t) and t[i] is not None]
        if len(row) < 2:
            continue
        last = max(row)
        gaps = [last - a for a in row if last > a]
        if not gaps:
            continue
        r = [int(v) / g for g in gaps]
        ratios.append(min(r, key=lambda x: min(abs(math.log10(x)), abs(math.log10(x) - 3))))
    if not ratios:
        return None
    ratios.sort()
    return ratios[len(ratios) // 2]


def _duration_unit(m: _Mapper, p: ColumnProfile, raw: dict[str, list[str]]) -> tuple[DurationUnit, bool, str]:
    """``(unit, doubtful, why)`` of a duration column, from its name, its values and the stamps."""
    low = _norm(p.name) if not re.fullmatch(r"col\d+", p.name) else ""
    words = set(low.split())
    values = p.values
    if values and all(_MM_SS.match(v) for v in values if ":" in v) and any(":" in v for v in values):
        if any(_HH_MM_SS.match(v) for v in values):
            return "hh_mm_ss", False, "H:MM:SS"
        return "mm_ss", False, "minutes:seconds"
    if any(_HH_MM_SS.match(v) for v in values):
        return "hh_mm_ss", False, "H:MM:SS"
    if p.duration is not None and p.duration[0] == "hms_words":
        return "hms_words", False, "hours, minutes and seconds in words"
    if words & {"ms", "msec", "msecs", "millis", "milliseconds", "billmsec"} or "msec" in low.replace(" ", ""):
        return "ms", False, "named in milliseconds"
    if words & {"min", "mins", "minutes", "minute", "t"} and not words & {"sec", "secs", "seconds", "s"}:
        return "minutes", False, "named in minutes"
    grouping = comma_grouping(values)
    if grouping == "thousands" and (words & {"sec", "secs", "seconds", "s", "billsec"} or m.named(p, "duration")):
        return "seconds_grouped", False, "seconds, a comma between thousands (3,958)"
    decimals = any(_DEC.match(v) for v in values)
    if grouping == "ambiguous":
        return "seconds_decimal", True, "decimal seconds? (a comma may group thousands: 3,958)"
    if words & {"sec", "secs", "seconds", "s", "billsec"}:
        return ("seconds_decimal" if decimals else "seconds"), False, "named in seconds"
    ratio = _epoch_gap_ratio(m, p, raw)
    if ratio is not None:
        if 500 <= ratio <= 2000:
            return "ms", False, "milliseconds: the stamps' difference times 1000"
        if 0.5 <= ratio <= 2:
            return "seconds", False, "seconds: the stamps' difference"
    ints = sorted(int(v) for v in values if _INT.match(v))
    if ints and ints[len(ints) // 2] > 3 * 3600 and ints[-1] > 86_400:
        return "ms", True, "milliseconds? (seconds would make the median call over 3 hours)"
    if decimals:
        return "seconds_decimal", True, "decimal seconds? (billed minutes are written alike)"
    named = m.named(p, "duration") > 0
    return "seconds", not named, "seconds" if named else "seconds? (no name says the unit)"


LENGTH_HOURS = 3
LENGTH_HOUR_SHARE = 0.9
"""Share of ``H:MM:SS`` values under :data:`LENGTH_HOURS` hours that makes a column named as a time
(``CALL TIME``) the call's length rather than a time of day (times of day spread over the 24 hours: about
an eighth of them fall under 3 hours)."""


def _reads_length(v: str) -> bool:
    """``MM:SS``, or ``H:MM:SS`` under :data:`LENGTH_HOURS` hours: a call's length, hardly a time of day."""
    return bool(_MM_SS.match(v) or (_HH_MM_SS.match(v) and int(v.split(":")[0]) < LENGTH_HOURS))


def _time_named_length(m: _Mapper) -> ColumnProfile | None:
    """A column named as a time of day (``CALL TIME``: a contact centre's call length) whose values are
    ``H:MM:SS`` with at least :data:`LENGTH_HOUR_SHARE` under :data:`LENGTH_HOURS` hours, where the start is a whole stamp
    (no time column taken): the duration. None otherwise."""
    if "start_time" in m.fields.values():
        return None
    for p in m.free():
        if (m.named(p, "start_time") and p.n and all(_HH_MM_SS.match(v) for v in p.values)
                and sum(1 for v in p.values if int(v.split(":")[0]) < LENGTH_HOURS) >= LENGTH_HOUR_SHARE * p.n):
            return p
    return None


def _choose_duration(m: _Mapper, raw: dict[str, list[str]]) -> tuple[DurationUnit, bool]:
    def readable(p: ColumnProfile, share: float) -> bool:
        return (p.duration is not None and p.duration[1] >= share and p.uuid_share < 0.5
                and not names_identifier(p.name)
                and not (p.epoch and p.epoch[1] >= 0.5) and _stamp_share(p) < 0.5)

    named = [p for p in m.free() if m.named(p, "duration") and readable(p, 0.6)]
    if named:
        best = max(named, key=lambda p: (m.named(p, "duration"), -p.index))
        unit, doubtful, why = _duration_unit(m, best, raw)
        m.take(best, "duration", NAME_EXACT if m.named(best, "duration") == 1.0 else NAME_WORD,
               f"named as the duration, {why}")
        return unit, doubtful
    if "end" in m.fields.values():  # a named end: the duration is the end minus the start, not a guess
        return "seconds", False
    length = _time_named_length(m)
    if length is not None:
        m.take(length, "duration", VALUES_ONLY, "named as a time but the start has its own: H:MM:SS lengths")
        return "hh_mm_ss", False

    def varied(p: ColumnProfile) -> bool:  # calls' lengths differ: a port, a code or a flag repeats
        nonzero = [v for v in p.values if v.strip("0:. ")]
        return len(set(nonzero)) >= max(3, 0.6 * len(nonzero))

    cands = [p for p in m.free() if p.named[0] is None and readable(p, 0.9) and varied(p) and not _counter(p)
             and not (p.ext_share >= 0.9 and p.same_length >= 0.9 and p.distinct > 3 and p.n > 8
                      and min((len(v) for v in p.values), default=0) >= 3 and not any(v == "0" for v in p.values)
                      and not _zero_padded(p))]
    if not cands:
        return "seconds", False
    # a talk time next to a total time that is never smaller (billsec after duration): the talk time
    best = cands[0]
    for a, b in zip(cands, cands[1:]):
        if b.index == a.index + 1:
            pairs = [(x, y) for x, y in zip(raw[a.name], raw[b.name]) if _INT.match(x.strip()) and _INT.match(y.strip())]
            if pairs and all(int(x) >= int(y) for x, y in pairs):
                best = b
                break
    unit, doubtful, why = _duration_unit(m, best, raw)
    confirmed = "stamps" in why
    m.take(best, "duration", VALUES_STRONG if confirmed else VALUES_ONLY if len(cands) == 1 else BY_POSITION,
           f"durations by their values, {why}")
    return unit, doubtful


def map_generic(names: tuple[str, ...], columns: list[list[str]], year: YearEvidence | None = None
                ) -> GenericMapping | None:
    """Map a file's columns by their names and values.

    Args:
        names: the column names (``colN`` where the file has no header).
        columns: the sampled values of each column, same order.
        year: where the file names the year, for dates written without one (:func:`year_evidence`).

    Returns:
        The mapping, or None when the file does not read as call records: no start (a date-time, an epoch
        or a date with a time of day), or no party column.
    """
    raw = {n: c for n, c in zip(names, columns)}
    profiles = [profile_column(n, j, c) for j, (n, c) in enumerate(zip(names, columns))]
    m = _Mapper(profiles, raw)
    for p in profiles:  # a name that says what is not a call field is kept from the values' guesses
        if p.named == ("ignore", 1.0):
            m.fields[p.name] = "skip"
    start = _choose_start(m, raw, year)
    if start is None:
        return None
    _choose_mobile_ids(m)
    _choose_parties(m)
    if not any(f in PARTY_FIELDS for f in m.fields.values()):
        return None
    _choose_direction(m)
    _subscriber_beside_callee(m)
    _order_parties_by_direction(m, raw)
    _order_parties_by_dialing(m, raw)
    _choose_record_type(m)
    _type_words_are_directions(m)
    direction_in = _direction_in_record_type(m)
    unit, doubtful = _choose_duration(m, raw)
    fields = {n: ("ignore" if f == "skip" else f) for n, f in m.fields.items()}
    for n, f in m.fields.items():
        if f == "skip":
            m.evidence.setdefault(n, "named as a column that is not read")
    doubt = set(m.doubt)
    if doubtful:
        doubt.add("duration")
    if not {"duration", "end"} & set(fields.values()) and any(
            p.n and fields[p.name] == "ignore" and m.fields[p.name] != "skip"
            and sum(1 for v in p.values if _reads_length(v)) >= 0.9 * p.n for p in profiles):
        doubt.add("unmapped_duration_s")  # lengths left unread: every row's missing duration is in doubt
    parties = [c for c, f in fields.items() if f in ("partner", "subscriber")]
    if parties and "direction" not in fields.values():
        doubt |= {"partner"}  # which party called is what the direction says: no direction, no order
    if {"imsi", "imei"} & set(fields.values()):
        # a mobile network's record: its cell is usually written too; where columns of digits are left
        # unread, the cell and location area may be among them (flagged unmapped, not silently empty)
        unread = [p for p in profiles if fields[p.name] == "ignore" and m.fields[p.name] != "skip"
                  and p.n and sum(1 for v in p.values if re.fullmatch(r"\d{1,9}|\d{2,8}[A-Z]", v)) >= 0.9 * p.n]
        if unread:
            doubt |= {f"unmapped_{f}" for f in ("lac", "cell_id") if f not in fields.values()}
    region = _region(profiles, fields)
    # no region for want of North American numbers, not for want of numbers: ten digits are national
    not_nanp = (region is None and _region(profiles, fields, threshold=0.4) is None
                and _phone_count(profiles, fields) >= 3)
    tz = None
    if start.zone_suffix:
        tz = "each start ends in its zone (an abbreviation or offset: EDT, +0200); read in it"
    elif start.epoch == "excel_days":
        tz = None  # local serials: the file's zone is assumed, as for any local stamp
    elif start.epoch is not None:
        tz = f"the start column holds Unix epoch {start.epoch} (UTC)"
    elif start.formats and states_offset(start.formats[0]):
        tz = "the start times carry their UTC offset (ISO 8601, RFC 2822)"
    elif any("utc" in _norm(c).split() or "gmt" in _norm(c).split() for c, f in fields.items()
             if f in ("start", "start_time")):
        tz = "the start column's name says UTC"
    rt_default = None if "record_type" in fields.values() else (  # a duration, or an end: a timed call
        "voice" if {"duration", "end"} & set(fields.values()) else None)
    display = any(p.display_share > 0 for p in profiles if fields[p.name] in PARTY_FIELDS)
    return GenericMapping(fields, m.confidence, m.evidence, start, unit, region, tz, rt_default, frozenset(doubt),
                          display, not_nanp, direction_in)


def _phone_count(profiles: list[ColumnProfile], fields: dict[str, str]) -> float:
    """Sampled phone numbers in the party columns."""
    return sum(p.phone_share * p.n for p in profiles if fields[p.name] in PARTY_FIELDS)


def _region(profiles: list[ColumnProfile], fields: dict[str, str], threshold: float = 0.6) -> str | None:
    """``US`` when the party columns' phone numbers are nearly all North American (NANP: ``NXX NXX XXXX``,
    with or without ``1`` / ``+1``; at least ``threshold`` of them), else None: national numbers are then
    kept as written."""
    phones = [(p.phone_share * p.n, p.nanp_share) for p in profiles if fields[p.name] in PARTY_FIELDS]
    total = sum(k for k, _ in phones)
    if total < 3:
        return None
    nanp = sum(k * s for k, s in phones) / total
    return "US" if nanp >= threshold else None


def generic_layout(mapping: GenericMapping, names: tuple[str, ...], *, has_header: bool, delimiter: str,
                   skip_initial_space: bool, positions: tuple[tuple[int, int], ...] = (),
                   record_values: tuple[str, ...] = ()) -> Layout:
    """The layout that reads a file by ``mapping``; ``record_values`` are the sampled values of its
    record-type column, each read by its words (:func:`record_type_by_words`) where the trade's English
    descriptors do not name it.

    The zone is UTC where the file says so (epoch values, a ``(UTC)`` name), else assumed (``--tz``
    applies). Fields under :data:`~raybench.classify.fields.GUESS_BELOW`, a duration unit in doubt, and
    an A/B order no direction decides are flagged ``guessed_<column>`` on every row.
    """
    col = mapping.by_field
    guessed: set[str] = set()
    for c, f in mapping.fields.items():
        if f != "ignore" and mapping.confidence.get(c, 1.0) < GUESS_BELOW:
            guessed |= set(CANONICAL_OF.get(f, ()))
    if "duration" in mapping.doubt:
        guessed.add("duration_s")
    start = mapping.start
    if "start" in mapping.doubt:
        guessed.add("start_utc")
        if positions:  # the driver decides the date order over a delimited column only

            start = _replace(start, day_first_formats=())
    if "partner" in mapping.doubt:
        guessed |= {"caller", "callee"}
    direction_col = col("direction") or mapping.direction_in
    if direction_col is None and guessed & {"caller", "callee"}:
        # no direction column: a call between two extensions is read 'internal' from its parties
        # (raybench.normalize.frame), as sure as the columns they were taken from
        guessed.add("direction")
    record_col = col("record_type")
    start_col = mapping.start.column
    if record_col is not None:  # the trade's record-type words (descriptors.VOCABULARY), the model for the rest

        words = {w: t for t, ws in VOCABULARY.items() for w in ws}
        for v in dict.fromkeys(v.strip() for v in record_values):
            if v and v not in words and record_type_by_words(v) is not None:
                words[v] = record_type_by_words(v)  # type: ignore[assignment]
        record_type = ValueMap(record_col, words, default=None)
    elif mapping.record_type_default is not None:
        record_type = ValueMap(start_col, {}, default=mapping.record_type_default)
    else:
        record_type = ValueMap(start_col, {}, default=None)
        guessed.add("record_type")
    tz_source = (f"stated: {mapping.tz_stated}" if mapping.tz_stated else
                 "assumed: a file of no known layout states no zone; give its zone with --tz")
    unmapped = tuple(sorted(d[len("unmapped_"):] for d in mapping.doubt if d.startswith("unmapped_")))
    return Layout(
        id=GENERIC_ID, unmapped=unmapped, carrier="generic", columns=tuple(names), has_header=has_header, delimiter=delimiter or ",",
        skip_initial_space=skip_initial_space, positions=positions, start=start, tz="UTC",
        tz_source=tz_source, duration_column=col("duration"), duration_unit=mapping.duration_unit,
        end_column=col("end"), end_time_of_day=col("end") is not None and start.time_column is not None,
        caller=col("caller"), callee=col("callee"), callee_else=col("callee_else"), subscriber=col("subscriber"),
        partner=col("partner"),
        dialed=col("dialed"), record_type=record_type,
        # no direction column: every call's direction is 'unknown' (a phone system's call between two of
        # its own parties is still 'internal', raybench.normalize.frame)
        direction=ValueMap(direction_col, INTERNAL_WORDS, default=None) if direction_col else ValueMap(start_col, {}, "unknown"),
        region=mapping.region, not_nanp=mapping.not_nanp, pbx_parties=True, display_name_parties=mapping.display_names, imsi=col("imsi"), imei=col("imei"), lac=col("lac"),
        cell_id=col("cell_id"), lat=col("lat"), lon=col("lon"), guessed=tuple(sorted(guessed)),
        source="raybench.classify.generic: columns mapped by the trade's names and their values "
               "(carrier-formats.md 0.2, 1.7-1.9); national numbers read as North American only where the "
               "file's numbers are",
    )


def _party_ends_lines(layout: Layout, text: str) -> Layout:
    """``layout`` with :attr:`~raybench.layout.Layout.party_ends_lines` set where it is fixed-width, the
    last column a call is read from is a party and at least :data:`~raybench.classify.aligned.
    ENDS_INSIDE_SHARE` of the sample's lines reaching it end inside it (trimmed after its numbers)."""
    if not layout.positions:
        return layout
    every, parties = key_columns(layout)
    last = max((i for i in every if i < len(layout.positions)), default=None)
    if last is None or last not in parties or share_ending_inside(text, layout.positions[last]) < ENDS_INSIDE_SHARE:
        return layout
    return replace(layout, party_ends_lines=True)


RECORD_TYPE_WORDS: dict[str, str] = {
    **dict.fromkeys(("puhelu", "puhelut", "opkald", "samtal", "samtale", "anrop", "oppringning", "anruf",
                     "gesprach", "telefonat", "gesprek", "oproep", "appel", "appels", "llamada", "llamadas",
                     "chamada", "chamadas", "chiamata", "chiamate", "voz", "voix", "voce", "spraak"), "voice"),
    **dict.fromkeys(("sms", "tekstiviesti", "tekstiviestit", "textmeddelande", "sms meddelande",
                     "tekstbesked", "tekstmelding", "kurznachricht", "mensaje", "mensagem", "messaggio"), "sms"),
    **dict.fromkeys(("mms", "multimediaviesti", "kuvaviesti", "multimediabesked", "bildmeddelande",
                     "bildmelding", "bildnachricht"), "mms"),
    **dict.fromkeys(("internet", "data", "datos", "dados", "donnees", "mobiilidata", "datayhteys",
                     "datatrafik", "datatrafikk", "daten", "datenverbindung"), "data"),
}
"""Words (folded, :func:`fold_accents`, lower case) that name a record's kind in bills of other languages:
Finnish ``Puhelu`` / ``Tekstiviesti`` / ``Multimediaviesti``, Danish ``Opkald``, Swedish ``Samtal``,
German ``Anruf``, Dutch ``Gesprek``, French ``Appel vers mobile`` / ``Internet mobile``, Spanish
``Llamada``. A descriptor holding words of one kind only is that kind (:func:`record_type_by_words`);
``SMS`` beside ``Multimediaviesti`` is not read (two kinds)."""


def record_type_by_words(value: str) -> str | None:
    """The record type ``value``'s words name (:data:`RECORD_TYPE_WORDS`), or None when they name none or
    more than one: ``'Appel vers mobile'`` -> ``'voice'``, ``'Tekstiviesti'`` -> ``'sms'``."""
    words = _norm(fold_accents(value)).split()
    kinds = {RECORD_TYPE_WORDS[w] for w in words if w in RECORD_TYPE_WORDS}
    return kinds.pop() if len(kinds) == 1 else None


INTERNAL_WORDS = {"internal": "internal", "intern": "internal", "extension to extension": "internal"}
"""A phone system's word for a call between two of its own parties (3CX ``Internal``): the trade's
direction words (:data:`raybench.normalize.frame.DIRECTION_WORDS`) have no ``internal``."""


KEY_FIELDS = ("start", "duration", "caller", "callee", "partner")
"""The fields a call is read by: a mapping that fills more of them reads more of each call."""


def better_than(found, mapping: dict[str, str]) -> bool:
    """True when the generic classification ``found`` maps more of :data:`KEY_FIELDS` with a confidence of
    at least :data:`~raybench.classify.fields.GUESS_BELOW` than ``mapping`` (column -> field) does at all:
    a ruled report whose duration the column model left unmapped (``MINS``) is read by its names instead."""
    sure = {c.field for c in found.columns if c.field in KEY_FIELDS and c.confidence >= GUESS_BELOW}
    return len(sure) > len({f for f in mapping.values() if f in KEY_FIELDS})


def classify_generic(text: str, sample, top3: tuple = (), positions: tuple[tuple[int, int], ...] = (),
                     file_year: int | None = None):
    """A file no layout knows, read by its columns: a space-aligned table (:mod:`raybench.classify.aligned`)
    or the delimited ``sample``, mapped by :func:`map_generic`.

    Args:
        text: the decoded start of the file.
        sample: its delimited sample (:func:`raybench.classify.sample.sample_text`).
        top3: the models' top-3, kept in the classification.
        positions: the column positions of a fixed-width ``sample`` (a ruled report's), else empty.
        file_year: the year of the file's modification time: the last resort for dates written without
            their year and a banner that names none (in doubt).

    Returns:
        ``(classification, layout, sample read)`` or None when the columns do not read as call records.
        The classification's confidence is the lowest of its start, party and duration columns'.
    """
    if sample.width < 3 and not positions:
        found = aligned_sample(text)
        if found is None:
            return None
        sample, positions = found
    if sample.width < 3:
        return None


    def junk(r: tuple[str, ...]) -> bool:  # a total row (``Summe;;;;;1,39``), a section's heading or header
        text = sample.delimiter.join(r)
        return (is_footer(text) or not any(f.strip() for f in r)
                or (sample.header is not None and (tuple(f.strip() for f in r) == tuple(sample.header)
                                                   or is_heading(text))))

    kept = tuple(r for r in sample.rows if not junk(r))
    if kept and len(kept) < len(sample.rows):  # not profiled
        sample = _replace(sample, rows=kept)
    names = column_names(sample)
    mapping = map_generic(tuple(names), [sample.column(j) for j in range(len(names))],
                          year_evidence(sample.banners, file_year))
    if mapping is None:
        return None
    record_col = mapping.by_field("record_type")
    layout = generic_layout(mapping, tuple(names), has_header=sample.header is not None,
                            delimiter=sample.delimiter, skip_initial_space=sample.skip_initial_space,
                            positions=positions,
                            record_values=tuple(sample.column(names.index(record_col))) if record_col else ())
    layout = _party_ends_lines(layout, text)
    stated = banner_zone(tuple(sample.banners)) if layout.tz_basis == "assumed" else None
    if stated is not None:  # the report's title rows state the zone of its times (``Time zone: America/New_York``)
        layout = _replace(layout, tz=stated[0], tz_source=f"stated: the file's banner says {stated[0]} ('{stated[1]}')")
    cols = tuple(ColumnMapping(j, n, mapping.fields[n], mapping.confidence.get(n, 1.0)) for j, n in enumerate(names))
    key = [mapping.confidence[c] for c, f in mapping.fields.items()
           if f in ("start", "duration") + PARTY_FIELDS and c in mapping.confidence]
    confidence = round(min(key), 3) if key else 0.0
    result = FileClassification(GENERIC_ID, "generic", confidence, tuple(top3) or ((GENERIC_ID, confidence),),
                                cols, "values")
    return result, layout, sample
