from django.urls import include, path
from rest_framework.routers import DefaultRouter

from industrybrain.policies import api, application_views, audit_views, enterprise_views, views

app_name = "policies"

router = DefaultRouter()
api.register(router)

urlpatterns = [
    path("", views.index, name="index"),
    path("library/", enterprise_views.library, name="library"),
    path("library/<slug:policy_id>/", enterprise_views.policy_page, name="policy"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("review/", views.review, name="review"),
    path("review/approve/", views.bulk_approve, name="bulk_approve"),
    path("awards/<int:pk>/", views.award_detail, name="award"),
    path("budgets/", views.budget_view, name="budgets"),
    path("ledger/", views.ledger_view, name="ledger"),
    path("ledger/disbursement.xlsx", views.disbursement_export, name="disbursement"),
    path("calculator/", enterprise_views.my_calculator, name="calculator"),
    path("calculator/<int:pk>/", enterprise_views.calculator_view, name="calculator_for"),
    path("enterprise/<int:pk>/awards/", enterprise_views.enterprise_awards, name="enterprise_awards"),
    path("inbox/", enterprise_views.inbox, name="inbox"),
    path("applications/", application_views.application_list, name="applications"),
    path("applications/<int:pk>/", application_views.application_detail, name="application"),
    path("attachments/<int:pk>/", application_views.attachment, name="attachment"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("api/enterprises/<int:pk>/awards/",
         api.EnterpriseAwardsView.as_view({"get": "list"}), name="api-enterprise-awards"),
    path("api/", include((router.urls, "policies"), namespace="api")),
]
