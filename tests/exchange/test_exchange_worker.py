"""The exchange's background work on a real Celery worker (CI's PostgreSQL + Redis pass): an
import through the API is linked to our claims by the worker after the commit, and the nightly
re-check sweep runs there."""

import pytest

from claims.recheck import due_for_recheck
from claims.tasks import daily_recheck_sweep
from exchange.models import ReviewLink
from tests.api_support import client_for
from tests.claims.test_recheck import cite_dead_link
from tests.exchange_support import claim_review
from tests.worker_support import wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


def test_a_worker_links_an_imported_review_to_our_claim(worker, make_claim, checker):
    claim = make_claim("researching", text="Rice prices doubled last year", translation="")

    answer = client_for(checker).post(
        "/api/v1/external-reviews/import/",
        {"data": claim_review(1, claimReviewed="Rice prices doubled last year")},
        format="json",
    )
    assert answer.status_code == 200

    wait_for(lambda: ReviewLink.objects.exists(), 60, worker)
    link = ReviewLink.objects.get()
    assert (link.claim_id, link.basis, link.state) == (claim.pk, "text", "candidate")


def test_the_nightly_sweep_runs_on_a_worker(worker, make_claim):
    dead = make_claim("published")
    cite_dead_link(dead, archived=False)

    daily_recheck_sweep.delay()

    wait_for(lambda: due_for_recheck().exists(), 60, worker)
    assert list(due_for_recheck()) == [dead]
