from django.urls import path

from industrybrain.enterprises import export_views, views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("import/", views.import_view, name="import"),
    path("import/rejects.csv", views.rejects_download, name="rejects"),
    path("templates/<str:kind>.<str:fmt>", views.template_download, name="template"),
    path("export/<str:kind>.<str:fmt>", export_views.export_view, name="export"),
    path("exports/<int:pk>/", export_views.export_job, name="export_job"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
]
