"""Perturbed productions for training and evaluation: the generator's records, written the ways real
exports differ.

A :class:`LabelledFile` is a small production (the production generator's builders,
:data:`raybench.generate.carriers.BUILDERS`) with its header respelled, abbreviated or translated
(aliases from ../shared/reference/carrier-formats.md), its columns shuffled, dropped or padded with
extra ones, its header removed, banner lines added, another delimiter, quoting, line ending and encoding.
``other`` files are what the models must not mistake for a known layout: other switches' exports,
business tables, logs. The same ``seed`` always gives the same bytes; training, calibration and
evaluation use disjoint seed ranges (:data:`SEEDS`).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from raybench.catalog import get_layout
from raybench.classify.fields import layout_fields
from raybench.generate.carriers import BUILDERS
from raybench.generate.population import make_population
from raybench.generate.production import YEAR_S, YEAR_START_S

SEEDS = {"train": 0, "calibrate": 500_000, "evaluate": 1_000_000}
"""First seed of each split; file ``i`` of a split has seed ``SEEDS[split] + i``."""

ALIASES: dict[str, tuple[str, ...]] = {
    # AT&T (carrier-formats.md 1.1; OS-LOC-DAT-VIZ header spellings)
    "Item": ("Item #", "Item No", "Seq", "Line", "Record #"),
    "Conn. Date": ("Conn Date", "Connection Date", "CONN_DATE", "Date", "Call Date", "Start Date",
                   "Fecha", "Datum", "Date appel"),
    "Conn. Time (UTC)": ("Conn Time", "Conn. Time", "Connection Time (UTC)", "CONN_TIME_UTC", "Time (UTC)",
                         "Start Time", "StartTime", "Hora (UTC)", "Uhrzeit (UTC)", "Heure (UTC)"),
    "Seizure Time": ("Seizure", "SeizureTime", "Seize Time", "Seizure (s)"),
    "ET": ("Elapsed Time", "Elapsed", "ET (MM:SS)", "Call Duration", "Duration (MM:SS)", "Duración", "Dauer"),
    "Originating Number": ("Orig Number", "Originating No", "Orig #", "ORIG_NBR", "From Number", "A Number",
                           "Calling Party", "Número origen", "Numéro appelant"),
    "Terminating Number": ("Term Number", "Terminating No", "Term #", "TERM_NBR", "To Number", "B Number",
                           "Called Party", "Número destino", "Numéro appelé"),
    "IMEI": ("IMEI Number", "Device IMEI", "MEID/IMEI", "ESN/IMEI"),
    "IMSI": ("IMSI Number", "Subscriber IMSI", "MSID/IMSI"),
    "Description": ("Desc", "Call Description", "Feature", "Call Type", "Type", "Descripción"),
    "LAC": ("LAC/TAC", "Location Area Code", "LAC Dec", "Loc Area"),
    "Cell ID": ("CellID", "Cell", "Cell Site", "CI", "Cell Id (Dec)", "Celda"),
    # T-Mobile (1.2)
    "Type of Call": ("Call Type", "TypeOfCall", "Record Type", "Event Type", "Call Kind", "Tipo de llamada"),
    "Calling Number": ("Calling No", "Calling #", "CallingNumber", "Calling Party Number", "MSISDN A",
                       "A-Party", "Numero llamante", "Anrufer"),
    "Called Number": ("Called No", "Called #", "CalledNumber", "Called Party Number", "MSISDN B", "B-Party",
                      "Numero llamado", "Angerufener"),
    "Dialed Number": ("Dialed Digits", "Dialed No", "Dialled Number", "DialedNumber", "Digits Dialed"),
    "Start Date/Time (UTC)": ("Start DateTime", "Start Date Time", "StartTime (UTC)", "Record Open Date/Time",
                              "Event Time (UTC)", "Date/Time", "Fecha/Hora (UTC)", "Start Date/Time"),
    "Duration (Sec)": ("Duration", "Duration (s)", "Dur (Sec)", "Call Duration (Seconds)", "Seconds",
                       "Duración (seg)", "Dauer (Sek)"),
    # Sprint (1.3)
    "CALLING_NBR": ("Calling number", "CALLING NBR", "CALLING_NUMBER", "Calling Nbr", "CLG_NBR"),
    "CALLED_NBR": ("Called number", "CALLED NBR", "CALLED_NUMBER", "Called Nbr", "CLD_NBR"),
    "DIALED_DIGITS": ("Dialed digits", "DIALED DIGITS", "DIALED_DIGS", "Dialed"),
    "M_R": ("M_R #", "MR", "Mobile Role", "M R", "Role"),
    "START_DATE": ("Start Date", "START DATE", "START_DT", "Start Date/Time", "Begin Date"),
    "END_DATE": ("End Date", "END DATE", "END_DT", "End Date/Time", "Stop Date"),
    "DURATION": ("Duration", "DUR", "Duration (sec)", "CALL_DURATION", "Secs"),
    "NEID": ("NE ID", "Network Element", "NE_ID", "Switch Group"),
    "REPOLL": ("Repoll number", "REPOLL_NBR", "Repoll #", "Switch"),
    "FIRST_CELL": ("1ST CELL", "First Cell", "FIRST CELL", "1st Cell Site", "Cell 1", "Orig Cell"),
    "LAST_CELL": ("LAST CELL", "Last Cell", "Last Cell Site", "Cell 2", "Term Cell"),
    # Verizon billing detail (1.4)
    "Wireless Number": ("Mobile Number", "Wireless No", "Line Number", "Phone Number", "Subscriber Number",
                        "Número inalámbrico"),
    "Date": ("Call Date", "Usage Date", "DATE", "Fecha", "Datum", "Dt"),
    "Time": ("Call Time", "Usage Time", "TIME", "Hora", "Uhrzeit", "Tm"),
    "Number": ("Other Number", "Number Called", "Contact Number", "Other Party", "Phone", "Nbr", "Número"),
    "Usage Type": ("Type", "Usage", "Usage Category", "Service Type", "Tipo de uso"),
    "Origination": ("Origin", "Orig City", "From", "Originating Location", "Origen"),
    "Destination": ("Dest", "Dest City", "To", "Destination Location", "Destino"),
    "Minutes": ("Min", "Mins", "Minutes Used", "Billed Minutes", "Minutos", "Minuten"),
    "Airtime Charges": ("Airtime", "Airtime Chg", "Air Charges", "Airtime ($)"),
    "LD/Other Charges": ("LD Charges", "Other Charges", "LD/Other", "Long Distance Charges"),
    "Total Charges": ("Total", "Total Chg", "Amount", "Total ($)", "Importe"),
    # Asterisk Master.csv (1.6): names a tool adds when it writes a header
    "accountcode": ("account", "AccountCode", "acct"),
    "src": ("source", "caller", "Src", "from"),
    "dst": ("destination", "callee", "Dst", "to"),
    "dcontext": ("context", "dst_context", "DContext"),
    "clid": ("callerid", "caller_id", "CLID"),
    "channel": ("chan", "Channel", "src_channel"),
    "dstchannel": ("dst_channel", "DstChannel", "dest_channel"),
    "lastapp": ("last_app", "LastApp", "application"),
    "lastdata": ("last_data", "LastData", "app_data"),
    "start": ("start_time", "calldate", "Start", "start_stamp"),
    "answer": ("answer_time", "Answer", "answer_stamp"),
    "end": ("end_time", "End", "end_stamp"),
    "duration": ("Duration", "dur", "total_duration"),
    "billsec": ("billable_seconds", "BillSec", "bill_sec", "talk_time"),
    "disposition": ("Disposition", "status", "call_status"),
    "amaflags": ("AMAFlags", "ama_flags", "flags"),
    "uniqueid": ("unique_id", "UniqueID", "uuid"),
    "userfield": ("user_field", "UserField", "custom"),
}
"""Other spellings of each generated layout's columns: respellings, abbreviations and translations."""

_ABBREVIATIONS = (("Number", "Nbr"), ("Number", "No"), ("Number", "#"), ("Number", "Num"), ("Date", "Dt"),
                  ("Time", "Tm"), ("Duration", "Dur"), ("Calling", "Clg"), ("Called", "Cld"),
                  ("Originating", "Orig"), ("Terminating", "Term"), ("Description", "Desc"),
                  ("Charges", "Chgs"), ("Connection", "Conn"), ("Minutes", "Min"))

EXTRA_COLUMNS = ("Notes", "Bates No", "Page", "Account", "Rate Plan", "Roaming", "Switch Name", "Record Seq",
                 "Comments", "Market", "Service Provider", "Trunk Group", "Zip", "Billing Cycle", "Batch ID")
"""Names of columns a production may carry that no field reads."""

BANNERS = ("AT&T Proprietary (Internal Use Only)", "Subscriber Records Report", "Report generated 2024-06-30",
           "CONFIDENTIAL - LAW ENFORCEMENT SENSITIVE", "Target: 555-0100", "Run Date: 07/01/2024 10:42",
           "Voice Usage For: (212) 555-0101", "Case No 24-CR-0001", "Records for period 01/01/2024 - 06/30/2024",
           "=================================")

MODEL_LAYOUTS = ("att_mobility_voice", "tmobile_cdr", "sprint_cdma", "verizon_billing_detail",
                 "asterisk_master_csv")
"""The layouts the file models learn (the model card's classes, besides ``other``): the generated
delimited layouts. Fixed-width reports (``switch_fixed_detail``) are read by their layout's positions,
not by these models, so the corpus leaves them out."""


@dataclass(frozen=True)
class LabelledFile:
    """One production with its labels.

    Attributes:
        name: a file name (``<layout>-<seed>.csv``).
        data: the file's bytes.
        layout: the layout id, or ``other``.
        carrier: the carrier, or ``unknown`` for ``other``.
        fields: the true field of each column in file order (empty for ``other``).
        descriptors: record-type descriptor values with their true record type (from the truth).
        perturbations: what was done, for reports.
        held_out_headers: indexes of the columns spelled with an alias training never saw.
        truth: the canonical values of the records (:data:`raybench.generate.carriers.TRUTH_SCHEMA`,
            a polars frame), None for ``other``.
    """

    name: str
    data: bytes
    layout: str
    carrier: str
    fields: tuple[str, ...]
    descriptors: tuple[tuple[str, str], ...]
    perturbations: tuple[str, ...]
    truth: object = field(default=None, compare=False, repr=False)
    held_out_headers: tuple[int, ...] = ()


@cache
def _population(seed: int):
    return make_population(seed)


def held_out_alias(name: str, alias: str) -> bool:
    """Every fourth alias of a column is never used in training or calibration, only in evaluation."""
    return ALIASES.get(name, ()).index(alias) % 4 == 3 if alias in ALIASES.get(name, ()) else False


def _respell(name: str, rng: random.Random, evaluation: bool) -> tuple[str, bool]:
    """A spelling of column ``name``, and whether it is a held-out alias."""
    unseen = False
    if rng.random() < 0.5 and ALIASES.get(name):
        choices = [a for a in ALIASES[name] if evaluation or not held_out_alias(name, a)]
        alias = rng.choice(choices)
        unseen = held_out_alias(name, alias)
        name = alias
    if rng.random() < 0.3:
        old, new = rng.choice(_ABBREVIATIONS)
        name = name.replace(old, new)
    style = rng.random()
    if style < 0.15:
        name = name.upper()
    elif style < 0.25:
        name = name.lower()
    elif style < 0.35:
        name = "_".join(name.replace(".", "").replace("(", "").replace(")", "").split()).upper()
    elif style < 0.42:
        name = name.title()
    return name, unseen


def _write(header: list[str] | None, rows: list[list[str]], delimiter: str, quote_all: bool, eol: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                        lineterminator=eol)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _encode(text: str, rng: random.Random, notes: list[str]) -> bytes:
    r = rng.random()
    if r < 0.08:
        notes.append("utf-16")
        return text.encode("utf-16")
    if r < 0.18:
        notes.append("utf-8-sig")
        return text.encode("utf-8-sig")
    if r < 0.28:
        notes.append("cp1252")
        return text.encode("cp1252", errors="replace")
    return text.encode("utf-8")


def _extra_values(name: str, n: int, rng: random.Random) -> list[str]:
    kind = rng.randrange(4)
    if kind == 0:
        return [str(rng.randrange(1, 10 ** rng.randrange(2, 7))) for _ in range(n)]
    if kind == 1:
        return [rng.choice(("Y", "N", "")) for _ in range(n)]
    if kind == 2:
        return [rng.choice(("PLAN A", "Unlimited", "Business 500", "Prepaid", "")) for _ in range(n)]
    return [f"{name[:3].upper()}{rng.randrange(10000):04d}" for _ in range(n)]


def layout_file(layout_id: str, seed: int, rows: int | None = None, records_seed: int | None = None) -> LabelledFile:
    """A perturbed production of a generated layout.

    Args:
        layout_id: one of :data:`MODEL_LAYOUTS`.
        seed: decides the records and every perturbation.
        rows: records (default: 20 to 80, drawn).
        records_seed: draw the records from this seed instead (same header, delimiter and encoding:
            next week's delivery of the same export).
    """
    rng = random.Random(f"{layout_id}:{seed}")
    layout = get_layout(layout_id)
    n = rows or rng.randrange(20, 81)
    rseed = seed if records_seed is None else records_seed
    nrng = np.random.default_rng([rseed, MODEL_LAYOUTS.index(layout_id), 99])
    lo = YEAR_START_S + rng.randrange(YEAR_S - 86400 * 30)
    secs = np.sort(nrng.integers(lo, lo + 86400 * 30, n))
    source, truth = BUILDERS[layout_id](nrng, _population(rseed % 16), n, secs, 1)
    true_fields = layout_fields(layout)
    columns = [(c, true_fields[c], ["" if v is None else v for v in source[c].to_list()]) for c in layout.columns]
    if layout_id == "asterisk_master_csv":
        columns = columns[:rng.choice((16, 17, 18))]
    notes: list[str] = []
    unseen: set[str] = set()
    header = layout.has_header
    if header and rng.random() < 0.15:
        header = False
        notes.append("headerless")
    elif not header and rng.random() < 0.35:
        header = True
        notes.append("header added")
    if header:
        spelled = [_respell(c, rng, seed >= SEEDS["evaluate"]) for c, _, _ in columns]
        columns = [(name, f, v) for (name, _), (_, f, v) in zip(spelled, columns)]
        unseen = {name for name, u in spelled if u}
        if rng.random() < 0.35:
            keep = [i for i, (_, f, _) in enumerate(columns) if f not in ("start", "start_time")]
            for i in sorted(rng.sample(keep, rng.randrange(1, 3)), reverse=True):
                del columns[i]
            notes.append("dropped")
        if rng.random() < 0.3:
            for name in rng.sample(EXTRA_COLUMNS, rng.randrange(1, 3)):
                columns.insert(rng.randrange(len(columns) + 1), (name, "ignore", _extra_values(name, n, rng)))
            notes.append("extra")
        if rng.random() < 0.5:
            rng.shuffle(columns)
            notes.append("shuffled")
    held_out = tuple(i for i, (c, _, _) in enumerate(columns) if header and c in unseen)
    delimiter = layout.delimiter
    if rng.random() < 0.3:
        delimiter = rng.choice((";", "|", "\t"))
        notes.append(f"delimiter {delimiter!r}")
    quote_all = layout_id == "asterisk_master_csv" or rng.random() < 0.15
    eol = "\r\n" if rng.random() < 0.2 else "\n"
    body = _write([c for c, _, _ in columns] if header else None,
                  [list(r) for r in zip(*(v for _, _, v in columns))], delimiter, quote_all, eol)
    if rng.random() < 0.25:
        body = eol.join(rng.sample(BANNERS, rng.randrange(1, 4))) + eol + body
        notes.append("banners")
    data = _encode(body, rng, notes)
    rt_col = layout.record_type.column if layout.record_type else None
    descriptors: tuple[tuple[str, str], ...] = ()
    if rt_col is not None and layout.record_type.values:
        descriptors = tuple(zip(source[rt_col].to_list(), truth["record_type"].to_list()))
    return LabelledFile(f"{layout_id}-{seed}.csv", data, layout_id, layout.carrier,
                        tuple(f for _, f, _ in columns), descriptors, tuple(notes), truth, held_out)


_OTHER_HEADERS = ("order_id", "customer", "email", "sku", "product", "qty", "price", "amount", "city", "state",
                  "zip", "status", "created_at", "updated_at", "name", "address", "score", "region", "id",
                  "category", "description", "temperature", "humidity", "latitude", "longitude", "user",
                  "count", "total", "invoice", "due_date", "vendor", "department", "salary", "title")


def _other_value(rng: random.Random) -> str:
    k = rng.randrange(7)
    if k == 0:
        return str(rng.randrange(10 ** rng.randrange(1, 8)))
    if k == 1:
        return f"{rng.uniform(-100, 1000):.2f}"
    if k == 2:
        return f"2023-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    if k == 3:
        return rng.choice(("alpha", "beta", "open", "closed", "pending", "Widget", "Gadget", "north", "south"))
    if k == 4:
        return f"{rng.choice(('jo', 'al', 'mi', 'sa'))}{rng.randrange(100)}@example.com"
    if k == 5:
        return f"{rng.randrange(1, 13):02d}/{rng.randrange(1, 29):02d}/2022 {rng.randrange(24):02d}:{rng.randrange(60):02d}"
    return ""


def _other_text(rng: random.Random, n: int) -> str:
    """A file that is none of the generated layouts."""
    kind = rng.randrange(8)
    delimiter = rng.choice((",", ";", "|", "\t"))
    if kind == 0:  # a business table
        cols = rng.sample(_OTHER_HEADERS, rng.randrange(3, 12))
        return _write(cols, [[_other_value(rng) for _ in cols] for _ in range(n)], delimiter, False, "\n")
    if kind == 1:  # headerless numbers and dates
        width = rng.randrange(3, 12)
        kinds = [rng.randrange(6) for _ in range(width)]
        rows = [[_other_value(random.Random(rng.random() + k)) if k else str(rng.randrange(10 ** 9))
                 for k in kinds] for _ in range(n)]
        return _write(None, rows, delimiter, False, "\n")
    if kind == 2:  # FreeSWITCH cdr-csv default template (carrier-formats.md 1.7)
        rows = [[f"User {rng.randrange(99)}", f"10{rng.randrange(10, 99)}", f"+34{rng.randrange(10 ** 8, 10 ** 9)}",
                 "default", f"2024-03-0{rng.randrange(1, 9)} 1{rng.randrange(10)}:0{rng.randrange(10)}:00", "",
                 "2024-03-01 10:00:30", str(rng.randrange(300)), str(rng.randrange(300)), "NORMAL_CLEARING",
                 f"{rng.getrandbits(128):032x}", "", "1000"] for _ in range(n)]
        return _write(None, rows, ",", True, "\n")
    if kind == 3:  # Cisco CUCM: names, then SQL types (1.8)
        cols = ["cdrRecordType", "globalCallID_callManagerId", "globalCallID_callId", "origLegCallIdentifier",
                "dateTimeOrigination", "origNodeId", "callingPartyNumber", "originalCalledPartyNumber",
                "finalCalledPartyNumber", "dateTimeConnect", "dateTimeDisconnect", "duration", "origIpAddr"]
        types = ["INTEGER"] * 5 + ["INTEGER", "VARCHAR(50)", "VARCHAR(50)", "VARCHAR(50)", "INTEGER", "INTEGER",
                                   "INTEGER", "INTEGER"]
        rows = [["1", "4", str(rng.randrange(10 ** 6)), str(rng.randrange(10 ** 8)), str(1452772000 + i * 60),
                 "4", f"10{rng.randrange(10, 99)}", str(rng.randrange(10 ** 9)), str(rng.randrange(10 ** 9)),
                 str(1452772010 + i * 60), str(1452772100 + i * 60), str(rng.randrange(600)),
                 str(rng.randrange(-2 ** 31, 2 ** 31))] for i in range(n)]
        return _write(cols, [types] + rows, ",", False, "\n")
    if kind == 4:  # a log
        return "\n".join(f"2024-05-0{rng.randrange(1, 9)}T12:{rng.randrange(60):02d}:00Z INFO worker "
                         f"{rng.randrange(9)} processed {rng.randrange(999)} items in {rng.random():.3f}s"
                         for _ in range(n)) + "\n"
    if kind == 5:  # JSON lines
        return "\n".join(f'{{"id": {i}, "caller": "{rng.randrange(10 ** 9)}", "ts": {1700000000 + i}}}'
                         for i in range(n)) + "\n"
    if kind == 6:  # prose
        words = ("the", "call", "record", "report", "of", "and", "number", "for", "date", "page", "total")
        return "\n".join(" ".join(rng.choice(words) for _ in range(rng.randrange(4, 16))) for _ in range(n)) + "\n"
    # Telecom Italia style aggregates: tab-separated, no header, epoch ms (1.10)
    return _write(None, [[str(rng.randrange(1, 10000)), str(1383260400000 + 600000 * i), str(rng.randrange(1, 300)),
                          f"{rng.random():.6f}", f"{rng.random():.6f}", "", f"{rng.random():.6f}",
                          f"{rng.random() * 10:.6f}"] for i in range(n)], "\t", False, "\n")


def other_file(seed: int) -> LabelledFile:
    """A production that is none of the generated layouts (the ``other`` class)."""
    rng = random.Random(f"other:{seed}")
    notes: list[str] = []
    text = _other_text(rng, rng.randrange(20, 81))
    return LabelledFile(f"other-{seed}.csv", _encode(text, rng, notes), "other", "unknown", (), (), tuple(notes))


def corpus(split: str, per_layout: int, others: int) -> list[LabelledFile]:
    """``per_layout`` files of each generated layout and ``others`` other files, for one split.

    Args:
        split: ``train``, ``calibrate`` or ``evaluate`` (disjoint seeds, see :data:`SEEDS`).
        per_layout, others: how many files.
    """
    base = SEEDS[split]
    files = [layout_file(layout_id, base + i) for layout_id in MODEL_LAYOUTS for i in range(per_layout)]
    return files + [other_file(base + i) for i in range(others)]
