from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _

from industrybrain.web.views import coming

app_name = "transform"

PROMISES = [
    _("智能化免费诊断"),
    _("“智改数转”服务商库"),
    _("智能制造贷与重大项目补贴"),
]


@login_required
def index(request):
    return coming(request, _("智改数转"), PROMISES)


urlpatterns = [path("", index, name="index")]
