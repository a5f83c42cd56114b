"""Forms for the org pages. Field errors are Chinese; services have the last word (their
``ValidationError`` dicts are mapped back onto the fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ganbu.org.models import (
    AssessmentGroupMember,
    AssessorRule,
    Education,
    Gender,
    Org,
    PersonCategory,
    PostTitle,
    SecretaryAppointment,
    StaffStatus,
    VillageCategory,
)
from ganbu.org.services import person_validate

REQUIRED = "此项必填"
DATE_INVALID = "日期格式应为 YYYY-MM-DD"
_MSG = {"required": REQUIRED, "invalid": DATE_INVALID, "invalid_choice": "请选择有效的选项"}


def _date(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, error_messages=_MSG,
                           widget=forms.DateInput(attrs={"type": "date"}))


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's field errors onto the form (unknown fields become form errors)."""
    if hasattr(exc, "error_dict"):
        for key, errs in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.code or obj.path}）"


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages=_MSG)
    gender = forms.ChoiceField(label="性别", choices=Gender.choices, error_messages=_MSG)
    id_number = forms.CharField(label="公民身份号码", max_length=18, error_messages=_MSG)
    birth_date = _date("出生日期")
    phone = forms.CharField(label="手机（私人）", max_length=20, required=False)
    work_phone = forms.CharField(label="工作电话", max_length=20, required=False)
    party_member = forms.BooleanField(label="中共党员", required=False)
    party_join_date = _date("入党日期")
    party_full_date = _date("转正日期")
    staff_status = forms.ChoiceField(label="编制状态", choices=StaffStatus.choices, initial=StaffStatus.NONE)
    category = forms.ChoiceField(label="人员类别", choices=PersonCategory.choices,
                                 initial=PersonCategory.VILLAGE_ELECTED)
    education = forms.ChoiceField(label="学历", choices=[("", "—")] + Education.choices, required=False)
    work_start_date = _date("参加工作时间")
    org = OrgChoiceField(label="所在单位", queryset=Org.objects.none(), error_messages=_MSG)

    def __init__(self, *args: Any, orgs: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if orgs is not None:
            self.fields["org"].queryset = orgs

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for key, msg in person_validate(data).items():
            if key not in self.errors:
                self.add_error(key, msg)
        return data


class PostStartForm(forms.Form):
    org = OrgChoiceField(label="任职单位", queryset=Org.objects.none(), error_messages=_MSG)
    title = forms.ChoiceField(label="职务", choices=PostTitle.choices, error_messages=_MSG)
    start = _date("任职起", required=True)
    end = _date("任职止")
    funded = forms.BooleanField(label="职数内（享受补贴）", required=False)
    principal = forms.BooleanField(label="主职", required=False, initial=True)
    safety_duty = forms.CharField(label="一岗双责·安全职责", max_length=200, required=False,
                                  help_text="每个职务须明确安全职责")
    dispatch_unit = OrgChoiceField(label="派出单位（驻村干部）", queryset=Org.objects.none(), required=False)

    def __init__(self, *args: Any, orgs: Any = None, units: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if orgs is not None:
            self.fields["org"].queryset = orgs
        if units is not None:
            self.fields["dispatch_unit"].queryset = units


class PostEndForm(forms.Form):
    end = _date("任职止", required=True)
    reason = forms.CharField(label="离任原因", max_length=100, error_messages=_MSG)


class OrgEditForm(forms.Form):
    households = forms.IntegerField(label="户数", min_value=0, required=False,
                                    error_messages={"invalid": "户数应为整数", "min_value": "户数不能为负数"})
    categories = forms.MultipleChoiceField(label="村类别", choices=VillageCategory.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    address = forms.CharField(label="办公地址", max_length=200, required=False)
    latitude = forms.DecimalField(label="纬度（GPS 坐标）", max_digits=9, decimal_places=6, required=False,
                                  min_value=-90, max_value=90, error_messages={"invalid": "纬度应为数字"})
    longitude = forms.DecimalField(label="经度（GPS 坐标）", max_digits=9, decimal_places=6, required=False,
                                   min_value=-180, max_value=180, error_messages={"invalid": "经度应为数字"})
    phone = forms.CharField(label="办公电话", max_length=30, required=False)
    leader_name = forms.CharField(label="分管领导", max_length=50, required=False)


class RenameForm(forms.Form):
    new_name = forms.CharField(label="新名称", max_length=100, error_messages=_MSG)
    on = _date("生效日期", required=True)
    reason = forms.CharField(label="依据/说明", max_length=200, required=False)


class MergeForm(forms.Form):
    into = OrgChoiceField(label="并入", queryset=Org.objects.none(), error_messages=_MSG)
    on = _date("生效日期", required=True)
    reason = forms.CharField(label="依据/说明", max_length=200, required=False)

    def __init__(self, *args: Any, targets: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if targets is not None:
            self.fields["into"].queryset = targets


class AppointmentForm(forms.Form):
    source = forms.ChoiceField(label="人选来源", choices=SecretaryAppointment.Source.choices, error_messages=_MSG)
    method = forms.ChoiceField(label="产生方式", choices=SecretaryAppointment.Method.choices, error_messages=_MSG)
    strong_good_assessment = forms.CharField(label="双强双好评估", widget=forms.Textarea(attrs={"rows": 4}),
                                             error_messages=_MSG)
    assessed_on = _date("评估日期")


class AssessorRuleForm(forms.Form):
    category = forms.ChoiceField(label="人员类别", choices=PersonCategory.choices, error_messages=_MSG)
    daily = forms.ChoiceField(label="日常考核", choices=AssessorRule.Assessor.choices, error_messages=_MSG)
    meetings = forms.ChoiceField(label="会议、学习、临时任务考核", choices=AssessorRule.Assessor.choices,
                                 error_messages=_MSG)
    note = forms.CharField(label="说明", max_length=200, required=False)


class GroupMemberForm(forms.Form):
    person = forms.ModelChoiceField(label="干部", queryset=Org.objects.none(), error_messages=_MSG)
    group_role = forms.ChoiceField(label="小组职务", choices=AssessmentGroupMember.GroupRole.choices,
                                   error_messages=_MSG)
    start = _date("起", required=True)

    def __init__(self, *args: Any, people: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if people is not None:
            self.fields["person"].queryset = people


class RosterImportForm(forms.Form):
    file = forms.FileField(label="名册文件（.xlsx 或 .xls）", error_messages={"required": "请选择文件"})

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xls")):
            raise ValidationError("只接受 .xlsx 或 .xls 文件")
        return f


class RosterFilterForm(forms.Form):
    """Roster filters (issue 10 bug 11): post, category, unit, age, education, party, term end.

    Every field is optional; a bad value is a Chinese error on that field and the list is not filtered
    by it. The same GET parameters drive the page and its Excel export.
    """

    q = forms.CharField(label="姓名/单位/职务", required=False, max_length=50)
    title = forms.ChoiceField(label="职务", required=False, choices=[("", "全部职务"), *PostTitle.choices],
                              error_messages=_MSG)
    category = forms.ChoiceField(label="人员类别", required=False, choices=[("", "全部类别"), *PersonCategory.choices],
                                 error_messages=_MSG)
    org = forms.TypedChoiceField(label="单位", required=False, coerce=int, empty_value=None, error_messages=_MSG)
    age_min = forms.IntegerField(label="年龄不小于", required=False, min_value=0, max_value=120,
                                 error_messages={"invalid": "年龄应为整数", "min_value": "年龄不能小于0",
                                                 "max_value": "年龄不能大于120"})
    age_max = forms.IntegerField(label="年龄不大于", required=False, min_value=0, max_value=120,
                                 error_messages={"invalid": "年龄应为整数", "min_value": "年龄不能小于0",
                                                 "max_value": "年龄不能大于120"})
    education = forms.ChoiceField(label="学历", required=False, choices=[("", "全部学历"), *Education.choices],
                                  error_messages=_MSG)
    party = forms.ChoiceField(label="政治面貌", required=False,
                              choices=[("", "不限"), ("yes", "中共党员"), ("no", "非党员")], error_messages=_MSG)
    term_end_by = _date("任期（职务）届满不晚于")

    def __init__(self, *args: Any, orgs: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "全部单位"), *[(o.pk, o.name) for o in orgs]]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lo, hi = data.get("age_min"), data.get("age_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("age_max", "年龄上限应不小于下限")
        return data
