"""A notice batch whose worker died mid-send is taken up again once its lease runs out, after
the last follower marked sent: nobody is mailed twice, and a batch whose worker may still be
alive is left alone."""

import datetime

import pytest
from django.utils import timezone

from follows.models import Follow, Notice, NoticeBatch
from follows.services import resume_stalled_batches

pytestmark = pytest.mark.django_db


def test_a_batch_left_sending_past_its_lease_resumes_after_the_last_follower_marked(
    inbox, make_claim, django_capture_on_commit_callbacks
):
    claim = make_claim("published")
    earlier = timezone.now() - datetime.timedelta(minutes=5)
    Follow.objects.bulk_create(
        Follow(email=f"r{n}@example.org", kind="claim", target_id=claim.pk, confirmed_at=earlier)
        for n in range(5)
    )
    ids = sorted(Follow.objects.values_list("pk", flat=True))
    notice = Notice.objects.create(key="verdict:test", event="verdict", claim_id=claim.pk)
    # A worker claimed the batch, marked the first two followers sent, and was killed.
    batch = NoticeBatch.objects.create(
        notice=notice,
        first_follow_id=ids[0],
        last_follow_id=ids[-1],
        state="sending",
        sent=2,
        sent_up_to=ids[1],
        lease_token="the-dead-workers",
        leased_until=timezone.now() + datetime.timedelta(seconds=60),
    )
    inbox.clear()

    assert resume_stalled_batches() == 0  # within its lease the worker may be alive
    assert inbox.count() == 0

    NoticeBatch.objects.update(leased_until=timezone.now() - datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_stalled_batches() == 1

    assert sorted(m["To"] for m in inbox.messages) == [f"r{n}@example.org" for n in (2, 3, 4)]
    batch.refresh_from_db()
    assert (batch.state, batch.sent, batch.sent_up_to) == ("sent", 5, ids[-1])
    assert (batch.lease_token, batch.leased_until) == ("", None)
    assert resume_stalled_batches() == 0
