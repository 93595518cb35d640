"""Forms: the calculator's what-if, an application with attachments, subscriptions."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from industrybrain.core import params
from industrybrain.core.localize import local

# What a certificate or a review report comes as; anything else (executables, archives,
# macros) is refused before it is stored.
ALLOWED = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}


# Amounts are typed in 万元 and cleaned to integer 元 with a plausible bound (core.params).
WanField = params.WanField


class WhatIfForm(forms.Form):
    year = params.YearField(label=_("年度"), min_value=2000, max_value=2100)
    revenue = WanField(label=_("营业收入（万元）"), required=False)
    local_contribution = WanField(label=_("地方贡献（万元）"), required=False)
    rd_spending = WanField(label=_("研发投入（万元）"), required=False)
    tech_upgrade_investment = WanField(label=_("技改投资（万元）"), required=False)
    designation = forms.ChoiceField(label=_("新获认定"), required=False)

    def __init__(self, *args, version: str | None = None, **kwargs):
        """``version``: the enterprises' data version when the caller has read it (the
        designation types are kept per version, not read for each form)."""
        from industrybrain.policies.calculator import designation_choices

        super().__init__(*args, **kwargs)
        self.fields["designation"].choices = [("", "—"), *designation_choices(version)]

    def figures(self):
        keys = ("revenue", "local_contribution", "rd_spending", "tech_upgrade_investment")
        return {k: self.cleaned_data[k] for k in keys if self.cleaned_data.get(k) is not None}


class ApplicationForm(forms.Form):
    policy = forms.ChoiceField(label=_("申请政策"))
    year = params.YearField(label=_("年度"), min_value=2021, max_value=2030)
    statement = forms.CharField(label=_("申请说明"), widget=forms.Textarea(attrs={"rows": 4}),
                                max_length=4000)
    files = forms.FileField(label=_("证明材料（PDF/PNG/JPG）"), required=True)

    def __init__(self, *args, policies=(), enterprise_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise_id = enterprise_id
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
        check_quota(self.enterprise_id, uploads)
        return uploads


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


def check_quota(enterprise_id, uploads) -> None:
    """Files per application, bytes per application and bytes per enterprise: bounded, so
    that one account cannot fill the disk (IB_APPLICATION_MAX_FILES, …_TOTAL_BYTES,
    IB_ENTERPRISE_MAX_BYTES)."""
    from django.db.models import Sum

    from industrybrain.policies.models import Attachment

    if len(uploads) > settings.IB_APPLICATION_MAX_FILES:
        raise forms.ValidationError(_("一份申请最多上传%(n)s个附件，您选择了%(k)s个") % {
            "n": settings.IB_APPLICATION_MAX_FILES, "k": len(uploads)})
    total = sum(f.size for f in uploads)
    if total > settings.IB_APPLICATION_MAX_TOTAL_BYTES:
        raise forms.ValidationError(_("一份申请的附件合计不能超过%(mb)sMB，本次共%(total)sMB") % {
            "mb": _mb(settings.IB_APPLICATION_MAX_TOTAL_BYTES), "total": _mb(total)})
    if enterprise_id is not None:
        stored = Attachment.objects.filter(application__enterprise_id=enterprise_id).aggregate(
            s=Sum("size"))["s"] or 0
        if stored + total > settings.IB_ENTERPRISE_MAX_BYTES:
            raise forms.ValidationError(_(
                "本企业已存附件%(stored)sMB，加上本次%(total)sMB将超过每家企业%(mb)sMB的上限；"
                "请压缩文件或联系主管部门") % {"stored": _mb(stored), "total": _mb(total),
                                       "mb": _mb(settings.IB_ENTERPRISE_MAX_BYTES)})


class DecisionForm(forms.Form):
    amount_wan = WanField(label=_("核定金额（万元）"), required=False)
    reason = forms.CharField(label=_("理由"), required=False, max_length=2000)
