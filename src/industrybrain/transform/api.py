"""REST API of 智改数转: diagnoses with their reports (scoped like the pages: a provider's staff
see only their provider's, an enterprise its own), the public provider library, and the
programme's coverage figures (the same functions as the progress page)."""

from django.shortcuts import get_object_or_404
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from industrybrain.core.scope import scope_enterprises
from industrybrain.enterprises.models import Enterprise

from . import stats
from .forms import YearForm
from .models import Diagnosis, Provider, RecommendedProject, Report
from .scope import can_see_programme
from .views import visible


class RecommendedProjectSerializer(serializers.ModelSerializer):
    """Money in integer 元, payback in years."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = RecommendedProject
        fields = ["id", "title", "capability", "cost_yuan", "annual_gain_yuan", "expected_gains",
                  "payback_years", "status", "status_label", "subsidy_yuan", "application",
                  "started_on", "invested_yuan", "provider"]


class ReportSerializer(serializers.ModelSerializer):
    levels = serializers.SerializerMethodField()
    projects = RecommendedProjectSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        fields = ["overall_level", "levels", "findings", "filed_on", "projects"]

    def get_levels(self, report) -> dict:
        return dict(report.scores.values_list("dimension", "level"))


class DiagnosisSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True, default=None)
    lot_name = serializers.CharField(source="lot.name", read_only=True, default=None)
    report = ReportSerializer(read_only=True, default=None)

    class Meta:
        model = Diagnosis
        fields = ["id", "enterprise", "origin", "status", "status_label", "lot", "lot_name",
                  "provider", "provider_name", "requested_on", "assigned_on", "reported_on",
                  "accepted_on", "report"]


class DiagnosisViewSet(viewsets.ReadOnlyModelViewSet):
    """Free diagnoses the caller may see."""

    serializer_class = DiagnosisSerializer

    def get_queryset(self):
        return (visible(self.request.user).select_related("provider", "lot", "report")
                .prefetch_related("report__scores", "report__projects").order_by("id"))


class EnterpriseDiagnosesSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    diagnoses = DiagnosisSerializer(many=True)


class EnterpriseDiagnosesViewSet(viewsets.ViewSet):
    """One enterprise's diagnoses (404 outside the user's scope)."""

    # For the OpenAPI document (drf-spectacular): the id is an enterprise's; without these
    # `check --deploy` warns (W001, W002).
    serializer_class = EnterpriseDiagnosesSerializer
    queryset = Enterprise.objects.none()

    def retrieve(self, request, pk=None, **kwargs):  # kwargs: the .json format suffix
        firm = get_object_or_404(scope_enterprises(request.user, Enterprise.objects.all()), pk=pk)
        rows = visible(request.user).filter(enterprise=firm).select_related("provider", "lot").order_by("id")
        return Response({"enterprise": firm.pk, "diagnoses": DiagnosisSerializer(rows, many=True).data})


class ProviderSerializer(serializers.ModelSerializer):
    rating = serializers.FloatField(read_only=True)
    ratings_n = serializers.IntegerField(read_only=True)
    delivered_n = serializers.IntegerField(read_only=True)

    class Meta:
        model = Provider
        fields = ["id", "name", "capabilities", "certifications", "clusters", "chains",
                  "projects_before", "delivered_n", "rating", "ratings_n", "joined_on"]


class ProviderViewSet(viewsets.ReadOnlyModelViewSet):
    """The provider library in summary (public, like the page)."""

    serializer_class = ProviderSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        from .matching import library

        return library().order_by("name")


class CoverageRowSerializer(serializers.Serializer):
    district = serializers.CharField(required=False, help_text="with ?by=district")
    cluster = serializers.CharField(required=False, help_text="with ?by=cluster")
    manufacturers = serializers.IntegerField()
    diagnosed = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    above_scale = serializers.IntegerField()
    above_scale_diagnosed = serializers.IntegerField()
    above_scale_share = serializers.FloatField(allow_null=True)


class CoverageViewSet(viewsets.ViewSet):
    """Coverage of the free diagnosis by district or cluster at the end of ``?year=``."""

    serializer_class = CoverageRowSerializer  # for the OpenAPI document

    def list(self, request, **kwargs):  # kwargs: the .json format suffix
        if not can_see_programme(request.user):
            raise PermissionDenied
        form = YearForm(request.query_params)
        by = request.query_params.get("by", "district")
        if not form.is_valid() or by not in ("district", "cluster") or not form.cleaned_data["year"]:
            raise ValidationError({"year": "必填，2000至2100", "by": "district 或 cluster"})
        firms = scope_enterprises(request.user, Enterprise.objects.all())
        rows = stats.coverage(form.cleaned_data["year"], by, firms)
        return Response([{by: key, "manufacturers": c.manufacturers, "diagnosed": c.diagnosed,
                          "share": c.share, "above_scale": c.above_scale,
                          "above_scale_diagnosed": c.above_scale_diagnosed,
                          "above_scale_share": c.above_scale_share} for key, c in rows.items()])


def register(router):
    router.register("diagnoses", DiagnosisViewSet, basename="diagnosis")
    router.register("enterprise-diagnoses", EnterpriseDiagnosesViewSet, basename="enterprise-diagnoses")
    router.register("providers", ProviderViewSet, basename="provider")
    router.register("diagnosis-coverage", CoverageViewSet, basename="diagnosis-coverage")
