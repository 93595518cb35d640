"""REST API of the target monitor: every target with its citation and its latest status,
for the city or, for a district officer, the district (same rules as the pages)."""

from rest_framework import serializers, viewsets

from industrybrain.targets.models import Target
from industrybrain.targets.views import current_status, latest_assessments, viewer_district


class TargetSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    latest = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = ["code", "name_zh", "name_en", "section", "kind", "scope", "comparator",
                  "value", "value_max", "unit", "as_written", "deadline", "baseline_year",
                  "indicator", "measure", "citations", "conflicts_with", "status", "latest"]

    def _assessment(self, target):
        return self.context["assessments"].get(target.pk)

    def get_status(self, target) -> str:
        return current_status(target, self._assessment(target))

    def get_latest(self, target) -> dict | None:
        a = self._assessment(target)
        if a is None:
            return None
        return {"year": a.year, "value": a.value, "goal": a.goal, "progress": a.progress,
                "expected": a.expected, "forecast": a.forecast, "forecast_low": a.forecast_low,
                "forecast_high": a.forecast_high, "district": a.district_id}


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Targets and baselines of the pack with their latest assessment. A district officer
    gets the district's values; enterprise users are refused, as on the pages."""

    serializer_class = TargetSerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"  # a code; anything else (a NUL) is no URL at all
    queryset = Target.objects.order_by("order", "id")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        # viewer_district refuses enterprise users with Django's PermissionDenied: DRF's 403.
        context["assessments"] = latest_assessments(viewer_district(self.request.user))
        return context


def register(router):
    router.register("targets", TargetViewSet, basename="target")
