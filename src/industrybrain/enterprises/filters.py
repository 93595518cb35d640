"""The enterprise list's search and filters, shared by the page, the export and the API.

Every parameter passes ``EnterpriseFilters`` (core.params): a value that does not parse
answers 400 with the reason, never 500.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from industrybrain.core import params
from industrybrain.enterprises.models import Designation


class EnterpriseFilters(params.ParamsForm):
    q = params.TextField(label=_("搜索"))
    district = params.TextField(label=_("辖市区"), max_length=32)
    cluster = params.TextField(label=_("集群"), max_length=48)
    chain = params.TextField(label=_("产业链"), max_length=48)
    industry = params.TextField(label=_("行业代码"), max_length=8)
    ownership = params.TextField(label=_("所有制"), max_length=32)
    # One code, or several joined by commas: those holding any of them, each counted once
    # (the cockpit's "省级以上小巨人" counts a firm holding both levels once).
    designation = params.TextField(label=_("认定"), max_length=200)
    # The year a designation is held in (the cockpit ladder's links carry it).
    year = params.YearField(label=_("年份"), required=False)
    listed = params.TextField(label=_("上市"), max_length=8)
    manufacturing = params.TextField(label=_("制造业"), max_length=8)


def designation_codes(value: str) -> list[str]:
    """The codes of a ``designation`` parameter: one code or several joined by commas."""
    return [code.strip() for code in value.split(",") if code.strip()]


def filter_enterprises(queryset: QuerySet, data) -> QuerySet:
    f = params.clean(EnterpriseFilters, data)
    if f["q"]:
        queryset = queryset.filter(Q(name__icontains=f["q"]) | Q(uscc__iexact=f["q"].upper()))
    if f["district"]:
        queryset = queryset.filter(district__code=f["district"])
    if f["cluster"]:
        queryset = queryset.filter(cluster__code=f["cluster"])
    if f["chain"]:
        queryset = queryset.filter(chains__code=f["chain"])
    if f["industry"]:
        queryset = queryset.filter(industry_code__startswith=f["industry"].upper())
    if f["ownership"]:
        queryset = queryset.filter(ownership=f["ownership"])
    if f["designation"]:
        # With a year, those holding it that year (Designation.objects.held_in, the rule the
        # cockpit's ladder counts by); without, those that ever held it.
        held = Designation.objects.filter(type__code__in=designation_codes(f["designation"]))
        if f["year"] is not None:
            held = held.held_in(f["year"])
        queryset = queryset.filter(pk__in=held.values("enterprise_id"))
    if f["listed"] in ("1", "true"):
        queryset = queryset.filter(is_listed=True)
    if f["manufacturing"] in ("1", "true"):
        queryset = queryset.filter(is_manufacturing=True)
    return queryset
