from django.contrib import admin

from industrybrain.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "district", "enterprise"]
    list_filter = ["role", "district"]
    raw_id_fields = ["enterprise"]
