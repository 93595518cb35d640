from django.urls import path

from . import views

app_name = "cultivation"

urlpatterns = [
    path("", views.index, name="index"),
    path("pool/<slug:pool_id>/", views.pool_detail, name="pool"),
    path("pool/<slug:pool_id>/add/", views.add_member, name="add"),
    path("pool/<slug:pool_id>/decide/", views.decide, name="decide"),
    path("pool/<slug:pool_id>/push/", views.push_services, name="push"),
    path("enterprise/<int:enterprise_id>/", views.enterprise, name="enterprise"),
    path("membership/<int:membership_id>/exit/", views.exit_member, name="exit"),
    path("membership/<int:membership_id>/tasks/", views.add_task, name="add_task"),
    path("task/<int:task_id>/done/", views.finish_task, name="finish_task"),
]
