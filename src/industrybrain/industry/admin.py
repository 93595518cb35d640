from django.contrib import admin

from industrybrain.core.admin import HistoryAdmin
from industrybrain.industry.models import (
    Chain,
    ChainMembership,
    ChainSegment,
    Cluster,
    InvestmentLead,
    SegmentPlacement,
)


@admin.register(Cluster)
class ClusterAdmin(HistoryAdmin):
    list_display = ["name_zh", "code", "target_2025_yuan"]


@admin.register(Chain)
class ChainAdmin(HistoryAdmin):
    list_display = ["name_zh", "code"]


@admin.register(ChainSegment)
class ChainSegmentAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "cluster", "chain", "stage", "is_assumption"]
    list_filter = ["cluster", "chain", "stage"]


@admin.register(ChainMembership)
class ChainMembershipAdmin(HistoryAdmin):
    list_display = ["enterprise", "chain", "is_leader"]
    list_filter = ["chain", "is_leader"]
    raw_id_fields = ["enterprise"]


@admin.register(SegmentPlacement)
class SegmentPlacementAdmin(HistoryAdmin):
    list_display = ["enterprise", "segment", "rule", "evidence", "reason"]
    list_filter = ["rule", "cluster", "chain"]
    raw_id_fields = ["enterprise", "segment"]


@admin.register(InvestmentLead)
class InvestmentLeadAdmin(HistoryAdmin):
    list_display = ["company", "segment", "district", "stage", "officer", "next_step_on"]
    list_filter = ["stage", "source", "district"]
