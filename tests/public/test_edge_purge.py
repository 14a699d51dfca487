"""A CDN's copies are purged when claims.dependents says a page changed (claims.edge): a real
Varnish in front of the site under gunicorn keeps pages for an hour; an editor's correction is
followed, through the outbox and a real Celery worker, by a PURGE by Surrogate-Key, and the
next read through Varnish shows the new verdict. Pages that did not change stay cached."""

import time

import pytest

from claims import services
from claims.edge import TASK
from tests import worker_support
from tests.fault_support import Site
from tests.redis_support import free_port
from tests.site_data import reopen
from tests.varnish_support import Varnish
from tracker.celery import app
from tracker.models import OutboxMessage

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PURGED_WITHIN = 20  # seconds; measured about 1 s, the margin is for a busy CI machine


def purges() -> list[list[str]]:
    return [m.args[0] for m in OutboxMessage.objects.filter(task=TASK).order_by("pk")]


def test_a_correction_purges_its_claims_pages_and_the_lists_and_nothing_else(
    make_claim, editor, checker, tmp_path, settings
):
    corrected = make_claim("published", rating="false", text="Corrected through the CDN")
    untouched = make_claim("published", rating="false", text="Kept by the CDN")
    draft = make_claim("researching", text="A draft nobody reads")
    site_port = free_port()
    varnish = Varnish(site_port).start()
    settings.PUBLIC_CACHE_PURGE_URLS = [varnish.url()]
    env = worker_support.child_env(
        PUBLIC_CACHE_PURGE_URLS=varnish.url(),
        PUBLIC_EDGE_CACHE_SECONDS="3600",  # only a purge can renew a page within the test
        PUBLIC_PAGE_CACHE_SECONDS="0",
    )
    logs = [tmp_path / "site.log", tmp_path / "worker.log"]
    site = worker = None
    try:
        site = Site(env, logs[0], port=site_port)
        app.control.purge()  # no task left by an earlier test for this worker
        worker = worker_support.start_celery(
            "worker", "--pool", "solo", "--without-gossip", "--without-mingle",
            env=env, log=logs[1],
        )  # fmt: skip
        pages = [corrected.get_absolute_url(), untouched.get_absolute_url(), "/claims/"]
        for path in pages:
            status, headers, _ = varnish.get(path)
            assert status == 200 and headers["X-Cache"] == "MISS", (path, headers)
            assert varnish.get(path)[1]["X-Cache"] == "HIT", path
        assert varnish.get(pages[0])[1]["Surrogate-Key"] == f"claimtrack claim-{corrected.pk}"
        assert varnish.get(pages[2])[1]["Surrogate-Key"] == "claimtrack lists"
        for _ in range(2):  # the API is not marked public: never kept, so never stale
            assert varnish.get("/api/v1/claims/")[1]["X-Cache"] == "MISS"

        draft.text = "A draft nobody reads, edited"
        draft.save()
        assert purges() == []  # a draft's edit changes no public page

        note = "Newer figures reversed the verdict"
        keys = sorted([f"claim-{corrected.pk}", "lists"])
        reopen(corrected, editor=editor, checker=checker, summary="Re-checked", rating="true")
        services.claim_transition(claim_id=corrected.pk, name="submit", by=checker, note="")
        before = purges()
        assert before and all(purged == keys for purged in before)  # "under re-review"
        services.claim_transition(claim_id=corrected.pk, name="publish", by=editor, note=note)
        assert purges() == [*before, keys]  # one message for the whole publish
        corrected_at = time.monotonic()
        deadline = corrected_at + PURGED_WITHIN
        while note not in varnish.get(pages[0])[2]:
            if time.monotonic() > deadline:
                pytest.fail(f"not purged:\n{worker_support.log_tails(logs)}")
            time.sleep(0.2)
        took = time.monotonic() - corrected_at
        assert varnish.get(pages[2])[1]["X-Cache"] == "MISS"  # the lists were purged too
        assert varnish.get(pages[1])[1]["X-Cache"] == "HIT"  # another claim's page was not
        wait = time.monotonic() + PURGED_WITHIN
        while OutboxMessage.objects.filter(task=TASK, done_at__isnull=True).exists():
            assert time.monotonic() < wait, "a purge was never done"
            time.sleep(0.2)
    finally:
        if site is not None:
            site.stop()
        worker_support.stop(worker)
        varnish.stop()
    print(f"the corrected page read through Varnish {took:.2f} s after the commit")
