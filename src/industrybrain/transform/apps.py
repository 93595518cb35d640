from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransformConfig(AppConfig):
    name = "industrybrain.transform"
    verbose_name = _("智改数转")

    def ready(self):
        from industrybrain.core.scope import declare_role_scope

        from .scope import provider_enterprise_ids

        declare_role_scope("provider", provider_enterprise_ids)
