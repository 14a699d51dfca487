"""The admin is an input surface like the API: every id, choice and lookup a page sends is
parsed before it reaches a query, and a refused write is a message, never a 500.

`CheckedAdmin` (for every ModelAdmin) and `CheckedInline` (for every inline) hold it at the
class, so a new admin cannot forget a URL: tests/tracker/test_admin_input.py walks the
registry and refuses an admin or an inline without them.

- ids in URLs (change, history, delete, every custom view taking `object_id`, `pk` or
  `<name>_id`): a 404 unless ASCII digits within a 64-bit row id;
- bulk actions: a `_selected_action` that is not such an id is a message, not a query;
- foreign keys and many-to-many fields (autocomplete or not): a forged value is a form error,
  and the page showing that error renders;
- changelist lookups: only the filters the admin declares (and its date hierarchy), never a
  lookup on any of the model's fields (`?id__in=…`, `?name__regex=(`);
- inlines: at most 50 new forms a request (a forged TOTAL_FORMS is a form error, not 2,000
  forms), however many rows they show;
- refusals (tracker.refusals) and validation errors from the services: a message.
"""

import functools
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.db.models.constants import LOOKUP_SEP
from django.forms.formsets import TOTAL_FORM_COUNT, BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _

from tracker.refusals import WorkflowError

if TYPE_CHECKING:  # what the mixins are mixed into, for their super() calls
    from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin, ModelAdmin

    _Base = BaseModelAdmin[Any]
    _ModelAdmin = ModelAdmin[Any]
    _Inline = InlineModelAdmin[Any, Any]
else:
    _Base = _ModelAdmin = _Inline = object

ROW_ID = re.compile(r"[0-9]{1,19}")  # ASCII digits only: str.isdigit() takes "²", int() not
MAX_ROW_ID = 2**63 - 1
INLINE_MAX_NUM = 50  # new forms an inline takes in one request
# The parameters Django's own list filters add to a declared field path.
FILTER_SUFFIXES = ("exact", "isnull", "gte", "lt", "isempty", "id__exact", "pk__exact")
DATE_HIERARCHY_SUFFIXES = ("year", "month", "day")
SERVICE_ERRORS = (WorkflowError, ValidationError, IntegrityError, DataError, OverflowError)


def row_id(value: object) -> int | None:
    """`value` as a row id (ASCII digits, at most 2^63 - 1), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_ROW_ID else None
    text = str(value)
    if not ROW_ID.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ROW_ID else None


def has_integer_key(model: type[models.Model], to_field: str | None = None) -> bool:
    field: Any = model._meta.get_field(to_field) if to_field else model._meta.pk
    while field is not None and field.is_relation:  # a one-to-one primary key
        field = field.target_field
    return isinstance(field, models.IntegerField | models.AutoField)


def message_for(error: Exception) -> str:
    """What a person reads for a refused write."""
    if isinstance(error, WorkflowError):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, IntegrityError):
        return _("This conflicts with what someone else saved meanwhile; reload and retry.")
    return _("A value is out of range or malformed.")


class CheckedModelChoiceField(forms.ModelChoiceField):
    def _model(self) -> type[models.Model]:
        assert self.queryset is not None  # a model field's form field has its queryset
        return self.queryset.model

    def to_python(self, value):
        forged = value not in self.empty_values and row_id(value) is None
        if forged and has_integer_key(self._model(), self.to_field_name):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CheckedModelMultipleChoiceField(CheckedModelChoiceField, forms.ModelMultipleChoiceField):
    def to_python(self, value):
        return forms.ModelMultipleChoiceField.to_python(self, value)

    def _check_values(self, value):
        if has_integer_key(self._model(), self.to_field_name):
            for each in value:
                if row_id(each) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": each},
                    )
        return super()._check_values(value)  # type: ignore[misc]  # untyped in the stubs


def _well_formed(widget, values: Iterable) -> list:
    model = widget.field.remote_field.model
    to_field = getattr(widget.field.remote_field, "field_name", None)
    if not has_integer_key(model, to_field):
        return list(values)
    return [value for value in values if row_id(value) is not None]


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Re-shows only well-formed ids: a forged one is already the field's error."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _well_formed(self, value), attr)


class CheckedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _well_formed(self, value), attr)


class CheckedFormFields(_Base):
    """Foreign keys and many-to-many fields that parse what is posted before any query."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", CheckedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BoundedFormSet(BaseFormSet):
    """An inline's formset taking at most INLINE_MAX_NUM forms beyond the rows it shows, however
    many a forged TOTAL_FORMS asks for (the rows themselves are never capped: a claim said 80
    times still saves)."""

    def _form_cap(self) -> int:
        return len(self.get_queryset()) + INLINE_MAX_NUM  # type: ignore[attr-defined]

    def total_form_count(self) -> int:
        total = super().total_form_count()
        return min(total, self._form_cap()) if self.is_bound else total

    def clean(self) -> None:
        super().clean()
        asked = self.management_form.cleaned_data.get(TOTAL_FORM_COUNT) or 0
        if asked > self._form_cap():
            raise ValidationError(
                _("Please submit at most %(count)d new forms.") % {"count": INLINE_MAX_NUM},
                code="too_many_forms",
            )


class CheckedInline(CheckedFormFields, _Inline):
    """An inline whose formset takes at most INLINE_MAX_NUM new forms per request."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if issubclass(formset, BoundedFormSet):
            return formset
        return type(formset.__name__, (BoundedFormSet, formset), {})


def _checked_ids(view: Callable, pattern: URLPattern) -> Callable:
    """`view`, answering 404 unless each id in its URL is a row id: the parameters named
    `object_id`, `pk` or `<name>_id`, and the unnamed ones (django-simple-history's history
    version view takes the object's and the version's id so)."""
    regex = pattern.pattern.regex
    names = [
        name for name in regex.groupindex if name in ("object_id", "pk") or name.endswith("_id")
    ]
    if not names and not regex.groups:
        return view

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        given = [*args, *(kwargs[name] for name in names if name in kwargs)]
        if any(row_id(value) is None for value in given):
            raise Http404(_("No such row."))
        return view(request, *args, **kwargs)

    return checked


class CheckedAdmin(CheckedFormFields, _ModelAdmin):
    """Every ModelAdmin's base (see the module docstring)."""

    def get_urls(self):
        urls = super().get_urls()
        if has_integer_key(self.model):
            for pattern in urls:
                if isinstance(pattern, URLPattern):
                    pattern.callback = _checked_ids(pattern.callback, pattern)
        return urls

    def lookup_allowed(self, lookup, value, request=None):
        """Only the declared filters' parameters and the date hierarchy's; Django alone also
        takes any lookup on the model's own fields."""
        filters = list(self.get_list_filter(request))
        simple = {
            item.parameter_name
            for item in filters
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter)
        }
        if lookup in simple:
            return True
        paths = [
            str(item[0] if isinstance(item, list | tuple) else item)
            for item in filters
            if not isinstance(item, type)
        ]
        allowed = {f"{path}{LOOKUP_SEP}{suffix}" for path in paths for suffix in FILTER_SUFFIXES}
        if self.date_hierarchy:
            allowed |= {
                f"{self.date_hierarchy}{LOOKUP_SEP}{suffix}" for suffix in DATE_HIERARCHY_SUFFIXES
            }
        allowed |= set(paths)  # `?status=…`: the field itself, an exact lookup
        if lookup not in allowed:
            return False
        if self._takes_row_ids(lookup) and row_id(value) is None:
            return False
        return super().lookup_allowed(lookup, value, request)

    def _takes_row_ids(self, lookup: str) -> bool:
        """Whether `lookup` compares a relation or an integer with its value (exactly)."""
        path = lookup.removesuffix("__exact").removesuffix("__id").removesuffix("__pk")
        if lookup.endswith(("__isnull", "__isempty", "__gte", "__lt", "__year", "__month")):
            return False
        try:
            field = get_fields_from_path(self.model, path)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return False
        return field.is_relation or isinstance(field, models.IntegerField | models.AutoField)

    def response_action(self, request, queryset):
        chosen = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if has_integer_key(self.model) and any(row_id(value) is None for value in chosen):
            self.message_user(
                request, _("The selection names rows that do not exist."), messages.ERROR
            )
            return None  # the changelist answers with itself and the message
        return super().response_action(request, queryset)

    def get_changelist_formset(self, request, **kwargs):
        rows = max(self.list_per_page, self.list_max_show_all)  # a page's rows, at most
        kwargs.setdefault("max_num", rows)
        kwargs.setdefault("absolute_max", rows)
        return super().get_changelist_formset(request, **kwargs)

    # Refused writes: the page says why, after the rollback.

    def attempt(self, request: HttpRequest, call: Callable, *args, **kwargs) -> tuple[bool, Any]:
        """(True, what `call` returned), or (False, None) with the reason as a message."""
        try:
            with transaction.atomic():
                return True, call(*args, **kwargs)
        except SERVICE_ERRORS as error:
            self.message_user(request, message_for(error), messages.ERROR)
            return False, None

    def _refused(self, request: HttpRequest, message: str, status: int) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": message,
            "message": message,
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/refused.html", context, status=status)

    def _guarded(self, view, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            with transaction.atomic():  # the admin's log entries go too when a write is refused
                response = view(request, *args, **kwargs)
                if isinstance(response, TemplateResponse):
                    response.render()  # rendering queries too: inside the guard
                return response
        except WorkflowError as error:
            return self._refused(request, error.message, error.status_code)
        except IntegrityError as error:
            return self._refused(request, message_for(error), 409)
        except (ValidationError, DataError, OverflowError) as error:
            return self._refused(request, message_for(error), 400)

    def changeform_view(self, request, *args, **kwargs):
        return self._guarded(super().changeform_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._guarded(super().changelist_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._guarded(super().delete_view, request, *args, **kwargs)

    def history_view(self, request, *args, **kwargs):
        return self._guarded(super().history_view, request, *args, **kwargs)


def check_every_admin(site: admin.AdminSite) -> None:
    """Give the admins other packages register (auth, tokens, Celery beat, axes) the same
    parsing as ours: each becomes a subclass with CheckedAdmin first, its inlines CheckedInline.
    tracker's AppConfig.ready calls it once the registry is complete."""
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        inlines = [
            inline if issubclass(inline, CheckedInline) else _checked(CheckedInline, inline)
            for inline in model_admin.inlines
        ]
        if issubclass(cls, CheckedAdmin) and inlines == list(model_admin.inlines):
            continue
        checked = cls if issubclass(cls, CheckedAdmin) else _checked(CheckedAdmin, cls)
        checked.inlines = inlines  # type: ignore[attr-defined]  # a ModelAdmin subclass
        site.unregister(model)
        site.register(model, checked)


def _checked(base: type, cls: type) -> type:
    return type(cls.__name__, (base, cls), {"__module__": cls.__module__})
