"""Two editors publishing the same claim at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection

from claims import services
from claims.models import ClaimTransition, Review
from claims.workflow import Status
from tests.factories import ClaimFactory, walk_to
from tracker.refusals import NotAllowedNow, WorkflowError


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publishes_of_one_claim_let_exactly_one_through(checker, editor, editor2):
    claim = walk_to(ClaimFactory(), "in_review", checker=checker, editor=editor)
    start = threading.Barrier(2)
    outcomes = {}

    def publish(user):
        try:
            start.wait()
            services.claim_transition(claim_id=claim.pk, name="publish", by=user)
            outcomes[user.username] = "published"
        except WorkflowError as error:
            outcomes[user.username] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(u,)) for u in (editor, editor2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(map(str, outcomes.values())).count("published") == 1
    loser = next(v for v in outcomes.values() if v != "published")
    assert isinstance(loser, NotAllowedNow)
    claim.refresh_from_db()
    assert claim.status == Status.PUBLISHED
    assert ClaimTransition.objects.filter(claim=claim, name="publish").count() == 1
    assert Review.objects.filter(claim=claim, state=Review.State.PUBLISHED).count() == 1
