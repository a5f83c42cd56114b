"""Excel out (openpyxl for small, XlsxWriter for large) and in (.xlsx and old .xls)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
               text_columns: Iterable[str] = (), note: str = "") -> bytes:
    """Write sheets of (name, headers, rows). Columns named in ``text_columns`` are text
    (ID numbers keep all 18 digits)."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1})
    text = book.add_format({"num_format": "@"})
    text_cols = set(text_columns)
    for name, headers, rows in sheets:
        ws = book.add_worksheet(name[:31])
        start = 0
        if note:
            ws.write(0, 0, note)
            start = 1
        for c, h in enumerate(headers):
            ws.write(start, c, h, head)
            ws.set_column(c, c, max(10, len(str(h)) * 2 + 2), text if h in text_cols else None)
        for r, row in enumerate(rows, start=start + 1):
            for c, value in enumerate(row):
                if headers[c] in text_cols:
                    ws.write_string(r, c, "" if value is None else str(value), text)
                else:
                    ws.write(r, c, value)
    book.close()
    return buf.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def read_rows(content: bytes, filename: str) -> dict[str, list[list[Any]]]:
    """Every sheet's rows as lists of cell values; .xls (old Excel/WPS) through xlrd."""
    if filename.lower().endswith(".xls"):
        import xlrd

        book = xlrd.open_workbook(file_contents=content)
        out: dict[str, list[list[Any]]] = {}
        for sheet in book.sheets():
            rows = []
            for r in range(sheet.nrows):
                row = []
                for c in range(sheet.ncols):
                    cell = sheet.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                    elif cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
                        row.append(int(cell.value))
                    else:
                        row.append(cell.value)
                rows.append(row)
            out[sheet.name] = rows
        return out
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
