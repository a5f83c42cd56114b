"""Demo data for the diary (DRY-01/02, STN-01/02): ``load_demo_diary(county)``.

Run after the presets are adopted (it reads the diary policy). Deterministic: dates count back
from today, names come from fixed lists. Writes go through the services, as a user would make them.
Returns the extra demo logins it created (the stationed cadre of 东村).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

HEADS = ["张大山", "李小河", "王老五", "赵春生", "钱桂兰", "孙建国", "周秀英", "吴德明", "郑永胜", "冯海燕", "陈立新",
         "褚卫东", "卫春梅", "蒋振华", "沈丽萍", "韩国平", "杨志强", "朱文华", "秦雪梅", "尤海峰"]
MATTERS = [
    ("矛盾纠纷", "两户因宅基地边界发生争执，情绪激动", "到现场丈量，初步调解"),
    ("生产生活困难", "独居老人冬季取暖困难，屋顶漏雨", "联系民政办申请临时救助"),
    ("基础设施", "村道塌方约10米，影响学生上学", "设置警示标志，组织临时绕行"),
    ("政策咨询", "咨询医保缴费和慢病报销政策", "当场讲解并留下办理清单"),
    ("安全隐患", "老旧电线私拉乱接，存在火灾隐患", "通知供电所上门整改"),
]


def _user_for(person: Any, username: str, display: str, password: str) -> Any:
    from ganbu.org.models import User

    # the org demo gives every township cadre a login already: reuse it
    user = User.objects.filter(username=username).first() or User.objects.filter(person=person).first()
    if user is None:
        user = User(username=username, display_name=display, person=person, password=password)
        user.save()
    return user


def load_demo_diary(county: Any, *, seed: int = 2026, password: str | None = None) -> list[tuple[str, str, str]]:
    from ganbu.diary import services
    from ganbu.diary.policy import DiaryParams
    from ganbu.org.models import Org, OrgKind, Post, User

    rnd = random.Random(seed + 14)
    today = timezone.localdate()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return []
    from ganbu.org.management.commands.load_demo import demo_password  # each account its own (issue 16)

    hashed = make_password(password) if password is not None else None
    start = date(today.year, 1, 1)  # the presets are adopted from 1 January of this year
    logins: list[tuple[str, str, str]] = []
    townships = list(Org.objects.filter(parent=county, kind=OrgKind.TOWNSHIP,
                                        valid_to__isnull=True).order_by("path"))[:2]
    for t_index, township in enumerate(townships):
        params: DiaryParams = services._policy(township.path, today).params
        villages = list(Org.objects.filter(parent=township, kind__in=(OrgKind.VILLAGE, OrgKind.COMMUNITY),
                                           valid_to__isnull=True).order_by("path"))
        posts = list(Post.objects.select_related("person").filter(org=township, end__isnull=True,
                                                                   title__in=params.stationed_titles)
                     .order_by("-title", "person_id"))
        office = User.objects.filter(grants__role="township_office", grants__org=township).first()
        office_pid = office.person_id if office else None
        stationed = []
        free_villages = list(villages[:-1])  # the last village is left without a cadre (STN-01 shows it)
        for post in posts:
            if post.person_id == office_pid or not free_villages:
                services.station_set(actor=admin, person=post.person, township=township, village=None,
                                     special_post=(params.special_posts or ["党政办值班"])[0], start=start)
                continue
            village = free_villages.pop(0)
            services.station_set(actor=admin, person=post.person, township=township, village=village, start=start)
            stationed.append((post.person, village))
        for c_index, (person, village) in enumerate(stationed):
            homes = [services.household_create(actor=admin, village=village, head_name=HEADS[(i + c_index) % 20],
                                               group_name=f"{i % 4 + 1}组", demonstration=i in (0, 5), poor=i in (1, 2))
                     for i in range(12)]
            username = f"t{t_index + 1}_zc{c_index + 1}"
            user = _user_for(person, username, person.name, hashed or make_password(demo_password(username)))
            if village.name == "东村":
                logins.append((user.username, "驻村镇干部（民情日记）", "东村"))
            for h in homes[:3]:
                services.contact_add(actor=user, household=h, on=start)
            q_start = date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)
            for i, h in enumerate(homes[: rnd.randint(4, 12)]):
                day = min(today, q_start + timedelta(days=i * 3))
                services.visit_record(actor=user, household=h, visited_on=day, note="入户走访，了解生产生活情况",
                                      today=today)
            if c_index % 2 == 0:
                services.meeting_record(actor=user, held_on=q_start, topic="春耕生产和防汛安排", attendees=35,
                                        today=today)
            _matters(services, user, homes, today, admin, township, rnd, c_index)
    return logins


def _matters(services: Any, user: Any, homes: list[Any], today: date, admin: Any, township: Any, rnd: random.Random,
             c_index: int) -> None:
    """A calm matter, one waiting for the report, one overdue, one waiting for the opinion, one answered late."""
    from ganbu.org.models import User

    head = (User.objects.filter(grants__role="township_head", grants__org=township).first() or admin)

    def rec(i: int, back: int, major: bool = False, beyond: bool = False) -> Any:
        cat, content, action = MATTERS[(i + c_index) % len(MATTERS)]
        met = max(today - timedelta(days=back), date(today.year, 1, 1))
        return services.matter_record(actor=user, household=homes[i], met_on=met,
                                      category=cat, content=content, action=action, major=major, beyond=beyond,
                                      today=today)

    calm = rec(3, 6)
    services.matter_close(actor=user, matter=calm, action="已办结，群众满意", today=today)
    if c_index > 2:
        return
    rec(4, 1, major=True)
    rec(0, 5 + c_index, major=True)
    waiting = rec(1, 3, beyond=True)
    services.matter_report(actor=user, matter=waiting, reported_on=max(waiting.met_on, today - timedelta(days=2)), text="本人难以解决，请求协调",
                           today=today)
    late = rec(2, 8, major=True)
    services.matter_report(actor=user, matter=late, reported_on=max(late.met_on, today - timedelta(days=7)), text="重大民情，请求处理",
                           today=today)
    services.matter_answer(actor=head, matter=late, text="由分管领导牵头，交通办三日内修复", today=today - timedelta(days=1))
