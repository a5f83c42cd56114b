"""Demo data for reserve cadres (RSV-01/02) and care for village secretaries (ORG-10).

``load_demo_reserves(county)``: run after the presets are adopted. In the first township most
posts get a reserve who went through 三荐二议一审查; some villages are left short (no woman among
the reserves, no one aged 35 or under) so the county page has something to show. Deterministic.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林"
GIVEN_M = ["晓东", "子豪", "宇航", "浩然", "俊杰", "文博"]
GIVEN_F = ["雨欣", "佳怡", "思琪", "晓雯", "欣怡", "梦瑶"]


def _reserve_person(org: Any, rnd: random.Random, seq: int, *, female: bool, age: int, today: date) -> Any:
    from ganbu.core.idnumber import make_id_number
    from ganbu.org.services import person_create

    born = date(today.year - age - 1, rnd.randint(1, 12), rnd.randint(1, 28))
    name = rnd.choice(SURNAMES) + rnd.choice(GIVEN_F if female else GIVEN_M)
    for k in range(50):
        try:
            with transaction.atomic():
                return person_create(actor=None, org=org, name=name, gender="F" if female else "M", birth_date=born,
                                     id_number=make_id_number(org.path[:6], born, 300 + seq * 7 + k, not female),
                                     phone=f"139{seq:04d}{k:04d}", category="village_other")
        except IntegrityError:
            continue
    raise RuntimeError("demo: no free identity number")


def load_demo_reserves(county: Any, *, seed: int = 2026) -> None:
    from ganbu.org.models import Org, OrgKind, Post, User
    from ganbu.reserves import rules, services

    rnd = random.Random(seed + 41)
    today = timezone.localdate()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return
    township = Org.objects.filter(parent=county, kind=OrgKind.TOWNSHIP,
                                  valid_to__isnull=True).order_by("path").first()
    if township is None:
        return
    villages = list(Org.objects.filter(parent=township, kind__in=(OrgKind.VILLAGE, OrgKind.COMMUNITY),
                                       valid_to__isnull=True).order_by("path"))
    seq = 0
    steps = [("democratic", 60), ("proposal", 50), ("collective_review", 45), ("party_review", 30)]
    for v_index, v in enumerate(villages):
        posts = list(Post.objects.filter(org=v, end__isnull=True, title__in=services.TEAM_TITLES).order_by("title"))
        covered = posts if v_index % 3 else posts[:-1]  # every third village leaves a post without a reserve
        for p_index, post in enumerate(covered):
            seq += 1
            female = v_index % 4 != 1 and p_index == 0  # every fourth village has no woman among its reserves
            age = 28 + (seq * 5) % 20
            person = _reserve_person(v, rnd, seq, female=female, age=age, today=today)
            r = services.reserve_add(actor=admin, post=post, person=person, today=today)
            upto = steps if (seq % 5) else steps[:2]  # some still in selection
            first = ("self", "committees", "democratic")[seq % 3]
            for step, back in [(first, 60), *upto[1:]]:
                on = max(today - timedelta(days=back), date(today.year, 1, 1))
                services.reserve_step_record(actor=admin, reserve=r, step=step, on=on,
                                             evidence=f"{post.get_title_display()}后备人选{rules.STEP_LABELS[step]}会议纪要",
                                             today=today)
    # ORG-10: home visits for half the secretaries, a health check for a third, one overdue study tour, one training
    leaders = list(Post.objects.select_related("person").filter(
        org=township, end__isnull=True, title__in=services.LEADERSHIP_TITLES).order_by("title"))
    secretaries = list(Post.objects.select_related("person").filter(
        org__in=villages, end__isnull=True, title="village_secretary").order_by("org__path"))
    for i, post in enumerate(secretaries):
        if i % 2 == 0 and leaders:
            services.care_record(actor=admin, secretary=post.person, kind="home_visit",
                                 done_on=today - timedelta(days=40 + i * 20), led_by=leaders[i % len(leaders)].person,
                                 note="走访慰问，了解家庭困难", today=today)
        if i % 3 == 0:
            services.care_record(actor=admin, secretary=post.person, kind="health_check",
                                 done_on=today - timedelta(days=200), note="县人民医院体检", today=today)
    if secretaries:
        services.care_record(actor=admin, secretary=secretaries[0].person, kind="study_tour",
                             planned_on=today - timedelta(days=10), note="赴先进村考察集体经济", today=today)
        services.care_record(actor=admin, secretary=secretaries[-1].person, kind="training",
                             planned_on=today + timedelta(days=20), note="村书记能力提升培训班", today=today)
