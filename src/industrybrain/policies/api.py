"""REST API of the handling system, scoped by core.scope like every page: awards (read;
approve/reject/hold for reviewers), the ledger, runs and the audit log (read-only)."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from industrybrain.core import params
from industrybrain.core.models import AuditEvent
from industrybrain.policies import access, ledger
from industrybrain.policies.budgets import Refused
from industrybrain.policies.models import Award, LedgerEntry, Run


class AwardSerializer(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)

    class Meta:
        model = Award
        fields = ["id", "enterprise", "uscc", "policy_id", "year", "tier", "status", "source",
                  "amount_yuan", "cap_bound", "budget_line", "pack_id", "pack_version",
                  "citation", "explanation_zh", "explanation_en", "inputs", "reason",
                  "created_at", "updated_at"]


class AwardFilter(django_filters.FilterSet):
    policy_id = params.TextFilter(field_name="policy_id")
    year = params.YearFilter(field_name="year")
    status = params.TextFilter(field_name="status")
    enterprise = params.IdFilter(field_name="enterprise_id")

    class Meta:
        model = Award
        fields = []


class AwardViewSet(viewsets.ReadOnlyModelViewSet):
    """Awards in the caller's scope; filter with ?policy_id, year, status, enterprise."""

    serializer_class = AwardSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AwardFilter

    def get_queryset(self):
        return access.awards(self.request.user).select_related("enterprise").order_by("id")

    def _act(self, request, pk, fn):
        if not access.can_review(request.user):
            raise PermissionDenied
        award = self.get_object()  # 404 outside the caller's scope
        try:
            outcome = fn(award.pk)
        except Refused as exc:
            return Response({"refused": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response({"outcome": outcome if isinstance(outcome, str) else outcome.status})

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, **kwargs):
        return self._act(request, pk, lambda i: ledger.approve(i, request.user))

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        return self._act(request, pk, lambda i: ledger.reject(
            i, request.user, _reason(request)))

    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None, **kwargs):
        return self._act(request, pk, lambda i: ledger.hold(
            i, request.user, _reason(request)))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


def _reason(request) -> str:
    """The reason of a rejection or a hold, checked (400 if too long or holding NUL)."""
    s = ReasonSerializer(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data["reason"]


class EnterpriseAwardsView(mixins.ListModelMixin, viewsets.GenericViewSet):
    """/policies/api/enterprises/<pk>/awards/: 404 for an enterprise outside the scope."""

    serializer_class = AwardSerializer

    def get_queryset(self):
        from django.shortcuts import get_object_or_404

        from industrybrain.core.scope import scope_enterprises
        from industrybrain.enterprises.models import Enterprise

        enterprise = get_object_or_404(
            scope_enterprises(self.request.user, Enterprise.objects.all()), pk=self.kwargs["pk"])
        return Award.objects.filter(enterprise=enterprise).select_related("enterprise").order_by("id")


class LedgerSerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "award", "enterprise", "policy_id", "year", "tier", "amount_yuan",
                  "budget_line", "approver", "second_approver", "paid_at"]


class LedgerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LedgerSerializer

    def get_queryset(self):
        return access.payments(self.request.user).order_by("id")


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = Run
        fields = ["id", "pack_id", "pack_version", "year", "status", "stage", "progress",
                  "counts", "timings", "created_at", "started_at", "finished_at"]


class RunViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RunSerializer

    def get_queryset(self):
        if not (access.can_review(self.request.user) or access.can_run(self.request.user)):
            return Run.objects.none()
        return Run.objects.all()


class AuditSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "username", "action", "object_type", "object_id",
                  "enterprise_id", "policy_id", "detail"]


class AuditViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only by construction: the audit log has no write endpoint."""

    serializer_class = AuditSerializer

    def get_queryset(self):
        if not access.can_audit(self.request.user):
            return AuditEvent.objects.none()
        from industrybrain.policies.audit_views import filter_events

        return filter_events(self.request.query_params)


def register(router):
    router.register("awards", AwardViewSet, basename="award")
    router.register("ledger", LedgerViewSet, basename="ledger")
    router.register("runs", RunViewSet, basename="run")
    router.register("audit", AuditViewSet, basename="audit")
