from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _

from industrybrain.web.views import coming

app_name = "targets"

PROMISES = [
    _("2025年各项目标及其基线与出处"),
    _("进度、预测与预警（达成/正常/有风险/滞后）"),
    _("驾驶舱与月度报告（PDF/Excel）"),
]


@login_required
def index(request):
    return coming(request, _("指标监测"), PROMISES)


urlpatterns = [path("", index, name="index")]
