"""Followers in the admin, for Editors: how many follow each claim, speaker or topic, and
removing a follower. An email address is personal data: only Editors (the group holds
view_follow and delete_follow) and superusers see the list; nobody adds or edits a follow
here: readers ask and confirm by themselves."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from claims.models import Claim, Speaker, Topic
from follows.models import Follow
from tracker.admin_input import CheckedAdmin, row_id

MOST_FOLLOWED = 20
TITLES = {
    Follow.Kind.CLAIM: lambda ids: {c.pk: c.short_text for c in Claim.objects.filter(pk__in=ids)},
    Follow.Kind.SPEAKER: lambda ids: dict(
        Speaker.objects.filter(pk__in=ids).values_list("pk", "name")
    ),
    Follow.Kind.TOPIC: lambda ids: {t.pk: t.label for t in Topic.objects.filter(pk__in=ids)},
}


class FollowedFilter(admin.SimpleListFilter):
    """The most followed claims, speakers and topics with their counts; one picked lists its
    followers (`?followed=claim:12`)."""

    title = _("most followed")
    parameter_name = "followed"

    def lookups(self, request, model_admin):
        counted = list(
            Follow.objects.values("kind", "target_id")
            .annotate(
                confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
                waiting=Count("pk", filter=Q(confirmed_at=None)),
            )
            .order_by("-confirmed", "-waiting", "kind", "target_id")[:MOST_FOLLOWED]
        )
        titles: dict[str, dict[int, str]] = {
            kind: finder({row["target_id"] for row in counted if row["kind"] == kind})
            for kind, finder in TITLES.items()
        }
        return [
            (
                f"{row['kind']}:{row['target_id']}",
                _("%(kind)s “%(title)s”: %(confirmed)d following, %(waiting)d unconfirmed")
                % {
                    "kind": Follow.Kind(row["kind"]).label,
                    "title": titles[row["kind"]].get(row["target_id"], row["target_id"]),
                    "confirmed": row["confirmed"],
                    "waiting": row["waiting"],
                },
            )
            for row in counted
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        kind, _sep, target = value.partition(":")
        target_id = row_id(target)
        if kind not in Follow.Kind.values or target_id is None:
            return queryset.none()
        return queryset.filter(kind=kind, target_id=target_id)


@admin.register(Follow)
class FollowAdmin(CheckedAdmin, admin.ModelAdmin):
    list_display = ["email", "kind", "target_id", "confirmed_at", "created_at"]
    list_filter = [FollowedFilter, "kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    list_per_page = 50
    ordering = ["-id"]
    fields = ["email", "kind", "target_id", "language", "created_at", "confirmed_at"]
    readonly_fields = fields  # type: ignore[assignment]  # the flat list above

    # Viewing and deleting follows: the Editor group's permissions (follows/0003), and
    # superusers'.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
