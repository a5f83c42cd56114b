"""The tree, people, posts, roles (ORG-01..09).

An org's ``path`` is its scope key: the significant digits of its 12-digit division code
(county 6, township 9, village 12), so a subtree is ``path__startswith``. Departments and
dispatch units sit beside the tree under the county's path with a letter (``330521D001``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Substr

from ganbu.core.fields import SealedCharField


class OrgKind(models.TextChoices):
    COUNTY = "county", "县/市"
    TOWNSHIP = "township", "镇/乡"
    SUBDISTRICT = "subdistrict", "街道"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    DEPARTMENT = "department", "县直部门"
    DISPATCH_UNIT = "dispatch_unit", "派出单位"


TREE_KINDS = {OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT, OrgKind.VILLAGE, OrgKind.COMMUNITY}
TOWNSHIP_KINDS = {OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT}
VILLAGE_KINDS = {OrgKind.VILLAGE, OrgKind.COMMUNITY}


class VillageCategory(models.TextChoices):
    POVERTY_ALLEVIATED = "poverty_alleviated", "脱贫村"
    KEY_REVITALISATION = "key_revitalisation", "乡村振兴重点村"
    WEAK_COLLECTIVE = "weak_collective", "集体经济薄弱村"
    WEAK_PARTY_ORG = "weak_party_org", "党组织软弱涣散村"


class Org(models.Model):
    code = models.CharField("统计用区划代码", max_length=12, null=True, blank=True, unique=True)
    path = models.CharField("范围键", max_length=16, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    households = models.PositiveIntegerField("户数", null=True, blank=True)
    categories = models.JSONField("村类别", default=list, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)
    latitude = models.DecimalField("纬度(WGS-84)", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度(WGS-84)", max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField("办公电话", max_length=30, blank=True)
    valid_from = models.DateField("设立日期", null=True, blank=True)
    valid_to = models.DateField("撤销/合并日期", null=True, blank=True)
    successor = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="predecessors", verbose_name="并入/改设为")
    leader_name = models.CharField("分管领导", max_length=50, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "组织"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

    @property
    def county_path(self) -> str:
        return self.path[:6]


class OrgEvent(models.Model):
    """History of the tree: renames, merges, splits, recodes (ORG-01)."""

    class Kind(models.TextChoices):
        CREATE = "create", "设立"
        RENAME = "rename", "更名"
        MERGE = "merge", "合并"
        SPLIT = "split", "拆分"
        RECODE = "recode", "改码"
        ABOLISH = "abolish", "撤销"

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = models.DateField("生效日期")
    old_name = models.CharField(max_length=100, blank=True)
    new_name = models.CharField(max_length=100, blank=True)
    other = models.ForeignKey(Org, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "区划变更"

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.org}"


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=50, blank=True)
    person = models.OneToOneField("org.Person", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="user")
    # Bumped to revoke every API token issued so far (ganbu.org.tokens).
    token_version = models.PositiveIntegerField("凭证版本", default=0)
    # Sign-in security (issue 16, 等保2.0): first password handed over on a sealed slip must be changed;
    # passwords expire after the policy's age.
    must_change_password = models.BooleanField("须修改初始密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class StaffStatus(models.TextChoices):
    ESTABLISHED = "established", "在编在岗"
    WORKER = "worker", "工勤"
    TEMPORARY = "temporary", "临聘"
    SECONDED = "seconded", "借用"
    NONE = "none", "非编（村干部等）"


class PersonCategory(models.TextChoices):
    """Category of person: decides who assesses (ORG-05) and what a case proposes (ATT-06)."""

    CIVIL_SERVANT = "civil_servant", "公务员"
    CAREER = "career", "事业人员"
    VILLAGE_ELECTED = "village_elected", "村（社区）两委干部"
    VILLAGE_OTHER = "village_other", "其他村干部"
    OTHER = "other", "其他"


class Education(models.TextChoices):
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中/中专"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    POSTGRAD = "postgrad", "研究生"


class Person(models.Model):
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    # Encrypted at rest with SM4, a blind index for lookups and uniqueness (issue 17, PIPL):
    # read and write plaintext as before; see ganbu.core.fields.SealedCharField.
    id_number = SealedCharField("公民身份号码", max_length=200)
    phone = SealedCharField("手机（私人）", max_length=200, blank=True)
    work_phone = models.CharField("工作电话", max_length=20, blank=True)
    party_member = models.BooleanField("中共党员", default=False)
    party_join_date = models.DateField("入党日期", null=True, blank=True)
    party_full_date = models.DateField("转正日期", null=True, blank=True)
    staff_status = models.CharField("编制状态", max_length=12, choices=StaffStatus.choices, default=StaffStatus.NONE)
    category = models.CharField("人员类别", max_length=16, choices=PersonCategory.choices,
                                default=PersonCategory.VILLAGE_ELECTED)
    work_start_date = models.DateField("参加工作时间", null=True, blank=True)
    education = models.CharField("学历", max_length=10, choices=Education.choices, blank=True)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="people", verbose_name="所在单位")
    org_path = models.CharField(max_length=16, db_index=True, editable=False)

    class Meta:
        ordering = ["org_path", "name"]
        verbose_name = "干部"
        # One person per identity number, on the blind index (the ciphertext differs every write).
        constraints = [models.UniqueConstraint(Substr("id_number", 1, 64), name="person_id_number_unique",
                                               violation_error_message="该身份证号已登记")]

    def __str__(self) -> str:
        return self.name


class PostTitle(models.TextChoices):
    VILLAGE_SECRETARY = "village_secretary", "村党组织书记"
    VILLAGE_DIRECTOR = "village_director", "村委会主任"
    VILLAGE_CLERK = "village_clerk", "村文书/会计"
    WOMEN_DIRECTOR = "women_director", "妇女主任"
    MASS_ORG = "mass_org", "群团干部"
    GROUP_LEADER = "group_leader", "社长/村民小组长"
    VILLAGE_MEMBER = "village_member", "两委委员"
    TOWNSHIP_SECRETARY = "township_secretary", "镇党委书记"
    TOWNSHIP_HEAD = "township_head", "镇长"
    TOWNSHIP_DEPUTY_SECRETARY = "township_deputy_secretary", "镇党委副书记"
    TOWNSHIP_DISCIPLINE = "township_discipline", "镇纪委书记"
    TOWNSHIP_LEADER = "township_leader", "镇领导班子成员"
    TOWNSHIP_CADRE = "township_cadre", "镇机关干部"
    FIRST_SECRETARY = "first_secretary", "驻村第一书记"
    TEAM_MEMBER = "team_member", "驻村工作队员"
    DEPARTMENT_STAFF = "department_staff", "县直部门工作人员"


STATIONED_TITLES = {PostTitle.FIRST_SECRETARY, PostTitle.TEAM_MEMBER}


class Post(models.Model):
    """A person's post in an org for a period (ORG-02). Ending a post sets ``end``; rows are never deleted."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="posts", verbose_name="干部")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="posts", verbose_name="任职单位")
    title = models.CharField("职务", max_length=32, choices=PostTitle.choices)
    start = models.DateField("任职起")
    end = models.DateField("任职止", null=True, blank=True)
    funded = models.BooleanField("职数内（享受补贴）", default=False)
    principal = models.BooleanField("主职", default=True)
    safety_duty = models.CharField("一岗双责·安全职责", max_length=200)
    dispatch_unit = models.ForeignKey(Org, on_delete=models.PROTECT, null=True, blank=True, related_name="dispatched",
                                      verbose_name="派出单位")
    end_reason = models.CharField("离任原因", max_length=100, blank=True)

    class Meta:
        ordering = ["person_id", "-start"]
        indexes = [models.Index(fields=["org", "end"]), models.Index(fields=["title", "end"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                                   name="post_end_after_start")
        ]
        verbose_name = "职务"

    def __str__(self) -> str:
        return f"{self.person} {self.get_title_display()}@{self.org}"


class SecretaryAppointment(models.Model):
    """How a village party secretary was chosen (ORG-09)."""

    class Source(models.TextChoices):
        CURRENT_CADRE = "current_cadre", "现任村干部"
        RICH_EXPERT = "rich_expert", "致富能手"
        BROKER = "broker", "农村经纪人"
        COOP_HEAD = "coop_head", "合作社负责人"
        ENTERPRISE = "enterprise", "企业经营管理人员"
        VETERAN = "veteran", "退役军人"
        GRADUATE = "graduate", "大学生村官"
        RETURNED_MIGRANT = "returned_migrant", "返乡农民工党员"
        FROM_ORGANS = "from_organs", "机关选派"

    class Method(models.TextChoices):
        TWO_RECOMMEND_ONE_ELECT = "two_recommend_one_elect", "两推一选"
        PUBLIC_DIRECT = "public_direct", "公推直选"
        OPEN_SELECTION = "open_selection", "公开选拔"
        APPOINTED = "appointed", "党委选派任命"

    post = models.OneToOneField(Post, on_delete=models.PROTECT, related_name="appointment")
    source = models.CharField("人选来源", max_length=20, choices=Source.choices)
    method = models.CharField("产生方式", max_length=30, choices=Method.choices)
    strong_good_assessment = models.TextField("双强双好评估")
    assessed_on = models.DateField("评估日期", null=True, blank=True)

    class Meta:
        verbose_name = "村书记任用记录"

    def __str__(self) -> str:
        return f"{self.post} {self.get_method_display()}"


class AssessorRule(models.Model):
    """Who assesses a category of person, per township (ORG-05)."""

    class Assessor(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", "镇党委"
        DEPARTMENT = "department", "所在部门/单位"
        ASSESSMENT_OFFICE = "assessment_office", "考核办"

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="assessor_rules")
    category = models.CharField("人员类别", max_length=16, choices=PersonCategory.choices)
    daily = models.CharField("日常考核", max_length=20, choices=Assessor.choices)
    meetings = models.CharField("会议、学习、临时任务考核", max_length=20, choices=Assessor.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "category"], name="assessor_rule_unique")]
        verbose_name = "考核主体"

    def __str__(self) -> str:
        return f"{self.org} {self.get_category_display()}"


class AssessmentGroupMember(models.Model):
    """A township's assessment leadership group and office (ORG-04): configured, not hard-coded."""

    class GroupRole(models.TextChoices):
        LEADER = "leader", "组长"
        EXECUTIVE_DEPUTY = "executive_deputy", "常务副组长"
        DEPUTY = "deputy", "副组长"
        MEMBER = "member", "成员"
        OFFICE_HEAD = "office_head", "办公室主任"
        OFFICE_STAFF = "office_staff", "办公室工作人员"

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="assessment_group")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    group_role = models.CharField("小组职务", max_length=20, choices=GroupRole.choices)
    start = models.DateField("起")
    end = models.DateField("止", null=True, blank=True)

    class Meta:
        ordering = ["org_id", "group_role"]
        verbose_name = "考核领导小组成员"

    def __str__(self) -> str:
        return f"{self.org} {self.get_group_role_display()} {self.person}"


class RoleGrant(models.Model):
    """A role held on a node; it reaches the node's subtree (ORG-07)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=32)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="grants")
    start = models.DateField("起", null=True, blank=True)
    end = models.DateField("止", null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role", "org"], name="role_grant_unique")]
        verbose_name = "角色授权"

    def __str__(self) -> str:
        return f"{self.user} {self.role}@{self.org}"


class StandIn(models.Model):
    """An approver away names a stand-in for a period (LV-09); used by every approval chain."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="stand_ins")
    stand_in = models.ForeignKey(User, on_delete=models.CASCADE, related_name="standing_for")
    start = models.DateField("起")
    end = models.DateField("止")
    reason = models.CharField("事由", max_length=200, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="standin_dates")]
        verbose_name = "代理人"

    def __str__(self) -> str:
        return f"{self.stand_in} 代 {self.user}"


# --- sign-in security (issue 16, 等保2.0 level 3) ---------------------------------------------------

class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords: a new one may not repeat the last N (policy)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "历史密码"

    def __str__(self) -> str:
        return f"{self.user} {self.created:%Y-%m-%d}"


class SignInLock(models.Model):
    """Failed sign-ins per key (``user:<name>`` or ``addr:<ip>``) and the lock they earned.

    Keyed by the name typed, not the account, so a name that does not exist locks the same way:
    the lock tells nothing about which names exist.
    """

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "登录失败锁定"

    def __str__(self) -> str:
        return self.key


class UserSession(models.Model):
    """A signed-in session: who, from which address and device, when last active; ended by the user or an admin."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    address = models.CharField("地址", max_length=45, blank=True)
    device = models.CharField("设备", max_length=200, blank=True)
    created = models.DateTimeField("登录时间", auto_now_add=True)
    last_seen = models.DateTimeField("最后活动", auto_now_add=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = "登录会话"

    def __str__(self) -> str:
        return f"{self.user} {self.device[:30]}"
