"""Forms of the 智改数转 pages. Amounts are typed in 万元 and stored in 元; the rules of the
programme (the scale, a negative cost or payback, a provider outside its lot) are checked by
workflow.py, whose reasons the pages show beside the form's own."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from industrybrain.core.localize import local
from industrybrain.enterprises.models import District
from industrybrain.industry.models import Cluster
from industrybrain.policies.forms import WanField

from .config import config
from .models import AssignmentBatch, Diagnosis, ProcurementLot, Provider


def _today():
    return timezone.localdate()


class BatchForm(forms.Form):
    basis = forms.ChoiceField(label=_("分派方式"), choices=AssignmentBatch.Basis.choices)
    district = forms.ModelChoiceField(label=_("辖市区"), queryset=District.objects.all(), required=False)
    cluster = forms.ModelChoiceField(label=_("产业集群"), queryset=Cluster.objects.all(), required=False)
    limit = forms.IntegerField(label=_("最多分派企业数"), min_value=1, max_value=100_000, required=False)
    on = forms.DateField(label=_("分派日期"), initial=_today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].label_from_instance = local
        self.fields["cluster"].label_from_instance = local


class AssignForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("采购批次"), queryset=ProcurementLot.objects.all())
    provider = forms.ModelChoiceField(label=_("服务商"), queryset=Provider.objects.filter(active=True))
    on = forms.DateField(label=_("分派日期"), initial=_today)


class RequestForm(forms.Form):
    note = forms.CharField(label=_("诊断需求（选填）"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DiagnosisFilter(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部"))] + list(Diagnosis.Status.choices))
    lot = forms.ModelChoiceField(label=_("采购批次"), queryset=ProcurementLot.objects.all(), required=False)
    q = forms.CharField(label=_("企业名称"), max_length=64, required=False)


class ReportForm(forms.Form):
    """One level per dimension of the scale, and the findings."""

    findings = forms.CharField(label=_("诊断发现"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 5}))
    on = forms.DateField(label=_("报告日期"), initial=_today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cfg = config()
        choices = [("", "—")] + [(str(i.id), local(i)) for i in cfg.levels]
        for d in cfg.dimensions:
            # A plain field: a level off the scale reaches the workflow, which names the
            # dimension and the scale in its refusal.
            self.fields[f"level_{d.id}"] = forms.CharField(
                label=local(d), required=False, max_length=8,
                widget=forms.Select(choices=choices))

    def levels(self) -> dict:
        return {d.id: self.cleaned_data.get(f"level_{d.id}") for d in config().dimensions}


class ProjectRowForm(forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=128, required=False)
    capability = forms.ChoiceField(label=_("所需服务能力"), required=False)
    cost_wan = WanField(label=_("估算投资（万元）"), required=False)
    gain_wan = WanField(label=_("预计年收益（万元）"), required=False)
    expected_gains = forms.CharField(label=_("预期成效"), max_length=500, required=False)
    payback_years = forms.CharField(label=_("投资回收期（年）"), max_length=8, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability"].choices = [("", "—")] + [(c.id, local(c)) for c in config().capabilities]

    def row(self) -> dict | None:
        data = self.cleaned_data
        if not any(data.get(k) not in (None, "") for k in ("title", "cost_wan", "payback_years")):
            return None  # an empty row
        return {"title": data.get("title", ""), "capability": data.get("capability", ""),
                "cost_yuan": data.get("cost_wan"), "annual_gain_yuan": data.get("gain_wan") or 0,
                "expected_gains": data.get("expected_gains", ""),
                "payback_years": data.get("payback_years") or None}


# absolute_max: a posted TOTAL_FORMS of a million builds ten forms and an error, not Django's
# default of a thousand and ten forms rendered back.
ProjectFormSet = forms.formset_factory(ProjectRowForm, extra=3, max_num=10, validate_max=True,
                                       absolute_max=10)


class ApplyForm(forms.Form):
    year = forms.TypedChoiceField(label=_("申请年度"), coerce=int)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]


class StartForm(forms.Form):
    started_on = forms.DateField(label=_("开工日期"), initial=_today)
    invested_wan = WanField(label=_("实际投资（万元）"), required=False)
    provider = forms.ModelChoiceField(label=_("实施服务商"), queryset=Provider.objects.filter(active=True),
                                      required=False)

    def clean_invested_wan(self):
        value = self.cleaned_data["invested_wan"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("实际投资不能为负数"))
        return value


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("评分"), coerce=int)
    comment = forms.CharField(label=_("评价"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cfg = config()
        self.fields["score"].choices = [(i, "★" * i) for i in range(cfg.rating_max, cfg.rating_min - 1, -1)]


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
