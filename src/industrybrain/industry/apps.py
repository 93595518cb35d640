from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndustryConfig(AppConfig):
    name = "industrybrain.industry"
    verbose_name = _("产业集群与产业链")
