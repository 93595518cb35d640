from django.utils.translation import gettext_lazy as _

from industrybrain.web.coming import coming_soon_urls

app_name = "projects"

urlpatterns = coming_soon_urls(_("重大项目"), [
    _("重大项目库"),
    _("日常跟踪、月度巡查、季度督查"),
])
