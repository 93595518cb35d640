from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndustryConfig(AppConfig):
    name = "industrybrain.industry"
    verbose_name = _("产业集群与产业链")

    def ready(self):
        from industrybrain.core import dataversion

        from .models import ChainMembership

        # An edit in the admin changes the chains' figures on the cockpit.
        dataversion.watch(dataversion.ENTERPRISES, ChainMembership)
