"""Speakers, topics, the rating scale, and the read-only records (corrections, the log)."""

from collections import Counter

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseModelFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from claims import edits
from claims.models import ClaimTransition, Correction, RatingLevel, Speaker, Topic
from tracker.admin_input import CheckedAdmin
from tracker.history_admin import HistoryAdmin
from tracker.service_admin import RefusalAdminMixin
from tracker.writes import Writes


@admin.register(Speaker)
class SpeakerAdmin(RefusalAdminMixin, HistoryAdmin):
    list_display = ["name", "kind", "role", "same_as"]
    list_filter = ["kind"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    writes = Writes("speaker", edits.speaker_create, edits.speaker_update, edits.speaker_delete)


@admin.register(Topic)
class TopicAdmin(RefusalAdminMixin, HistoryAdmin):
    list_display = ["name", "name_vi", "slug", "recheck_months"]
    search_fields = ["name", "name_vi"]
    prepopulated_fields = {"slug": ["name"]}
    writes = Writes("topic", edits.topic_create, edits.topic_update, edits.topic_delete)


def _positions_taken_twice(positions: dict[int | None, int]) -> list[int]:
    counts = Counter(positions.values())
    return sorted(position for position, n in counts.items() if n > 1)


def _twice_error(positions: list[int]) -> ValidationError:
    return ValidationError(
        _("Each level of the scale needs its own position: %(positions)s is given twice.")
        % {"positions": ", ".join(map(str, positions))},
        code="position_twice",
    )


class RatingLevelForm(forms.ModelForm):
    def clean_position(self):
        position = self.cleaned_data["position"]
        others = RatingLevel.objects.exclude(pk=self.instance.pk).filter(position=position)
        if others.exists():
            raise _twice_error([position])
        return position


class RatingScaleFormSet(BaseModelFormSet):
    """The list edit of positions: the scale after the save has each position once."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        positions: dict[int | None, int] = dict(RatingLevel.objects.values_list("pk", "position"))
        for form in self.forms:
            if "position" in getattr(form, "cleaned_data", {}):
                positions[form.instance.pk] = form.cleaned_data["position"]
        twice = _positions_taken_twice(positions)
        if twice:
            raise _twice_error(twice)


@admin.register(RatingLevel)
class RatingLevelAdmin(RefusalAdminMixin, HistoryAdmin):
    form = RatingLevelForm
    list_display = ["label_en", "label_vi", "value", "position", "colour_swatch"]
    list_editable = ["position"]
    ordering = ["position"]
    writes = Writes("level", edits.rating_level_create, edits.rating_level_update)

    def get_changelist_formset(self, request, **kwargs):
        kwargs.setdefault("formset", RatingScaleFormSet)
        return super().get_changelist_formset(request, **kwargs)

    @admin.display(description=_("colour"))
    def colour_swatch(self, level):
        return format_html(
            '<span style="display:inline-block;width:3em;background:{}">&nbsp;</span>', level.color
        )

    def has_delete_permission(self, request, obj=None):
        return False  # reviews point at levels; retire a level by editing it instead


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
class ClaimTransitionAdmin(ReadOnlyMixin, CheckedAdmin, admin.ModelAdmin):
    list_display = ["at", "claim", "name", "from_status", "to_status", "by", "note"]
    list_filter = ["name", "to_status", "by"]
    list_select_related = ["claim", "by"]
    search_fields = ["note", "claim__text", "claim__translation"]
    date_hierarchy = "at"
