from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "industrybrain.policies"
    verbose_name = _("政策与奖励")

    def ready(self):
        from industrybrain.core import panels
        from industrybrain.policies.panels import awards_panel

        panels.register(10, "awards", awards_panel)
