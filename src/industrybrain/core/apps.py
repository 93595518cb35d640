from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "industrybrain.core"
    verbose_name = _("公共")

    def ready(self):
        from industrybrain.core.audit import connect_login_signals

        # Logins belong in the audit log with runs and payments.
        connect_login_signals()
