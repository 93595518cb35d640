from django import template

from industrybrain.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(value, unit=None):
    """{{ amount|yuan }} -> '12.35 亿元'; {{ amount|yuan:'万元' }} -> '123,456.00 万元'."""
    return format_yuan(value, unit or None)


@register.filter
def dash(value):
    return "—" if value is None or value == "" else value
