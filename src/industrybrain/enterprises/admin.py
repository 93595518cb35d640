from django.contrib import admin

from industrybrain.core.admin import BumpOnDelete, HistoryAdmin
from industrybrain.enterprises.models import (
    AnnualFigures,
    Designation,
    DesignationType,
    District,
    Enterprise,
    IndustryCode,
)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "code", "division"]


@admin.register(IndustryCode)
class IndustryCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh"]
    search_fields = ["code", "name_zh"]


@admin.register(DesignationType)
class DesignationTypeAdmin(BumpOnDelete, admin.ModelAdmin):
    list_display = ["name_zh", "code", "level", "category", "validity_years"]


class FiguresInline(admin.TabularInline):
    model = AnnualFigures
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(HistoryAdmin):
    list_display = ["name", "uscc", "district", "industry_code", "cluster", "is_listed"]
    list_filter = ["district", "cluster", "ownership", "is_listed", "is_manufacturing"]
    search_fields = ["name", "uscc"]
    list_select_related = ["district", "cluster"]
    inlines = [FiguresInline]


@admin.register(AnnualFigures)
class AnnualFiguresAdmin(HistoryAdmin):
    list_display = ["enterprise", "year", "revenue", "industrial_output", "above_scale"]
    list_filter = ["year", "above_scale"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise"]
    list_select_related = ["enterprise"]


@admin.register(Designation)
class DesignationAdmin(HistoryAdmin):
    list_display = ["enterprise", "type", "granted_on", "expires_on"]
    list_filter = ["type"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise"]
    list_select_related = ["enterprise", "type"]
