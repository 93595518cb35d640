from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransformConfig(AppConfig):
    name = "industrybrain.transform"
    verbose_name = _("智改数转")
