from django.contrib import admin

from industrybrain.core.admin import HistoryAdmin

from .models import (
    ElementNeed,
    Inspection,
    InspectionAttachment,
    InspectionIssue,
    Project,
    ProjectInvestment,
)


class NeedInline(admin.TabularInline):
    model = ElementNeed
    extra = 0


class InvestmentInline(admin.TabularInline):
    model = ProjectInvestment
    extra = 0


@admin.register(Project)
class ProjectAdmin(HistoryAdmin):
    list_display = ["code", "name", "district", "stage", "level", "planned_yuan", "done_yuan", "is_large"]
    list_filter = ["district", "stage", "level", "is_large", "cluster"]
    search_fields = ["code", "name", "investor"]
    raw_id_fields = ["enterprise"]
    readonly_fields = ["stage", "is_large", "done_yuan"]
    inlines = [NeedInline, InvestmentInline]


class IssueInline(admin.TabularInline):
    model = InspectionIssue
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = InspectionAttachment
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["project", "kind", "inspector", "inspected_on"]
    list_filter = ["kind"]
    raw_id_fields = ["project"]
    inlines = [IssueInline, AttachmentInline]


@admin.register(ElementNeed)
class ElementNeedAdmin(HistoryAdmin):
    list_display = ["project", "kind", "department", "status", "due_on", "secured_on"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["project"]
