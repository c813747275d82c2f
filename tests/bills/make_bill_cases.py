#!/usr/bin/env python3
"""Write the bill cases of tests/cases/pdf (``bill_*.pdf`` and their JSON) with the test-only writer.

Each case's expected rows come from the writer's own values (wall-clock times and the zone it means,
10-digit numbers), not from raybench. Run from the repository root:

    .venv/bin/python tests/bills/make_bill_cases.py
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime as dt
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bill_writer import Usage, att_bill, tmobile_bill  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "cases" / "pdf"


def att_day_headings():
    calls = [
        Usage(dt(2025, 5, 25, 22, 32), "voice", "outgoing", "8165550142", 3, "KANSAS MO"),
        Usage(dt(2025, 5, 25, 23, 5), "voice", "incoming", "8165550143", 12),
        Usage(dt(2025, 5, 26, 0, 4), "voice", "outgoing", "8005550100", 1, "Toll F CL"),
        Usage(dt(2025, 5, 26, 9, 41), "voice", "outgoing", "3125550177", 7),
        Usage(dt(2025, 5, 26, 12, 0), "voice", "incoming", "3125550177", 2),
        Usage(dt(2025, 5, 28, 17, 15), "voice", "outgoing", "7735550123", 45, "EVANSTON IL"),
        Usage(dt(2025, 5, 28, 18, 1), "voice", "outgoing", "7735550124", 1),
        Usage(dt(2025, 5, 29, 8, 30), "sms", "outgoing", "3125550188"),
        Usage(dt(2025, 5, 29, 8, 31), "mms", "incoming", "3125550188"),
        Usage(dt(2025, 5, 30, 7, 0), "data", minutes=3),
    ]
    second = [
        Usage(dt(2025, 6, 1, 11, 11), "voice", "incoming", "6305550150", 4),
        Usage(dt(2025, 6, 2, 14, 2), "voice", "outgoing", "6305550151", 9, "NAPERVILL IL"),
    ]
    bill = att_bill({"3125550100": calls, "3125550101": second}, (date(2025, 5, 4), date(2025, 6, 3)),
                    summary_before=2, lines_per_page=12,
                    bad_rows={("3125550100", calls[4].when): "12:00pm INCOMI CL 312.555.01?? ## 2 $0.00"})
    return bill, "AT&T Call Detail: day headings carried across rows and a page break (repeated two-line " \
                 "header), Place Called INCOMI CL / Toll F CL / city, dotted numbers, two lines (subscribers), " \
                 "Text Detail (Sent/Rcvd, Text Message, Pict Video MSG) and Data Detail sections, an unreadable " \
                 "row quarantined"


def att_new_year():
    calls = [
        Usage(dt(2024, 12, 30, 21, 59), "voice", "outgoing", "2145550190", 5),
        Usage(dt(2024, 12, 31, 23, 58), "voice", "incoming", "2145550191", 3),
        Usage(dt(2025, 1, 1, 0, 2), "voice", "outgoing", "2145550192", 2),
        Usage(dt(2025, 1, 2, 10, 5), "sms", "incoming", "2145550190"),
    ]
    bill = att_bill({"4695550100": calls}, (date(2024, 12, 15), date(2025, 1, 14)))
    return bill, "AT&T bill period Dec 15, 2024 - Jan 14, 2025: December's day headings get 2024, January's 2025"


def tmobile_first_row_dates():
    calls = [Usage(dt(2025, 9, 12, 9, 5), "voice", "incoming", "5055550110", 3)]
    calls += [Usage(dt(2025, 9, 12, 10 + k, 7 * k), "voice", "outgoing", f"50555501{20 + k}", k + 1)
              for k in range(6)]
    calls += [Usage(dt(2025, 9, 13, 8, 0), "voice", "outgoing", "5055550130", 2),
              Usage(dt(2025, 9, 13, 8, 40), "voice", "incoming", "5055550131", 1),
              Usage(dt(2025, 9, 13, 9, 0), "sms", "outgoing", "5055550130"),
              Usage(dt(2025, 9, 13, 9, 1), "sms", "incoming", "5055550130"),
              Usage(dt(2025, 9, 14, 9, 2), "mms", "outgoing", "5055550131"),
              Usage(dt(2025, 9, 14, 6, 30), "data", minutes=20),
              Usage(dt(2025, 9, 14, 7, 30), "data", minutes=2)]
    bill = tmobile_bill({"2065550100": calls}, (date(2025, 8, 15), date(2025, 9, 14)), lines_per_page=9)
    return bill, "T-Mobile TALK/TEXT/DATA: the date only on a day's first row (carried across a CONTINUES... / " \
                 "...CONTINUED page break), IN/OUT in the time cell, (206) 555-0100 numbers, the zone from the " \
                 "note 'Pacific Time', page headers and footers"


def tmobile_lines_new_year():
    a = [Usage(dt(2024, 12, 31, 23, 50), "voice", "outgoing", "4255550120", 14),
         Usage(dt(2025, 1, 1, 0, 20), "voice", "incoming", "4255550121", 1)]
    b = [Usage(dt(2024, 12, 24, 18, 0), "voice", "incoming", "4255550130", 30),
         Usage(dt(2025, 1, 5, 9, 15), "sms", "outgoing", "4255550130")]
    c = [Usage(dt(2025, 1, 10, 12, 0), "voice", "outgoing", "4255550140", 6)]
    bill = tmobile_bill({"2065550111": a, "2065550112": b, "2065550113": c},
                        (date(2024, 12, 20), date(2025, 1, 19)), summary_before=1)
    return bill, "T-Mobile bill with three lines (each its own sections, headed by the line's name and | Voice) " \
                 "and the period Dec 20 - Jan 19, 2025 printed without the first year"


def att_scanned_page():
    calls = [Usage(dt(2025, 5, 25, 22, 32), "voice", "outgoing", "8165550142", 3, "KANSAS MO"),
             Usage(dt(2025, 5, 26, 9, 1), "voice", "incoming", "8165550143", 12)]
    bill = att_bill({"3125550100": calls}, (date(2025, 5, 4), date(2025, 6, 3)), scanned_before_detail=True)
    return bill, "AT&T bill with a scanned page (an image, no text layer) before the call detail: the page is " \
                 "counted as scanned_page and the file is suspect, never ok; the text pages are read"


CASES = {
    "bill_att_day_headings.pdf": ("att_wireless_bill", att_day_headings),
    "bill_att_new_year.pdf": ("att_wireless_bill", att_new_year),
    "bill_tmobile_first_row_dates.pdf": ("tmobile_bill", tmobile_first_row_dates),
    "bill_tmobile_lines_new_year.pdf": ("tmobile_bill", tmobile_lines_new_year),
    "bill_att_scanned_page.pdf": ("att_wireless_bill", att_scanned_page),
}


def main() -> None:
    for name, (layout, build) in CASES.items():
        bill, defect = build()
        bill.save(str(OUT / name))
        want = bill.expected(layout, defect)
        if bill.scanned:
            want["status"] = "suspect"
        (OUT / f"{name}.json").write_text(json.dumps(want, indent=1) + "\n")
        print("wrote", OUT / name)


if __name__ == "__main__":
    main()
