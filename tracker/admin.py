"""The outbox in the admin, read-only: what waits, what was given up on (docs/operations.md)."""

from django.contrib import admin

from tracker.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "created_at", "available_at", "sent_at", "sends", "done_at"]
    list_filter = [("done_at", admin.EmptyFieldListFilter), "task"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
