"""An edit shown by many claims moves their updated_at (ETag) in the request, and leaves the
rebuild of their search text to a task after the commit; a few claims are rebuilt at once."""

import pytest
from django.db import transaction

from claims import dependents, edits
from claims.dependents import refresh_search_text_task as refresh_search_text
from claims.events import faces_changed
from claims.models import Claim
from sources.models import Outlet
from tests.factories import SourceFactory, SpeakerFactory
from tests.site_data import add_appearance
from tests.worker_support import wait_for
from tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def said_by_one_speaker(make_claim):
    speaker = SpeakerFactory(name="Ngoc Anh")
    claims = [make_claim("published") for _ in range(3)]
    for claim in claims:
        add_appearance(claim, speaker=speaker)
    return speaker, claims


def documents(claims) -> list[str]:
    return list(
        Claim.objects.filter(pk__in=[c.pk for c in claims])
        .order_by("pk")
        .values_list("search_document", flat=True)
    )


def stamps(claims) -> list:
    return list(
        Claim.objects.filter(pk__in=[c.pk for c in claims])
        .order_by("pk")
        .values_list("updated_at", flat=True)
    )


def run_sent_tasks(callbacks) -> None:
    """Run captured on-commit callbacks with tasks run as they are sent (no worker here)."""
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
    try:
        for callback in callbacks:
            callback()
    finally:
        celery_app.conf.task_always_eager = eager


def test_a_few_claims_get_their_search_text_in_the_same_transaction(said_by_one_speaker, editor):
    speaker, claims = said_by_one_speaker
    with transaction.atomic():
        edits.speaker_update(speaker=speaker, by=editor, name="Zuberi Quang")
        assert all("zuberi quang" in d for d in documents(claims))


def test_many_claims_get_their_search_text_from_a_task_after_the_commit(
    said_by_one_speaker, editor, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(dependents, "SEARCH_INLINE_MAX", 2)
    speaker, claims = said_by_one_speaker
    before = stamps(claims)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edits.speaker_update(speaker=speaker, by=editor, name="Zuberi Quang")
        # In the request: ETags and updated_since move at once; the search text waits.
        assert all(new > old for new, old in zip(stamps(claims), before, strict=True))
        assert not any("zuberi" in d for d in documents(claims))
    assert callbacks
    run_sent_tasks(callbacks)
    assert all("zuberi quang" in d for d in documents(claims))


def test_an_edit_shown_by_very_many_claims_touches_them_in_tasks_after_the_commit(
    said_by_one_speaker, editor, monkeypatch, django_capture_on_commit_callbacks
):
    """Past TOUCH_INLINE_MAX claims the request only retires cached pages; tasks (batches of
    TOUCH_TASK_BATCH) then move updated_at, rebuild the search text and tell webhooks."""
    monkeypatch.setattr(dependents, "TOUCH_INLINE_MAX", 2)
    monkeypatch.setattr(dependents, "TOUCH_TASK_BATCH", 2)
    speaker, claims = said_by_one_speaker
    before = stamps(claims)
    told: list[frozenset] = []

    def listen(sender, claim_ids, **kwargs):
        told.append(claim_ids)

    faces_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            edits.speaker_update(speaker=speaker, by=editor, name="Zuberi Quang")
            assert stamps(claims) == before and not told
            assert not any("zuberi" in d for d in documents(claims))
        run_sent_tasks(callbacks)
    finally:
        faces_changed.disconnect(listen)
    assert all(new > old for new, old in zip(stamps(claims), before, strict=True))
    assert all("zuberi quang" in d for d in documents(claims))
    assert sorted(len(ids) for ids in told) == [1, 2]  # two batches, every claim once
    assert frozenset().union(*told) == {c.pk for c in claims}


@pytest.mark.parametrize("said_times, deferred", [(1, False), (2, True)])
def test_an_outlet_is_read_part_by_part_and_repeated_rows_never_hide_a_claim(
    make_claim, editor, monkeypatch, django_capture_on_commit_callbacks, said_times, deferred
):
    """An outlet shows claims two ways (said in its sources, cited by verdicts): each way is read
    up to TOUCH_INLINE_MAX + 1 rows. Two claims, each said there `said_times` times: at the
    limit of 2 rows the edit is touched in the request; past it (4 rows, still 2 claims) the
    task reads every claim, and both are touched either way."""
    monkeypatch.setattr(dependents, "TOUCH_INLINE_MAX", 2)
    outlet = Outlet.objects.create(name="Bao Moi")
    source = SourceFactory(outlet=outlet)
    claims = [make_claim("published") for _ in range(2)]
    for claim in claims:
        for _ in range(said_times):
            add_appearance(claim, source=source)
    before = stamps(claims)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edits.outlet_update(outlet=outlet, by=editor, name="Bao Moi Online")
        assert (stamps(claims) == before) is deferred
    run_sent_tasks(callbacks)
    assert all(new > old for new, old in zip(stamps(claims), before, strict=True))


def test_the_task_can_run_twice(said_by_one_speaker, django_assert_max_num_queries):
    speaker, claims = said_by_one_speaker
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(search_document="")
    refresh_search_text([c.pk for c in claims])
    rebuilt = documents(claims)
    assert all("ngoc anh" in d for d in rebuilt)
    with django_assert_max_num_queries(5):  # reads only: nothing is stale, nothing written
        refresh_search_text([c.pk for c in claims])
    assert documents(claims) == rebuilt


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("threshold", ["SEARCH_INLINE_MAX", "TOUCH_INLINE_MAX"])
def test_a_worker_finishes_an_edit_shown_by_many_claims(
    said_by_one_speaker,
    editor,
    monkeypatch,
    threshold,
    worker,
):
    """Past SEARCH_INLINE_MAX a worker rebuilds the search text; past TOUCH_INLINE_MAX the
    request reads no ids at all and a worker reads them, then touches them."""
    monkeypatch.setattr(dependents, threshold, 2)
    speaker, claims = said_by_one_speaker
    before = stamps(claims)
    edits.speaker_update(speaker=speaker, by=editor, name="Zuberi Quang")
    wait_for(
        lambda: (
            all(new > old for new, old in zip(stamps(claims), before, strict=True))
            and all("zuberi quang" in d for d in documents(claims))
        ),
        60,
        worker,
    )
