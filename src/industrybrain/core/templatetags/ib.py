from django import template

from industrybrain.core.localize import local
from industrybrain.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(value, unit=None):
    """{{ amount|yuan }} -> '12.35 亿元'; {{ amount|yuan:'万元' }} -> '123,456.00 万元'."""
    return format_yuan(value, unit or None)


@register.filter
def dash(value):
    return "—" if value is None or value == "" else value


@register.filter
def local_name(obj):
    """{{ district|local_name }}: 武进区, or Wujin on an English page."""
    return local(obj, "name")


@register.filter
def local_title(obj):
    return local(obj, "title")


@register.filter
def local_label(obj):
    return local(obj, "label")


@register.filter(name="local")
def local_field(obj, field):
    """{{ award|local:"explanation" }}: explanation_en on an English page, else explanation_zh."""
    return local(obj, field)
