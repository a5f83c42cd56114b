"""Issue 10, bug 10: exports are real spreadsheets and forms (RPT-01, RPT-02)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
MARCH = date(2024, 3, 1)


@pytest.fixture
def month(world, policies):
    from ganbu.attendance.models import MonthTally

    p = world.people
    for person, org, absent in ((p.cadre_a, world.village_a, 2), (p.office, world.t1, 0),
                                (p.township_cadre, world.t1, 1)):
        MonthTally.objects.create(person=person, month=MARCH, org_path=org.path, county="330521", days=21,
                                  present=21 - absent, absent=absent)
    return {"org": world.t1.pk, "month": "2024-03"}


def test_rpt_02_monthly_excel_money_is_numbers_with_a_totals_row_and_a_frozen_header(login, month):
    """RPT-02: 扣款 cells are numbers (not text), a 合计 row sums them (formula with its value), the
    header row is frozen."""
    from openpyxl import load_workbook

    resp = login("office").get(reverse("attendance:monthly_xlsx"), month)
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content), data_only=True).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "姓名")
    header = rows[header_at]
    col = header.index("扣款(元)")
    body = [r for r in rows[header_at + 1:] if r[0] and r[0] != "合计"]
    assert all(isinstance(r[col], int | float) for r in body), [r[col] for r in body]
    total = next(r for r in rows if r[0] == "合计")
    assert Decimal(str(total[col])) == sum(Decimal(str(r[col])) for r in body) > 0
    assert total[header.index("缺勤")] == 3
    assert ws.freeze_panes == f"A{header_at + 2}"
    formulas = load_workbook(io.BytesIO(resp.content)).active
    total_row = next(r for r in formulas.iter_rows() if r[0].value == "合计")
    assert str(total_row[col].value).startswith("=SUM(")


def _register_pages(rows: int) -> list[str]:
    from pypdf import PdfReader

    from ganbu.attendance.queries import MonthlyRow
    from ganbu.reports.pdf import render_pdf

    headers = ["姓名", "单位", "应出勤(天)", "出勤", "请假", "出差", "开会", "缺勤", "扣款(元)", "半年累计缺勤",
               "半年累计扣款(元)"]
    table = [[f"干部{i:03d}", "东村", 21, 20, 0, 0, 0, 1, Decimal("20.00"), 2, Decimal("40.00")] for i in range(rows)]
    stats = SimpleNamespace(org=SimpleNamespace(name="青山镇"), month=MARCH, rate=Decimal("20"), policy_ref="细则 v1",
                            total=MonthlyRow(None, "合计", "", days=21 * rows, deduction=Decimal(20 * rows)))
    pdf = render_pdf("attendance/monthly_pdf.html", {"stats": stats, "headers": headers, "rows": table,
                                                    "printed": None, "head": "0" * 64})
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("rows", [13, 15, 17, 34])
def test_rpt_01_register_keeps_signature_and_stamp_boxes_on_the_page_with_the_table(rows):
    """RPT-01: however many rows, the page with the signature and stamp boxes also carries table rows
    (13–18 rows used to push the boxes alone onto a blank second page)."""
    pages = _register_pages(rows)
    signed = [p for p in pages if "盖章" in p]
    assert len(signed) == 1 and "干部" in signed[0] and "合计" in signed[0], pages[-1][:200]


def test_rpt_01_pdf_links_open_in_a_new_tab(login, month):
    html = login("office").get(reverse("attendance:monthly"), month).content.decode()
    link = html[html.index('id="export-pdf"'):][:300]
    assert 'target="_blank"' in link


@override_settings(GANBU_PDF_FONT="不存在的字体 CJK")
def test_rpt_01_without_the_cjk_font_pdf_refuses_in_chinese_naming_the_package(login, month):
    """RPT-01: a PDF of empty boxes is never produced: the page says which package to install."""
    resp = login("office").get(reverse("attendance:monthly_pdf"), month)
    text = resp.content.decode()
    assert resp.status_code == 503 and not resp.content.startswith(b"%PDF")
    assert "fonts-noto-cjk" in text and "中文字体" in text
