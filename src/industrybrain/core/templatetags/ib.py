from django import template

from industrybrain.core import localize
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


@register.filter
def policy_title(policy_id):
    """{{ award.policy_id|policy_title }}: 登峰计划, never the policy's id."""
    return localize.policy_title(policy_id)


@register.filter
def tier_of(obj):
    """{{ award|tier_of }}: the label of the tier an award, payment or application reached."""
    return localize.tier_label(getattr(obj, "policy_id", ""), getattr(obj, "tier", ""))


@register.filter
def source(seed):
    """{{ citation.seed|source }}: the article's title, outlet and date, not its file name."""
    return localize.source_label(seed)


@register.filter
def inputs_of(award):
    """{{ award|inputs_of }}: the values an award used, as (label, value) in words."""
    return localize.inputs_shown(award.policy_id, award.inputs)


@register.filter
def percent(value, places=1):
    """{{ 0.1234|percent }} -> '12.3%'; '—' when missing."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(places)}f}%"


@register.filter
def district_link(district):
    """{{ p.district|district_link }}: the district's name, linked to its page."""
    from django.urls import reverse
    from django.utils.html import format_html

    if not district:
        return "—"
    return format_html('<a href="{}">{}</a>', reverse("district", args=[district.code]),
                       local(district, "name"))


@register.simple_tag
def pu(mark):
    """{% pu "（" %}: the mark on a Chinese page, its English form (" (") on an English one;
    {% pu "、" as sep %} for a join."""
    return localize.punct(mark)


@register.simple_tag
def english():
    """{% english as en %}{% if not en %}…{% endif %}: what only one language needs."""
    return localize.in_english()
