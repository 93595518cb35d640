from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "industrybrain.targets"
    verbose_name = _("指标监测")
