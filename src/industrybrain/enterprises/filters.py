"""The enterprise list's search and filters, shared by the page, the export and the API."""

from django.db.models import Q, QuerySet

from industrybrain.enterprises.models import Designation


def _year(text) -> int | None:
    """A plausible year, or None for anything else (a bad parameter filters nothing)."""
    try:
        year = int(str(text or "").strip())
    except ValueError:
        return None
    return year if 1900 <= year <= 2100 else None


def filter_enterprises(queryset: QuerySet, params) -> QuerySet:
    q = (params.get("q") or "").strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(uscc__iexact=q.upper()))
    if params.get("district"):
        queryset = queryset.filter(district__code=params["district"])
    if params.get("cluster"):
        queryset = queryset.filter(cluster__code=params["cluster"])
    if params.get("chain"):
        queryset = queryset.filter(chains__code=params["chain"])
    if params.get("industry"):
        queryset = queryset.filter(industry_code__startswith=params["industry"].upper())
    if params.get("ownership"):
        queryset = queryset.filter(ownership=params["ownership"])
    if params.get("designation"):
        # With a year, those holding it that year (Designation.objects.held_in, the rule the
        # cockpit's ladder counts by); without, those that ever held it.
        held = Designation.objects.filter(type__code=params["designation"])
        year = _year(params.get("year"))
        if year is not None:
            held = held.held_in(year)
        queryset = queryset.filter(pk__in=held.values("enterprise_id"))
    if params.get("listed") in ("1", "true"):
        queryset = queryset.filter(is_listed=True)
    if params.get("manufacturing") in ("1", "true"):
        queryset = queryset.filter(is_manufacturing=True)
    return queryset
