from django.urls import path

from . import programme_views, views

app_name = "transform"

urlpatterns = [
    path("", views.index, name="index"),
    path("progress/", programme_views.progress, name="progress"),
    path("lots/", programme_views.lots, name="lots"),
    path("lots/<int:pk>/", programme_views.lot, name="lot"),
    path("diagnoses/", views.diagnoses, name="diagnoses"),
    path("diagnoses/<int:pk>/", views.diagnosis, name="diagnosis"),
    path("diagnoses/<int:pk>/report/", views.report_form, name="report"),
    path("diagnoses/<int:pk>/assign/", views.assign, name="assign"),
    path("diagnoses/<int:pk>/accept/", views.accept, name="accept"),
    path("diagnoses/<int:pk>/rate/", views.rate, name="rate"),
    path("projects/<int:pk>/apply/", views.apply, name="apply"),
    path("projects/<int:pk>/start/", views.start, name="start"),
    path("enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("lenders/", programme_views.lenders, name="lenders"),
    path("lenders.<str:fmt>", programme_views.lenders, name="lenders_export"),
    path("providers/", programme_views.providers, name="providers"),
    path("providers/<int:pk>/", programme_views.provider, name="provider"),
]
