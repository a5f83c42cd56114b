"""SUB-04 outputs: the bank batch file (fields a 工资卡 batch needs, IDs as text) and the register PDF."""

from __future__ import annotations

import io

import pytest

from ganbu.reports.excel import read_rows
from ganbu.subsidies import exports, services
from ganbu.subsidies.services import SubsidyError

from .test_services import cards, paid_ready, propose


def test_sub_04_bank_file_fields_and_total(world, scored, finance):
    """SUB-04: name, full ID number (text), card number, bank, amount, remarks; one row per paid cadre."""
    reg = paid_ready(world, finance)
    run = services.payment_run_create(actor=finance, register=reg)
    sheet = read_rows(exports.bank_file(run), "x.xlsx")["代发清单"]
    assert "共2人 合计2550.00元" in sheet[0][0]
    assert sheet[1] == exports.BANK_HEADERS
    row = next(r for r in sheet[2:] if r[1] == "孙支书")
    assert row[2] == world.people.village_secretary_a.id_number and len(row[2]) == 18
    assert row[3].startswith("6221") and row[4] == "县农商银行" and float(row[5]) == 1514.0
    assert "2024年度村干部补贴" in row[6]


def test_sub_04_bank_card_input_checked(world, scored):
    reg = propose(world)
    with pytest.raises(SubsidyError, match="12到30位数字"):
        services.bank_card_save(actor=world.users.office, register=reg, person_id=world.people.cadre_a.pk,
                                bank="农商行", number="1234")
    with pytest.raises(SubsidyError, match="不在本镇补贴花名册"):
        services.bank_card_save(actor=world.users.office, register=reg, person_id=world.people.outsider.pk,
                                bank="农商行", number="622100000000001")


def test_sub_04_register_pdf_signature_boxes_cjk(world, scored, finance):
    """SUB-04: the per-person register prints with a signature box per person and the reviewers' boxes."""
    from ganbu.reports.pdf import PdfUnavailable

    reg = propose(world)
    cards(world, reg)
    try:
        data = exports.register_pdf(reg)
    except PdfUnavailable:
        pytest.skip("WeasyPrint 系统库缺失")
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages)
    fonts = [str(p["/Resources"]["/Font"][k].get_object().get("/BaseFont")) for p in reader.pages
             for k in p["/Resources"]["/Font"]]
    assert "孙支书" in text and "本人签字" in text and "县财政局审批" in text and "每分值" in text
    assert any("CJK" in f for f in fonts)
