"""Follows in the admin and their upkeep: follows never confirmed are forgotten after
FOLLOW_UNCONFIRMED_DAYS; Editors see how many follow each claim, find a follower by address and
remove them; nobody else sees an address."""

import datetime

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from follows.models import Follow
from follows.services import purge_unconfirmed

pytestmark = pytest.mark.django_db

LIST = "/admin/follows/follow/"


def aged(follow: Follow, days: int) -> Follow:
    Follow.objects.filter(pk=follow.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    return follow


def test_follows_never_confirmed_are_forgotten_after_the_set_days(settings, make_claim):
    settings.FOLLOW_UNCONFIRMED_DAYS = 7
    claim = make_claim("published")
    now = timezone.now()
    old = aged(Follow.objects.create(email="old@example.org", kind="claim", target_id=claim.pk), 8)
    recent = aged(
        Follow.objects.create(email="new@example.org", kind="claim", target_id=claim.pk), 6
    )
    kept = aged(
        Follow.objects.create(
            email="reader@example.org", kind="claim", target_id=claim.pk, confirmed_at=now
        ),
        30,
    )

    assert purge_unconfirmed() == 1

    assert set(Follow.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}
    assert not Follow.objects.filter(pk=old.pk).exists()
    assert PeriodicTask.objects.get(task="follows.purge_unconfirmed").enabled


def test_only_editors_and_superusers_see_who_follows(client, make_claim, reporter, checker, editor):
    claim = make_claim("published")
    Follow.objects.create(email="reader@example.org", kind="claim", target_id=claim.pk)

    for person in (reporter, checker):
        client.force_login(person)
        assert client.get(LIST).status_code == 403
        assert "reader@example.org" not in client.get("/admin/").content.decode()
    client.force_login(editor)
    listed = client.get(LIST)
    assert listed.status_code == 200 and "reader@example.org" in listed.content.decode()
    assert client.get(f"{LIST}add/").status_code == 403


def test_an_editor_sees_counts_per_claim_finds_a_follower_and_removes_them(
    client, make_claim, editor
):
    popular, quiet = make_claim("published"), make_claim("published")
    now = timezone.now()
    Follow.objects.bulk_create(
        Follow(email=f"r{n}@example.org", kind="claim", target_id=popular.pk, confirmed_at=now)
        for n in range(55)
    )
    Follow.objects.create(email="waiting@example.org", kind="claim", target_id=popular.pk)
    Follow.objects.create(email="solo@example.org", kind="claim", target_id=quiet.pk)
    client.force_login(editor)

    page = client.get(LIST).content.decode()
    assert f"“{popular.short_text}”: 55 following, 1 unconfirmed" in page
    assert page.count("@example.org</") == 50  # paginated
    assert client.get(f"{LIST}?p=1").status_code == 200

    one_claim = client.get(LIST, {"followed": f"claim:{quiet.pk}"}).content.decode()
    assert "solo@example.org" in one_claim and "r1@example.org" not in one_claim
    found = client.get(LIST, {"q": "waiting@"}).content.decode()
    assert "waiting@example.org" in found and "r1@example.org" not in found
    for junk in ("claim:x", "nothing", "claim:99999999999999999999999", "speaker:"):
        assert client.get(LIST, {"followed": junk}).status_code == 200

    solo = Follow.objects.get(email="solo@example.org")
    removed = client.post(f"{LIST}{solo.pk}/delete/", {"post": "yes"})
    assert removed.status_code == 302
    assert not Follow.objects.filter(pk=solo.pk).exists()
    assert Follow.objects.count() == 56
