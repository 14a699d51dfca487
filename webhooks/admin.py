from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from tracker.admin_input import CheckedAdmin, CheckedInline
from webhooks import services
from webhooks.models import Delivery, DeliveryAttempt, Endpoint, Event, EventType


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=EventType.choices, widget=forms.CheckboxSelectMultiple, initial=EventType.values
    )

    class Meta:
        model = Endpoint
        fields = ["owner", "url", "description", "events", "secret", "is_active"]


@admin.register(Endpoint)
class EndpointAdmin(CheckedAdmin, admin.ModelAdmin):
    form = EndpointForm
    list_display = ["url", "owner", "is_active", "paused_reason", "consecutive_failures"]
    list_filter = ["is_active"]
    list_select_related = ["owner"]
    search_fields = ["url", "owner__username", "description"]
    readonly_fields = [
        "paused_at",
        "paused_reason",
        "consecutive_failures",
        "created_at",
        "recent_deliveries",
    ]
    autocomplete_fields = ["owner"]
    actions = ["resume"]

    @admin.display(description=_("Recent deliveries"))
    def recent_deliveries(self, endpoint: Endpoint):
        rows = endpoint.deliveries.select_related("event").order_by("-id")[:20]
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "",
                '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
                (
                    (
                        reverse("admin:webhooks_delivery_change", args=[d.pk]),
                        d.event.type,
                        d.get_status_display(),
                        _("%d attempts") % d.attempts,
                        d.last_status_code or "",
                        d.last_error,
                    )
                    for d in rows
                ),
            ),
        )

    @admin.action(description=_("Resume the selected endpoints"))
    def resume(self, request, queryset):
        for endpoint in queryset:
            services.endpoint_resume(endpoint)
        messages.success(request, _("Resumed."))


class AttemptInline(CheckedInline, admin.TabularInline):
    model = DeliveryAttempt
    fields = ["number", "at", "status_code", "latency_ms", "error", "response_excerpt"]
    readonly_fields = fields  # type: ignore[assignment]  # the flat list above
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(Delivery)
class DeliveryAdmin(CheckedAdmin, admin.ModelAdmin):
    list_display = [
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_latency_ms",
        "delivered_at",
    ]
    list_filter = ["status", "event__type", "endpoint"]
    list_select_related = ["event", "endpoint"]
    search_fields = ["endpoint__url", "event__uuid"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    inlines = [AttemptInline]

    def has_add_permission(self, request):
        return False


@admin.register(Event)
class EventAdmin(CheckedAdmin, admin.ModelAdmin):
    list_display = ["uuid", "type", "claim", "created_at"]
    list_filter = ["type"]
    readonly_fields = ["uuid", "type", "claim", "data", "created_at"]

    def has_add_permission(self, request):
        return False
