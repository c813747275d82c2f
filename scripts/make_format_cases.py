#!/usr/bin/env python3
"""Write the small PDF, XLSX and fixed-width files of tests/cases/{pdf,xlsx,fixed} (their expected
outcomes, the JSON beside each, are written by hand, not by this script). Run once; the files are
committed.

    .venv/bin/python scripts/make_format_cases.py
"""

from __future__ import annotations

from pathlib import Path

CASES = Path(__file__).resolve().parents[1] / "tests" / "cases"

ATT = ("Item", "Conn. Date", "Conn. Time (UTC)", "Seizure Time", "ET", "Originating Number",
       "Terminating Number", "IMEI", "IMSI", "Description", "LAC", "Cell ID")


def _pdf(path: Path, pages: list[list[tuple[str, object]]]) -> None:
    """pages: lines, each ("cells", [12 texts]) for a table line or ("text", str) for a heading/total."""
    import pymupdf

    from raybench.generate.pdf_bill import (
        COLUMN_X,
        FONT_SIZE,
        LINE_PT,
        TOP,
        _page_footer,
        _page_header,
    )

    doc = pymupdf.open()
    for number, lines in enumerate(pages, 1):
        page = doc.new_page(width=792, height=1224)
        _page_header(page, number, len(pages), "04/01/2024")
        for i, (kind, value) in enumerate(lines):
            y = TOP + i * LINE_PT
            if kind == "text":
                page.insert_text((36, y), value, fontsize=8, fontname="hebo")
                continue
            for x, cell in zip(COLUMN_X, value):
                if cell:
                    page.insert_text((x, y), cell, fontsize=FONT_SIZE, fontname="helv")
        _page_footer(page, number, len(pages))
    doc.save(path, garbage=3, deflate=True)


def _rec(*cells: str) -> tuple[str, list[str]]:
    return ("cells", list(cells))


def _wrap(cell: str) -> tuple[str, list[str]]:
    return ("cells", [""] * 5 + [cell] + [""] * 6)


def pdf_cases() -> None:
    head = ("cells", list(ATT))
    _pdf(CASES / "pdf" / "wrapped_dialed.pdf", [[
        ("text", "Wireless number 212.555.0123 - Call Detail (voice)"), head,
        _rec("1", "03/15/2024", "14:05:09", "3", "02:30", "2125550123", "3105550199", "350000000000001",
             "310260000000001", "MO VOICE", "12345", "54321"),
        _wrap("3105550111(D)"),
        _rec("2", "03/15/2024", "15:10:00", "2", "00:42", "3105550199", "2125550123", "", "310260000000001",
             "MT VOICE", "12345", "54322"),
        _rec("3", "03/16/2024", "09:00:01", "1", "61:05", "2125550123", "9.12678E+11", "350000000000001",
             "310260000000001", "MO VOICE", "12346", "54323"),
        _rec("4", "03/16/2024", "23:59:59", "0", "00:05", "2125550123", "4155550100", "350000000000001",
             "310260000000001", "VM RETRIEVAL", "", ""),
        ("text", "Total for Call Detail: 4 items"),
    ]])
    _pdf(CASES / "pdf" / "table_across_pages.pdf", [[
        head,
        _rec("1", "07/04/2024", "23:59:58", "4", "10:00", "3125550140", "2125550123", "350000000000001",
             "310260000000001", "MT VOICE", "20001", "30001"),
        _rec("2", "07/05/2024", "00:00:03", "2", "00:59", "2125550123", "13125550140", "350000000000001",
             "310260000000001", "MO VOICE", "20001", "30002"),
        _rec("3", "07/05/2024", "08:15:00", "5", "01:01", "2125550123", "3125550141", "350000000000001",
             "310260000000001", "MO VOICE", "20002", "30003"),
    ], [
        _wrap("7025550177(D)"),
        _rec("4", "07/05/2024", "09:00:00", "1", "00:30", "3125550141", "2125550123", "",
             "310260000000001", "CF VOICE", "", ""),
        _rec("5", "07/06/2024", "10:00:00", "1", "00:01", "2125550123", "3125550142", "350000000000001",
             "310260000000001", "VM DEPOSIT", "20003", "30004"),
        ("text", "Total for Call Detail: 5 items"),
    ]])
    top = ("cells", ["", "Conn.", "Conn. Time", "Seizure", "", "Originating", "Terminating", "", "", "", "",
                     "Cell"])
    bottom = ("cells", ["Item", "Date", "(UTC)", "Time", "ET", "Number", "Number", "IMEI", "IMSI", "Description",
                        "LAC", "ID"])
    _pdf(CASES / "pdf" / "two_line_header.pdf", [[
        top, bottom,
        _rec("1", "02/29/2024", "12:00:00", "1", "00:10", "2125550123", "3105550199", "350000000000001",
             "310260000000001", "MO VOICE", "101", "201"),
        _rec("2", "02/29/2024", "13:00:00", "1", "00:20", "2125550123", "3105550198", "350000000000001",
             "310260000000001", "MO VOICE", "101", "202"),
        _wrap("3105550197(D)"),
    ], [
        top, bottom,
        _rec("3", "03/01/2024", "00:00:00", "1", "99:59", "3105550198", "2125550123", "350000000000001",
             "310260000000001", "MT VOICE", "101", "203"),
        ("text", "Total for Call Detail: 3 items"),
    ]])
    _pdf(CASES / "pdf" / "sections.pdf", [[
        ("text", "Wireless number 212.555.0123 - Call Detail (voice)"), head,
        _rec("1", "01/02/2024", "10:00:00", "0", "01:00", "2125550123", "4045550100", "350000000000001",
             "310260000000001", "MO VOICE", "1", "2"),
        _rec("2", "01/02/2024", "11:00:00", "0", "??:??", "4045550100", "2125550123", "350000000000001",
             "310260000000001", "MT VOICE", "1", "2"),
        ("text", "Total for Call Detail: 2 items"),
        ("text", "Wireless number 212.555.0124 - Call Detail (voice)"), head,
        _rec("3", "01/03/2024", "12:30:00", "0", "120:00", "2125550124", "4045550101", "350000000000002",
             "310260000000002", "MO VOICE", "1", "3"),
        ("text", "Total for Call Detail: 1 items"),
    ]])


def xlsx_cases() -> None:
    import xlsxwriter

    tmo = ("Type of Call", "Calling Number", "Called Number", "Dialed Number", "Start Date/Time (UTC)",
           "Duration (Sec)", "IMSI", "IMEI", "LAC", "Cell ID")
    book = xlsxwriter.Workbook(str(CASES / "xlsx" / "two_sheets.xlsx"))
    notes = book.add_worksheet("Read Me")
    notes.write_string(0, 0, "Interpreting Call Detail Records")
    notes.write_string(1, 0, "All times are UTC.")
    sheet = book.add_worksheet("CDR")
    sheet.write_string(0, 0, "T-Mobile USA - Call Detail Records")
    sheet.write_row(2, 0, list(tmo))
    sheet.write_row(3, 0, ["mSOriginating", "12125550123", "13105550199", "13105550199", "2024-03-15 14:05:09",
                           "150", "310260000000001", "350000000000001", "12345", "54321"])
    # numbers typed as numbers, as Excel does when a person re-saves the sheet
    sheet.write_string(4, 0, "mSTerminating")
    sheet.write_number(4, 1, 13105550199)
    sheet.write_number(4, 2, 12125550123)
    sheet.write_string(4, 4, "2024-03-15 15:10:00")
    sheet.write_number(4, 5, 42)
    sheet.write_row(5, 0, ["mSOriginatingSMSinMSC", "12125550123", "+14155550100", "", "2024-03-16 09:00:01",
                           "", "310260000000001", "350000000000001", "", ""])
    sheet.write_string(7, 0, "Total: 3 records")
    book.close()

    book = xlsxwriter.Workbook(str(CASES / "xlsx" / "excel_damaged.xlsx"))
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, list(tmo))
    sheet.write_row(1, 0, ["mSOriginating", "9.12678E+11", "13105550199", "", "2024-05-01 08:00:00", "61"])
    sheet.write_row(2, 0, ["mSTerminating", "13105550199", "12125550123", "", "2024-05-01 09:00:00", "7"])
    sheet.write_row(3, 0, ["callForwarding", "13105550199", "17025550188", "", "2024-05-01 10:00:00", "8",
                           "", "", "", "", "EXTRA"])
    sheet.write_row(4, 0, list(tmo))
    sheet.write_row(5, 0, ["mtc", "+13105550199", "12125550123", "", "2024-05-02 00:00:00", "0"])
    book.close()


def two_row_header_case() -> None:
    """A hosted PBX's call report as Excel (issue 13, held-out 5): a title row, a group row over the field
    row (merged cells), the start as a date-time cell, ring and talk times as time cells, a totals row."""
    from datetime import datetime, time

    import xlsxwriter

    book = xlsxwriter.Workbook(str(CASES / "xlsx" / "h5_two_row_header.xlsx"))
    sheet = book.add_worksheet("Calls")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    clock = book.add_format({"num_format": "[h]:mm:ss"})
    sheet.write_string(0, 0, "Call Report - Harbor Clinic - 03/01/2025 to 03/31/2025")
    for col, group in ((0, "Call"), (2, "From"), (4, "To"), (6, "Duration")):
        sheet.merge_range(2, col, 2, col + 1, group)
    sheet.write_string(2, 8, "Result")
    sheet.write_row(3, 0, ["Date/Time", "Direction", "Name", "Number", "Name", "Number", "Ring", "Talk", "Result"])
    calls = [
        (datetime(2025, 3, 3, 8, 2, 11), "Outbound", "Front Desk", "2101", "", "(312) 555-0177", time(0, 0, 6),
         time(0, 4, 9), "Answered"),
        (datetime(2025, 3, 3, 9, 40, 0), "Inbound", "", "(773) 555-0150", "Dr. Ortiz", "2103", time(0, 0, 14),
         time(1, 2, 30), "Answered"),
        (datetime(2025, 3, 4, 13, 5, 7), "Outbound", "Billing", "2102", "", "(212) 555-0199", time(0, 0, 21),
         time(0, 0, 0), "No Answer"),
        (datetime(2025, 3, 5, 17, 59, 59), "Inbound", "", "(646) 555-0140", "Front Desk", "2101", time(0, 0, 3),
         time(0, 12, 45), "Answered"),
    ]
    for i, (start, way, a_name, a_no, b_name, b_no, ring, talk, result) in enumerate(calls, start=4):
        sheet.write_datetime(i, 0, start, stamp)
        sheet.write_row(i, 1, [way, a_name, a_no, b_name, b_no])
        sheet.write_datetime(i, 6, datetime.combine(datetime(1899, 12, 31), ring), clock)
        sheet.write_datetime(i, 7, datetime.combine(datetime(1899, 12, 31), talk), clock)
        sheet.write_string(i, 8, result)
    sheet.write_row(8, 0, ["Total", "4 calls"])
    sheet.write_datetime(8, 7, datetime(1899, 12, 31, 1, 19, 24), clock)
    book.close()


def serial_workbook_case() -> None:
    """A contact centre's call log saved as Excel after its cell formats were cleared (issue 13, held-out 6):
    a title row, the start as an Excel serial number in a General cell (days since 1899-12-30, the fraction
    the time of day), ANI/DNIS as number cells, CALL TIME text H:MM:SS (the call's length), CALL TYPE
    Inbound/Outbound/Manual; one serial out of any call's range (12345.5 is 1933)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(CASES / "xlsx" / "h6_excel_serial_starts.xlsx"))
    sheet = book.add_worksheet("Call Log")
    sheet.write_string(0, 0, "Call Log  Mar 2025")
    sheet.write_row(1, 0, ["CALL ID", "TIMESTAMP", "CALL TYPE", "ANI", "DNIS", "CALL TIME", "DISPOSITION"])
    calls = [  # serials as a workbook holds them: 2025-03-04 08:05:10, 09:15:00, 23:59:59, 2025-03-05 00:00:00 ...
        (301, 45720 + (8 * 3600 + 5 * 60 + 10) / 86400, "Inbound", 3125550143, 8005550100, "00:02:10", "Resolved"),
        (302, 45720 + (9 * 3600 + 15 * 60) / 86400, "Outbound", 8005550100, 4155550123, "00:00:45", "Sale"),
        (303, 45720 + 86399 / 86400, "Manual", 8005550100, 6175550111, "01:03:30", "Resolved"),
        (304, 45721.0, "Inbound", 2065550188, 8005550100, "00:00:00", "Abandon"),
        (305, 12345.5, "Inbound", 7735550144, 8005550100, "00:12:44", "Resolved"),
        (306, 45721.43351851852, "Outbound", 8005550100, 3035550102, "00:00:09", "No Answer"),
        (307, 45721 + (10 * 3600) / 86400, "Inbound", 4045550166, 8005550100, "00:05:00", "Resolved"),
        (308, 45721 + (11 * 3600 + 30 * 60) / 86400, "Outbound", 8005550100, 7135550129, "00:01:01", "Resolved"),
        (309, 45721 + (12 * 3600 + 1) / 86400, "Inbound", 6465550122, 8005550100, "00:30:00", "Sale"),
        (310, 45721 + (13 * 3600 + 59) / 86400, "Inbound", 6025550125, 8005550100, "00:00:59", "Resolved"),
        (311, 45721 + (14 * 3600 + 14 * 60 + 14) / 86400, "Outbound", 8005550100, 9195550111, "00:14:14",
         "Resolved"),
    ]
    for i, (call_id, serial, kind, ani, dnis, length, result) in enumerate(calls, start=2):
        sheet.write_number(i, 0, call_id)
        sheet.write_number(i, 1, serial)
        sheet.write_string(i, 2, kind)
        sheet.write_number(i, 3, ani)
        sheet.write_number(i, 4, dnis)
        sheet.write_string(i, 5, length)
        sheet.write_string(i, 6, result)
    book.close()


def zone_banner_workbook_case() -> None:
    """A hosted PBX's analytics report as XLSX (issue 13, held-out 7): a hidden first sheet of result codes,
    a title merged over the table, ``Time zone: America/New_York`` in the second row (the stamps are
    Eastern, said nowhere else), date-time cells; ``Caller ID`` and ``Dialed Number`` (no called-party
    column) beside the user's ``Extension``; a ``Total`` row."""
    from datetime import datetime

    import xlsxwriter

    book = xlsxwriter.Workbook(str(CASES / "xlsx" / "h7_zone_in_title_rows.xlsx"))
    codes = book.add_worksheet("Codes")
    codes.write_row(0, 0, ["Code", "Meaning"])
    codes.write_row(1, 0, ["ANS", "Answered"])
    sheet = book.add_worksheet("Call Detail")
    sheet.activate()
    codes.hide()
    when = book.add_format({"num_format": "m/d/yyyy h:mm:ss AM/PM"})
    sheet.merge_range(0, 0, 0, 7, "Call Detail Report - Support", book.add_format({"bold": True}))
    sheet.write_string(1, 0, "Time zone: America/New_York")
    sheet.write_row(3, 0, ["Start Time", "Direction", "Caller ID", "Caller Name", "Dialed Number", "Extension",
                           "Talk Time (s)", "Result"])
    calls = [(datetime(2024, 7, 14, 22, 29, 43), "Outbound", "1006", "Farah", "14155550188", "1006", 732, "ANS"),
             (datetime(2024, 7, 15, 9, 0, 0), "Inbound", "+13125550111", "WIRELESS CALLER", "1007", "1007", 40, "ANS"),
             (datetime(2024, 12, 2, 8, 15, 0), "Outbound", "1007", "Goran", "16025550108", "1007", 65, "VM"),
             (datetime(2024, 12, 2, 10, 0, 0), "Internal", "1006", "Farah", "1004", "1006", 12, "ANS")]
    for i, (start, kind, caller, name, dialed, ext, talk, result) in enumerate(calls, start=4):
        sheet.write_datetime(i, 0, start, when)
        sheet.write_row(i, 1, [kind, caller, name, dialed, ext])
        sheet.write_number(i, 6, talk)
        sheet.write_string(i, 7, result)
    sheet.write_row(8, 0, ["Total", "4 calls", "", "", "", ""])
    sheet.write_number(8, 6, 849)
    book.close()


def fixed_cases() -> None:
    lines = [
        "SWITCH 01   CALL DETAIL REPORT   OFFICE 5ESS-01",
        "DATE   TIME   DURATION CALLING NO   CALLED NO    TY TRUNK",
        "240315 140509     2:30 212 555 0123 310 555 0199 MO 1001",
        "240315 151000     0:42 310 555 0199 212 555 0123 MT 1002",
        "240310 023000    75:05 212 555 0123 415 555 0100 CF 1003",
        "Page 1",
        "",
        "DATE   TIME   DURATION CALLING NO   CALLED NO    TY TRUNK",
        "241103 013000     1:00 212 555 0123 415 555 0101 MO 1004",
        "240316 090001     0:10 212 555",
        "*** END OF REPORT ***",
    ]
    (CASES / "fixed" / "switch_report.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    pdf_cases()
    xlsx_cases()
    two_row_header_case()
    serial_workbook_case()
    zone_banner_workbook_case()
    fixed_cases()
