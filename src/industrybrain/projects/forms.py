"""Every parameter of the projects pages passes one of these forms: bad input is refused with
the field and the reason (and a page answers 400, never 500)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from industrybrain.core.localize import local
from industrybrain.enterprises.models import District, Enterprise
from industrybrain.industry.models import Chain, ChainSegment, Cluster

from . import validation
from .models import (
    STAGES,
    ElementNeed,
    Inspection,
    InspectionKind,
    Level,
    NeedStatus,
    Project,
    Stage,
)

YUAN = {"亿元": 10**8, "万元": 10**4}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ALLOWED = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}
MAX_FILES = 5  # per inspection, as many as an officer photographs on one visit


def district_choices(required=False):
    first = [] if required else [("", _("全部辖市区"))]
    return first + [(d.code, local(d)) for d in District.objects.all()]


def _add_problems(form, problems, mapping=None):
    mapping = mapping or {}
    for field, reason in problems:
        field = mapping.get(field, field)
        form.add_error(field if field in form.fields else None, reason)


class ProjectForm(forms.ModelForm):
    enterprise_uscc = forms.CharField(label=_("实施企业统一社会信用代码"), required=False, max_length=18,
                                      help_text=_("企业库中已有的企业；新设企业留空"))
    planned_amount = forms.DecimalField(label=_("计划总投资"), required=False, max_digits=16,
                                        decimal_places=4, min_value=0)
    planned_unit = forms.ChoiceField(label=_("单位"), choices=[("亿元", _("亿元")), ("万元", _("万元"))],
                                     initial="亿元")

    class Meta:
        model = Project
        fields = ["code", "name", "investor", "is_new_enterprise", "district", "cluster", "chain",
                  "segment", "level", "officer", "leader", "currency", "planned_foreign", "fx_rate",
                  "fx_date"] + [f"{s}_{k}" for s in STAGES for k in ("planned", "actual")] + ["delay_cause"]
        widgets = {f"{s}_{k}": DATE for s in STAGES for k in ("planned", "actual")} | {"fx_date": DATE}

    def __init__(self, *args, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_district = district
        if district is not None:
            self.fields["district"].queryset = District.objects.filter(pk=district.pk)
            self.fields["district"].initial = district.pk
        self.fields["district"].required = False  # refused in clean() with the pack's words
        if self.instance.pk:
            if self.instance.enterprise_id:
                self.fields["enterprise_uscc"].initial = self.instance.enterprise.uscc
            if self.instance.currency == "CNY":
                self.fields["planned_amount"].initial = self.instance.planned_yi.normalize()

    def clean_enterprise_uscc(self):
        code = self.cleaned_data["enterprise_uscc"].strip().upper()
        if not code:
            return None
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise forms.ValidationError(gettext("企业库中没有统一社会信用代码为%(code)s的企业；新设企业请留空并填写投资方") % {"code": code})
        return enterprise

    def clean(self):
        data = super().clean()
        if self.fixed_district is not None and data.get("district") not in (None, self.fixed_district):
            self.add_error("district", gettext("只能登记本辖市区的项目"))
        currency = data.get("currency") or "CNY"
        planned = None
        if currency == "CNY" and data.get("planned_amount") is not None:
            planned = int(data["planned_amount"] * YUAN[data.get("planned_unit") or "亿元"])
        elif currency != "CNY" and data.get("planned_foreign") is not None and data.get("fx_rate"):
            planned = int(data["planned_foreign"] * 10**8 * data["fx_rate"])
        values = {k: v for k, v in data.items()}
        values["planned_yuan"] = planned
        values["done_yuan"] = self.instance.done_yuan if self.instance.pk else 0
        _add_problems(self, validation.check(values),
                      {"planned_yuan": "planned_amount" if currency == "CNY" else "planned_foreign",
                       "done_yuan": "planned_amount"})
        if not self.errors:
            self.instance.planned_yuan = planned
            self.instance.enterprise = data.get("enterprise_uscc")
        return data


class MilestoneForm(forms.Form):
    """Record that a project reached its next milestone, on a day that has happened."""

    stage = forms.ChoiceField(label=_("里程碑"), choices=Stage.choices)
    actual = forms.DateField(label=_("实际日期"), widget=DATE)
    delay_cause = forms.CharField(label=_("滞后原因"), required=False, max_length=500)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        values = {f: getattr(self.project, f) for s in STAGES for f in (f"{s}_planned", f"{s}_actual")}
        values.update(district_id=self.project.district_id, planned_yuan=self.project.planned_yuan,
                      done_yuan=self.project.done_yuan, currency=self.project.currency,
                      planned_foreign=self.project.planned_foreign, fx_rate=self.project.fx_rate,
                      fx_date=self.project.fx_date)
        values[f"{data['stage']}_actual"] = data["actual"]
        _add_problems(self, validation.check(values), {f"{s}_actual": "actual" for s in STAGES})
        return data


class InvestmentForm(forms.Form):
    month = forms.DateField(label=_("月份"), input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    amount = forms.DecimalField(label=_("当月完成投资"), max_digits=16, decimal_places=4, min_value=0)
    unit = forms.ChoiceField(label=_("单位"), choices=[("亿元", _("亿元")), ("万元", _("万元"))], initial="亿元")

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        if data["month"] > today.replace(day=1):
            self.add_error("month", gettext("不能填报未来月份的完成投资"))
            return data
        amount = data["amount"] * YUAN[data["unit"]]
        if amount != amount.to_integral_value():
            self.add_error("amount", gettext("金额精确到元"))
            return data
        data["amount_yuan"] = int(amount)
        others = sum(i.amount_yuan for i in self.project.investments.all() if i.month != data["month"])
        values = {"district_id": self.project.district_id, "planned_yuan": self.project.planned_yuan,
                  "done_yuan": others + data["amount_yuan"], "currency": "CNY"}
        _add_problems(self, [p for p in validation.check(values) if p[0] == "done_yuan"],
                      {"done_yuan": "amount"})
        return data


class NeedForm(forms.ModelForm):
    class Meta:
        model = ElementNeed
        fields = ["kind", "department", "status", "raised_on", "due_on", "secured_on", "note"]
        widgets = {"raised_on": DATE, "due_on": DATE, "secured_on": DATE}

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        raised, due, secured = data.get("raised_on"), data.get("due_on"), data.get("secured_on")
        if raised and raised > today:
            self.add_error("raised_on", gettext("提出日期不能晚于今天"))
        if raised and due and due < raised:
            self.add_error("due_on", gettext("要求办结日期早于提出日期"))
        if secured and secured > today:
            self.add_error("secured_on", gettext("办结日期不能晚于今天"))
        if secured and raised and secured < raised:
            self.add_error("secured_on", gettext("办结日期早于提出日期"))
        if data.get("status") == NeedStatus.SECURED and not secured:
            self.add_error("secured_on", gettext("已保障的需求请填写办结日期"))
        if data.get("status") != NeedStatus.SECURED and secured:
            self.add_error("status", gettext("填写了办结日期的需求，状态应为已保障"))
        return data


class InspectionForm(forms.ModelForm):
    issues = forms.CharField(label=_("发现问题（每行一条）"), required=False, max_length=3000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    issue_due = forms.DateField(label=_("问题整改期限"), required=False, widget=DATE)
    files = forms.FileField(label=_("照片与文件（PDF/PNG/JPG）"), required=False)

    class Meta:
        model = Inspection
        fields = ["kind", "inspector", "inspected_on", "findings"]
        widgets = {"inspected_on": DATE, "findings": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["multiple"] = True
        self.fields["kind"].initial = InspectionKind.WEEKLY

    def clean_inspected_on(self):
        day = self.cleaned_data["inspected_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(gettext("巡查日期不能晚于今天"))
        return day

    def clean_files(self):
        uploads = self.files.getlist("files") if self.files else []
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(gettext("每次巡查最多上传%(n)s个附件") % {"n": MAX_FILES})
        limit = settings.IB_APPLICATION_MAX_BYTES
        for f in uploads:
            suffix = Path(f.name).suffix.lower()
            if suffix not in ALLOWED:
                raise forms.ValidationError(gettext("“%(name)s”的类型不允许，只接受PDF、PNG、JPG") % {"name": f.name})
            if f.size > limit:
                raise forms.ValidationError(gettext("“%(name)s”超过%(mb)sMB") % {"name": f.name, "mb": limit // 2**20})
            head = f.read(8)
            f.seek(0)
            # The extension is only a claim; the first bytes say what the file is.
            if not head.startswith(ALLOWED[suffix]):
                raise forms.ValidationError(gettext("“%(name)s”的内容与扩展名不符") % {"name": f.name})
        return uploads

    def clean_issues(self):
        return [line.strip()[:300] for line in self.cleaned_data["issues"].splitlines() if line.strip()]


class CloseIssueForm(forms.Form):
    closed_on = forms.DateField(label=_("销号日期"), widget=DATE)
    closure = forms.CharField(label=_("整改情况"), max_length=300)

    def clean_closed_on(self):
        day = self.cleaned_data["closed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(gettext("销号日期不能晚于今天"))
        return day


# --- query parameters ------------------------------------------------------------------

ALERTS = [("", _("全部")), ("behind", _("进度滞后")), ("needs", _("要素保障逾期")),
          ("inspection", _("巡查逾期")), ("large", _("超100亿元或10亿美元"))]


class ListFilter(forms.Form):
    q = forms.CharField(required=False, max_length=64)
    district = forms.ChoiceField(required=False)
    cluster = forms.ChoiceField(required=False)
    chain = forms.ChoiceField(required=False)
    stage = forms.ChoiceField(required=False, choices=[("", _("全部阶段"))] + list(Stage.choices))
    level = forms.ChoiceField(required=False, choices=[("", _("全部级别")), ("province", Level.PROVINCE.label),
                                                       ("city", Level.CITY.label)])
    alert = forms.ChoiceField(required=False, choices=ALERTS)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = district_choices()
        self.fields["cluster"].choices = [("", _("全部集群"))] + [(o.code, local(o)) for o in Cluster.objects.all()]
        self.fields["chain"].choices = [("", _("全部产业链"))] + [(o.code, local(o)) for o in Chain.objects.all()]


class PeriodForm(forms.Form):
    """A month (2022-03) for the rates and the monthly bulletin; the latest when absent."""

    month = forms.DateField(required=False, input_formats=["%Y-%m"])
    district = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = district_choices()

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and not dt.date(2000, 1, 1) <= month <= dt.date(2100, 12, 1):
            raise forms.ValidationError(gettext("月份超出范围"))
        return month


class QuarterForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    quarter = forms.IntegerField(required=False, min_value=1, max_value=4)
    district = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = district_choices()


class GanttForm(forms.Form):
    district = forms.ChoiceField(required=False)
    chain = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = district_choices()
        self.fields["chain"].choices = [("", _("全部产业链"))] + [(o.code, local(o)) for o in Chain.objects.all()]


class ChecklistForm(forms.Form):
    officer = forms.CharField(required=False, max_length=32)
    week = forms.DateField(required=False, widget=DATE)


class LeadForm(forms.Form):
    """A 招商 lead becomes a project at stage 招引 or 签约 (the chain map's one click)."""

    name = forms.CharField(label=_("项目名称"), max_length=128)
    district = forms.ChoiceField(label=_("辖市区"))
    chain = forms.ChoiceField(label=_("产业链"), required=False)
    segment = forms.IntegerField(label=_("产业链环节"), required=False, min_value=1)
    enterprise = forms.CharField(label=_("企业统一社会信用代码"), required=False, max_length=18)
    investor = forms.CharField(label=_("投资方"), required=False, max_length=128)
    planned_yi = forms.DecimalField(label=_("意向投资（亿元）"), max_digits=10, decimal_places=4,
                                    min_value=Decimal("0.0001"))
    stage = forms.ChoiceField(label=_("阶段"), choices=[("lead", Stage.LEAD.label), ("signed", Stage.SIGNED.label)],
                              initial="lead")
    lead = forms.CharField(label=_("线索编号"), required=False, max_length=64)
    officer = forms.CharField(label=_("责任人"), required=False, max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = district_choices(required=True)
        self.fields["chain"].choices = [("", "—")] + [(o.code, local(o)) for o in Chain.objects.all()]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["district_obj"] = District.objects.get(code=data["district"])
        data["chain_obj"] = Chain.objects.filter(code=data["chain"]).first() if data["chain"] else None
        data["segment_obj"] = None
        if data.get("segment"):
            seg = ChainSegment.objects.filter(pk=data["segment"]).first()
            if seg is None or (data["chain_obj"] and seg.chain_id not in (None, data["chain_obj"].pk)):
                self.add_error("segment", gettext("该环节不存在或不属于所选产业链"))
            data["segment_obj"] = seg
        data["enterprise_obj"] = None
        if data.get("enterprise"):
            data["enterprise_obj"] = Enterprise.objects.filter(uscc=data["enterprise"].strip().upper()).first()
            if data["enterprise_obj"] is None:
                self.add_error("enterprise", gettext("企业库中没有该企业"))
        planned = int(data["planned_yi"] * 10**8)
        _add_problems(self, [p for p in validation.check({"district": data["district"], "planned_yuan": planned})
                             if p[0] == "planned_yuan"], {"planned_yuan": "planned_yi"})
        data["planned_yuan"] = planned
        return data
