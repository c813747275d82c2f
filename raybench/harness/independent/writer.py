"""The independent evaluation set: which files, with which variations, and :func:`write_set`.

Each file is written with a truth JSON beside it (``<name>.truth.json``) and the set with a
``manifest.json``. A record's truth says its canonical fields and whether it must be stored, must be
quarantined (deliberately unreadable: a truncated record, a quote that never closes) or may be either (a
record holding bytes of another encoding). A file is expected ``suspect`` when more than
:data:`SUSPECT_SHARE` of its records are unreadable, else ``ok``.
"""

from __future__ import annotations

import json
import os
import random

from raybench.harness.independent import (
    families,
    holdout,
    holdout2,
    holdout3,
    holdout4,
    holdout5,
    holdout6,
    holdout7,
    pbx,
)
from raybench.harness.independent.families import Draft, Line
from raybench.harness.independent.spec import FileSpec

SUSPECT_SHARE = 0.05
"""Share of unreadable records above which a file should end ``suspect`` (the issue's threshold)."""


F, P = families, pbx
TEN_BROKEN = tuple(i / 10 + 0.03 for i in range(10))

FILES: tuple[FileSpec, ...] = (
    FileSpec("att_01_footers.csv", "att", F.att, dict(year_digits=2, footer_every=15, pages=4), newline="\r\n",
             notes="2-digit years, page footers as rows, CRLF"),
    FileSpec("att_02_unicode.txt", "att", F.att, dict(delim="\t", pad=False), encoding="utf-16", newline="\r\n",
             notes="UTF-16 tab, no zero padding"),
    FileSpec("att_03_semicolon.csv", "att", F.att, dict(delim=";", date_order="dmy", numbers="float11", codes=True,
                                                        totals=True, month=5), encoding="cp1252",
             notes="cp1252 ;, DMY, Orig/Term codes, numbers as floats, Totals row"),
    FileSpec("att_04_damaged.csv", "att", F.att, dict(numbers="dash", month=9), encoding="utf-8-sig",
             damage={"nul": (0.3,), "unclosed": (0.5,), "truncate": (0.8,)},
             notes="BOM, NUL padding, an unclosed quote, a truncated record"),
    FileSpec("att_05_pipe.txt", "att", F.att, dict(delim="|", numbers="paren", year=2023, month=12),
             notes="| delimited, (312) 555-0123 numbers"),
    FileSpec("tmo_01_iso.csv", "tmobile", F.tmobile, dict(), notes="3GPP type names, ISO stamps UTC"),
    FileSpec("tmo_02_us12.txt", "tmobile", F.tmobile, dict(delim="\t", stamp="us12", exotic=0.2, month=8),
             encoding="cp1252", notes="cp1252 tab, 12h clock, trunk-0 and 011 numbers"),
    FileSpec("tmo_03_dmy.csv", "tmobile", F.tmobile, dict(delim=";", stamp="dmy_nosec", dur_style="hmmss",
                                                          month=4, year=2024), encoding="utf-16",
             notes="UTF-16 ;, DD.MM.YYYY, no seconds, H:MM:SS durations"),
    FileSpec("tmo_04_banner.csv", "tmobile", F.tmobile, dict(banner=True, end_footer=True, dur_style="dec",
                                                             numbers="float11", month=10),
             notes="banner and end footer, 137.0 durations, float numbers"),
    FileSpec("tmo_05_torn.csv", "tmobile", F.tmobile, dict(month=12, year=2024), damage={"truncate": TEN_BROKEN},
             notes="10 truncated records of 40+: suspect"),
    FileSpec("spr_01_glossary.csv", "sprint", F.sprint, dict(), notes="glossary headers, Outgoing/Incoming/Routed"),
    FileSpec("spr_02_key.csv", "sprint", F.sprint, dict(headers="key", roles="abbrev", year_digits=2, pad=False,
                                                        seconds=False, month=1), newline="\r\n",
             notes="key headers, Orig/Term/Rtd, 1/8/24 13:05 no seconds"),
    FileSpec("spr_03_pipe.txt", "sprint", F.sprint, dict(delim="|", date_order="dmy", dur_style="dec",
                                                         numbers="float10", month=6, year=2023),
             notes="| DMY, 137.0 durations, float numbers"),
    FileSpec("spr_04_broken.csv", "sprint", F.sprint, dict(month=9), damage={"truncate": TEN_BROKEN[:6]},
             encoding="cp1252", notes="6 truncated records: suspect"),
    FileSpec("vzw_01_bill.csv", "verizon", F.verizon, dict(), notes="MM/DD/YYYY, 1:05 PM, minutes"),
    FileSpec("vzw_02_long.csv", "verizon", F.verizon, dict(dates="long", time_style="12tight", page_footers=3,
                                                           place="MÉXICO DF", month=2), encoding="cp1252",
             notes='cp1252, "Feb 14, 2024", 01:05PM, Page N of M rows'),
    FileSpec("vzw_03_semicolon.csv", "verizon", F.verizon, dict(delim=";", dates="dmy2", time_style="24",
                                                                totals=True, month=6, year=2025),
             encoding="utf-8-sig", notes="BOM ;, DD/MM/YY 24h, Totals row"),
    FileSpec("ast_01_16col.csv", "asterisk", P.asterisk, dict(), notes="16 columns, local (Chicago), targets s/t/h"),
    FileSpec("ast_02_17col_utc.csv", "asterisk", P.asterisk, dict(columns=17, zone="UTC", month=7),
             notes="17 columns, usegmtime: uniqueid proves UTC"),
    FileSpec("ast_03_18col_local.csv", "asterisk", P.asterisk, dict(columns=18, month=8, year=2023),
             notes="18 columns, local stamps, uniqueid gives the offset"),
    FileSpec("ast_04_damaged.csv", "asterisk", P.asterisk, dict(columns=17, zone="UTC", month=1), newline="\r\n",
             damage={"nul": (0.4,), "unclosed": (0.6,), "foreign": (0.2,)},
             notes="CRLF, NUL padding, unclosed quote, one cp1252 record"),
    FileSpec("ast_05_sip.csv", "asterisk", P.asterisk, dict(sip_users=True, trunk0=True, month=10),
             encoding="cp1252", notes="SIP users, trunk-0 numbers, cp1252 names"),
    FileSpec("fs_01_default.csv", "freeswitch", P.freeswitch, dict(), notes="default template, +34/0034/00034"),
    FileSpec("fs_02_ab_legs.csv", "freeswitch", P.freeswitch, dict(legs="ab", month=5, year=2024),
             encoding="utf-8-sig", newline="\r\n", notes="A and B legs, BOM, CRLF"),
    FileSpec("fix_01_report.txt", "fixed", P.fixed_width, dict(), notes="MMDDYY HH:MM mmm:ss, page furniture"),
    FileSpec("fix_02_yymmdd.txt", "fixed", P.fixed_width, dict(date_style="yymmdd", per_page=25, month=7),
             encoding="cp1252", newline="\r\n", damage={"nul": (0.5,), "truncate": (0.7,)},
             notes="YYMMDD, CRLF, NUL padding, one short record"),
)
"""The set: 26 files over seven families."""


def _damage(draft: Draft, spec: FileSpec, rng: random.Random) -> set[int]:
    """Apply ``spec.damage`` to the draft's records; return the line indexes to write in cp1252."""
    records = [i for i, line in enumerate(draft.lines) if line.kind == "record"]
    foreign: set[int] = set()
    used: set[int] = set()
    for kind, positions in spec.damage.items():
        for pos in positions:
            k = min(len(records) - 1, int(pos * len(records)))
            while k in used:
                k = (k + 1) % len(records)
            used.add(k)
            line: Line = draft.lines[records[k]]
            truth = line.truth
            assert truth is not None
            if kind == "nul":
                line.text = "\x00" * rng.randint(8, 64) + line.text
            elif kind == "truncate":
                if line.fields:
                    line.text = draft.delim.join(line.text.split(draft.delim)[: max(2, len(line.fields) // 2)])
                else:
                    line.text = line.text[: len(line.text) // 3]
                truth.update(expect="quarantine", why="truncated record")
            elif kind == "unclosed":
                if draft.quote_all:  # drop the closing quote of the fifth field
                    at = [j for j in range(len(line.text)) if line.text.startswith('","', j)][4]
                    line.text = line.text[:at] + line.text[at + 1:]
                else:  # open a quote at the start of the sixth field
                    at = [j for j, c in enumerate(line.text) if c == draft.delim][4]
                    line.text = line.text[: at + 1] + '"' + line.text[at + 1:]
                truth.update(expect="quarantine", why="quote never closes")
            elif kind == "foreign":
                if spec.encoding.startswith("utf-8"):
                    line.text = line.text.replace('"Alice', '"Aléxia', 1).replace('"Bob', '"Bérénice', 1)
                    if not any(ord(c) > 127 for c in line.text):
                        line.text = line.text.replace('"",', '"Ménard",', 1)
                    foreign.add(records[k])
                    truth.update(expect="either", why="bytes of another encoding")
            else:
                raise ValueError(f"unknown damage {kind!r}")
    return foreign


def _encode(draft: Draft, spec: FileSpec, foreign: set[int]) -> bytes:
    payload = getattr(draft, "payload", None)  # a workbook (holdout4.Workbook, also holdout5's): its bytes as written
    if payload is not None:
        return payload
    ends = [spec.newline] * len(draft.lines)
    if ends and not draft.trailing_newline:
        ends[-1] = ""
    if spec.encoding in ("utf-16", "utf-16-be"):
        text = "".join(line.text + end for line, end in zip(draft.lines, ends))
        return text.encode("utf-16") if spec.encoding == "utf-16" else b"\xfe\xff" + text.encode("utf-16-be")
    out = bytearray(b"\xef\xbb\xbf" if spec.encoding == "utf-8-sig" else b"")
    base = "utf-8" if spec.encoding.startswith("utf-8") else spec.encoding
    for i, (line, end) in enumerate(zip(draft.lines, ends)):
        out += (line.text + end).encode("cp1252" if i in foreign else base)
    return bytes(out)


def write_file(spec: FileSpec, out_dir: str, seed: int) -> dict:
    """Write one file and its truth JSON; return the truth document."""
    rng = random.Random(f"{seed}:{spec.name}")
    n = rng.randint(40, 60)
    draft = spec.write(rng, n, **spec.options)
    foreign = _damage(draft, spec, rng)
    path = os.path.join(out_dir, spec.name)
    with open(path, "wb") as f:
        f.write(_encode(draft, spec, foreign))
    records = [line.truth for line in draft.lines if line.kind == "record"]
    unreadable = sum(1 for r in records if r and r["expect"] == "quarantine")
    doc = {
        "file": spec.name, "family": spec.family, "encoding": spec.encoding, "notes": spec.notes,
        "records": len(records), "expected_quarantined": unreadable,
        "expected_status": "suspect" if unreadable > SUSPECT_SHARE * len(records) else "ok",
        "truth": records,
    }
    with open(path + ".truth.json", "w") as f:
        json.dump(doc, f, indent=1)
    return doc


GROUPS = ("main", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7")
"""``main``: :data:`FILES`; ``holdout``: :data:`raybench.harness.independent.holdout.HOLDOUT`; ``holdout2``:
:data:`raybench.harness.independent.holdout2.HOLDOUT2`; ``holdout3``:
:data:`raybench.harness.independent.holdout3.HOLDOUT3`; ``holdout4``:
:data:`raybench.harness.independent.holdout4.HOLDOUT4`; ``holdout5``:
:data:`raybench.harness.independent.holdout5.HOLDOUT5`; ``holdout6``:
:data:`raybench.harness.independent.holdout6.HOLDOUT6`; ``holdout7``:
:data:`raybench.harness.independent.holdout7.HOLDOUT7`."""


def group_specs(group: str = "main") -> tuple[FileSpec, ...]:
    """The file specs of one group of the set.

    Raises:
        ValueError: ``group`` is not one of :data:`GROUPS`.
    """
    specs = {"main": FILES, "holdout": holdout.HOLDOUT, "holdout2": holdout2.HOLDOUT2,
             "holdout3": holdout3.HOLDOUT3, "holdout4": holdout4.HOLDOUT4, "holdout5": holdout5.HOLDOUT5,
             "holdout6": holdout6.HOLDOUT6, "holdout7": holdout7.HOLDOUT7}
    if group not in specs:
        raise ValueError(f"unknown group {group!r} (expected one of {', '.join(GROUPS)})")
    return specs[group]


def write_set(out_dir: str, seed: int = 0, only: list[str] | None = None, group: str = "main") -> list[dict]:
    """Write the set (or the files named in ``only``, by name or family) into ``out_dir``.

    Args:
        group: ``main`` (the 26 files), ``holdout`` (the held-out group, :mod:`.holdout`) or ``holdout2`` (the
            second held-out group, :mod:`.holdout2`) or ``holdout3`` (the third, :mod:`.holdout3`) or
            ``holdout4`` (the fourth, :mod:`.holdout4`) or ``holdout5`` (the fifth, :mod:`.holdout5`) or
            ``holdout6`` (the sixth, :mod:`.holdout6`) or ``holdout7`` (the seventh, :mod:`.holdout7`).

    Returns:
        The truth documents, one per file (also in ``<file>.truth.json``; ``manifest.json`` lists them).
    """
    os.makedirs(out_dir, exist_ok=True)
    specs = [s for s in group_specs(group) if only is None or s.name in only or s.family in only]
    docs = [write_file(s, out_dir, seed) for s in specs]
    keys = ("file", "family", "records", "expected_status", "expected_quarantined", "notes")
    manifest = {"seed": seed, **({"group": group} if group != "main" else {}),
                "files": [{k: d[k] for k in keys} for d in docs]}
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return docs
