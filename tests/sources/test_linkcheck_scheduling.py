"""Registration, leases and tasks: every cited URL gets a link and a first check on commit,
two workers never hold the same link, and tasks are safe to run twice."""

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from claims import edits
from sources import services, tasks
from sources.models import Link, LinkCheck, Source
from sources.services.checking import check_links
from tests.factories import SourceFactory, factory_user
from tracker import outbox
from tracker.models import OutboxMessage


def test_saving_a_source_with_a_url_registers_its_link_and_checks_it_on_commit(
    db, linkcheck_settings, linkcheck_web, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        source = SourceFactory(url=linkcheck_web.url("/ok/first?utm_source=mail#top"))
        assert linkcheck_web.seen == []  # nothing is fetched before the commit
    assert source.link.url == linkcheck_web.url("/ok/first")
    assert source.link.status == Link.Status.UNCHECKED
    # The first check goes through the outbox (tracker.outbox): one message, relayed on commit;
    # the other callbacks drop cached public pages.
    relays = [c for c in callbacks if getattr(c, "func", None) is outbox.relay]
    assert len(relays) == 1
    (message,) = OutboxMessage.objects.filter(pk__in=relays[0].args[0])
    assert (message.task, message.args) == (check_links.name, [[source.link.pk]])
    relays[0]()
    source.link.refresh_from_db()
    assert source.link.status == Link.Status.OK
    assert linkcheck_web.paths()[0] == "/ok/first"


def test_two_spellings_of_one_url_are_one_source_and_one_link(db, linkcheck_settings):
    first = SourceFactory(url="HTTPS://News.Example.org:443/a/b?fbclid=1")
    with pytest.raises(ValidationError, match="in the catalogue already"):
        SourceFactory(url="https://news.example.org/a/b")
    found = edits.source_for_url(url="https://news.example.org/a/b", by=factory_user())
    assert found == first
    assert Link.objects.count() == 1


def test_a_source_without_a_url_has_no_link_and_changing_the_url_moves_it(db):
    source = SourceFactory(url="")
    assert source.link is None
    source.url = "https://news.example.org/story"
    source.save()
    source.refresh_from_db()
    assert source.link.url == "https://news.example.org/story"
    source.url = ""
    source.save()
    source.refresh_from_db()
    assert source.link is None
    assert Source.history.count() == 3  # one history row per save, none for the link update


def test_a_link_no_source_cites_any_more_is_forgotten(db):
    first = SourceFactory(url="https://news.example.org/shared")
    second = SourceFactory(url="https://news.example.org/kept")
    link = first.link
    first.url = "https://news.example.org/other"
    first.save()
    assert not Link.objects.filter(pk=link.pk).exists()
    assert Link.objects.filter(pk=second.link_id).exists()  # the second source still cites it
    second.delete()
    first.url = ""
    first.save()
    assert Link.objects.count() == 0


def test_a_url_too_long_to_store_gets_no_link(db):
    source = SourceFactory(url="https://news.example.org/" + "ư" * 400)
    assert source.link is None


def test_an_unreachable_source_url_does_not_hold_up_the_save_in_eager_mode(
    db, linkcheck_settings, django_capture_on_commit_callbacks
):
    linkcheck_settings.LINKCHECK_TOTAL_TIMEOUT = 60
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        source = SourceFactory(url="http://does-not-exist.invalid/report")
    assert time.monotonic() - started < 8  # eager checks are capped at 5 s whatever the setting
    source.link.refresh_from_db()
    assert source.link.status == Link.Status.UNREACHABLE


def test_two_claims_never_lease_the_same_link(db):
    for n in range(10):
        services.link_register(url=f"https://news.example.org/{n}")
    first_token, first = services.links_claim(limit=6)
    second_token, second = services.links_claim(limit=6)
    assert len(first) == 6 and len(second) == 4
    assert not set(first) & set(second)
    assert first_token != second_token
    assert services.links_claim(limit=6) == ("", [])


def test_an_expired_lease_is_picked_up_again(db):
    link = services.link_register(url="https://news.example.org/lost")
    _, held = services.links_claim(limit=5, lease_seconds=60)
    assert held == [link.pk]
    later = timezone.now() + datetime.timedelta(seconds=61)
    token, again = services.links_claim(limit=5, now=later)
    assert again == [link.pk] and token


def test_links_not_yet_due_are_not_claimed(db):
    link = services.link_register(url="https://news.example.org/fresh")
    Link.objects.filter(pk=link.pk).update(
        next_check_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert services.links_claim(limit=5) == ("", [])
    assert services.links_claim(limit=5, due_only=False)[1] == [link.pk]


def test_running_a_batch_twice_checks_each_link_once(db, linkcheck_settings, linkcheck_web):
    links = [services.link_register(url=linkcheck_web.url(f"/ok/twice-{n}")) for n in range(3)]
    token, _ = services.links_claim(limit=3)
    services.check_links([link.pk for link in links], token)
    services.check_links([link.pk for link in links], token)  # a redelivered message
    assert LinkCheck.objects.count() == 3
    assert not Link.objects.exclude(lease_token="").exists()


def test_a_link_held_by_a_worker_is_left_to_it(db, linkcheck_settings, linkcheck_web):
    link = services.link_register(url=linkcheck_web.url("/ok/held"))
    services.links_claim(limit=1)
    assert services.check_links([link.pk]) == {}
    assert LinkCheck.objects.count() == 0


def test_the_beat_task_checks_due_links_in_bounded_batches(db, linkcheck_settings, linkcheck_web):
    linkcheck_settings.LINKCHECK_BATCH_SIZE = 4
    linkcheck_settings.LINKCHECK_BATCHES_PER_RUN = 2
    for n in range(10):
        services.link_register(url=linkcheck_web.url(f"/ok/due-{n}"))
    assert tasks.dispatch_due_links() == 8
    assert LinkCheck.objects.count() == 8
    assert tasks.dispatch_due_links() == 2
    assert tasks.dispatch_due_links() == 0
    assert not Link.objects.filter(status=Link.Status.UNCHECKED).exists()


def test_recheck_now_makes_links_due_and_checks_them(
    db, linkcheck_settings, linkcheck_web, django_capture_on_commit_callbacks
):
    link = services.link_register(url=linkcheck_web.url("/ok/again"))
    Link.objects.filter(pk=link.pk).update(
        next_check_at=timezone.now() + datetime.timedelta(days=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.link_recheck_now(link_ids=[link.pk])
    assert link.checks.count() == 1


def test_the_default_beat_schedule_is_created_by_migration(db):
    task = PeriodicTask.objects.get(name="Check due links")
    assert task.task == tasks.dispatch_due_links.name
    assert task.enabled and task.interval.every == 1 and task.interval.period == "minutes"
