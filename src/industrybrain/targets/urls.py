from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.index, name="index"),
    path("report.<str:fmt>", views.report_file, name="report"),  # fmt: pdf or xlsx
    path("<slug:code>/", views.detail, name="detail"),
    path("<slug:code>/enter/", views.enter, name="enter"),
    path("<slug:code>/status/", views.set_status, name="status"),
]
