"""An officer's entry of an indicator value, refused with a clear message when it is wrong."""

from decimal import Decimal

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from industrybrain.core import bounds, dataversion, params
from industrybrain.core.localize import in_english
from industrybrain.enterprises.models import District

from .models import QUALITATIVE_STATUSES, IndicatorValue, Target

# A unit slip is a factor of 100 (%) or 10,000 (万/亿); real years rarely move 5-fold. A
# value more than FAR times outside what the indicator has had is taken for a slip.
FAR = 5
UNITS = ["亿元", "万元", "元", "万美元", "亿美元", "万欧元", "%", "家", "个", "件", "万户", "倍",
         "名", "项", "万人", "万套", "位", "个工作日", "平方米", "条"]
# The units as an English page names them in the entry form (the stored value stays the unit).
UNITS_EN = {"亿元": "100 million yuan", "万元": "10,000 yuan", "元": "yuan", "万美元": "10,000 USD",
            "亿美元": "100 million USD", "万欧元": "10,000 EUR", "%": "%", "家": "firms",
            "个": "count", "件": "pieces", "万户": "10,000 households", "倍": "times",
            "名": "people", "项": "items", "万人": "10,000 people", "万套": "10,000 sets",
            "位": "people", "个工作日": "working days", "平方米": "m²", "条": "count"}
CONVERSIONS = {("亿元", "万元"): "1亿元 = 10000万元", ("万元", "亿元"): "1万元 = 0.0001亿元",
               ("亿美元", "万美元"): "1亿美元 = 10000万美元", ("万美元", "亿美元"): "1万美元 = 0.0001亿美元"}


class EntryForm(forms.Form):
    year = params.YearField(label=_("年份"), min_value=2000, max_value=2035)
    district = forms.ModelChoiceField(
        label=_("辖市区"), queryset=District.objects.all(), required=False,
        empty_label=_("全市"),
    )
    # the range the database holds (core.bounds.INDICATOR_VALUE): refused here with a message
    value = params.DecimalField(label=_("数值"), max_digits=20, decimal_places=4,
                                min_value=bounds.INDICATOR_VALUE.low,
                                max_value=bounds.INDICATOR_VALUE.high)
    unit = forms.ChoiceField(label=_("单位"), choices=[(u, u) for u in UNITS])
    source = forms.CharField(
        label=_("数据来源"), max_length=200, required=False,
        help_text=_("例如：常州市统计局《2022年常州市国民经济和社会发展统计公报》"),
    )
    source_date = forms.DateField(label=_("来源日期"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, target: Target, district: District | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.fixed_district = district
        self.warning = ""
        if district is not None:
            # A district officer enters for the own district only: no choice to make.
            del self.fields["district"]
        self.fields["unit"].initial = target.measure_unit
        if in_english():
            self.fields["unit"].choices = [(u, UNITS_EN.get(u, u)) for u in UNITS]

    def clean_source(self):
        source = self.cleaned_data["source"].strip()
        if not source:
            raise forms.ValidationError(gettext("请填写数据来源（发布单位和文件名）：没有来源的数值不能录入。"))
        return source

    def clean_source_date(self):
        date = self.cleaned_data["source_date"]
        if date is None:
            raise forms.ValidationError(gettext("请填写来源的发布日期。"))
        if date > timezone.localdate():
            raise forms.ValidationError(gettext("来源日期不能晚于今天。"))
        return date

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        expected, unit = self.target.measure_unit, data["unit"]
        if unit != expected:
            hint = CONVERSIONS.get((unit, expected), "")
            raise forms.ValidationError(
                gettext("单位不符：本指标以“%(expected)s”计，您填写的是“%(unit)s”。请换算为%(expected)s后再录入。")
                % {"expected": expected, "unit": unit} + (f"（{hint}）" if hint else "")
            )
        if self.fixed_district is not None:
            data["district"] = self.fixed_district
        value, district = data["value"], data.get("district")
        if expected == "%" and not Decimal(0) <= value <= Decimal(100):
            raise forms.ValidationError(gettext("百分比应在0到100之间，您填写的是%(value)s。") % {"value": value})
        self._check_history(value, district)
        self._check_same_source(data)
        return data

    def _check_history(self, value, district):
        history = [v for v in IndicatorValue.objects.filter(target=self.target, district=district)
                   .values_list("value", flat=True) if v > 0]
        if not history or value <= 0:
            return
        low, high = min(history), max(history)
        if value > high * FAR or value < low / FAR:
            raise forms.ValidationError(
                gettext("数值%(value)s%(unit)s远超该指标以往的范围（%(low)s–%(high)s%(unit)s），"
                   "可能是单位或小数点有误，请核对后再录入。")
                % {"value": _plain(value), "unit": self.target.measure_unit,
                   "low": _plain(low), "high": _plain(high)}
            )

    def _check_same_source(self, data):
        same_year = IndicatorValue.objects.filter(
            target=self.target, year=data["year"], district=data["district"], origin="entered")
        same = same_year.filter(source=data["source"]).first()
        if same is not None:
            raise forms.ValidationError(
                gettext("来源“%(source)s”已录入%(year)s年的数值%(value)s%(unit)s，同一来源不能覆盖。"
                   "若是更正，请以新的来源（如更正文件）录入，原值会保留并一并显示。")
                % {"source": same.source, "year": same.year, "value": _plain(same.value),
                   "unit": same.unit}
            )
        others = [v for v in same_year if v.value != data["value"]]
        if others:
            self.warning = gettext("注意：%(year)s年已有其他来源的不同数值（%(others)s），两者均已保留并标为冲突，请核对。") % {
                "year": data["year"],
                "others": "；".join(f"{v.source}：{_plain(v.value)}{v.unit}" for v in others),
            }

    @transaction.atomic
    def save(self, user) -> IndicatorValue:
        data = self.cleaned_data
        value = IndicatorValue.objects.create(
            target=self.target, year=data["year"], district=data["district"], value=data["value"],
            unit=data["unit"], origin="entered", source=data["source"],
            source_date=data["source_date"], entered_by=user, entered_at=timezone.now(),
        )
        dataversion.bump(dataversion.TARGETS)
        return value


class OfficerStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=[(s.value, s.label) for s in QUALITATIVE_STATUSES])
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _plain(value: Decimal) -> str:
    """12000.0000 -> '12,000'; 43.5000 -> '43.5'."""
    text = f"{Decimal(value).normalize():,f}"
    return text
