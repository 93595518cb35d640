from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultivationConfig(AppConfig):
    name = "industrybrain.cultivation"
    verbose_name = _("培育库")
