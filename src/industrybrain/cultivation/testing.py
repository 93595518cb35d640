"""Cultivation pools (issue 15): an enterprise's memberships, standings and tasks, for the
role-scope walk (core/testing.py)."""

from django.urls import reverse

from industrybrain.core.testing import declare

declare("page: cultivation pools of an enterprise",
        lambda e: reverse("cultivation:enterprise", args=[e.pk]), "page")
declare("api: cultivation pools of an enterprise",
        lambda e: reverse("enterprise-pools-detail", args=[e.pk]), "api")
