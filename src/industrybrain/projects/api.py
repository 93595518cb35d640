"""REST API for major projects; scoped exactly as the pages are (core.scope.scope_projects)."""

from rest_framework import serializers, viewsets

from industrybrain.core.scope import scope_projects

from .models import ElementNeed, Project


class NeedSerializer(serializers.ModelSerializer):
    class Meta:
        model = ElementNeed
        fields = ["id", "kind", "department", "status", "raised_on", "due_on", "secured_on", "note"]


class ProjectSerializer(serializers.ModelSerializer):
    """Money fields are integer 元, exactly as stored."""

    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    cluster = serializers.SlugRelatedField(slug_field="code", read_only=True)
    chain = serializers.SlugRelatedField(slug_field="code", read_only=True)
    needs = NeedSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = ["id", "code", "name", "enterprise", "investor", "is_new_enterprise", "district",
                  "cluster", "chain", "segment", "level", "officer", "leader", "currency",
                  "planned_foreign", "fx_rate", "fx_date", "planned_yuan", "done_yuan", "is_large",
                  "stage", "lead_planned", "lead_actual", "signed_planned", "signed_actual",
                  "registered_planned", "registered_actual", "started_planned", "started_actual",
                  "completed_planned", "completed_actual", "producing_planned", "producing_actual",
                  "delay_cause", "needs"]


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Major projects the caller may see."""

    serializer_class = ProjectSerializer

    def get_queryset(self):
        return scope_projects(self.request.user, Project.objects.all()).select_related(
            "district", "cluster", "chain").prefetch_related("needs").order_by("id")


def register(router):
    router.register("projects", ProjectViewSet, basename="project")
