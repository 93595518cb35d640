from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from industrybrain.industry.models import Chain, ChainMembership, ChainSegment, Cluster


@admin.register(Cluster)
class ClusterAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "code", "target_2025_yuan"]


@admin.register(Chain)
class ChainAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "code"]


@admin.register(ChainSegment)
class ChainSegmentAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "cluster", "chain", "stage", "is_assumption"]
    list_filter = ["cluster", "chain", "stage"]


@admin.register(ChainMembership)
class ChainMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "chain", "segment", "is_leader"]
    list_filter = ["chain", "is_leader"]
    raw_id_fields = ["enterprise"]
