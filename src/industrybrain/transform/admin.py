from django.contrib import admin

from .models import (
    AssignmentBatch,
    Diagnosis,
    DimensionScore,
    ProcurementLot,
    Provider,
    ProviderMember,
    ProviderRating,
    RecommendedProject,
    Report,
)


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "active", "joined_on", "projects_before"]
    list_filter = ["active", "district"]
    search_fields = ["name", "uscc"]
    filter_horizontal = ["clusters", "chains"]


@admin.register(ProviderMember)
class ProviderMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "provider"]
    raw_id_fields = ["user"]


@admin.register(ProcurementLot)
class ProcurementLotAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "period_start", "period_end", "budget_yuan", "price_yuan"]
    filter_horizontal = ["providers"]


@admin.register(AssignmentBatch)
class AssignmentBatchAdmin(admin.ModelAdmin):
    list_display = ["lot", "basis", "district", "cluster", "size", "created_on"]
    list_filter = ["basis", "lot"]


class ScoreInline(admin.TabularInline):
    model = DimensionScore
    extra = 0


class ProjectInline(admin.TabularInline):
    model = RecommendedProject
    extra = 0
    raw_id_fields = ["application", "provider"]


@admin.register(Diagnosis)
class DiagnosisAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "status", "origin", "lot", "provider", "assigned_on",
                    "reported_on", "accepted_on"]
    list_filter = ["status", "origin", "lot"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise", "batch", "accepted_by"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["diagnosis", "overall_level", "filed_on"]
    raw_id_fields = ["diagnosis", "filed_by"]
    inlines = [ScoreInline, ProjectInline]


@admin.register(ProviderRating)
class ProviderRatingAdmin(admin.ModelAdmin):
    list_display = ["provider", "score", "rated_on"]
    raw_id_fields = ["diagnosis", "project", "rated_by"]
