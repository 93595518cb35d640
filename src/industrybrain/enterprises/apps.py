from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "industrybrain.enterprises"
    verbose_name = _("工业企业数据库")

    def ready(self):
        from industrybrain.core import dataversion

        from .models import AnnualFigures, Designation, DesignationType, Enterprise

        # An edit in the admin changes what the cockpit counts (imports bump by themselves);
        # a designation type added or renamed changes the calculator's choices and words.
        dataversion.watch(dataversion.ENTERPRISES, Enterprise, AnnualFigures, Designation,
                          DesignationType)
