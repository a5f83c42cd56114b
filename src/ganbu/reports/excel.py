"""Excel out (openpyxl for small, XlsxWriter for large) and in (.xlsx and old .xls)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
               text_columns: Iterable[str] = (), note: str = "", money_columns: Iterable[str] = (),
               total_columns: Iterable[str] = (), total_label: str = "合计") -> bytes:
    """Write sheets of (name, headers, rows) an office can compute with (RPT-02).

    Columns named in ``text_columns`` are text (ID numbers keep all 18 digits). Numbers stay numbers:
    ``money_columns`` are written as numbers with two decimals (a Decimal or a numeric string becomes
    a number), so a sum in Excel or WPS works. ``total_columns`` get a totals row (a SUM formula with
    its value cached, so readers that do not calculate see it too). The header row is frozen.
    """
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1, "text_wrap": True})
    text = book.add_format({"num_format": "@"})
    money = book.add_format({"num_format": "#,##0.00"})
    bold = book.add_format({"bold": True, "top": 1})
    bold_money = book.add_format({"bold": True, "top": 1, "num_format": "#,##0.00"})
    text_cols, money_cols, total_cols = set(text_columns), set(money_columns), set(total_columns)
    for name, headers, rows in sheets:
        ws = book.add_worksheet(name[:31])
        start = 0
        if note:
            ws.write(0, 0, note)
            start = 1
        for c, h in enumerate(headers):
            ws.write(start, c, h, head)
            fmt = text if h in text_cols else money if h in money_cols else None
            ws.set_column(c, c, max(10, len(str(h)) * 2 + 2), fmt)
        ws.freeze_panes(start + 1, 0)
        sums: dict[int, Decimal] = {c: Decimal(0) for c, h in enumerate(headers) if h in total_cols}
        r = start
        for r, row in enumerate(rows, start=start + 1):
            for c, value in enumerate(row):
                h = headers[c]
                if h in text_cols:
                    ws.write_string(r, c, "" if value is None else str(value), text)
                    continue
                number = _number(value) if (h in money_cols or h in total_cols) else None
                if number is not None:
                    ws.write_number(r, c, float(number), money if h in money_cols else None)
                    if c in sums:
                        sums[c] += number
                else:
                    ws.write(r, c, value)
        if sums:
            last = r
            total_row = last + 1
            ws.write_string(total_row, 0, total_label, bold)
            for c, value in sums.items():
                col = xl_col(c)
                fmt = bold_money if headers[c] in money_cols else bold
                formula = f"=SUM({col}{start + 2}:{col}{last + 1})" if last > start else "=0"
                ws.write_formula(total_row, c, formula, fmt, float(value))
    book.close()
    return buf.getvalue()


def xl_col(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return str(xl_col_to_name(index))


def _number(value: Any) -> Decimal | None:
    """A cell value as a number, when it is one (Decimal, int, float or a numeric string)."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        out = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None
    return out if out.is_finite() else None


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
