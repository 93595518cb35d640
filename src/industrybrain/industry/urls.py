from django.urls import path

from industrybrain.industry import views

app_name = "industry"

urlpatterns = [path("", views.index, name="index")]
