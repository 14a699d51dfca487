"""Repeats through the API: recorded by any newsroom role with `POST appearances/`, confirmed or
rejected by an Editor other than the recorder, announced as `claim.repeated`."""

import ipaddress
import threading

import pytest
from django.db import connection

from claims.models import Appearance, Claim
from claims.workflow import AppearanceState, Status
from tests.api_support import client_for
from tests.factories import AppearanceFactory, SourceFactory, SpeakerFactory
from tests.webhook_receiver import Receiver
from webhooks.models import Endpoint, Event

pytestmark = pytest.mark.django_db
SECRET = "s3cret-for-tests-only-0123456789"


def published(make_claim) -> Claim:
    claim = make_claim("published")
    AppearanceFactory(claim=claim)
    return claim


def body(claim, **fields) -> dict:
    speaker = fields.pop("speaker", None) or SpeakerFactory(name="Trần Thị B")
    source = fields.pop("source", None) or SourceFactory(url="https://example.org/again")
    return {
        "claim": claim.pk,
        "speaker": speaker.slug,
        "source": source.pk,
        "said_on": "2025-03-02",
        "quote": "Said again, word for word",
        "quote_language": "vi",
        **fields,
    }


def record(claim, user, **fields):
    return client_for(user).post("/api/v1/appearances/", body(claim, **fields), format="json")


def claim_etag(claim) -> str:
    return client_for().get(f"/api/v1/claims/{claim.pk}/")["ETag"]


@pytest.mark.parametrize("role", ["reporter", "checker", "editor"])
def test_any_newsroom_role_records_a_repeat_that_waits(make_claim, role, request):
    claim = published(make_claim)
    before = claim_etag(claim)

    answer = record(claim, request.getfixturevalue(role))

    assert answer.status_code == 201, answer.content
    assert answer.json()["state"] == "awaiting_confirmation"
    assert Claim.objects.get(pk=claim.pk).status == Status.PUBLISHED
    assert claim_etag(claim) == before
    public = client_for().get(f"/api/v1/appearances/?claim={claim.pk}").json()["results"]
    assert answer.json()["id"] not in [a["id"] for a in public]
    assert client_for().get(f"/api/v1/appearances/{answer.json()['id']}/").status_code == 404


def test_a_second_editor_confirms_and_the_claim_etag_moves(make_claim, reporter, editor2):
    claim = published(make_claim)
    repeat = record(claim, reporter).json()
    before = claim_etag(claim)

    answer = client_for(editor2).post(f"/api/v1/appearances/{repeat['id']}/confirm/")

    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "public"
    assert answer.json()["confirmed_by"] == editor2.username
    assert claim_etag(claim) != before
    shown = client_for().get(f"/api/v1/claims/{claim.pk}/").json()["appearances"]
    confirmed = {a["id"]: a["confirmed_at"] for a in shown}
    assert confirmed[repeat["id"]] == answer.json()["confirmed_at"]
    assert [at for pk, at in confirmed.items() if pk != repeat["id"]] == [None]
    assert Claim.objects.get(pk=claim.pk).status == Status.PUBLISHED


@pytest.mark.parametrize(
    ("who", "status"),
    [("recorder", 403), ("reporter", 403), ("checker", 403), ("outsider", 403), ("anon", 401)],
)
def test_who_may_not_confirm_gets_refused_and_nothing_changes(
    make_claim, editor, who, status, request
):
    claim = published(make_claim)
    repeat = record(claim, editor).json()
    known = {"recorder": editor, "anon": None}
    user = known[who] if who in known else request.getfixturevalue(who)
    before = claim_etag(claim)

    for action, data in (("confirm", {}), ("reject", {"reason": "No"})):
        answer = client_for(user).post(
            f"/api/v1/appearances/{repeat['id']}/{action}/", data, format="json"
        )
        assert answer.status_code == status, answer.content
    appearance = Appearance.objects.get(pk=repeat["id"])
    assert appearance.state == AppearanceState.AWAITING_CONFIRMATION
    assert appearance.history.count() == 1
    assert claim_etag(claim) == before


def test_a_rejection_needs_a_reason_and_keeps_the_repeat_unseen(make_claim, reporter, editor):
    claim = published(make_claim)
    repeat = record(claim, reporter).json()
    url = f"/api/v1/appearances/{repeat['id']}/reject/"

    assert client_for(editor).post(url, {}, format="json").status_code == 400
    answer = client_for(editor).post(url, {"reason": "Misquoted"}, format="json")

    assert answer.status_code == 200
    assert answer.json()["state"] == "rejected"
    assert answer.json()["rejection_reason"] == "Misquoted"
    confirm = client_for(editor).post(f"/api/v1/appearances/{repeat['id']}/confirm/")
    assert confirm.status_code == 409


def test_confirming_twice_answers_409(make_claim, reporter, editor, editor2):
    claim = published(make_claim)
    repeat = record(claim, reporter).json()
    assert (
        client_for(editor).post(f"/api/v1/appearances/{repeat['id']}/confirm/").status_code == 200
    )
    late = client_for(editor2).post(f"/api/v1/appearances/{repeat['id']}/confirm/")
    assert late.status_code == 409
    assert "already" in late.json()["detail"]
    assert Appearance.objects.get(pk=repeat["id"]).confirmed_by == editor


@pytest.mark.parametrize("status", ["in_review", "rejected"])
def test_a_repeat_of_a_claim_without_a_standing_verdict_answers_409(make_claim, reporter, status):
    claim = make_claim(status)
    answer = record(claim, reporter)
    assert answer.status_code == 409
    assert answer.json()["detail"]
    assert not Appearance.objects.filter(claim=claim).exists()


def test_the_same_appearance_twice_answers_409_naming_the_first(make_claim, reporter, checker):
    claim = published(make_claim)
    source = SourceFactory(url="https://example.org/again")
    speaker = SpeakerFactory(name="Trần Thị B")
    first = record(claim, reporter, source=source, speaker=speaker).json()

    again = record(claim, checker, source=source, speaker=speaker)

    assert again.status_code == 409
    assert f"#{first['id']}" in again.json()["detail"]
    assert Appearance.objects.filter(claim=claim).count() == 2


def test_a_public_appearance_is_frozen_in_the_api(make_claim, reporter, editor):
    claim = published(make_claim)
    repeat = record(claim, reporter).json()
    client_for(editor).post(f"/api/v1/appearances/{repeat['id']}/confirm/")
    for field, value in (("quote", "Rewritten"), ("said_on", "2020-01-01")):
        answer = client_for(editor).patch(
            f"/api/v1/appearances/{repeat['id']}/", {field: value}, format="json"
        )
        assert answer.status_code == 409
    assert client_for(editor).delete(f"/api/v1/appearances/{repeat['id']}/").status_code == 409


def test_repeated_since_lists_the_repeats_confirmed_since_a_date(make_claim, reporter, editor):
    claim = published(make_claim)
    repeat = record(claim, reporter).json()
    waiting = record(claim, reporter, source=SourceFactory(url="https://example.org/w")).json()
    client_for(editor).post(f"/api/v1/appearances/{repeat['id']}/confirm/")

    listed = client_for().get("/api/v1/appearances/?repeated_since=2000-01-01").json()["results"]
    assert [a["id"] for a in listed] == [repeat["id"]]
    assert (
        client_for().get("/api/v1/appearances/?repeated_since=2999-01-01").json()["results"] == []
    )
    to_confirm = client_for(editor).get("/api/v1/appearances/?state=awaiting_confirmation")
    assert [a["id"] for a in to_confirm.json()["results"]] == [waiting["id"]]


@pytest.fixture
def receiver(settings):
    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    from tracker.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    server = Receiver().start()
    yield server
    server.stop()
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def test_a_confirmed_repeat_is_announced_as_claim_repeated_and_nothing_else(
    make_claim, reporter, editor, outsider, receiver, django_capture_on_commit_callbacks
):
    claim = published(make_claim)
    Endpoint.objects.create(owner=outsider, url=receiver.url(), secret=SECRET)

    with django_capture_on_commit_callbacks(execute=True):
        repeat = record(claim, reporter).json()
        rejected = record(claim, reporter, source=SourceFactory(url="https://example.org/r"))
        client_for(editor).post(
            f"/api/v1/appearances/{rejected.json()['id']}/reject/", {"reason": "No"}, format="json"
        )
    assert receiver.types == []  # nothing readers see changed

    with django_capture_on_commit_callbacks(execute=True):
        client_for(editor).post(f"/api/v1/appearances/{repeat['id']}/confirm/")

    assert receiver.types == ["claim.repeated"]
    sent = receiver.received[0].json
    assert sent["data"]["appearance"]["id"] == repeat["id"]
    assert repeat["id"] in [a["id"] for a in sent["data"]["claim"]["appearances"]]
    assert Event.objects.get().type == "claim.repeated"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_editors_confirming_at_once_one_wins_the_other_gets_409(
    make_claim, reporter, editor, editor2
):
    claim = published(make_claim)
    repeat = record(claim, reporter).json()
    barrier = threading.Barrier(2)
    answers = []

    def confirm(user):
        barrier.wait()
        try:
            answers.append(
                client_for(user).post(f"/api/v1/appearances/{repeat['id']}/confirm/").status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(u,)) for u in (editor, editor2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers) == [200, 409]
    appearance = Appearance.objects.get(pk=repeat["id"])
    assert appearance.state == AppearanceState.PUBLIC
    assert appearance.history.filter(state=AppearanceState.PUBLIC).count() == 1
