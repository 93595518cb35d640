from django.utils.translation import gettext_lazy as _

from industrybrain.web.coming import coming_soon_urls

app_name = "transform"

urlpatterns = coming_soon_urls(_("智改数转"), [
    _("智能化免费诊断"),
    _("“智改数转”服务商库"),
    _("智能制造贷与重大项目补贴"),
])
