"""The handling system's pages and API about one enterprise (issue 5), for the role-scope
walk (core/testing.py)."""

from django.urls import reverse

from industrybrain.core.testing import declare

declare("page: policy calculator", lambda e: reverse("policies:calculator_for", args=[e.pk]), "page")
declare("page: awards of an enterprise",
        lambda e: reverse("policies:enterprise_awards", args=[e.pk]), "page")
declare("api: awards of an enterprise",
        lambda e: reverse("policies:api-enterprise-awards", args=[e.pk]), "api")
