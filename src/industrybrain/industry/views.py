from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render

from industrybrain.core.scope import scope_enterprises
from industrybrain.enterprises.models import AnnualFigures
from industrybrain.industry.models import Chain, Cluster


@login_required
def index(request):
    """The ten clusters against their 2025 targets and the eight chains with their leaders."""
    figures = scope_enterprises(request.user, AnnualFigures.objects.all(), "enterprise__")
    latest = figures.order_by("-year").values_list("year", flat=True).first()
    output = dict(
        figures.filter(year=latest, enterprise__cluster__isnull=False)
        .values_list("enterprise__cluster_id").annotate(s=Sum("industrial_output"))
    ) if latest else {}
    clusters = []
    for cluster in Cluster.objects.annotate(n=Count("enterprises")).prefetch_related("segments"):
        scale = output.get(cluster.pk)
        share = scale / cluster.target_2025_yuan * 100 if scale and cluster.target_2025_yuan else None
        clusters.append({"cluster": cluster, "scale": scale, "share": share})
    chains = Chain.objects.annotate(
        n=Count("chainmembership"), leaders=Count("chainmembership", filter=Q(chainmembership__is_leader=True))
    ).prefetch_related("segments")
    return render(request, "industry/index.html", {
        "clusters": clusters, "chains": chains, "latest_year": latest,
    })
