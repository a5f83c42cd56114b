"""The bank batch file (工资卡批量代发) and the per-person register PDF with signature boxes (SUB-04)."""

from __future__ import annotations

from typing import Any

from ganbu.org.models import PostTitle
from ganbu.reports.excel import xlsx_bytes
from ganbu.reports.pdf import render_pdf
from ganbu.subsidies.models import BankCard, PaymentRun, Register

BANK_HEADERS = ["序号", "姓名", "公民身份号码", "工资卡卡号", "开户行", "金额（元）", "备注"]


def bank_rows(run: PaymentRun) -> list[list[Any]]:
    lines = list(run.register.lines.select_related("person", "village").filter(net__gt=0).order_by("village__name", "id"))
    cards = {c.person_id: c for c in BankCard.objects.filter(person_id__in=[ln.person_id for ln in lines])}
    out = []
    for n, ln in enumerate(lines, start=1):
        card = cards.get(ln.person_id)
        out.append([n, ln.person.name, ln.person.id_number, card.number if card else "", card.bank if card else "",
                    float(ln.net), f"{run.year}年度村干部补贴（{ln.village.name}）"])
    return out


def bank_file(run: PaymentRun) -> bytes:
    """One sheet a county bank's batch upload reads: ID numbers and card numbers as text."""
    rows = bank_rows(run)
    total = sum(r[5] for r in rows)
    note = (f"{run.register.township.name}{run.year}年度村干部补贴代发清单 第{run.register.version}版 "
            f"共{len(rows)}人 合计{total:.2f}元")
    return xlsx_bytes([("代发清单", BANK_HEADERS, rows)], text_columns=["公民身份号码", "工资卡卡号"], note=note)


def register_pdf(register: Register) -> bytes:
    titles = dict(PostTitle.choices)
    lines = list(register.lines.select_related("person", "village").order_by("village__name", "id"))
    for ln in lines:
        ln.title_text = "、".join(titles.get(t, t) for t in ln.titles)
    return render_pdf("subsidies/register_pdf.html", {"r": register, "lines": lines,
                                                     "steps": list(register.steps.select_related("actor"))})
