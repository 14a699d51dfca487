"""Which service functions one kind of row is written through: claims.edits' `<entity>_create`,
`_update` and `_delete`, which check the role and the freeze rule and record history with the
caller. The API's viewsets (tracker.api.WritesThroughEdits) and the admin
(tracker.service_admin.RefusalAdminMixin) both take one, so neither writes a row itself."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True)
class Writes:
    entity: str  # the keyword naming the row for update and delete ("speaker", "source"...)
    create: Callable[..., Model]
    update: Callable[..., Model]
    delete: Callable[..., None] | None = None  # None: rows of this kind are not deleted
