"""Forms: the calculator's what-if, an application with attachments, subscriptions."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from industrybrain.core.localize import local
from industrybrain.core.money import wan_to_yuan
from industrybrain.enterprises.models import DesignationType

# What a certificate or a review report comes as; anything else (executables, archives,
# macros) is refused before it is stored.
ALLOWED = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}


class WanField(forms.CharField):
    """An amount typed in 万元, cleaned to integer 元."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return wan_to_yuan(value)
        except ValueError as exc:
            raise forms.ValidationError(_("请填写万元数（最多4位小数）")) from exc


class WhatIfForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    revenue = WanField(label=_("营业收入（万元）"), required=False)
    local_contribution = WanField(label=_("地方贡献（万元）"), required=False)
    rd_spending = WanField(label=_("研发投入（万元）"), required=False)
    tech_upgrade_investment = WanField(label=_("技改投资（万元）"), required=False)
    designation = forms.ChoiceField(label=_("新获认定"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["designation"].choices = [("", "—")] + list(
            DesignationType.objects.values_list("code", "name_zh"))

    def figures(self):
        keys = ("revenue", "local_contribution", "rd_spending", "tech_upgrade_investment")
        return {k: self.cleaned_data[k] for k in keys if self.cleaned_data.get(k) is not None}


class ApplicationForm(forms.Form):
    policy = forms.ChoiceField(label=_("申请政策"))
    year = forms.IntegerField(label=_("年度"), min_value=2021, max_value=2030)
    statement = forms.CharField(label=_("申请说明"), widget=forms.Textarea(attrs={"rows": 4}),
                                max_length=4000)
    files = forms.FileField(label=_("证明材料（PDF/PNG/JPG）"), required=True)

    def __init__(self, *args, policies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [(p.id, local(p, "title")) for p in policies]
        self.fields["files"].widget.attrs["multiple"] = True

    def clean_files(self):
        uploads = self.files.getlist("files")
        if not uploads:
            raise forms.ValidationError(_("请上传证明材料"))
        limit = settings.IB_APPLICATION_MAX_BYTES
        for f in uploads:
            suffix = Path(f.name).suffix.lower()
            if suffix not in ALLOWED:
                raise forms.ValidationError(_("“%(name)s”的类型不允许，只接受PDF、PNG、JPG") % {"name": f.name})
            if f.size > limit:
                raise forms.ValidationError(_("“%(name)s”超过%(mb)sMB") % {
                    "name": f.name, "mb": limit // (1024 * 1024)})
            head = f.read(8)
            f.seek(0)
            # The extension is only a claim; the first bytes say what the file really is.
            if not head.startswith(ALLOWED[suffix]):
                raise forms.ValidationError(_("“%(name)s”的内容与扩展名不符") % {"name": f.name})
        return uploads


class DecisionForm(forms.Form):
    amount_wan = WanField(label=_("核定金额（万元）"), required=False)
    reason = forms.CharField(label=_("理由"), required=False, max_length=2000)
