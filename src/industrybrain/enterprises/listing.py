"""The enterprise list as an officer reads it: one year's revenue, output and growth, its
chains and designations, its industry in words, sortable; and the filters it applies,
said in words (a designation filter from the cockpit's ladder is shown, not hidden)."""

from __future__ import annotations

from django.db.models import F, FloatField, OuterRef, Subquery
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext as _

from industrybrain.core.localize import local
from industrybrain.enterprises.filters import designation_codes
from industrybrain.enterprises.models import (
    AnnualFigures,
    Designation,
    DesignationType,
    IndustryCode,
)

# ?sort= values: the column and its direction (nulls always last).
SORTS = {
    "name": ("name", False), "revenue": ("revenue_y", True), "output": ("output_y", True),
    "growth": ("growth_y", True), "revenue_asc": ("revenue_y", False),
    "output_asc": ("output_y", False), "growth_asc": ("growth_y", False),
}


def latest_year() -> int | None:
    return AnnualFigures.objects.order_by("-year").values_list("year", flat=True).first()


def with_figures(queryset, year: int | None):
    """Annotate revenue_y, output_y (of ``year``) and growth_y (revenue on the year before)."""
    if year is None:
        return queryset
    def of(column, y):
        return Subquery(AnnualFigures.objects.filter(enterprise=OuterRef("pk"), year=y)
                        .values(column)[:1])
    queryset = queryset.annotate(revenue_y=of("revenue", year), output_y=of("industrial_output", year),
                                 revenue_prev=of("revenue", year - 1))
    return queryset.annotate(growth_y=Cast(F("revenue_y"), FloatField())
                             / Cast(NullIf(F("revenue_prev"), 0), FloatField()) - 1.0)


def sorted_by(queryset, sort: str, year: int | None):
    column, descending = SORTS.get(sort, (None, False))
    if column is None or (column != "name" and year is None):
        return queryset.order_by("id")
    expr = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return queryset.order_by(expr, "id")


def decorate(rows, year: int | None) -> None:
    """Give each row of one page its industry name, chains and designations (three
    queries for the page, whatever its length)."""
    from industrybrain.industry.models import ChainMembership

    rows = list(rows)
    ids = [e.pk for e in rows]
    names = {c.code: local(c) for c in IndustryCode.objects.filter(
        code__in={e.industry_code[:3] for e in rows if e.industry_code})}
    chains: dict[int, list] = {}
    for m in ChainMembership.objects.filter(enterprise_id__in=ids).select_related("chain"):
        chains.setdefault(m.enterprise_id, []).append(
            local(m.chain) + (_("（链主）") if m.is_leader else ""))
    held = Designation.objects.filter(enterprise_id__in=ids).select_related("type")
    if year is not None:
        held = held.held_in(year)
    designations: dict[int, list] = {}
    for d in held:
        words = designations.setdefault(d.enterprise_id, [])
        if local(d.type) not in words:
            words.append(local(d.type))
    for e in rows:
        e.industry_name = names.get((e.industry_code or "")[:3], "")
        e.chain_names = chains.get(e.pk, [])
        e.designation_names = designations.get(e.pk, [])


def applied_filters(params) -> list[dict]:
    """The hidden filters a link may carry (designation and year), as words with a link
    that removes each."""
    out = []
    if params.get("designation"):
        codes = designation_codes(params["designation"])
        known = {t.code: local(t) for t in DesignationType.objects.filter(code__in=codes)}
        name = _("或").join(known.get(code, _("未知认定")) for code in codes) or _("未知认定")
        year = params.get("year")
        words = (_("%(year)s年持有%(name)s") % {"year": year, "name": name} if year
                 else _("曾获%(name)s") % {"name": name})
        if len(codes) > 1:
            words += _("（一家只计一次）")
        rest = params.copy()
        rest.pop("designation", None)
        rest.pop("year", None)
        rest.pop("page", None)
        out.append({"words": words, "remove": rest.urlencode()})
    return out
