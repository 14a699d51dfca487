"""Two editors saving the same object are told, never silently overwritten: every change form
carries the version it showed (tracker.versions) and the service refuses a stale save."""

import datetime

import pytest
from django.urls import reverse

from claims import services
from claims.models import Appearance, RatingLevel, Speaker, Topic
from tests.factories import (
    AppearanceFactory,
    ClaimFactory,
    OutletFactory,
    SourceFactory,
    SpeakerFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def _posted(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [str(each) for each in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _form_values(form, prefix: str = "") -> dict:
    values = {}
    for bound in form:
        value = _posted(bound.value())
        if value != "" or not isinstance(bound.value(), bool):
            values[bound.html_name] = value
    return values


def opened(client, url: str) -> dict:
    """The change form at `url` as its page shows it: what a Save posts untouched."""
    page = client.get(url)
    assert page.status_code == 200
    data = {**_form_values(page.context["adminform"].form), "_save": "Save"}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_values(formset.management_form))
        for form in formset.forms:
            data.update(_form_values(form))
    return data


def _speaker():
    return SpeakerFactory(name="Jenny Xiao", role="Analyst")


def _claim():
    return ClaimFactory(text="Unemployment halved in a year.", translation="")


def _review(checker):
    claim = ClaimFactory()
    services.claim_transition(claim_id=claim.pk, name="start_research", by=checker, note="")
    return services.review_start(claim=claim, by=checker)


CASES = {
    # model: (make it, the field editor B changes, the field editor A fixes)
    "speaker": (lambda who: _speaker(), "role", "name"),
    "topic": (lambda who: TopicFactory(name="Economy"), "name_vi", "name"),
    "outlet": (lambda who: OutletFactory(name="Daily"), "url", "name"),
    "source": (lambda who: SourceFactory(title="A report"), "title", "kind"),
    "ratinglevel": (lambda who: RatingLevel.objects.get(slug="false"), "label_vi", "label_en"),
    "claim": (lambda who: _claim(), "translation", "text"),
    "review": (_review, "summary", "reasoning"),
}
NEW_VALUES = {
    "role": "Minister",
    "name": "Fixed name",
    "name_vi": "Kinh tế",
    "url": "https://daily.example.org/",
    "title": "A report, renamed",
    "kind": "report",
    "label_vi": "Sai hoàn toàn",
    "label_en": "Wrong",
    "translation": "Thất nghiệp giảm một nửa.",
    "text": "Unemployment fell by half in one year.",
    "summary": "B's summary",
    "reasoning": "A's reasoning",
}


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("kind", CASES)
def test_a_stale_save_is_refused_with_what_changed_meanwhile(
    client, editor, editor2, checker, kind
):
    make, b_field, a_field = CASES[kind]
    obj = make(checker)
    a, b = (checker, checker) if kind == "review" else (editor, editor2)
    url = change_url(obj)

    client.force_login(a)
    a_form = opened(client, url)  # A opens the page
    client.force_login(b)
    b_form = opened(client, url)
    b_form[b_field] = NEW_VALUES[b_field]
    assert client.post(url, b_form).status_code == 302  # B saves first

    client.force_login(a)
    a_form[a_field] = NEW_VALUES[a_field]
    refused = client.post(url, a_form)  # A saves the page opened before B's save
    assert refused.status_code == 409
    text = refused.content.decode()
    assert "after you opened it" in text
    assert NEW_VALUES[b_field].replace("'", "&#x27;") in text  # what B changed, to redo A's
    obj.refresh_from_db()
    assert getattr(obj, b_field) == NEW_VALUES[b_field]  # B's change stands
    assert getattr(obj, a_field) != NEW_VALUES[a_field]  # nothing of A's stale form was saved

    a_form = opened(client, url)  # reloaded, A's change goes through
    a_form[a_field] = NEW_VALUES[a_field]
    assert client.post(url, a_form).status_code == 302
    obj.refresh_from_db()
    assert (getattr(obj, a_field), getattr(obj, b_field)) == (
        NEW_VALUES[a_field],
        NEW_VALUES[b_field],
    )


def test_the_issue_s_speaker_scenario_keeps_b_s_role(client, editor, editor2):
    speaker = SpeakerFactory(name="Jeny Xiao", role="Analyst")
    url = change_url(speaker)
    client.force_login(editor)
    a_form = opened(client, url)
    client.force_login(editor2)
    b_form = opened(client, url)
    b_form["role"] = "Minister"
    client.post(url, b_form)
    client.force_login(editor)
    a_form["name"] = "Jenny Xiao"
    page = client.post(url, a_form)
    assert page.status_code == 409
    assert "role or affiliation is now “Minister”" in page.content.decode()
    assert Speaker.objects.values_list("name", "role").get() == ("Jeny Xiao", "Minister")
    assert Speaker.history.count() == 2  # created, B's save: nothing of A's


def test_a_form_without_a_version_still_saves(client, editor):
    topic = TopicFactory(name="Economy")
    client.force_login(editor)
    data = opened(client, change_url(topic))
    del data["record_version"]
    data["name"] = "Economics"
    assert client.post(change_url(topic), data).status_code == 302
    assert Topic.objects.get().name == "Economics"


def test_a_stale_inline_row_is_refused_too(client, editor, editor2):
    claim = _claim()
    AppearanceFactory(claim=claim, quote="First wording", speaker=SpeakerFactory())
    url = change_url(claim)
    client.force_login(editor)
    a_form = opened(client, url)
    client.force_login(editor2)
    b_form = opened(client, url)
    b_form["appearances-0-quote"] = "B's wording"
    assert client.post(url, b_form).status_code == 302

    client.force_login(editor)
    a_form["appearances-0-context"] = "A's context"  # A's page still shows the first wording
    refused = client.post(url, a_form)
    assert refused.status_code == 409
    assert "appearances is now" in refused.content.decode()
    appearance = Appearance.objects.get()
    assert (appearance.quote, appearance.context) == ("B's wording", "")
