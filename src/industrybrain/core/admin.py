from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from industrybrain.core.models import ImportBatch


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin, whose history page answers 404 (not 500) for an id that is
    not one: ``get_object`` turns a malformed id into None, the history view does not."""

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "filename", "user", "rows", "created", "updated",
                    "rejected", "applied"]
    list_filter = ["kind", "applied"]

    # An import record is evidence: written by the import alone, never added, edited or
    # deleted by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
