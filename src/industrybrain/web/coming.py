"""A section that later issues fill: its page says what will come."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from industrybrain.web.views import coming


def coming_soon_urls(title, promises):
    """The urlpatterns of a section that is not built yet: one index page listing
    ``promises`` (lazily translated strings) under ``title``."""

    @login_required
    def index(request):
        return coming(request, title, promises)

    return [path("", index, name="index")]
