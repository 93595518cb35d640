from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from industrybrain.core import dataversion
from industrybrain.core.models import ImportBatch


class BumpOnDelete:
    """A delete in the admin (one row, or the "delete selected" action) bumps the data
    version of the model's kind in the same transaction, as an edit does through the
    save signal, so that nothing kept goes on showing a deleted row."""

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            self._bump()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            self._bump()

    def _bump(self):
        kind = dataversion.kind_of(self.model)
        if kind is not None:
            dataversion.bump(kind)


class HistoryAdmin(BumpOnDelete, SimpleHistoryAdmin):
    """simple_history's admin, whose history page answers 404 (not 500) for an id that is
    not one: ``get_object`` turns a malformed id into None, the history view does not.
    A delete bumps the model's data version (:class:`BumpOnDelete`)."""

    def history_view(self, request, object_id, extra_context=None):
        # Malformed ids only: the history of a deleted row (no object) stays readable.
        try:
            pk = self.model._meta.pk
            pk.run_validators(pk.to_python(unquote(object_id)))  # a number, and in range
        except (ValidationError, ValueError):
            raise Http404 from None
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
