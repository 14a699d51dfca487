"""The REST API's shared plumbing: error shape, pagination, throttles, conditional GETs, schema.

Every API error has one JSON shape, `{"detail", "code", "fields"}`, and bad input of any kind
answers 4xx: domain refusals (tracker.refusals.WorkflowError) keep their own status code.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
)
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from tracker.refusals import InvalidAction, NotAllowedNow, NotPermitted, WorkflowError
from tracker.writes import Writes

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # a lazy translation (types only)
    from rest_framework.generics import GenericAPIView as _WritableView
    from rest_framework.views import APIView as _APIView  # what the mixins are mixed into
else:
    _APIView = _WritableView = object


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer."""

    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    code = serializers.CharField(help_text="A stable machine-readable reason.")
    fields = serializers.DictField(  # type: ignore[assignment]  # a declared field, not .fields
        child=serializers.JSONField(),
        help_text="Errors per input field (a list of messages, or nested for nested input).",
    )


class OptionalURLField(serializers.URLField):
    """A URL that may be empty. Marked blank-able when read-only too, so that the schema says
    "a URL or empty" instead of promising `format: uri` for ""."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.read_only:
            self.allow_blank = True


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: OptionalURLField,
    }


WORKFLOW_CODES = {InvalidAction: "invalid", NotPermitted: "forbidden", NotAllowedNow: "conflict"}


def error_response(
    detail: "str | _StrPromise", code: str, status: int, fields: dict | None = None
) -> Response:
    return Response({"detail": str(detail), "code": code, "fields": fields or {}}, status=status)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Map every refusal and every kind of bad input to a 4xx in the one error shape."""
    if isinstance(exc, WorkflowError):
        fields = {exc.field: [exc.message]} if exc.field else {}
        return error_response(
            exc.message, WORKFLOW_CODES.get(type(exc), "invalid"), exc.status_code, fields
        )
    if isinstance(exc, ProtectedError | RestrictedError):
        return error_response(
            _("It is still in use elsewhere, so it cannot be deleted."), "in_use", 409
        )
    if isinstance(exc, IntegrityError):
        # A uniqueness or consistency rule was hit by a concurrent write: the caller can retry.
        return error_response(
            _("This conflicts with the current data; reload and retry."), "conflict", 409
        )
    if isinstance(exc, DataError | OverflowError):
        return error_response(_("A value is out of range or malformed."), "invalid", 400)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not bad input but a bug: let it surface as a 500 and be fixed
    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"detail": str(_("Invalid input.")), "code": "invalid", "fields": data}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else "error",
            "fields": {},
        }
    return response


def quote_etag(*parts: object) -> str:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f'"{digest}"'


def conditional(
    request: HttpRequest, *, etag: str, last_modified: datetime | None
) -> HttpResponseBase | None:
    """A 304 (or 412) when the caller's copy is current, else None. No body is built for it."""
    stamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=stamp)
    if response is not None:
        set_validators(response, etag=etag, last_modified=last_modified)
    return response


def set_validators(
    response: HttpResponseBase, *, etag: str, last_modified: datetime | None
) -> HttpResponseBase:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # Labels follow Accept-Language and staff see more than the public.
    patch_vary_headers(response, ("Accept", "Accept-Language", "Authorization", "Cookie"))
    return response


def viewer_scope(request) -> str:
    """Part of every validator: the same URL answers differently per language and per role."""
    user = request.user
    return f"{get_language()}:{user.pk if user.is_authenticated else 'public'}"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = _(
        "Someone changed it since you read it: read it again, redo your change and send its "
        "new ETag in If-Match."
    )
    default_code = "precondition_failed"


def etag_matches(header: str, etag: str) -> bool:
    """Whether an If-Match header names `etag` (or is "*"); a weak tag compares as strong."""

    def strong(tag: str) -> str:
        tag = tag.strip()
        return tag[2:] if tag.startswith("W/") else tag

    tags = {strong(tag) for tag in header.split(",")}
    return "*" in tags or strong(etag) in tags


class IfMatchMixin(_WritableView):
    """Writes that say which version they change: with `If-Match`, the row is locked and its
    ETag (the one a GET of it answers) compared before the service runs, and a stale one is
    answered 412. Without `If-Match` a write goes through, as before (428 is not required)."""

    def current_etag(self, instance) -> str:
        """The ETag a GET of `instance` answers: by default from its rendered body."""
        request = self.request
        renderer = request.accepted_renderer
        context = self.get_renderer_context()
        body = renderer.render(
            self.get_serializer(instance).data, request.accepted_media_type, context
        )
        return quote_etag(viewer_scope(request), body)

    def check_if_match(self, instance) -> None:
        """Lock `instance`'s row (until the caller's transaction ends) and refuse with 412 when
        If-Match names another version than the current one."""
        header = self.request.headers.get("If-Match")
        if not header:
            return
        model = type(instance)
        list(model.objects.select_for_update().filter(pk=instance.pk).values_list("pk"))
        fresh = self.get_queryset().get(pk=instance.pk)
        if not etag_matches(header, self.current_etag(fresh)):
            raise PreconditionFailed()


class WritesThroughEdits(IfMatchMixin):
    """Creates, updates and deletes of a viewset through its `writes`, If-Match honoured."""

    writes: Writes

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = self.writes.create(by=self.request.user, **data)

    def perform_update(self, serializer):
        target = {self.writes.entity: serializer.instance}
        data = serializer.validated_data
        with transaction.atomic():  # If-Match is checked under the row's lock
            self.check_if_match(serializer.instance)
            serializer.instance = self.writes.update(**target, by=self.request.user, **data)

    def perform_destroy(self, instance):
        if self.writes.delete is None:
            raise exceptions.MethodNotAllowed(self.request.method or "DELETE")
        with transaction.atomic():
            self.check_if_match(instance)
            self.writes.delete(**{self.writes.entity: instance}, by=self.request.user)


class BodyETagMixin(_APIView):
    """ETag from the rendered body for simple read endpoints, answering 304 when it matches."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD", "PUT", "PATCH") or response.status_code != 200:
            return response
        if response.has_header("ETag"):
            return response
        response.render()
        etag = quote_etag(viewer_scope(request), response.content)
        if request.method in ("PUT", "PATCH"):  # the changed resource's ETag, for the next write
            return set_validators(response, etag=etag, last_modified=None)
        not_modified = conditional(request, etag=etag, last_modified=None)
        return not_modified or set_validators(response, etag=etag, last_modified=None)


CONDITIONAL_PARAMETERS = [
    OpenApiParameter(
        "If-None-Match",
        str,
        OpenApiParameter.HEADER,
        description="ETag of the copy you hold: answered with 304 when it is still current.",
    ),
]

ERROR_RESPONSES = {
    "400": _("Bad input: see `fields`."),
    "401": _("The token is missing or invalid."),
    "403": _("Your role, the four-eyes rule or CSRF forbids it."),
    "404": _("Not found, or not visible to you."),
    "409": _("Not allowed from the current state, or someone else changed it first."),
    "412": _("If-Match names a version that is not the current one: read it again."),
    "429": _("Too many requests: wait for the seconds in Retry-After."),
}


class ClaimtrackAutoSchema(AutoSchema):
    """Document the error shape on every operation, and 304 on conditional reads."""

    def _error_codes(self) -> Iterable[str]:
        codes = ["400", "401", "403", "429"]
        if self.method != "GET" or "{" in self.path:
            codes.append("404")
        if self.method not in ("GET", "HEAD"):
            codes.append("409")
        if self.method in ("PUT", "PATCH", "DELETE"):
            codes.append("412")
        return codes

    def get_override_parameters(self):
        params = super().get_override_parameters()
        if self.method == "GET":
            params = [*params, *CONDITIONAL_PARAMETERS]
        return params

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "GET":
            responses.setdefault(
                "304", {"description": str(_("Not modified: your copy (ETag) is current."))}
            )
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=str(ERROR_RESPONSES[code])),
                    code,
                    direction=direction,
                )
        return responses
