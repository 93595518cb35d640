from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _

from industrybrain.web.views import coming

app_name = "policies"

PROMISES = [
    _("政策库：每条奖励政策及其出处、条件与金额（找政策/政策解读）"),
    _("政策批量测算、拟奖励名单、审核与一次性拨付（智慧经办）"),
    _("企业政策计算器：能得什么、为什么、还差什么"),
    _("政策精准推送与订阅"),
]


@login_required
def index(request):
    return coming(request, _("政策与奖励"), PROMISES)


urlpatterns = [path("", index, name="index")]
