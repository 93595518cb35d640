"""The enterprise's own page and API, for the role-scope walk (core/testing.py)."""

from django.urls import reverse

from industrybrain.core.testing import declare

declare("page: enterprise", lambda e: reverse("enterprises:detail", args=[e.pk]), "page")
declare("api: enterprise", lambda e: reverse("enterprise-detail", args=[e.pk]), "api")
