from django.contrib import admin

from industrybrain.core.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "filename", "user", "rows", "created", "updated",
                    "rejected", "applied"]
    list_filter = ["kind", "applied"]

    def has_change_permission(self, request, obj=None):
        return False  # an import record is evidence, not a document to edit
