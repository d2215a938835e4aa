"""Every spreadsheet the portal writes (CSV and XLSX) goes through here, one cell at a time.

A spreadsheet program runs a cell whose text starts with = + - or @ as a formula, and tab or
carriage return let such a cell hide behind a blank: a unit renamed "=HYPERLINK(…)" would become
a live link in a report. Such text is written with a leading apostrophe, so it stays text.
"""

import csv
import io

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]


def csv_bytes(rows) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read it as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(safe_row(row) for row in rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_sheet_append(sheet, row) -> None:
    """Append a row to an openpyxl worksheet; strings are written as text, never as formulas."""
    sheet.append(safe_row(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def xlsx_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
