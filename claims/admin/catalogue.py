"""Speakers, topics, the rating scale, and the read-only records (corrections, the log)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from claims import edits
from claims.models import ClaimTransition, Correction, RatingLevel, Speaker, Topic
from tracker.history_admin import HistoryAdmin
from tracker.service_admin import RefusalAdminMixin, adopt, changed_values, editable_values


@admin.register(Speaker)
class SpeakerAdmin(RefusalAdminMixin, HistoryAdmin):
    list_display = ["name", "kind", "role", "same_as"]
    list_filter = ["kind"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        if change:
            edits.speaker_update(speaker=obj, by=request.user, **changed_values(form))
        else:
            adopt(obj, edits.speaker_create(by=request.user, **editable_values(obj)))

    def delete_service(self, speaker, *, by):
        edits.speaker_delete(speaker=speaker, by=by)


@admin.register(Topic)
class TopicAdmin(RefusalAdminMixin, HistoryAdmin):
    list_display = ["name", "name_vi", "slug", "recheck_months"]
    search_fields = ["name", "name_vi"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        if change:
            edits.topic_update(topic=obj, by=request.user, **changed_values(form))
        else:
            adopt(obj, edits.topic_create(by=request.user, **editable_values(obj)))

    def delete_service(self, topic, *, by):
        edits.topic_delete(topic=topic, by=by)


@admin.register(RatingLevel)
class RatingLevelAdmin(RefusalAdminMixin, HistoryAdmin):
    list_display = ["label_en", "label_vi", "value", "position", "colour_swatch"]
    list_editable = ["position"]
    ordering = ["position"]

    @admin.display(description=_("colour"))
    def colour_swatch(self, level):
        return format_html(
            '<span style="display:inline-block;width:3em;background:{}">&nbsp;</span>', level.color
        )

    def has_delete_permission(self, request, obj=None):
        return False  # reviews point at levels; retire a level by editing it instead

    def save_model(self, request, obj, form, change):
        if change:
            edits.rating_level_update(level=obj, by=request.user, **changed_values(form))
        else:
            adopt(obj, edits.rating_level_create(by=request.user, **editable_values(obj)))


class ReadOnlyMixin:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["claim", "note", "created_by", "created_at"]
    list_select_related = ["claim", "created_by"]
    search_fields = ["note", "claim__text", "claim__translation"]


@admin.register(ClaimTransition)
class ClaimTransitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "claim", "name", "from_status", "to_status", "by", "note"]
    list_filter = ["name", "to_status", "by"]
    list_select_related = ["claim", "by"]
    search_fields = ["note", "claim__text", "claim__translation"]
    date_hierarchy = "at"
