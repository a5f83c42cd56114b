"""RPT-02 roster workbook: template, scoped export, masked export refused, import all-or-nothing
with every bad row reported, .xls accepted, lossless round trip, background job with progress."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from ganbu.core.idnumber import make_id_number
from ganbu.core.models import Job
from ganbu.org import roster
from ganbu.org.models import AssessmentGroupMember, Org, Person, Post, SecretaryAppointment
from ganbu.org.roster_rules import (
    E_MASKED_FILE,
    NOT_FOR_REIMPORT,
    PEOPLE_HEADERS,
    PEOPLE_SHEET,
    POST_HEADERS,
    POST_SHEET,
    VILLAGE_SHEET,
)
from ganbu.reports.excel import read_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


def _sheets(content: bytes) -> dict[str, list[list]]:
    return read_rows(content, "x.xlsx")


def _import(user, content: bytes, name: str = "名册.xlsx") -> Job:
    return roster.roster_import_start(actor=user, upload=SimpleUploadedFile(name, content))


def _book(people=(), posts=(), villages=None) -> bytes:
    sheets = [(PEOPLE_SHEET, PEOPLE_HEADERS, list(people)), (POST_SHEET, POST_HEADERS, list(posts))]
    if villages is not None:
        sheets.insert(0, villages)
    return xlsx_bytes(sheets, text_columns=["公民身份号码"])


def _person_row(idn, name="新人", gender="男", org="330521100201", born="1990-02-03"):
    return [idn, name, gender, born, "13800000001", "", "是", "2015-07-01", "2016-07-01", "非编（村干部等）",
            "村（社区）两委干部", "高中/中专", "", org, ""]


def _post_row(idn, title="群团干部", org="330521100201", start="2025-01-01", end="", funded="否", duty="防汛巡查"):
    return [idn, "", org, "", title, start, end, funded, "是", duty, "", ""]


def test_rpt_02_template_has_chinese_sheets_and_text_id_columns(world, login):
    r = login("office").get(reverse("org:roster_template"))
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == [VILLAGE_SHEET, PEOPLE_SHEET, POST_SHEET]
    ws = book[PEOPLE_SHEET]
    assert [c.value for c in ws[1]][:2] == ["公民身份号码", "姓名"]
    assert ws.column_dimensions["A"].number_format == "@"  # ID numbers keep 18 digits
    assert ws.column_dimensions["B"].number_format == "General"


def test_rpt_02_export_scope_and_full_ids_for_office(world, login):
    r = login("office").get(reverse("org:roster_export"))
    sheets = _sheets(r.content)
    people = sheets[PEOPLE_SHEET]
    assert people[0][0] == "公民身份号码"  # no "not for re-import" note
    ids = {row[0] for row in people[1:]}
    assert world.people.cadre_a.id_number in ids and world.people.outsider.id_number not in ids
    villages = {row[0] for row in sheets[VILLAGE_SHEET][1:]}
    assert villages == {"330521100201", "330521100202"}


def test_rpt_02_masked_export_marked_and_refused_on_import(world, login):
    """county_rural may export but not see IDs: the export is masked and marked not for re-import."""
    r = login("county_rural").get(reverse("org:roster_export"))
    sheets = _sheets(r.content)
    for name in (VILLAGE_SHEET, PEOPLE_SHEET, POST_SHEET):
        assert NOT_FOR_REIMPORT in str(sheets[name][0][0])
    ids = [row[0] for row in sheets[PEOPLE_SHEET][2:]]
    assert world.people.cadre_a.id_number not in ids and all("*" in i for i in ids)
    before = Person.objects.count()
    job = _import(world.users.office, r.content)
    assert job.status == Job.Status.FAILED
    assert job.errors[0]["message"] == E_MASKED_FILE
    assert Person.objects.count() == before


def test_rpt_02_import_creates_people_and_posts(world, login):
    idn = make_id_number("330521", date(1990, 2, 3), 450, True)
    content = _book(people=[_person_row(idn)], posts=[_post_row(idn)])
    client = login("office")
    r = client.post(reverse("org:roster_import"), {"file": SimpleUploadedFile("名册.xlsx", content)})
    assert r.status_code == 302
    job = Job.objects.get(kind=roster.JOB_KIND)
    assert job.status == Job.Status.DONE and job.total == 2 and job.done == 2
    assert job.result["people_created"] == 1 and job.result["posts_created"] == 1
    p = Person.objects.get(id_number=idn)
    assert p.org == world.village_a and p.party_member and p.education == "senior"
    post = Post.objects.get(person=p)
    assert post.title == "mass_org" and post.safety_duty == "防汛巡查" and post.start == date(2025, 1, 1)
    html = client.get(r["Location"]).content.decode()
    assert "导入完成" in html and "新增干部 1 人" in html
    from ganbu.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="roster.import", object_id=str(job.pk)).exists()


def test_rpt_02_bad_rows_change_nothing_and_every_error_listed(world, login):
    """Missing field, unknown village code, wrong check digit, overlapping post, duplicate in file,
    missing safety duty (ORG-08), funded title outside the quota (ORG-03): all reported, nothing written."""
    good = make_id_number("330521", date(1991, 3, 4), 451, True)
    other = make_id_number("330521", date(1992, 3, 4), 452, False)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    people = [
        _person_row(good, name="好人"),                                   # row 2: fine
        _person_row(bad_check, name="错号"),                              # row 3: check digit
        _person_row(other, name="", gender="女"),                          # row 4: missing name
        _person_row(good, name="重复"),                                   # row 5: duplicate of row 2
        _person_row(make_id_number("330521", date(1993, 1, 1), 453, True), org="330521999999"),  # row 6
    ]
    posts = [
        _post_row(good),                                                  # row 2: fine
        _post_row(good, title="村党组织书记", funded="是"),                # row 3: A already has a secretary
        _post_row(good, start="2025-06-01"),                              # row 4: overlaps row 2
        _post_row(other, duty=""),                                        # row 5: no safety duty
        _post_row(other, title="妇女主任", funded="是", start="2025-02-01"),  # row 6: not a quota title
    ]
    client = login("office")
    r = client.post(reverse("org:roster_import"), {"file": SimpleUploadedFile("名册.xlsx", _book(people, posts))})
    job = Job.objects.get(kind=roster.JOB_KIND)
    assert job.status == Job.Status.FAILED and job.done == job.total == 10
    got = {(e["sheet"], e["row"], e["field"]) for e in job.errors}
    msgs = " ".join(e["message"] for e in job.errors)
    assert (PEOPLE_SHEET, 3, "公民身份号码") in got and "校验位错误" in msgs
    assert (PEOPLE_SHEET, 4, "姓名") in got and "姓名必填" in msgs
    assert (PEOPLE_SHEET, 5, "公民身份号码") in got and "与本文件第 2 行重复" in msgs
    assert (PEOPLE_SHEET, 6, "所在单位代码") in got and "330521999999 不存在" in msgs
    assert (POST_SHEET, 3, "任职起") in got and "只能有一人担任" in msgs
    assert (POST_SHEET, 4, "任职起") in got and "同一人同一职务任期重叠" in msgs
    assert (POST_SHEET, 5, "安全职责") in got and "一岗双责" in msgs
    assert (POST_SHEET, 6, "职数内") in got and "不在职数内" in msgs
    assert (PEOPLE_SHEET, 2, "姓名") not in got
    assert not Person.objects.filter(id_number__in=[good, other]).exists()
    html = client.get(r["Location"]).content.decode()
    assert "未写入任何数据" in html and "校验位错误" in html


def test_rpt_02_missing_column_reported(world):
    content = xlsx_bytes([(PEOPLE_SHEET, ["姓名", "性别"], [["张三", "男"]])])
    job = _import(world.users.office, content)
    assert job.status == Job.Status.FAILED
    assert {"sheet": PEOPLE_SHEET, "row": 1, "field": "公民身份号码", "message": "缺少列「公民身份号码」"} in job.errors


def test_rpt_02_import_refuses_rows_outside_scope(world):
    """ORG-07: the township office cannot import into township 2's village or edit its people."""
    idn = world.people.outsider.id_number
    content = _book(people=[_person_row(idn, name="陈外村", org="330521100201")])
    job = _import(world.users.office, content)
    assert job.status == Job.Status.FAILED
    assert "管理范围以外" in job.errors[0]["message"]
    world.people.outsider.refresh_from_db()
    assert world.people.outsider.org == world.village_b


def test_rpt_02_xls_from_wps_accepted(world):
    import xlwt

    idn = make_id_number("330521", date(1988, 8, 8), 454, False)
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(PEOPLE_SHEET)
    for c, h in enumerate(PEOPLE_HEADERS):
        ws.write(0, c, h)
    for c, v in enumerate(_person_row(idn, name="老表格", gender="女", born="1988/8/8")):
        ws.write(1, c, v)
    ws2 = book.add_sheet(POST_SHEET)
    for c, h in enumerate(POST_HEADERS):
        ws2.write(0, c, h)
    for c, v in enumerate(_post_row(idn, title="妇女主任")):
        if c == 5:
            ws2.write(1, c, date(2025, 3, 1), xlwt.easyxf(num_format_str="YYYY-MM-DD"))  # a real date cell
        else:
            ws2.write(1, c, v)
    buf = io.BytesIO()
    book.save(buf)
    job = _import(world.users.office, buf.getvalue(), "老名册.xls")
    assert job.status == Job.Status.DONE, job.errors
    p = Person.objects.get(id_number=idn)
    assert p.name == "老表格" and p.birth_date == date(1988, 8, 8)
    assert Post.objects.get(person=p).start == date(2025, 3, 1)


def test_rpt_02_round_trip_export_import_is_lossless(world, login):
    """Export, wipe the people and posts, import the export, export again: identical sheets. History
    in a merged village (ORG-01) survives too."""
    from ganbu.org.services import org_merge, org_update, person_create, post_end, post_start

    org_update(actor=None, org=world.village_a, address="东村村委会", phone="0575-1234567")
    old = person_create(actor=None, org=world.village_c, name="南村老支书", gender="M", birth_date=date(1960, 6, 1),
                        id_number=make_id_number("330521", date(1960, 6, 1), 460, True))
    post_start(actor=None, person=old, org=world.village_c, title="village_secretary", start=date(2018, 1, 1),
               funded=True, safety_duty="全面负责")
    org_merge(actor=None, absorbed=world.village_c, into=world.village_a, on=date(2024, 6, 30))
    post_end(actor=None, post=Post.objects.get(person=world.people.cadre_a), end=date(2025, 1, 31), reason="辞职")
    first, masked = roster.roster_export(world.users.office)
    assert not masked
    AssessmentGroupMember.objects.all().delete()
    SecretaryAppointment.objects.all().delete()
    paths = [world.t1.path]
    Post.objects.filter(org__path__startswith=paths[0]).delete()
    Person.objects.filter(org_path__startswith=paths[0]).delete()
    Org.objects.filter(pk=world.village_a.pk).update(households=None, categories=[], address="", phone="",
                                                     latitude=None, longitude=None)
    job = _import(world.users.office, first)
    assert job.status == Job.Status.DONE, job.errors
    second, _ = roster.roster_export(world.users.office)
    a, b = _sheets(first), _sheets(second)
    for name in a:
        assert [r for r in a[name] if r not in b[name]] == [r for r in b[name] if r not in a[name]] == [], name
        assert a[name] == b[name], name
    assert len(_sheets(first)[POST_SHEET]) > 5
    assert Post.objects.get(person__name="南村老支书").org_id == world.village_c.pk


def test_rpt_02_reimport_of_unchanged_export_changes_nothing(world):
    content, _ = roster.roster_export(world.users.office)
    job = _import(world.users.office, content)
    assert job.status == Job.Status.DONE
    assert job.result == {"villages_updated": 0, "people_created": 0, "people_updated": 0, "posts_created": 0,
                          "posts_updated": 0}


def test_rpt_02_job_progress_page_polls_while_running(world, login):
    job = Job.objects.create(kind=roster.JOB_KIND, created_by=world.users.office, org_path=world.t1.path,
                             status=Job.Status.RUNNING, total=200, done=50)
    client = login("office")
    html = client.get(reverse("org:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "50 / 200" in html and "25%" in html
    part = client.get(reverse("org:job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and "50 / 200" in part


def test_rpt_02_progress_reported_during_validation(world):
    """The validator reports rows checked as it goes (real progress, not a spinner)."""
    from ganbu.org.roster_rules import RosterContext, validate_roster

    rows = [(i + 2, {"公民身份号码": "1", "姓名": "x"}) for i in range(120)]
    seen: list[int] = []
    validate_roster({PEOPLE_SHEET: rows}, RosterContext({}, {}, {}, [], {}), progress=seen.append)
    assert seen[:2] == [50, 100] and seen[-1] == 120


def test_org_01_import_refuses_new_posts_in_a_merged_village(world):
    from ganbu.org.services import org_merge

    org_merge(actor=None, absorbed=world.village_c, into=world.village_a, on=date(2024, 6, 30))
    idn = make_id_number("330521", date(1990, 2, 3), 461, True)
    job = _import(world.users.office, _book(people=[_person_row(idn, org="330521100202")],
                                            posts=[_post_row(idn, org="330521100202", start="2025-01-01")]))
    assert job.status == Job.Status.FAILED
    assert {(e["sheet"], e["field"]) for e in job.errors} == {(PEOPLE_SHEET, "所在单位代码"), (POST_SHEET, "任职单位代码")}
    assert "已撤销或合并" in job.errors[0]["message"]
    assert not Person.objects.filter(id_number=idn).exists()


def test_rpt_02_county_scale_import_writes_in_bulk(world):
    """2,240 people and posts (one county's two committees, ORG-01 scale) import with a fixed
    number of queries: validation has no query per row and the write is bulk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people, posts = [], []
    for i in range(2240):
        born = date(1960 + i % 35, 1 + i % 12, 1 + i % 28)
        idn = make_id_number("330521", born, 100 + i // 420, i % 2 == 0)
        people.append(_person_row(idn, name=f"测{i}", gender="男" if i % 2 == 0 else "女", born=born.isoformat(),
                                  org="330521100201" if i % 2 else "330521100202"))
        posts.append(_post_row(idn, title="社长/村民小组长", org="330521100201" if i % 2 else "330521100202"))
    content = _book(people, posts)
    with CaptureQueriesContext(connection) as ctx:
        job = _import(world.users.office, content)
    assert job.status == Job.Status.DONE, job.errors[:3]
    assert job.result["people_created"] == 2240 and job.result["posts_created"] == 2240
    assert len(ctx.captured_queries) < 150
