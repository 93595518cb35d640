"""REST API of the cultivation pools: memberships (dated entries and exits with their
reasons), scoped like the pages — an enterprise user sees only its own."""

from django import forms
from django.shortcuts import get_object_or_404
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from industrybrain.core.localize import local
from industrybrain.core.scope import scope_enterprises
from industrybrain.enterprises.models import Enterprise

from .models import Membership
from .rules import pools


class MembershipSerializer(serializers.ModelSerializer):
    pool_name = serializers.SerializerMethodField()
    entry_origin_label = serializers.CharField(source="get_entry_origin_display", read_only=True)
    exit_kind_label = serializers.CharField(source="get_exit_kind_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "pool", "pool_name", "enterprise", "entered_on", "entry_origin",
                  "entry_origin_label", "entry_reason", "exited_on", "exit_kind", "exit_kind_label",
                  "exit_reason"]

    def get_pool_name(self, m) -> str:
        try:
            return local(pools().pool(m.pool))
        except KeyError:
            return m.pool


class MembershipFilter(forms.Form):
    pool = forms.ChoiceField(required=False, choices=())
    open = forms.NullBooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].choices = [("", "")] + [(p.id, p.id) for p in pools().pools]


class MembershipViewSet(viewsets.ReadOnlyModelViewSet):
    """Pool memberships in the user's scope; ``?pool=<id>`` and ``?open=true`` filter."""

    serializer_class = MembershipSerializer

    def get_queryset(self):
        form = MembershipFilter(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        qs = scope_enterprises(self.request.user, Membership.objects.order_by("pool", "id"), "enterprise__")
        if form.cleaned_data["pool"]:
            qs = qs.filter(pool=form.cleaned_data["pool"])
        if form.cleaned_data["open"] is not None:
            qs = qs.filter(exited_on__isnull=form.cleaned_data["open"])
        return qs


class EnterprisePoolsViewSet(viewsets.ViewSet):
    """One enterprise's memberships, open and past (404 outside the user's scope)."""

    # For the OpenAPI document (drf-spectacular): the id is an enterprise's, the rows are
    # memberships; without these `check --deploy` warns (W001, W002).
    serializer_class = MembershipSerializer
    queryset = Enterprise.objects.none()

    def retrieve(self, request, pk=None, **kwargs):  # kwargs: the .json format suffix
        enterprise = get_object_or_404(scope_enterprises(request.user, Enterprise.objects.all()), pk=pk)
        rows = enterprise.pool_memberships.order_by("-entered_on", "id")
        return Response({"enterprise": enterprise.pk,
                         "memberships": MembershipSerializer(rows, many=True).data})


def register(router):
    router.register("pool-memberships", MembershipViewSet, basename="pool-membership")
    router.register("enterprise-pools", EnterprisePoolsViewSet, basename="enterprise-pools")
