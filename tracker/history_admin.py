"""The admin base for every model kept in history: history readable, never reverted.

django-simple-history's revert form saves an old version on POST after checking only view
permission, bypassing the workflow, the correction record and every service. A change to the
record goes through the change form (and so the services) or the workflow, never a revert.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from tracker.admin_input import CheckedAdmin


class HistoryAdmin(CheckedAdmin, SimpleHistoryAdmin):
    def revert_disabled(self, request: HttpRequest, obj=None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id, version_id, extra_context=None
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
