"""The desk's forms: an article in, and the Reporter's choices read back from the desk page."""

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intake.services import Choice


class StartForm(forms.Form):
    url = forms.URLField(
        label=_("Article address"), required=False, max_length=2000, assume_scheme="https"
    )
    text = forms.CharField(
        label=_("…or paste the article"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Guess")), ("vi", "Tiếng Việt"), ("en", "English")],
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        limit = settings.INTAKE_MAX_BYTES
        if len(text.encode()) > limit:
            raise ValidationError(
                _("The article is larger than %(mb)s MB: paste a part of it.")
                % {"mb": f"{limit / (1024 * 1024):g}"},
                code="too_large",
            )
        return text

    def clean(self):
        data = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        if self.errors:  # a bad address or text has its own error; "give either" would confuse
            return data
        if bool(data.get("url")) == bool((data.get("text") or "").strip()):
            raise ValidationError(_("Give either the article's address or its text."))
        return data


# An id as the desk writes it: ASCII digits (str.isdigit() also takes "²", which int() refuses),
# at most 18 of them (int() refuses more than 4,300; no row id has more than 19).
ID = r"[0-9]{1,18}"
KNOWN_SPEAKER = re.compile(rf"\(#({ID})\)\s*$")


def _int(value: str) -> int | None:
    return int(value) if re.fullmatch(ID, value or "") else None


def _speaker(value: str) -> tuple[int | None, str]:
    """(speaker id, new name) from a speaker field: "Jenny Xiao (#7)" as the desk's list
    offers a known speaker, or a name typed in (an existing speaker of exactly that name, or
    a new one)."""
    known = KNOWN_SPEAKER.search(value)
    return (int(known[1]), "") if known else (None, value.strip())


def choices_from(post, candidate_count: int) -> list[Choice]:
    """One Choice per ticked sentence: fields `pick`, `speaker-N` (see `_speaker`), `action-N`
    ("new" or a claim id) and `translation-N`."""
    chosen = []
    for raw in post.getlist("pick"):
        index = _int(raw)
        if index is None or index >= candidate_count:
            continue
        action = post.get(f"action-{index}", "new")
        speaker_id, new_speaker = _speaker(post.get(f"speaker-{index}", ""))
        chosen.append(
            Choice(
                index=index,
                speaker_id=speaker_id,
                new_speaker=new_speaker,
                repeat_of=None if action == "new" else _int(action),
                translation=post.get(f"translation-{index}", "").strip(),
            )
        )
    return chosen
