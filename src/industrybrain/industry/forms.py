"""Every parameter of the industry pages passes one of these forms (bad input -> 400)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from industrybrain.core import params
from industrybrain.core.localize import local
from industrybrain.enterprises.models import District, Enterprise
from industrybrain.industry.models import ChainSegment, InvestmentLead

# The span the database may hold figures for (docs/data-contract.md).
YEARS = (2000, 2100)


class LocalChoiceField(forms.ModelChoiceField):
    """Options named in the reader's language (武进区 / Wujin), not by the model's __str__."""

    def label_from_instance(self, obj):
        return local(obj)


class YearForm(forms.Form):
    year = params.YearField(label=_("年份"), required=False, min_value=YEARS[0], max_value=YEARS[1])
    partial = forms.BooleanField(required=False)


METRICS = [("output", _("产出")), ("growth", _("增长")), ("lq", _("区位熵"))]


class MapForm(YearForm):
    owner = forms.ChoiceField(label=_("集群或产业链"), required=False)
    metric = forms.ChoiceField(label=_("着色"), choices=METRICS, required=False)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("全部集群"))] + list(owners)


class OverrideForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.all())
    segment = forms.ModelChoiceField(label=_("环节"), queryset=ChainSegment.objects.all())
    reason = forms.CharField(label=_("理由"), max_length=500, strip=True)


class LeadForm(forms.ModelForm):
    class Meta:
        model = InvestmentLead
        fields = ["company", "segment", "district", "source", "stage", "officer", "next_step",
                  "next_step_on", "first_contact_on", "investment_wan", "notes"]
        widgets = {"next_step_on": forms.DateInput(attrs={"type": "date"}),
                   "first_contact_on": forms.DateInput(attrs={"type": "date"}),
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = ChainSegment.objects.select_related("cluster", "chain")
        self.fields["segment"].label_from_instance = lambda s: f"{s.owner} · {s}"
        self.fields["investment_wan"].max_value = 1_000_000
        self.fields["investment_wan"].widget.attrs["max"] = 1_000_000
        if district is not None:  # a district officer files leads for the own district
            self.fields["district"].queryset = District.objects.filter(pk=district.pk)
            self.fields["district"].required = True

    def clean_investment_wan(self):
        value = self.cleaned_data.get("investment_wan")
        if value is not None and value > 1_000_000:
            raise forms.ValidationError(_("意向投资额超过 100 亿元，请核对单位（万元）"))
        return value

    def clean(self):
        data = super().clean()
        first, nxt = data.get("first_contact_on"), data.get("next_step_on")
        if first and nxt and nxt < first:
            self.add_error("next_step_on", _("下一步日期早于首次接触日期"))
        return data


class LeadFilterForm(forms.Form):
    stage = forms.ChoiceField(required=False, choices=[("", _("全部阶段"))] + list(InvestmentLead._meta.get_field("stage").choices))
    district = LocalChoiceField(required=False, queryset=District.objects.all())
    segment = LocalChoiceField(required=False, queryset=ChainSegment.objects.all())
