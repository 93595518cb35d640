from django.urls import include, path
from rest_framework.routers import DefaultRouter

from industrybrain.accounts.tokens import TokenView
from industrybrain.cultivation import api as cultivation_api
from industrybrain.enterprises import api as enterprises_api
from industrybrain.industry import api as industry_api
from industrybrain.projects import api as projects_api
from industrybrain.targets import api as targets_api
from industrybrain.transform import api as transform_api

router = DefaultRouter()
enterprises_api.register(router)
industry_api.register(router)
targets_api.register(router)
projects_api.register(router)
cultivation_api.register(router)
transform_api.register(router)

urlpatterns = [
    path("token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
