"""Every parameter of the cultivation pages passes one of these forms: a bad value is a
message (and a 400 for a query string), never a 500."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from industrybrain.core import params
from industrybrain.enterprises.models import District, Enterprise
from industrybrain.industry.models import Chain, Cluster

from .models import Decision, TaskKind

DATE = forms.DateInput(attrs={"type": "date"})


class ListFilterForm(forms.Form):
    """The closest-to-next-rung list: filter by district, cluster and chain; one page."""

    district = forms.ModelChoiceField(label=_("辖市区"), queryset=District.objects.all(),
                                      to_field_name="code", required=False, empty_label=_("全部"))
    cluster = forms.ModelChoiceField(label=_("产业集群"), queryset=Cluster.objects.all(),
                                     to_field_name="code", required=False, empty_label=_("全部"))
    chain = forms.ModelChoiceField(label=_("产业链"), queryset=Chain.objects.all(),
                                   to_field_name="code", required=False, empty_label=_("全部"))
    page = params.IntegerField(label=_("页码"), min_value=1, max_value=100000, required=False)

    def __init__(self, *args, fixed_district=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_district is not None:
            # A district officer's list is the own district: nothing to choose.
            del self.fields["district"]
        for name in ("cluster", "chain", "district"):
            if name in self.fields:
                self.fields[name].label_from_instance = _local_name


def _local_name(obj):
    from industrybrain.core.localize import local

    return local(obj)


class YearForm(forms.Form):
    year = params.YearField(label=_("年度"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and year not in self.years:
            raise forms.ValidationError(gettext("没有该年度的数据"))
        return year


class ManualEntryForm(forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18)
    entered_on = forms.DateField(label=_("入库日期"), widget=DATE)
    reason = forms.CharField(label=_("入库理由"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean_uscc(self):
        uscc = self.cleaned_data["uscc"].strip().upper()
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
        if enterprise is None:
            raise forms.ValidationError(gettext("没有统一社会信用代码为 %(uscc)s 的企业") % {"uscc": uscc})
        self.enterprise = enterprise
        return uscc

    def clean_entered_on(self):
        day = self.cleaned_data["entered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(gettext("入库日期不能晚于今天"))
        return day

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 4:
            raise forms.ValidationError(gettext("手工入库须写明理由（至少4个字），例如走访了解到的情况或上级推荐"))
        return reason


class ExitForm(forms.Form):
    exited_on = forms.DateField(label=_("出库日期"), widget=DATE)
    reason = forms.CharField(label=_("出库理由"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_exited_on(self):
        day = self.cleaned_data["exited_on"]
        if day < self.membership.entered_on:
            raise forms.ValidationError(
                gettext("出库日期不能早于入库日期（%(date)s）")
                % {"date": f"{self.membership.entered_on.year}年{self.membership.entered_on.month}月"
                           f"{self.membership.entered_on.day}日"})
        if day > timezone.localdate():
            raise forms.ValidationError(gettext("出库日期不能晚于今天"))
        return day

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 4:
            raise forms.ValidationError(gettext("手工出库须写明理由（至少4个字）"))
        return reason


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("事项"), choices=TaskKind.choices)
    due_on = forms.DateField(label=_("完成期限"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class TaskDoneForm(forms.Form):
    done_on = forms.DateField(label=_("完成日期"), widget=DATE)
    outcome = forms.CharField(label=_("结果"), max_length=300)

    def clean_done_on(self):
        day = self.cleaned_data["done_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(gettext("完成日期不能晚于今天"))
        return day


class DecisionForm(forms.Form):
    proposals = forms.TypedMultipleChoiceField(label=_("建议"), coerce=int, choices=())
    decision = forms.ChoiceField(label=_("审核"), choices=[(Decision.ACCEPTED, _("采纳")),
                                                          (Decision.REJECTED, _("不采纳"))])
    note = forms.CharField(label=_("审核意见"), max_length=300, required=False)

    def __init__(self, *args, pending=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(p.pk, p.pk) for p in pending]

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.REJECTED and not (data.get("note") or "").strip():
            self.add_error("note", gettext("不采纳须写明意见"))
        return data
