"""Admin: budgets are edited here or on the budgets page; awards, payments and the audit
log are read-only (decisions go through the review pages, which check and log them)."""

from django.contrib import admin

from industrybrain.core.models import AuditEvent
from industrybrain.policies.models import (
    Application,
    Award,
    Budget,
    LedgerEntry,
    Message,
    Run,
    Subscription,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "enterprise_id", "policy_id", "object_type",
                    "object_id"]
    list_filter = ["action"]
    search_fields = ["username", "policy_id", "object_id"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["paid_at", "enterprise", "policy_id", "year", "tier", "amount_yuan",
                    "approver", "second_approver"]
    list_filter = ["year", "policy_id"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "policy_id", "year", "tier", "status", "amount_yuan"]
    list_filter = ["year", "status", "policy_id"]
    raw_id_fields = ["enterprise"]


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "pack_id", "year", "status", "progress", "created_at"]


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["year", "policy_id", "amount_yuan", "note"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "policy_id", "year", "status", "decide_by"]


admin.site.register(Message, ReadOnlyAdmin)
admin.site.register(Subscription)
