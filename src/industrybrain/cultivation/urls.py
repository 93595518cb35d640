from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _

from industrybrain.web.views import coming

app_name = "cultivation"

PROMISES = [
    _("专精特新梯度培育库"),
    _("上市后备“双百”企业库"),
    _("科技型中小企业→高新技术企业→瞪羚→独角兽成长路径"),
]


@login_required
def index(request):
    return coming(request, _("培育库"), PROMISES)


urlpatterns = [path("", index, name="index")]
