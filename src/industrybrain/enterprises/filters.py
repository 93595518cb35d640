"""The enterprise list's search and filters, shared by the page, the export and the API."""

from django.db.models import Q, QuerySet


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
        queryset = queryset.filter(designations__type__code=params["designation"]).distinct()
    if params.get("listed") in ("1", "true"):
        queryset = queryset.filter(is_listed=True)
    if params.get("manufacturing") in ("1", "true"):
        queryset = queryset.filter(is_manufacturing=True)
    return queryset
