from django.contrib import admin

from .models import Flow, Forecast, Membership, Proposal, Standing, Task


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "pool", "entered_on", "entry_origin", "exited_on", "exit_kind"]
    list_filter = ["pool", "entry_origin", "exit_kind"]
    raw_id_fields = ["enterprise", "entered_by", "exited_by"]
    search_fields = ["enterprise__name", "enterprise__uscc"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "pool", "year", "action", "status", "decided_by"]
    list_filter = ["pool", "year", "action", "status"]
    raw_id_fields = ["enterprise", "decided_by"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["membership", "kind", "due_on", "done_on", "outcome"]
    list_filter = ["kind"]
    raw_id_fields = ["membership", "created_by"]


@admin.register(Standing)
class StandingAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "pool", "year", "rank", "missed", "distance", "probability"]
    list_filter = ["pool", "year"]
    raw_id_fields = ["enterprise"]


@admin.register(Forecast)
class ForecastAdmin(admin.ModelAdmin):
    list_display = ["pool", "year", "expected", "computed_at"]


@admin.register(Flow)
class FlowAdmin(admin.ModelAdmin):
    list_display = ["ladder", "year", "district", "source", "target", "count"]
    list_filter = ["ladder", "year"]
