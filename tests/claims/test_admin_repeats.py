"""Repeats on the claim's desk page: recorded by a newsroom role, confirmed or rejected by an
Editor other than the recorder; a forged POST by anyone else changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Appearance, Claim
from claims.workflow import AppearanceState, Status
from tests.factories import AppearanceFactory

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record(client, claim, **fields):
    data = {
        "speaker": "Phạm Thị D",
        "url": "https://example.org/admin-repeat",
        "title": "Interview",
        "said_on": "2025-05-01",
        "quote": "Said again at the desk",
        "quote_language": "vi",
        **fields,
    }
    return client.post(reverse("admin:claims_claim_record_repeat", args=[claim.pk]), data)


def decide(client, appearance, **data):
    url = reverse("admin:claims_claim_decide_repeat", args=[appearance.claim_id, appearance.pk])
    return client.post(url, data)


@pytest.fixture
def published(make_claim):
    claim = make_claim("published")
    AppearanceFactory(claim=claim)
    return claim


def test_the_desk_records_a_repeat_and_another_editor_confirms_it(
    published, reporter, editor, editor2
):
    page = logged_in(reporter).get(reverse("admin:claims_claim_change", args=[published.pk]))
    assert 'id="record-repeat"' in page.content.decode()
    assert record(logged_in(reporter), published).status_code == 302
    repeat = Appearance.objects.get(claim=published, quote="Said again at the desk")
    assert repeat.state == AppearanceState.AWAITING_CONFIRMATION
    assert repeat.recorded_by == reporter and repeat.speaker.name == "Phạm Thị D"

    desk = logged_in(editor).get(reverse("admin:claims_claim_change", args=[published.pk]))
    assert f'data-appearance="{repeat.pk}"' in desk.content.decode()
    decide(logged_in(editor2), repeat, decision="confirm")

    repeat.refresh_from_db()
    assert repeat.state == AppearanceState.PUBLIC and repeat.confirmed_by == editor2
    assert Claim.objects.get(pk=published.pk).status == Status.PUBLISHED


@pytest.mark.parametrize("who", ["recorder", "reporter", "checker"])
def test_a_confirmation_by_anyone_else_changes_nothing(published, editor, who, request):
    record(logged_in(editor), published)
    repeat = Appearance.objects.get(claim=published, quote="Said again at the desk")
    user = editor if who == "recorder" else request.getfixturevalue(who)

    decide(logged_in(user), repeat, decision="confirm")
    decide(logged_in(user), repeat, decision="reject", reason="No")

    repeat.refresh_from_db()
    assert repeat.state == AppearanceState.AWAITING_CONFIRMATION
    assert repeat.history.count() == 1


def test_a_rejection_at_the_desk_keeps_the_reason(published, reporter, editor):
    record(logged_in(reporter), published)
    repeat = Appearance.objects.get(claim=published, quote="Said again at the desk")
    decide(logged_in(editor), repeat, decision="reject", reason="")
    assert Appearance.objects.get(pk=repeat.pk).state == AppearanceState.AWAITING_CONFIRMATION

    decide(logged_in(editor), repeat, decision="reject", reason="Another sentence")
    repeat.refresh_from_db()
    assert repeat.state == AppearanceState.REJECTED
    assert repeat.rejection_reason == "Another sentence"


def test_a_claim_in_review_takes_no_repeat_at_the_desk(make_claim, editor):
    claim = make_claim("in_review")
    page = logged_in(editor).get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert 'id="record-repeat"' not in page.content.decode()
    record(logged_in(editor), claim)
    assert not Appearance.objects.filter(claim=claim).exists()


def test_a_control_character_in_a_rejection_reason_is_a_message_not_a_500(
    published, reporter, editor
):
    record(logged_in(reporter), published)
    repeat = Appearance.objects.get(claim=published, quote="Said again at the desk")
    answer = decide(logged_in(editor), repeat, decision="reject", reason="Pasted\x0cfrom a PDF")
    assert answer.status_code == 302
    assert Appearance.objects.get(pk=repeat.pk).state == AppearanceState.AWAITING_CONFIRMATION


def test_the_desk_and_intake_reuse_the_speaker_and_source_already_filed(
    published, reporter, editor
):
    record(logged_in(reporter), published, speaker="Phạm Thị D", url="https://example.org/a")
    record(
        logged_in(editor),
        published,
        speaker="phạm Thị D",  # case aside (SQLite folds ASCII letters only)
        url="https://example.org/a?utm_source=x",
        quote="Said once more",
        said_on="2025-06-01",
    )
    first, second = (
        Appearance.objects.filter(claim=published)
        .exclude(state=AppearanceState.PUBLIC)
        .order_by("pk")
    )
    assert first.speaker_id == second.speaker_id
    assert first.source_id == second.source_id
