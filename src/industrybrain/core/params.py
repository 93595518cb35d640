"""Query and form parameters, parsed once and safely: bad input answers 400 with a message.

Every number a URL or a form carries passes through here (or through a form built from the
fields below), so that ``?year=abc``, ``?enterprise=²``, ``?min_wan=1e999999`` or a 20-digit
id are refused with a sentence the reader understands instead of crashing a view.

Only ASCII digits count as digits: Python's ``int()`` and ``Decimal()`` accept full-width
(``２０２２``) and Arabic-Indic (``٢٠٢٢``) digits, and ``str.isdigit()`` is true for ``²``,
which ``int()`` then refuses; none of them is a number an officer typed on purpose.

Use in a view::

    from industrybrain.core import params

    class Filters(params.ParamsForm):
        year = params.YearField(required=False)
        enterprise = params.IdField(required=False)
        min_wan = params.WanField(required=False)
        q = params.TextField(required=False)

    data = params.clean(Filters, request.GET)        # raises BadParameters -> 400 page/JSON
    year = params.year(request.GET, default=2022)    # one parameter, same rules

``BadParameters`` is Django's ``BadRequest``; ``web.errors.bad_request`` (handler400) renders
its messages as a page, or as JSON under ``/api/``. For DRF list views use a django-filter
``FilterSet`` with these fields' ``Filter`` counterparts (``params.YearFilter`` …), which
answer 400 through DRF.
"""

from __future__ import annotations

import re
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import BadRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from industrybrain.core import bounds

# The largest id either database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1
# Years the system knows: enterprise histories start after 1949; targets end by 2035.
MIN_YEAR, MAX_YEAR = 1949, 2100
# An amount in 万元 a person may type: the money ceiling of every stored amount
# (core.bounds.MONEY_YUAN, 9万亿元 = 900,000,000 万元, more than twice the revenue of China's
# largest enterprise), so that what a form accepts the database's CHECK accepts too.
MAX_WAN = bounds.MONEY_MAX_WAN
YUAN_PER_WAN = 10_000
# Free text in a filter: a name, a code, a search. Longer is not a search.
MAX_TEXT = 200

_INT = re.compile(r"[+-]?[0-9]{1,19}")
_DECIMAL = re.compile(r"[+-]?[0-9]{1,16}(?:\.[0-9]{1,8})?")


class BadParameters(BadRequest):
    """A request whose parameters do not parse; ``messages`` are for the reader."""

    def __init__(self, messages: list[str], errors: dict | None = None):
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]
        self.errors = errors or {}


def _ascii_text(value) -> str:
    return str(value).strip().replace(",", "")


class IntegerField(forms.IntegerField):
    """An integer written with ASCII digits, inside [min_value, max_value]."""

    default_error_messages = {
        "invalid": _("请填写整数（半角数字0-9）"),
        "max_value": _("不能大于%(limit_value)s"),
        "min_value": _("不能小于%(limit_value)s"),
    }

    def __init__(self, *, min_value=-MAX_ID, max_value=MAX_ID, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = _ascii_text(value)
        if not _INT.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class IdField(IntegerField):
    """The id of a row: a positive integer a database can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class YearField(IntegerField):
    default_error_messages = {"invalid": _("请填写四位年份（半角数字）")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(**kwargs)


class DecimalField(forms.DecimalField):
    """A decimal number written with ASCII digits (no exponent, no NaN, no infinity)."""

    default_error_messages = {"invalid": _("请填写数字（半角数字0-9，可带小数点）")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = _ascii_text(value)
        if not _DECIMAL.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return Decimal(text)


class WanField(DecimalField):
    """An amount typed in 万元 (at most 4 decimals, so exact in 元), cleaned to integer 元."""

    default_error_messages = {
        "invalid": _("请填写万元数（半角数字，最多4位小数）"),
        "range": _("金额超出合理范围（绝对值不超过%(max)s万元）"),
        "places": _("万元最多保留4位小数"),
        "negative": _("金额不能为负数"),
    }

    def __init__(self, *, allow_negative=False, **kwargs):
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def to_python(self, value):
        wan = super().to_python(value)
        if wan is None:
            return None
        if abs(wan) > MAX_WAN:
            raise forms.ValidationError(self.error_messages["range"], code="range",
                                        params={"max": f"{MAX_WAN:,f}"})
        if wan < 0 and not self.allow_negative:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        yuan = wan * YUAN_PER_WAN
        if yuan != yuan.to_integral_value():
            raise forms.ValidationError(self.error_messages["places"], code="places")
        return int(yuan)

    def validate(self, value):
        forms.Field.validate(self, value)

    def run_validators(self, value):
        return  # bounds are checked in 万元 above; the cleaned value is 元


class TextField(forms.CharField):
    """Free text or a code in a filter: bounded length, no NUL (PostgreSQL refuses it)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class DateField(forms.DateField):
    default_error_messages = {"invalid": _("请填写日期，如 2022-03-29")}

    def to_python(self, value):
        if value not in self.empty_values and not str(value).isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ParamsForm(forms.Form):
    """A form for query parameters: unknown parameters are ignored, known ones must parse."""


def clean(form_class, data, **kwargs) -> dict:
    """The cleaned parameters of ``data`` (request.GET or request.POST) by ``form_class``;
    raises BadParameters naming each wrong parameter and why."""
    form = form_class(data, **kwargs)
    if not form.is_valid():
        raise BadParameters(_messages(form), form.errors.get_json_data())
    return form.cleaned_data


def _messages(form) -> list[str]:
    out = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else name
        for error in errors:
            out.append(gettext("参数“%(name)s”（%(label)s）：%(error)s") % {
                "name": name, "label": label, "error": error} if name != "__all__" else error)
    return out


def _one(field, data, name, default):
    raw = data.get(name)
    if raw in (None, ""):
        return default
    try:
        return field.clean(raw)
    except forms.ValidationError as exc:
        raise BadParameters([gettext("参数“%(name)s”：%(error)s") % {
            "name": name, "error": "；".join(exc.messages)}]) from None


def integer(data, name: str, default=None, **bounds):
    """``data[name]`` as an ASCII integer within ``min_value``/``max_value``, or ``default``."""
    return _one(IntegerField(required=False, **bounds), data, name, default)


def identifier(data, name: str, default=None):
    """``data[name]`` as a row id (1 … 2^63-1), or ``default``."""
    return _one(IdField(required=False), data, name, default)


def year(data, name: str = "year", default=None, **bounds):
    """``data[name]`` as a year (1949 … 2100 unless bounded otherwise), or ``default``."""
    return _one(YearField(required=False, **bounds), data, name, default)


def wan(data, name: str, default=None):
    """``data[name]`` typed in 万元, as integer 元, or ``default``."""
    return _one(WanField(required=False), data, name, default)


def text(data, name: str, default: str = "") -> str:
    """``data[name]`` as bounded text without NUL, stripped, or ``default``."""
    return _one(TextField(), data, name, default)


# --- django-filter counterparts, for FilterSets of DRF list views -------------------------

class IdFilter(django_filters.Filter):
    field_class = IdField


class YearFilter(django_filters.Filter):
    field_class = YearField


class IntegerFilter(django_filters.Filter):
    field_class = IntegerField


class WanFilter(django_filters.Filter):
    field_class = WanField


class TextFilter(django_filters.CharFilter):
    field_class = TextField
