from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "industrybrain.enterprises"
    verbose_name = _("工业企业数据库")
