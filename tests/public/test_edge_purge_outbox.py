"""Which edits purge the edge (claims.edge), and how: one outbox message per transaction with
the keys of the public claims whose face changed and the lists; nothing for a draft, nothing
without PUBLIC_CACHE_PURGE_URLS. Run eagerly, the purge reaches a local proxy after the
commit; a proxy that does not answer fails no edit, and with a broker the task fails so the
outbox sends it again. Through a real Varnish and worker: test_edge_purge.py."""

import pytest
from django.db import transaction

from claims import edge, services
from claims.models import RatingLevel
from tests.redis_support import free_port
from tests.webhook_receiver import Receiver
from tracker.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proxy():
    server = Receiver().start()
    yield server
    server.stop()


def purges() -> list[list[str]]:
    return [m.args[0] for m in OutboxMessage.objects.filter(task=edge.TASK).order_by("pk")]


def test_without_proxies_nothing_is_purged(make_claim, settings):
    settings.PUBLIC_CACHE_PURGE_URLS = []
    make_claim("published")
    assert purges() == []


def test_a_publish_purges_its_claim_and_the_lists_once_after_the_commit(
    make_claim, settings, editor, proxy, eager_tasks
):
    settings.PUBLIC_CACHE_PURGE_URLS = [proxy.url("/")]
    claim = make_claim("in_review")
    assert purges() == []  # work on a draft changes no public page
    with transaction.atomic():
        services.claim_transition(claim_id=claim.pk, name="publish", by=editor, note="")
        assert proxy.received == []  # not before the commit
    assert purges() == [sorted([f"claim-{claim.pk}", "lists"])]
    assert [(r.method, r.headers["Surrogate-Key"]) for r in proxy.received] == [
        ("PURGE", f"claim-{claim.pk} lists")
    ]
    assert OutboxMessage.objects.get(task=edge.TASK).done_at is not None


def test_an_edit_of_one_claim_leaves_the_others_pages(make_claim, settings, proxy, eager_tasks):
    settings.PUBLIC_CACHE_PURGE_URLS = [proxy.url("/")]
    edited, other = make_claim("published"), make_claim("published")
    OutboxMessage.objects.all().delete()
    edited.translation = "A new translation"
    edited.save()
    assert purges() == [sorted([f"claim-{edited.pk}", "lists"])]
    assert f"claim-{other.pk}" not in proxy.received[-1].headers["Surrogate-Key"]


def test_the_rating_scale_changed_purges_the_lists(settings, proxy, eager_tasks, db):
    settings.PUBLIC_CACHE_PURGE_URLS = [proxy.url("/")]
    level = RatingLevel.objects.get(slug="false")
    level.label_en = "Wrong"
    level.save()
    assert purges() == [["lists"]]


def test_a_proxy_that_does_not_answer_fails_no_edit(make_claim, settings, editor, eager_tasks):
    settings.PUBLIC_CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]
    settings.PUBLIC_CACHE_PURGE_TIMEOUT_SECONDS = 1
    claim = make_claim("in_review")
    services.claim_transition(claim_id=claim.pk, name="publish", by=editor, note="")
    claim.refresh_from_db()
    assert claim.status == "published"


def test_with_a_broker_a_failed_purge_fails_its_task_for_the_outbox_to_resend(settings):
    settings.PUBLIC_CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]
    settings.PUBLIC_CACHE_PURGE_TIMEOUT_SECONDS = 1
    with pytest.raises(edge.PurgeFailed):
        edge.purge_edge.run(["claim-1", "lists"])
