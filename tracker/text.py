"""Stored text: which characters may be kept, and how slugs are made from any name.

Which characters are control characters is tracker.characters' rule. Typed text holding one is
refused, not stripped: an ESC or NUL in a quote is almost always a paste accident the editor
should see, and silently changing a verbatim quote would misquote. Tab, line feed and carriage
return are ordinary text and stay. Every text field of the editorial apps gets
the validator (forms, the admin and the API show it as a field error), and a pre_save check
refuses the same characters from code that saves without validating (services, loaders, shell).

Slugs are transliterated (Unidecode: 李彦宏 becomes li-yan-hong), so a slug is never empty for a
name in any script; text with nothing to transliterate falls back to a stable stem.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges
from unidecode import unidecode

from tracker.characters import find_control_character


def validate_no_control_characters(value: object) -> None:
    if not isinstance(value, str):
        return
    found = find_control_character(value)
    if found is not None:
        raise ValidationError(
            _("Remove the control character U+%(code)04X; it cannot be published."),
            code="control_character",
            params={"code": ord(found)},
        )


def make_slug(text: str, *, max_length: int, fallback: str) -> str:
    """An ASCII slug for `text` in any script; `fallback` when nothing in it transliterates."""
    slug = slugify(unidecode(text or ""))[:max_length].strip("-")
    return slug or fallback[:max_length]


def unique_slug(
    model: type[models.Model],
    text: str,
    *,
    max_length: int,
    fallback: str,
    exclude_pk: object = None,
) -> str:
    """make_slug(), with -2, -3… appended when another row already has it (same names happen)."""
    base = make_slug(text, max_length=max_length, fallback=fallback)
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
    return slug


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    ]


def _refuse_on_save(sender, instance, raw: bool = False, **kwargs) -> None:
    errors = {}
    for field in _text_fields(sender):
        try:
            validate_no_control_characters(getattr(instance, field.attname))
        except ValidationError as error:
            errors[field.name] = error.messages
    if errors:
        raise ValidationError(errors)


def guard_text_fields(models_to_guard: Iterable[type[models.Model]]) -> None:
    """Refuse control characters in every text field of these models, on every write path.

    The validator joins each field's validator list (not its constructor arguments, so it is not
    a migration change), and model validation, admin forms and DRF serializers (which copy
    model validators) all run it.
    """
    for model in models_to_guard:
        if issubclass(model, HistoricalChanges):
            continue  # copies of rows already checked on their way in
        for field in _text_fields(model):
            if validate_no_control_characters not in field.validators:
                field.validators.append(validate_no_control_characters)
        pre_save.connect(_refuse_on_save, sender=model, dispatch_uid=f"text-guard-{model._meta}")
