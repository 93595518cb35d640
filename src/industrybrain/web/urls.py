from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from industrybrain.web import districts, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("enterprises/", include("industrybrain.enterprises.urls")),
    path("industry/", include("industrybrain.industry.urls")),
    path("districts/<slug:code>/", districts.district, name="district"),
    path("policies/", include("industrybrain.policies.urls")),
    path("targets/", include("industrybrain.targets.urls")),
    path("cultivation/", include("industrybrain.cultivation.urls")),
    path("projects/", include("industrybrain.projects.urls")),
    path("transform/", include("industrybrain.transform.urls")),
    path("api/", include("industrybrain.web.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]

# Error pages in the reader's language (web/errors.py).
handler403 = "industrybrain.web.errors.permission_denied"
handler404 = "industrybrain.web.errors.page_not_found"
handler500 = "industrybrain.web.errors.server_error"
handler400 = "industrybrain.web.errors.bad_request"  # parameters that do not parse (core.params)
