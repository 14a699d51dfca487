"""The desk's forms: an article in, and the Reporter's choices read back from the desk page."""

from django import forms
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

    def clean(self):
        data = super().clean()
        if bool(data.get("url")) == bool((data.get("text") or "").strip()):
            raise ValidationError(_("Give either the article's address or its text."))
        return data


def _int(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


def choices_from(post, candidate_count: int) -> list[Choice]:
    """One Choice per ticked sentence: fields `pick`, `speaker-N`, `new_speaker-N`,
    `action-N` ("new" or a claim id) and `translation-N`."""
    chosen = []
    for raw in post.getlist("pick"):
        index = _int(raw)
        if index is None or index >= candidate_count:
            continue
        action = post.get(f"action-{index}", "new")
        chosen.append(
            Choice(
                index=index,
                speaker_id=_int(post.get(f"speaker-{index}", "")),
                new_speaker=post.get(f"new_speaker-{index}", "").strip(),
                repeat_of=None if action == "new" else _int(action),
                translation=post.get(f"translation-{index}", "").strip(),
            )
        )
    return chosen
