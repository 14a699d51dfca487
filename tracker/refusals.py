"""Refusals: the project's own exceptions for an action a rule forbids, each with the status the
API answers and a message for the person who tried it. The rules raising them live with what
they guard (claims.workflow for the editorial record); the API and the admin map them once
(tracker.api, tracker.service_admin)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # a lazy translation (types only)


class WorkflowError(Exception):
    """A refused editorial action; `message` is shown to the person who tried it."""

    status_code = 400

    def __init__(self, message: "str | _StrPromise", *, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field


class InvalidAction(WorkflowError):
    """Bad input for an otherwise possible action (400)."""


class NotPermitted(WorkflowError):
    """The user's role or the four-eyes rule forbids it (403)."""

    status_code = 403


class NotAllowedNow(WorkflowError):
    """Not allowed from the claim's current state, or someone else moved it first (409)."""

    status_code = 409
