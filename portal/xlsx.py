"""Every XLSX export writes through here: a user's text is always text, never a formula.

openpyxl turns a string beginning with "=" into a formula; spreadsheet programs also run text
beginning with "+", "-", "@", a tab or a carriage return as one when it is edited (CSV/DDE
injection).  :func:`append_row` stores such text as a string cell with Excel's quote prefix, so
the cell shows exactly what the user wrote and nothing runs.
"""
from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER_FILL = PatternFill("solid", fgColor="A51D24")
RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def append_row(sheet, values: Iterable) -> None:
    """Append one row; strings are stored as text (a risky first character gets the quote prefix)."""
    values = list(values)
    sheet.append([None if isinstance(v, str) else v for v in values])
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            cell = sheet.cell(row=row, column=column)
            cell.value = value
            cell.data_type = TYPE_STRING  # never "f", whatever the text begins with
            if value.startswith(RISKY_START):
                cell.quotePrefix = True


def header_row(sheet, titles: Iterable[str], widths: Iterable[float] = ()) -> None:
    """The first row, in the portal's colours, with column widths."""
    append_row(sheet, [str(t) for t in titles])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
