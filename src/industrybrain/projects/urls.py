from django.urls import path

from . import report_views, views

app_name = "projects"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("from-lead/", views.create_from_values, name="create_from_values"),
    path("from-lead/<int:lead>/", views.create_from_lead, name="create_from_lead"),
    path("import/", views.import_view, name="import"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
    path("rates/", report_views.rates_page, name="rates"),
    path("gantt/", report_views.gantt, name="gantt"),
    path("checklist/", report_views.checklist, name="checklist"),
    path("bulletin.<str:fmt>", report_views.bulletin, name="bulletin"),  # fmt: pdf or xlsx
    path("review.<str:fmt>", report_views.review, name="review"),  # fmt: pdf or xlsx
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/milestone/", views.milestone, name="milestone"),
    path("<int:pk>/investment/", views.investment, name="investment"),
    path("<int:pk>/needs/", views.add_need, name="add_need"),
    path("<int:pk>/inspections/", views.add_inspection, name="add_inspection"),
    path("needs/<int:pk>/", views.update_need, name="update_need"),
    path("issues/<int:pk>/close/", views.close_issue, name="close_issue"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
