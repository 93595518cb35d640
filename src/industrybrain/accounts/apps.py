from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "industrybrain.accounts"
    verbose_name = _("账户与角色")

    def ready(self):
        from industrybrain.accounts.lockout import connect_lockout_signal

        # A lockout is a security event: it belongs in the audit log with logins.
        connect_lockout_signal()
