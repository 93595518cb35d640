"""REST API for the enterprise database; scoped exactly as the pages are (core.scope)."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets

from industrybrain.core import params
from industrybrain.core.scope import scope_enterprises
from industrybrain.enterprises.filters import filter_enterprises
from industrybrain.enterprises.models import AnnualFigures, Designation, District, Enterprise


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name_zh", "name_en", "division"]


class EnterpriseSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    cluster = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name", "district", "industry_code", "ownership", "founded_on",
                  "is_manufacturing", "is_listed", "cluster", "is_synthetic"]


class AnnualFiguresSerializer(serializers.ModelSerializer):
    """Money fields are integer 元, exactly as stored."""

    class Meta:
        model = AnnualFigures
        fields = ["id", "enterprise", "year", "revenue", "industrial_output", "tax",
                  "local_contribution", "rd_spending", "employees", "invention_patents",
                  "energy_tce", "tech_upgrade_investment", "above_scale"]


class DesignationSerializer(serializers.ModelSerializer):
    type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Designation
        fields = ["id", "enterprise", "type", "granted_on", "expires_on", "product"]


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = District.objects.all()
    serializer_class = DistrictSerializer


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprises the caller may see. Filters: q, district, cluster, chain, industry,
    ownership, designation, listed."""

    serializer_class = EnterpriseSerializer

    def get_queryset(self):
        queryset = scope_enterprises(self.request.user, Enterprise.objects.all())
        return filter_enterprises(queryset, self.request.query_params).select_related(
            "district", "cluster").order_by("id")


class FiguresFilter(django_filters.FilterSet):
    enterprise = params.IdFilter(field_name="enterprise_id")
    year = params.YearFilter(field_name="year")

    class Meta:
        model = AnnualFigures
        fields = []


class AnnualFiguresViewSet(viewsets.ReadOnlyModelViewSet):
    """Yearly figures; filter with ?enterprise=<id>&year=<year> (400 if they do not parse)."""

    serializer_class = AnnualFiguresSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FiguresFilter

    def get_queryset(self):
        queryset = scope_enterprises(self.request.user, AnnualFigures.objects.all(), "enterprise__")
        return queryset.order_by("enterprise_id", "year")


class DesignationFilter(django_filters.FilterSet):
    enterprise = params.IdFilter(field_name="enterprise_id")
    type = params.TextFilter(field_name="type__code")

    class Meta:
        model = Designation
        fields = []


class DesignationViewSet(viewsets.ReadOnlyModelViewSet):
    """Honours and list memberships; filter with ?enterprise=<id>&type=<code>."""

    serializer_class = DesignationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DesignationFilter

    def get_queryset(self):
        queryset = scope_enterprises(self.request.user, Designation.objects.all(), "enterprise__")
        return queryset.select_related("type").order_by("enterprise_id", "granted_on")


def register(router):
    router.register("districts", DistrictViewSet)
    router.register("enterprises", EnterpriseViewSet, basename="enterprise")
    router.register("figures", AnnualFiguresViewSet, basename="figures")
    router.register("designations", DesignationViewSet, basename="designation")
