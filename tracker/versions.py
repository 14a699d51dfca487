"""Optimistic concurrency without a migration: a row's version is a digest of its editable
values, one short digest per field, so a stale save can say which fields changed meanwhile.

A change form carries the version of the row it showed (`VERSION_FIELD`); the service that
saves it locks the row (`select_for_update`) and calls `check_version()` before writing, so two
editors saving the same object are told, never silently overwritten. Fields a workflow owns
(django-fsm's protected status) are not editable values and are left out.
"""

import hashlib
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from tracker.refusals import NotAllowedNow

VERSION_FIELD = "record_version"
SHOWN_VALUE = 80  # characters of a changed value the message repeats


def versioned_fields(model: type[models.Model]) -> list[Any]:
    """Its editable values, and the rows it names in `version_includes` (those its change page
    edits inline: another editor's change to one of them is a change to the page)."""
    own = [field for field in model._meta.get_fields() if _is_editable_value(field)]
    rows = [model._meta.get_field(name) for name in getattr(model, "version_includes", ())]
    return own + rows


def _is_editable_value(field: Any) -> bool:
    if field.many_to_many:
        return not field.auto_created and field.editable
    return (
        getattr(field, "concrete", False)
        and field.editable
        and not field.primary_key
        and not getattr(field, "protected", False)
    )


def _value(instance: models.Model, field) -> str:
    if field.one_to_many:  # rows edited inline: each one's id and version
        if instance.pk is None:
            return ""
        rows = getattr(instance, field.get_accessor_name()).order_by("pk")
        return "|".join(f"{row.pk}:{version_of(row)}" for row in rows)
    if field.many_to_many:
        if instance.pk is None:
            return ""
        related = getattr(instance, field.name).order_by("pk").values_list("pk", flat=True)
        return ",".join(str(pk) for pk in related)
    return field.value_to_string(instance)


def _digest(name: str, value: str) -> str:
    return hashlib.sha256(f"{name}\x00{value}".encode()).hexdigest()[:8]


def version_of(instance: models.Model) -> str:
    return "-".join(
        _digest(field.name, _value(instance, field)) for field in versioned_fields(type(instance))
    )


def changed_since(instance: models.Model, version: str) -> list:
    """The fields of `instance` whose value is not the one `version` was taken from."""
    fields = versioned_fields(type(instance))
    seen = version.split("-")
    if len(seen) != len(fields):
        return fields
    return [
        field
        for field, digest in zip(fields, seen, strict=True)
        if _digest(field.name, _value(instance, field)) != digest
    ]


def _label(field) -> str:
    if field.one_to_many:
        return str(field.related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


def _shown(instance: models.Model, field) -> str:
    if field.one_to_many:
        rows = getattr(instance, field.get_accessor_name()).order_by("pk")[:10]
        text = ", ".join(str(each) for each in rows)
    elif field.many_to_many:
        text = ", ".join(str(each) for each in getattr(instance, field.name).all()[:10])
    else:
        value = getattr(instance, field.name)
        text = "" if value is None else str(value)
    text = text or _("(empty)")
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


class StaleEdit(NotAllowedNow):
    """Someone saved the row after the form was opened (409)."""


def check_version(instance: models.Model, version: str | None) -> None:
    """Refuse a save made from a form that showed another version of the locked `instance`.
    No version (a caller without a form, such as the shell) checks nothing."""
    if not version:
        return
    changed = changed_since(instance, version)
    if not changed:
        return
    meanwhile = "; ".join(
        _("%(field)s is now “%(value)s”")
        % {"field": _label(field), "value": _shown(instance, field)}
        for field in changed
    )
    raise StaleEdit(
        _(
            "Someone saved this %(kind)s after you opened it. Meanwhile: %(changes)s. Nothing "
            "was saved: reload the page and make your change again."
        )
        % {"kind": instance._meta.verbose_name, "changes": meanwhile}
    )
