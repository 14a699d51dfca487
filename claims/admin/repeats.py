"""Repeats on the claim's desk page: record a published claim said again, and confirm or reject
the repeats waiting (claims.services does each; this module reads the forms and answers)."""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claims import edits, services, workflow
from claims.models import Appearance, Claim, Speaker
from claims.workflow import AppearanceState
from sources.models import LANGUAGE_CHOICES
from tracker.refusals import InvalidAction, WorkflowError

KNOWN_SPEAKER = re.compile(r"\(#([0-9]{1,18})\)\s*$")


class RepeatForm(forms.Form):
    speaker = forms.CharField(
        label=_("Speaker"),
        max_length=200,
        help_text=_("A known speaker as “Name (#id)”, or a name: that speaker, or a new one."),
    )
    url = forms.URLField(label=_("Where it was said (URL)"), required=False, assume_scheme="https")
    title = forms.CharField(label=_("Title of the source"), max_length=500)
    said_on = forms.DateField(label=_("Date said"), required=False)
    quote = forms.CharField(label=_("Verbatim quote"), widget=forms.Textarea(attrs={"rows": 3}))
    quote_language = forms.ChoiceField(label=_("Quote language"), choices=LANGUAGE_CHOICES)


def _speaker(value: str, *, by) -> Speaker:
    known = KNOWN_SPEAKER.search(value)
    if known:
        speaker = Speaker.objects.filter(pk=int(known[1])).first()
        if speaker is None:
            raise InvalidAction(_("There is no such speaker."), field="speaker")
        return speaker
    speaker, _created = edits.speaker_for_name(name=value, by=by)
    return speaker


def repeats_context(claim: Claim, user) -> dict:
    """The claim page's repeats panel: every repeat with its state, the form when the claim
    takes one, and whether `user` may decide on those waiting."""
    waiting_or_decided = Q(
        state__in=[AppearanceState.AWAITING_CONFIRMATION, AppearanceState.REJECTED]
    ) | Q(confirmed_at__isnull=False)
    repeats = (
        claim.appearances.filter(waiting_or_decided)
        .select_related("speaker", "source", "recorded_by", "confirmed_by")
        .order_by("-recorded_at", "-id")
    )
    return {
        "repeats": repeats,
        "repeat_form": RepeatForm()
        if workflow.repeat_refusal(claim) is None and user.has_perm("claims.add_appearance")
        else None,
        "decides_repeats": user.has_perm(workflow.EDITOR_PERMISSION),
    }


def _back(claim_pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim_pk]) + "#repeats")


def record_view(model_admin, request: HttpRequest, pk: int) -> HttpResponseRedirect:
    claim = get_object_or_404(Claim, pk=pk)
    if not model_admin.has_view_permission(request, claim):
        raise PermissionDenied
    form = RepeatForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[k].label}: {' '.join(map(str, v))}" for k, v in form.errors.items()
        )
        model_admin.message_user(request, errors, messages.ERROR)
        return _back(pk)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            appearance = services.appearance_record_repeat(
                claim=claim,
                by=request.user,
                speaker=_speaker(data["speaker"], by=request.user),
                source=edits.source_for_url(
                    url=data["url"],
                    by=request.user,
                    title=data["title"],
                    language=data["quote_language"],
                ),
                said_on=data["said_on"],
                quote=data["quote"],
                quote_language=data["quote_language"],
            )
    except WorkflowError as error:
        model_admin.message_user(request, error.message, messages.ERROR)
    except ValidationError as error:
        model_admin.message_user(request, "; ".join(error.messages), messages.ERROR)
    else:
        model_admin.message_user(
            request,
            _("Repeat #%(id)s recorded: it is public once another Editor confirms it.")
            % {"id": appearance.pk},
            messages.SUCCESS,
        )
    return _back(pk)


def decide_view(model_admin, request: HttpRequest, pk: int, appearance_id: int):
    appearance = get_object_or_404(Appearance, pk=appearance_id, claim_id=pk)
    decision = request.POST.get("decision")
    try:
        if decision == "confirm":
            services.appearance_confirm(appearance_id=appearance.pk, by=request.user)
            done = _("Repeat #%(id)s confirmed: readers see it now.")
        elif decision == "reject":
            services.appearance_reject(
                appearance_id=appearance.pk, by=request.user, reason=request.POST.get("reason", "")
            )
            done = _("Repeat #%(id)s rejected.")
        else:
            raise InvalidAction(_("Confirm or reject."))
    except WorkflowError as error:
        model_admin.message_user(request, error.message, messages.ERROR)
    except ValidationError as error:  # e.g. a control character pasted into the reason
        model_admin.message_user(request, "; ".join(error.messages), messages.ERROR)
    else:
        model_admin.message_user(request, done % {"id": appearance.pk}, messages.SUCCESS)
    return _back(pk)
