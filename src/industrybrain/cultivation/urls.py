from django.utils.translation import gettext_lazy as _

from industrybrain.web.coming import coming_soon_urls

app_name = "cultivation"

urlpatterns = coming_soon_urls(_("培育库"), [
    _("专精特新梯度培育库"),
    _("上市后备“双百”企业库"),
    _("科技型中小企业→高新技术企业→瞪羚→独角兽成长路径"),
])
