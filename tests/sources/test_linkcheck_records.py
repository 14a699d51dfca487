"""Bulk recording on PostgreSQL (COPY for the checks; the links' new state COPYed into a
temporary table, then one UPDATE … FROM it): groups written in one transaction keep apart,
and the values are what the row-by-row path writes."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from sources.linkcheck.fetch import FetchResult, Hop
from sources.models import Link, LinkCheck
from sources.services.records import RECORDED_FIELDS, record_results

pytestmark = pytest.mark.postgres
T0 = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)


def links(*urls: str) -> dict[int, Link]:
    now = timezone.now()
    created = [Link.objects.create(url=url, host="news.example", next_check_at=now) for url in urls]
    return {link.pk: link for link in created}


def ok(link: Link, text_hash: str) -> FetchResult:
    return FetchResult(
        url=link.url,
        key=link.pk,
        checked_at=T0,
        final_url=link.url,
        status_code=200,
        hops=[Hop(link.url, 200)],
        content_hash=text_hash,
        content_length=10,
        fingerprint=[1, 2, 3],
        ip="127.0.0.1",
    )


def gone(link: Link) -> FetchResult:
    return FetchResult(
        url=link.url, key=link.pk, checked_at=T0, final_url=link.url, status_code=410
    )


def test_two_groups_in_one_transaction_each_write_only_their_own_rows(db):
    group = links("https://news.example/a", "https://news.example/b", "https://news.example/c")
    a, b, c = group.values()
    with transaction.atomic():
        record_results(group, [ok(a, "a" * 64), ok(b, "b" * 64)], bulk=True)
        # The same link again, now gone: the first group's rows must not come back with it.
        record_results(group, [gone(a), ok(c, "c" * 64)], bulk=True)
    a, b, c = (Link.objects.get(pk=link.pk) for link in (a, b, c))
    assert (a.status, a.last_status_code, a.check_count, a.failure_count) == ("broken", 410, 2, 1)
    assert (b.status, b.last_content_hash, b.baseline_fingerprint) == ("ok", "b" * 64, [1, 2, 3])
    assert (c.status, c.last_content_hash, c.check_count) == ("ok", "c" * 64, 1)
    assert LinkCheck.objects.count() == 4


def test_bulk_writes_what_the_row_by_row_path_writes(db):
    careful = links("https://news.example/careful-ok", "https://news.example/careful-gone")
    fast = links("https://news.example/fast-ok", "https://news.example/fast-gone")
    for group, bulk in ((careful, False), (fast, True)):
        ok_link, gone_link = group.values()
        record_results(group, [ok(ok_link, "d" * 64), gone(gone_link)], bulk=bulk)

    def state(link: Link) -> list:
        link.refresh_from_db()
        return [
            getattr(link, name)
            for name in RECORDED_FIELDS
            if name not in ("next_check_at", "final_url")  # random spread; the URL itself
        ]

    assert [state(link) for link in careful.values()] == [state(link) for link in fast.values()]
