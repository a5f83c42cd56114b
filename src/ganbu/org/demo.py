"""The demo county's tree, people and roles (示范县): the first demo module, everything else builds on it.

Everything goes through the org services (each write has its audit row). Users exist for every
role. The printed accounts (one per role) each get their own password (issue 16); the other logins
start with an unusable password and a forced change, as accounts an administrator has not yet issued.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone

from ganbu.core.demo import DemoContext
from ganbu.core.idnumber import make_id_number


def demo_password(username: str) -> str:
    """Each printed demo account's own password: distinct, stable for this installation (an HMAC of its
    secret key, so ``--if-empty`` can print them again) and within the password rules."""
    import hashlib
    import hmac

    from django.conf import settings

    digest = hmac.new(settings.SECRET_KEY.encode(), f"ganbu-demo:{username}".encode(), hashlib.sha256).hexdigest()
    return f"Gb{digest[:8]}#{int(digest[8:10], 16) % 10}"


SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁"
MALE = ["建国", "志强", "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "辉", "斌", "国平", "海峰",
        "立新", "春生", "文华", "德明", "永胜", "卫东", "振华"]
FEMALE = ["秀英", "桂兰", "海燕", "芳", "敏", "静", "丽", "艳", "娟", "霞", "玲", "红", "秀兰", "春梅", "丽萍", "晓燕",
          "雪梅", "美玲"]
SAFETY = {
    "village_secretary": "全面负责本村安全生产和防汛防火第一责任",
    "village_director": "负责村内道路交通、自建房安全排查",
    "village_clerk": "负责安全台账和隐患整改记录",
    "women_director": "负责妇女儿童防溺水、家庭安全宣传",
    "mass_org": "负责青年志愿者应急队伍",
    "group_leader": "负责本组防汛防火巡查",
    "township_secretary": "全镇安全生产第一责任人",
    "township_head": "全镇安全生产主要负责人",
    "township_deputy_secretary": "分管领域安全生产",
    "township_discipline": "分管领域安全生产监督",
    "township_leader": "分管领域安全生产",
    "township_cadre": "联系村安全生产和信访稳定",
    "first_secretary": "驻村期间本村安全生产督促指导",
    "team_member": "驻村期间协助安全隐患排查",
}
TOWNSHIPS = [
    ("青山镇", "330521100000", "township", [
        ("东村", "330521100201", "village"), ("南村", "330521100202", "village"), ("北村", "330521100203", "village"),
        ("中心村", "330521100204", "village"), ("上塘村", "330521100205", "village"),
        ("下塘村", "330521100206", "village"), ("枫树村", "330521100207", "village"),
        ("桃源村", "330521100208", "village"),
    ]),
    ("绿水镇", "330521101000", "township", [
        ("西村", "330521101201", "village"), ("河口村", "330521101202", "village"), ("石桥村", "330521101203", "village"),
        ("竹园村", "330521101204", "village"), ("新丰村", "330521101205", "village"), ("梅岭村", "330521101206", "village"),
        ("柳湾村", "330521101207", "village"),
    ]),
    ("白云街道", "330521002000", "subdistrict", [
        ("白云社区", "330521002001", "community"), ("春晖社区", "330521002002", "community"),
        ("和平社区", "330521002003", "community"), ("茶山村", "330521002201", "village"),
        ("龙泉村", "330521002202", "village"), ("杏花村", "330521002203", "village"),
    ]),
]
MERGED = ("老街村", "330521100209", "中心村")  # merged into 中心村 on 2023-06-30 (history)
RENAMED = ("枫树村", "枫林村", date(2022, 3, 1))
STATIONED = [("东村", 0), ("西村", 1), ("茶山村", 0)]  # village, dispatch unit index


class Demo:
    def __init__(self, rnd: random.Random, year: int):
        self.rnd = rnd
        self.year = year
        self.seq = 0
        self.used_names: set[str] = set()

    def name(self, male: bool) -> str:
        for _ in range(200):
            n = self.rnd.choice(SURNAMES) + self.rnd.choice(MALE if male else FEMALE)
            if n not in self.used_names:
                self.used_names.add(n)
                return n
        n = self.rnd.choice(SURNAMES) + self.rnd.choice(MALE if male else FEMALE) + str(len(self.used_names))
        self.used_names.add(n)
        return n

    def person(self, org: Any, *, male: bool | None = None, category: str = "village_elected",
               staff_status: str = "none", name: str | None = None) -> Any:
        from ganbu.org.models import Education
        from ganbu.org.services import person_create

        if male is None:
            male = self.rnd.random() < 0.7
        self.seq += 1
        born = date(self.rnd.randint(1965, 1995), self.rnd.randint(1, 12), self.rnd.randint(1, 28))
        party = self.rnd.random() < 0.75
        join = date(born.year + self.rnd.randint(20, 28), self.rnd.randint(1, 12), 1) if party else None
        if join and join > date(self.year - 1, 1, 1):
            join = date(self.year - 2, 7, 1)
        return person_create(
            actor=None, org=org, name=name or self.name(male), gender="M" if male else "F", birth_date=born,
            id_number=make_id_number(org.path[:6], born, self.seq, male),
            phone=f"13{self.rnd.randint(0, 9)}{self.rnd.randint(10000000, 99999999)}",
            party_member=party, party_join_date=join,
            party_full_date=date(join.year + 1, join.month, 1) if join else None,
            staff_status=staff_status, category=category,
            education=self.rnd.choice([Education.JUNIOR, Education.SENIOR, Education.COLLEGE, Education.BACHELOR]),
        )


DEMO_USERS = [
    # username, display, role (or "" for a plain cadre), org name, person key
    ("admin", "系统管理员", "admin", "示范县", None),
    ("county_org", "组织部张科长", "county_org", "示范县", None),
    ("county_rural", "乡村振兴局刘局长", "county_rural", "示范县", None),
    ("county_deputy", "县委黄副书记", "county_deputy", "示范县", None),
    ("county_finance", "财政局陈科长", "county_finance", "示范县", None),
    ("t1_secretary", None, "township_secretary", "青山镇", "t1_secretary"),
    ("t1_head", None, "township_head", "青山镇", "t1_head"),
    ("t1_office", None, "township_office", "青山镇", "t1_office"),
    ("a_secretary", None, "village_secretary", "东村", "a_secretary"),
    ("a_committee", None, "village_committee", "东村", "a_director"),
    ("a_first", None, "first_secretary", "东村", "a_first"),
    ("unit_leader", "农业农村局周副局长", "dispatch_leader", "县农业农村局", None),
    ("a_cadre", None, "", "东村", "a_clerk"),
    ("a_team1", None, "", "东村", "a_team1"),
    # 三员分立 (issue 16): accounts, grants and the audit log, each by its own administrator
    ("sys_admin", "系统管理员", "system_admin", "示范县", None),
    ("sec_admin", "安全管理员", "security_admin", "示范县", None),
    ("audit_admin", "审计管理员", "audit_admin", "示范县", None),
]



def demo_logins() -> list[tuple[str, str, str]]:
    """One login per role (and a plain cadre and a team member), as the command prints them."""
    from ganbu.org.models import User
    from ganbu.org.roles import Role

    users = set(User.objects.filter(username__in=[d[0] for d in DEMO_USERS]).values_list("username", flat=True))
    out = []
    for username, _display, role, org_name, _key in DEMO_USERS:
        if username not in users:
            continue
        label = Role(role).label if role else ("驻村工作队员" if "team" in username else "普通干部（本人）")
        out.append((username, label, org_name))
    return out


def load_demo_org(ctx: DemoContext) -> None:
    """The tree, people, posts, users for every role, and every preset adopted (org first: all else needs it)."""
    from ganbu.core.calendar import calendar_seed_from_library
    from ganbu.core.presets import presets_load
    from ganbu.org.models import (
        STATIONED_TITLES,
        AssessmentGroupMember,
        AssessorRule,
        Org,
        OrgKind,
        Post,
        PostTitle,
        SecretaryAppointment,
        StaffStatus,
        User,
        VillageCategory,
    )
    from ganbu.org.services import (
        assessor_rule_set,
        group_member_add,
        org_create,
        org_merge,
        org_rename,
        org_update,
        person_update,
        post_end,
        post_start,
        role_grant,
        secretary_appointment_record,
    )

    year = ctx.year
    demo = Demo(ctx.rnd("org"), year)
    rnd = demo.rnd
    calendar_seed_from_library()
    term = date(2021, 1, 1)
    county = org_create(actor=None, kind=OrgKind.COUNTY, name="示范县", code="330521000000", valid_from=date(2000, 1, 1),
                        address="示范县人民路1号")
    units = [
        org_create(actor=None, kind=OrgKind.DISPATCH_UNIT, name="县农业农村局", parent=county, leader_name="周副局长"),
        org_create(actor=None, kind=OrgKind.DISPATCH_UNIT, name="县交通运输局", parent=county, leader_name="吴副局长"),
    ]
    org_create(actor=None, kind=OrgKind.DEPARTMENT, name="县委组织部", parent=county)
    keys: dict[str, Any] = {}
    orgs: dict[str, Any] = {"示范县": county, "县农业农村局": units[0]}
    townships = []
    cats = list(VillageCategory.values)
    for t_index, (t_name, t_code, t_kind, villages) in enumerate(TOWNSHIPS):
        t = org_create(actor=None, kind=t_kind, name=t_name, code=t_code, parent=county, valid_from=date(2000, 1, 1),
                       address=f"示范县{t_name}政府路{t_index + 8}号",
                       latitude=f"{30.1 + t_index * 0.05:.6f}", longitude=f"{120.1 + t_index * 0.05:.6f}")
        townships.append(t)
        orgs[t_name] = t
        leaders = {}
        for title in ("township_secretary", "township_head", "township_deputy_secretary", "township_discipline",
                      "township_leader", "township_leader", "township_cadre", "township_cadre", "township_cadre",
                      "township_cadre"):
            p = demo.person(t, category="civil_servant", staff_status=StaffStatus.ESTABLISHED)
            post_start(actor=None, person=p, org=t, title=title, start=date(2021, 9, 1), funded=True,
                       safety_duty=SAFETY[title])
            leaders.setdefault(title, []).append(p)
        if t_index == 0:
            keys["t1_secretary"] = leaders["township_secretary"][0]
            keys["t1_head"] = leaders["township_head"][0]
            keys["t1_office"] = leaders["township_cadre"][0]
        # ORG-04: the group is configured per township (S0 style in 青山镇/白云街道; S2: discipline secretary leads)
        head = leaders["township_discipline"][0] if t_index == 1 else leaders["township_secretary"][0]
        group = [(head, AssessmentGroupMember.GroupRole.LEADER),
                 (leaders["township_deputy_secretary"][0], AssessmentGroupMember.GroupRole.EXECUTIVE_DEPUTY),
                 (leaders["township_head"][0], AssessmentGroupMember.GroupRole.DEPUTY)]
        if t_index == 1:
            group.append((leaders["township_secretary"][0], AssessmentGroupMember.GroupRole.DEPUTY))
        else:
            group.append((leaders["township_discipline"][0], AssessmentGroupMember.GroupRole.MEMBER))
        group += [(p, AssessmentGroupMember.GroupRole.MEMBER) for p in leaders["township_leader"]]
        group += [(leaders["township_cadre"][1], AssessmentGroupMember.GroupRole.OFFICE_HEAD),
                  (leaders["township_cadre"][0], AssessmentGroupMember.GroupRole.OFFICE_STAFF)]
        for person, role in group:
            group_member_add(actor=None, org=t, person=person, group_role=role, start=date(2021, 9, 1))
        # ORG-05: who assesses whom, per category
        for category, daily, meetings, note in (
            ("career", AssessorRule.Assessor.DEPARTMENT, AssessorRule.Assessor.PARTY_COMMITTEE,
             "事业干部平时由所在部门考核，开会学习和临时性工作由党委政府考核"),
            ("civil_servant", AssessorRule.Assessor.PARTY_COMMITTEE, AssessorRule.Assessor.PARTY_COMMITTEE, ""),
            ("village_elected", AssessorRule.Assessor.ASSESSMENT_OFFICE, AssessorRule.Assessor.PARTY_COMMITTEE, ""),
        ):
            assessor_rule_set(actor=None, org=t, category=category, daily=daily, meetings=meetings, note=note)
        for v_index, (v_name, v_code, v_kind) in enumerate(villages):
            v = org_create(actor=None, kind=v_kind, name=v_name, code=v_code, parent=t, valid_from=date(2000, 1, 1),
                           households=rnd.randint(80, 900),
                           categories=sorted(rnd.sample(cats, rnd.choice([0, 0, 1, 1, 2]))),
                           address=f"{t_name}{v_name}村委会", phone=f"0575-8{rnd.randint(1000000, 9999999)}",
                           latitude=f"{30.1 + t_index * 0.05 + v_index * 0.004:.6f}",
                           longitude=f"{120.1 + t_index * 0.05 + v_index * 0.003:.6f}")
            orgs[v_name] = v
            _village_cadres(demo, v, keys, term, post_start, post_end, secretary_appointment_record,
                            SecretaryAppointment)
    # history: a merged village and a renamed one (ORG-01)
    t1 = townships[0]
    old = org_create(actor=None, kind=OrgKind.VILLAGE, name=MERGED[0], code=MERGED[1], parent=t1,
                     valid_from=date(2000, 1, 1), households=120)
    old_sec = demo.person(old)
    post_start(actor=None, person=old_sec, org=old, title=PostTitle.VILLAGE_SECRETARY, start=date(2018, 1, 1),
               funded=True, safety_duty=SAFETY["village_secretary"])
    org_merge(actor=None, absorbed=old, into=orgs[MERGED[2]], on=date(2023, 6, 30), reason="县政府批复行政村规模调整")
    org_rename(actor=None, org=orgs[RENAMED[0]], new_name=RENAMED[1], on=RENAMED[2], reason="村民代表会议决定并报批")
    org_update(actor=None, org=orgs[MERGED[2]], households=(orgs[MERGED[2]].households or 0) + 120)
    # stationed first secretaries and work teams (first secretary + 2 members) from dispatch units
    for v_name, u_index in STATIONED:
        v = orgs[v_name]
        unit = units[u_index]
        fs = demo.person(v, category="civil_servant", staff_status=StaffStatus.ESTABLISHED)
        # STN-04: a first secretary is a full party member of ≥1 year with ≥2 years of work
        fs = person_update(actor=None, person=fs, party_member=True, party_join_date=date(2008, 6, 1),
                           party_full_date=date(2009, 6, 1), work_start_date=date(2006, 8, 1))
        post_start(actor=None, person=fs, org=v, title=PostTitle.FIRST_SECRETARY, start=date(year - 1, 3, 1),
                   safety_duty=SAFETY["first_secretary"], dispatch_unit=unit)
        members = []
        for _ in range(2):
            m = demo.person(v, category=rnd.choice(["civil_servant", "career"]), staff_status=StaffStatus.ESTABLISHED)
            post_start(actor=None, person=m, org=v, title=PostTitle.TEAM_MEMBER, start=date(year - 1, 3, 1),
                       safety_duty=SAFETY["team_member"], dispatch_unit=unit)
            members.append(m)
        if v_name == "东村":
            keys["a_first"], keys["a_team1"] = fs, members[0]
    # users for every role
    password = make_password(None)  # unusable: issued later by the system administrator
    for username, display, role, org_name, key in DEMO_USERS:
        person = keys.get(key) if key else None
        user = User(username=username, display_name=display or (person.name if person else username), person=person,
                    password=make_password(demo_password(username)), is_superuser=role == "admin",
                    is_staff=role == "admin", password_changed_at=timezone.now())
        user.save()
        ctx.users[username] = user
        if role:
            role_grant(actor=None, user=user, role=role, org=orgs[org_name])
    # every township has its office, secretary and head; every village its secretary (not printed)
    for t_index, t in enumerate(townships[1:], start=2):
        office = next(p for p in t.people.filter(posts__title="township_cadre").order_by("id")[:1])
        for suffix, title, role in (("secretary", "township_secretary", "township_secretary"),
                                    ("head", "township_head", "township_head"), ("office", None, "township_office")):
            person = office if title is None else t.people.filter(posts__title=title).order_by("id").first()
            user = User(username=f"t{t_index}_{suffix}", display_name=person.name, person=person, password=password)
            user.save()
            role_grant(actor=None, user=user, role=role, org=t)
            ctx.users[user.username] = user
    for v in Org.objects.filter(kind__in=["village", "community"], valid_to__isnull=True).order_by("path"):
        if v.name == "东村":
            continue
        person = v.people.filter(posts__title="village_secretary", posts__end__isnull=True).order_by("id").first()
        if person is None:
            continue
        user = User(username=f"v{v.path}", display_name=person.name, person=person, password=password)
        user.save()
        role_grant(actor=None, user=user, role="village_secretary", org=v)
        ctx.users[user.username] = user
    # every township cadre and stationed cadre signs in on his phone: each has a login (not printed)
    has_user = set(User.objects.exclude(person=None).values_list("person_id", flat=True))
    daily = (Post.objects.filter(Q(title__startswith="township_") | Q(title__in=list(STATIONED_TITLES)), end__isnull=True)
             .exclude(person_id__in=has_user).select_related("person").order_by("person__org_path", "person_id"))
    seen: dict[str, int] = {}
    for post in daily:
        p = post.person
        if p.pk in has_user:
            continue
        has_user.add(p.pk)
        seen[p.org_path] = seen.get(p.org_path, 0) + 1
        user = User(username=f"u{p.org_path}{seen[p.org_path]:02d}", display_name=p.name, person=p, password=password)
        user.save()
        ctx.users[user.username] = user
    # policies in force over the whole demo history (its first months may lie in last year)
    years = sorted({ctx.history_start.year, year})
    for y in years:
        presets_load(actor=None, county=county, townships=townships, year=y, adopt=True, fill_suggested=True)
    ctx.county, ctx.townships = county, townships
    ctx.orgs.update(orgs)
    ctx.people.update(keys)



def _village_cadres(demo: Demo, v: Any, keys: dict[str, Any], term: date, post_start: Any, post_end: Any,
                    appoint: Any, appointment_model: Any) -> None:
    """Two-committee members (funded 书记/主任/文书, the rest unfunded) and a past secretary."""
    rnd = demo.rnd
    # the previous term's secretary: the post ended, the row stays (ORG-02)
    former = demo.person(v)
    old = post_start(actor=None, person=former, org=v, title="village_secretary", start=date(2018, 1, 1),
                     funded=True, safety_duty=SAFETY["village_secretary"])
    post_end(actor=None, post=old, end=date(2020, 12, 31), reason="换届离任")
    sec = demo.person(v)
    titles = [("village_secretary", True, sec), ("village_director", True, demo.person(v)),
              ("village_clerk", True, demo.person(v)), ("women_director", False, demo.person(v, male=False)),
              ("mass_org", False, demo.person(v))]
    titles += [("group_leader", False, demo.person(v, category="village_other")) for _ in range(rnd.randint(1, 3))]
    for title, funded, person in titles:
        post_start(actor=None, person=person, org=v, title=title, start=term, funded=funded,
                   safety_duty=SAFETY[title])
    # concurrent post (兼职): the director also leads a group, unfunded (ORG-02, ORG-03)
    post_start(actor=None, person=titles[1][2], org=v, title="group_leader", start=term, principal=False,
               safety_duty=SAFETY["group_leader"])
    current = sec.posts.get(title="village_secretary", end__isnull=True)
    appoint(actor=None, post=current, source=rnd.choice(appointment_model.Source.values),
            method=rnd.choice(appointment_model.Method.values),
            strong_good_assessment="带富能力强、协调能力强，服务群众好、班子建设好，经镇党委研究评估为优秀。",
            assessed_on=date(2020, 12, 15))
    if v.name == "东村":
        keys["a_secretary"], keys["a_director"], keys["a_clerk"] = sec, titles[1][2], titles[2][2]
