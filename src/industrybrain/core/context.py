from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industrybrain.core.scope import role_of

# The sections of DESIGN.md §1–2, in the order an official works through them.
SECTIONS = [
    ("home", _("驾驶舱")),
    ("enterprises:list", _("企业库")),
    ("policies:index", _("政策与奖励")),
    ("targets:index", _("指标监测")),
    ("industry:index", _("集群与产业链")),
    ("cultivation:index", _("培育库")),
    ("projects:index", _("重大项目")),
    ("transform:index", _("智改数转")),
]


def navigation(request):
    path = request.path
    items = []
    for name, label in SECTIONS:
        url = reverse(name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return {"nav_sections": items, "user_role": role_of(request.user)}
