"""The editors' desk in Vietnamese: an Editor whose browser asks for Vietnamese meets none of
the catalogue's English strings on the desk's pages (a claim due for a re-check with a repeat
waiting, the queues, link health and the ClaimReview import), refusals included. Django's own
admin text comes from Django's catalogue; this holds ours."""

import re
from pathlib import Path

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.models import Claim, Review
from tests.browser.test_i18n_browser import english_fragments, english_in, records_text
from tests.factories import SourceFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def interface_text(html: str) -> str:
    """What the page shows and reads aloud, without scripts and without content marked as
    written in another language. Not `alt`: the admin's icons carry Django's fixed English
    ("Search"), which no catalogue reaches."""
    page = lxml.html.fromstring(html)
    for element in page.xpath(
        "//script | //style | //template | //*[@lang][not(starts-with(@lang, 'vi'))]"
    ):
        element.drop_tree()
    labels = [
        value
        for name in ("title", "aria-label", "placeholder")
        for value in page.xpath(f"//@{name}")
    ]
    return "\n".join([page.text_content(), *labels])


@pytest.fixture
def desk(make_claim, editor, reporter):
    claim = make_claim("published", text="Giá điện tăng 5% trong năm 2024.", translation="")
    services.appearance_record_repeat(
        claim=claim,
        by=reporter,
        speaker=SpeakerFactory(name="Trần Văn B"),
        source=SourceFactory(title="Phỏng vấn"),
        said_on=timezone.localdate(),
        quote="Giá điện đã tăng 5%.",
        quote_language="vi",
    )
    Review.objects.filter(pk=Claim.objects.get(pk=claim.pk).published_review_id).update(
        recheck_after=timezone.localdate()
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(editor)
    return client, claim


def test_the_desk_pages_in_vietnamese_carry_no_interface_text_in_english(desk):
    client, claim = desk
    pages = {
        "index": reverse("admin:index"),
        "claim": reverse("admin:claims_claim_change", args=[claim.pk]),
        "recheck-queue": reverse("admin:claims_claim_changelist") + "?queue=recheck",
        "links": reverse("admin:sources_link_changelist"),
        "import-claimreview": reverse("admin:exchange_externalreview_changelist") + "import/",
        "intake": reverse("admin:intake_articleimport_changelist"),
    }
    read = {}
    for name, url in pages.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, name
        read[name] = interface_text(response.content.decode())
    fragments = english_fragments(records_text())

    assert "Đến hạn kiểm chứng lại" in read["claim"] and "Chờ xác nhận" in read["claim"]
    assert {name: english_in(text, fragments) for name, text in read.items()} == {
        name: [] for name in pages
    }


def test_a_desk_refusal_is_in_vietnamese(desk, editor):
    client, claim = desk
    repeat = claim.appearances.get(state="awaiting_confirmation")
    response = client.post(
        reverse("admin:claims_claim_decide_repeat", args=[claim.pk, repeat.pk]),
        {"decision": "reject", "reason": ""},
        follow=True,
    )

    text = interface_text(response.content.decode())
    assert "Hãy ghi lý do từ chối lần nhắc lại." in text
    assert english_in(text, english_fragments(records_text())) == []


def test_every_message_of_the_admin_and_of_simple_history_has_its_vietnamese():
    """Their catalogues (the admin's English one lists every message it has; simple-history
    ships none in Vietnamese, its French one lists them) against what a Vietnamese Editor
    gets: ours fills the gaps (tracker/library_messages.py)."""
    import django.contrib.admin
    import polib
    import simple_history
    from django.utils import translation

    catalogues = [
        Path(django.contrib.admin.__file__).parent / "locale/en/LC_MESSAGES/django.po",
        Path(simple_history.__file__).parent / "locale/fr/LC_MESSAGES/django.po",
    ]
    messages = [
        entry
        for path in catalogues
        for entry in polib.pofile(str(path))
        if re.sub(r"%\(\w+\)s", "", entry.msgid).strip()  # not only placeholders
    ]
    assert len(messages) > 200

    with translation.override("vi"):
        untranslated = [
            entry.msgid
            for entry in messages
            if (
                translation.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgid_plural
                if entry.msgid_plural
                else translation.pgettext(entry.msgctxt, entry.msgid) == entry.msgid
                if entry.msgctxt
                else translation.gettext(entry.msgid) == entry.msgid
            )
        ]
    assert untranslated == []


def test_every_admin_column_of_a_field_is_named_in_vietnamese():
    """A field without a verbose_name shows its attribute name, in English, as the admin's
    column header (it was "Claim" in the transition log, "Created by" in corrections)."""
    from django.contrib import admin
    from django.core.exceptions import FieldDoesNotExist
    from django.utils import translation

    unnamed = []
    with translation.override("vi"):
        for model, model_admin in admin.site._registry.items():
            for name in model_admin.list_display:
                try:
                    field = model._meta.get_field(name) if isinstance(name, str) else None
                except FieldDoesNotExist:
                    continue  # a method or a callable: its own short_description
                if field is not None and str(field.verbose_name) == name.replace("_", " "):
                    unnamed.append(f"{model.__name__}.{name}")  # Django's untranslated default
    assert unnamed == []
