from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "industrybrain.policies"
    verbose_name = _("政策与奖励")

    def ready(self):
        from industrybrain.core.audit import connect_login_signals

        # Logins belong in the audit log with runs and payments (issue 5, item 7).
        connect_login_signals()
