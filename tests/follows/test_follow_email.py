"""Following by email, against a real SMTP server (aiosmtpd): double opt-in, one-click
unsubscribe, nothing that tells who follows what, limits, and news that reaches each follower
once, sent by Celery tasks after the commit, never in the request."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from claims import services
from claims.events import claim_announced
from claims.models import Topic
from follows.models import Follow, NoticeBatch
from tests.factories import SourceFactory, SpeakerFactory
from tests.site_data import add_appearance, correct, fresh_page_cache  # noqa: F401


@pytest.fixture(autouse=True)
def roomy_limits(settings):
    settings.FOLLOW_REQUESTS_PER_HOUR = 1000
    cache.delete("follow-requests:127.0.0.1")


@pytest.fixture
def claim(make_claim):
    claim = make_claim("published", rating="half-true")
    claim.topics.add(Topic.objects.create(name="Economy", name_vi="Kinh tế", slug="economy"))
    add_appearance(claim, speaker=SpeakerFactory(name="Lê Văn C", slug="le-van-c"))
    return claim


def ask(client, email: str, kind: str, key) -> object:
    return client.post(f"/follow/{kind}/{key}/", {"email": email})


def link_in(message, path: str) -> str:
    found = re.search(rf"https://claimtrack\.example\.org({path}[^\s]+/)", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def follow_confirmed(client, inbox, email: str, kind: str, key, callbacks) -> Follow:
    with callbacks(execute=True):
        ask(client, email, kind, key)
    confirm = link_in(inbox.to(email)[-1], "/follow/confirm/")
    with callbacks(execute=True):
        assert client.post(confirm).status_code == 200
    return Follow.objects.get(email=email, kind=kind)


def test_asking_mails_a_confirmation_after_the_commit_never_in_the_request(
    client, claim, inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = ask(client, "Reader@Example.ORG", "claim", claim.pk)
    assert response.status_code == 302
    assert response["Location"] == f"/follow/claim/{claim.pk}/asked/"
    assert inbox.messages == [] and len(callbacks) == 1  # the request only queued the task
    callbacks[0]()
    [message] = inbox.to("reader@example.org")
    assert "Confirm: follow" in message["Subject"]
    assert message["From"] == "Claimtrack Test Desk <noreply@claimtrack.example.org>"
    assert "List-Unsubscribe" not in message  # nothing to leave yet
    confirm = link_in(message, "/follow/confirm/")
    page = client.get(confirm)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and b'<button type="submit">Confirm</button>' in page.content
    assert Follow.objects.get().confirmed_at is None


def test_a_malformed_address_is_a_form_error(client, claim, inbox):
    for bad in ["not-an-address", "a@b@c.org", "x" * 250 + "@example.org", ""]:
        response = ask(client, bad, "claim", claim.pk)
        assert response.status_code == 400, bad
        assert b'aria-invalid="true"' in response.content
    assert not Follow.objects.exists() and inbox.messages == []


def test_the_answer_is_the_same_whether_or_not_the_address_follows(
    client, claim, inbox, django_capture_on_commit_callbacks
):
    follow_confirmed(
        client, inbox, "old@example.org", "claim", claim.pk, django_capture_on_commit_callbacks
    )
    inbox.clear()
    answers = []
    for address in ["new@example.org", "new@example.org", "old@example.org"]:
        with django_capture_on_commit_callbacks(execute=True):
            response = ask(client, address, "claim", claim.pk)
        asked = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], asked.content))
    assert answers[0] == answers[1] == answers[2]
    assert len(inbox.to("new@example.org")) == 1  # asked twice within the hour: one mail
    assert inbox.to("old@example.org") == []  # follows already: no mail at all


def test_confirming_twice_sends_no_second_email(
    client, claim, inbox, django_capture_on_commit_callbacks
):
    follow = follow_confirmed(
        client, inbox, "twice@example.org", "claim", claim.pk, django_capture_on_commit_callbacks
    )
    assert follow.confirmed_at is not None
    confirmation, welcome = inbox.to("twice@example.org")
    assert welcome["Subject"].strip().startswith("You now follow")
    confirm = link_in(confirmation, "/follow/confirm/")
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(confirm)
    assert again.status_code == 200 and b"You follow" in again.content
    assert len(inbox.to("twice@example.org")) == 2
    Follow.objects.filter(pk=follow.pk).update(confirmation_sent_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "twice@example.org", "claim", claim.pk)  # asking again once following
    assert len(inbox.to("twice@example.org")) == 2


def test_one_click_unsubscribe_forgets_the_follow(
    client, claim, inbox, django_capture_on_commit_callbacks, editor, checker
):
    follow_confirmed(
        client, inbox, "leave@example.org", "claim", claim.pk, django_capture_on_commit_callbacks
    )
    welcome = inbox.to("leave@example.org")[-1]
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(
        r"<https://claimtrack\.example\.org(/follow/unsubscribe/[^>]+/)>",
        "".join(str(welcome["List-Unsubscribe"]).split()),  # unfolded
    )
    assert url, welcome["List-Unsubscribe"]
    mail_client = Client(enforce_csrf_checks=True)  # a mail provider: no session, no CSRF token
    response = mail_client.post(
        url.group(1), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and not Follow.objects.exists()
    assert mail_client.post(url.group(1)).status_code == 200  # again: still fine
    inbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        correct(claim, editor=editor, checker=checker, rating="false")
    assert inbox.messages == []


def test_corrections_and_repeats_reach_each_follower_once(
    client, claim, inbox, django_capture_on_commit_callbacks, editor, editor2, checker, reporter,
    settings, make_claim,
):  # fmt: skip
    settings.FOLLOW_BATCH_SIZE = 2  # several batches
    callbacks = django_capture_on_commit_callbacks
    other = make_claim("published")
    follows = {
        "claim@example.org": [("claim", claim.pk)],
        "speaker@example.org": [("speaker", "le-van-c")],
        "topic@example.org": [("topic", "economy")],
        "all@example.org": [("claim", claim.pk), ("speaker", "le-van-c"), ("topic", "economy")],
        "other@example.org": [("claim", other.pk)],
    }
    for address, targets in follows.items():
        for kind, key in targets:
            follow_confirmed(client, inbox, address, kind, key, callbacks)
    with callbacks(execute=True):
        ask(client, "pending@example.org", "claim", claim.pk)
    inbox.clear()

    with callbacks(execute=True):
        correct(claim, editor=editor, checker=checker, rating="false", note="New data.")
    hearing = ["claim@example.org", "speaker@example.org", "topic@example.org", "all@example.org"]
    for address in hearing:
        [message] = inbox.to(address)
        assert message["Subject"].strip().startswith("Corrected:")
        assert "Half true → False" in message.get_content() and "New data." in message.get_content()
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(inbox.messages) == 4
    assert NoticeBatch.objects.filter(state="sent").count() == 2

    with callbacks(execute=True):  # the same announcement again: no second mail
        claim_announced.send(sender=None, claim_id=claim.pk, event="claim.corrected")
    assert len(inbox.messages) == 4

    inbox.clear()
    with callbacks(execute=True):
        repeat = services.appearance_record_repeat(
            claim=claim,
            by=reporter,
            speaker=SpeakerFactory(name="Trần Thị D", slug="tran-thi-d"),
            source=SourceFactory(),
            quote="Said once more",
            quote_language="vi",
        )
        services.appearance_confirm(appearance_id=repeat.pk, by=editor2)
    for address in hearing:
        [message] = inbox.to(address)
        assert message["Subject"].strip().startswith("Said again:")
        assert "Trần Thị D said it again" in message.get_content()
    assert len(inbox.messages) == 4


def test_follow_requests_are_rate_limited_per_client_and_per_address(
    client, claim, inbox, settings, make_claim, django_capture_on_commit_callbacks
):
    settings.FOLLOW_CONFIRMATIONS_PER_DAY = 2
    others = [make_claim("published") for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for target in [claim, *others]:
            assert ask(client, "busy@example.org", "claim", target.pk).status_code == 302
    assert len(inbox.to("busy@example.org")) == 2  # the rest dropped, with the same answer

    settings.FOLLOW_REQUESTS_PER_HOUR = 3
    cache.delete("follow-requests:127.0.0.1")
    codes = [ask(client, f"r{i}@example.org", "claim", claim.pk).status_code for i in range(4)]
    assert codes == [302, 302, 302, 429]


def test_only_public_things_can_be_followed(client, make_claim, inbox):
    draft = make_claim("in_review")
    urls = [f"/follow/claim/{draft.pk}/", "/follow/claim/999999/", "/follow/speaker/nobody/",
            "/follow/topic/nothing/", "/follow/planet/earth/", "/follow/confirm/nope/"]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"email": "a@example.org"}).status_code == 404, url
    assert not Follow.objects.exists() and inbox.messages == []
