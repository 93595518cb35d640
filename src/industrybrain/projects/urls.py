from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _

from industrybrain.web.views import coming

app_name = "projects"

PROMISES = [
    _("重大项目库"),
    _("日常跟踪、月度巡查、季度督查"),
]


@login_required
def index(request):
    return coming(request, _("重大项目"), PROMISES)


urlpatterns = [path("", index, name="index")]
