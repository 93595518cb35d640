from django.urls import path

from industrybrain.industry import views

app_name = "industry"

urlpatterns = [
    path("", views.index, name="index"),
    path("cluster/<slug:code>/", views.owner_page, {"kind": "cluster"}, name="cluster"),
    path("chain/<slug:code>/", views.owner_page, {"kind": "chain"}, name="chain"),
    path("cluster/<slug:code>/data.xlsx", views.owner_xlsx, {"kind": "cluster"}, name="cluster_xlsx"),
    path("chain/<slug:code>/data.xlsx", views.owner_xlsx, {"kind": "chain"}, name="chain_xlsx"),
    path("cluster/<slug:code>/unplaced/", views.unplaced, {"kind": "cluster"}, name="cluster_unplaced"),
    path("chain/<slug:code>/unplaced/", views.unplaced, {"kind": "chain"}, name="chain_unplaced"),
    path("segment/<int:pk>/", views.segment, name="segment"),
    path("placement/override/", views.override, name="override"),
    path("map/", views.district_map, name="map"),
    path("leads/", views.leads, name="leads"),
    path("leads/new/", views.lead_edit, name="lead_new"),
    path("leads/<int:pk>/", views.lead_edit, name="lead_edit"),
]
