"""The site against a real PostgreSQL streaming replica (tracker/replica.py): a private primary,
a hot standby made from it with `pg_basebackup -R`, the site under gunicorn on both.

Where each request read is proved by what answers when one server is away or behind: with the
primary stopped, anonymous readers are still served (by the standby) and an editor is not; with
the standby's replay paused, an editor reads their publish at once and an anonymous reader
within the lag bound (from the primary), and the CDN purge of a publish (claims.edge, run by
a real Celery worker) waits for the standby to replay it; with the standby stopped, readers
are served by the primary."""

import json
import time

import pytest

from tests import worker_support
from tests.fault_support import PrivatePostgres, Site
from tests.tracker.test_faults_services import token_for
from tests.webhook_receiver import Receiver
from tracker.celery import app

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MAX_LAG_SECONDS = 4  # DATABASE_REPLICA_MAX_LAG_SECONDS for the site under test
CHECK_SECONDS = 3  # DATABASE_REPLICA_CHECK_SECONDS: the standby stop below fits in one
MARGIN = 3  # seconds of slack for a busy CI machine


@pytest.fixture(scope="module")
def streaming_pair():
    primary = PrivatePostgres(options="-c wal_level=replica -c max_wal_senders=4")
    primary.init()
    primary.start()
    standby = None
    try:
        standby = primary.standby()
        yield primary, standby
    finally:
        if standby is not None:
            standby.remove()
        primary.remove()


def replayed(primary: PrivatePostgres, standby: PrivatePostgres) -> bool:
    """Whether the standby has replayed everything the primary has written so far."""
    lsn = primary.sql("SELECT pg_current_wal_lsn()")
    return standby.sql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn") == "t"


def wait_for(condition, seconds: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.1)
    pytest.fail(f"{what}: not within {seconds} s")


def api(site: Site, path: str, *, token: str = "", body: dict | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    status, _, content = site.request(path, data=data, headers=headers)
    try:
        return status, json.loads(content or b"{}")
    except ValueError:
        return status, {}


def health(site: Site) -> tuple[str, bool]:
    """What /health/ says of the replica, and whether the site is degraded by it (beat, not
    run here, degrades it too)."""
    headers = {"Authorization": "Bearer replica-test"}
    body = json.loads(site.request("/health/", headers=headers)[2])
    return body["replica"], "replica" in body["degraded_by"]


@pytest.fixture
def proxy():
    """Stands for a caching proxy: records the PURGE requests it is sent."""
    server = Receiver().start()
    yield server
    server.stop()


def purged(proxy: Receiver, claim_id: int) -> list[float]:
    """When the proxy was told to purge this claim's pages."""
    key = f"claim-{claim_id}"
    return [r.at for r in proxy.received if key in r.headers.get("Surrogate-Key", "").split()]


def test_anonymous_readers_read_the_standby_and_editors_the_primary(
    streaming_pair, tmp_path, make_claim, editor2, proxy
):
    primary, standby = streaming_pair
    shown = make_claim("published", text="Read from the standby", translation="")
    waiting = make_claim("in_review", text="Published while the standby lags", translation="")
    later = make_claim("in_review", text="Purged once the standby has it", translation="")
    token = token_for(editor2)
    database = primary.copy_of(worker_support.database_url(), "claimtrack_replica")
    wait_for(lambda: replayed(primary, standby), 30, "the standby has the copy")
    env = worker_support.child_env(
        DATABASE_URL=database,
        DATABASE_REPLICA_URL=standby.url("claimtrack_replica"),
        DATABASE_REPLICA_MAX_LAG_SECONDS=str(MAX_LAG_SECONDS),
        DATABASE_REPLICA_CHECK_SECONDS=str(CHECK_SECONDS),
        DATABASE_CONNECT_TIMEOUT="1",
        PUBLIC_PAGE_CACHE_SECONDS="0",  # every answer below comes from a database
        PUBLIC_CACHE_PURGE_URLS=proxy.url("/"),
        API_THROTTLE_ANON="100000/minute",  # the waits below ask many times a second
        HEALTH_TOKEN="replica-test",
    )
    logs = [tmp_path / "site.log", tmp_path / "worker.log"]
    public = ["/claims/", shown.get_absolute_url(), "/api/v1/claims/"]
    public.append(f"/api/v1/claims/{shown.pk}/")
    timings = {}
    app.control.purge()  # no task of another test's database for this worker
    worker = worker_support.start_celery(
        "worker", "--pool", "solo", "--without-gossip", "--without-mingle", env=env, log=logs[1]
    )
    site = None
    try:
        site = Site(env, logs[0])
        assert [site.get(path)[0] for path in public] == [200] * 4
        assert health(site) == ("ok", False)

        # The primary away: anonymous readers are served by the standby; an editor, whose
        # reads go to the primary, is not.
        primary.stop()
        try:
            assert [site.get(path)[0] for path in public] == [200] * 4
            assert api(site, f"/api/v1/claims/{shown.pk}/", token=token)[0] == 503
        finally:
            primary.start()
        wait_for(
            lambda: api(site, f"/api/v1/claims/{shown.pk}/", token=token)[0] == 200,
            10,
            "the editor is served again",
        )
        wait_for(lambda: replayed(primary, standby), 30, "the standby streams again")

        # The standby's replay paused: the editor's publish is written to the primary and read
        # back by them at once; anonymous readers read the standby, which does not have it yet,
        # until it may be more than the lag bound behind: then they read the primary.
        time.sleep(CHECK_SECONDS)
        assert site.get(public[0])[0] == 200  # the site's check: the standby is caught up
        standby.sql("SELECT pg_wal_replay_pause()")
        detail = f"/api/v1/claims/{waiting.pk}/"
        status, _ = api(site, f"{detail}transitions/", token=token, body={"transition": "publish"})
        assert status == 200
        assert api(site, detail, token=token)[1].get("status") == "published"
        assert api(site, detail)[0] == 404  # stale, within the bound
        timings["anonymous reader sees the publish"] = wait_for(
            lambda: api(site, detail)[0] == 200,
            MAX_LAG_SECONDS + CHECK_SECONDS + MARGIN,
            "an anonymous reader sees the publish",
        )
        query = f"SELECT status FROM claims_claim WHERE id = {waiting.pk}"
        assert standby.sql(query, "claimtrack_replica") == "in_review"  # not from the standby
        standby.sql("SELECT pg_wal_replay_resume()")
        wait_for(lambda: replayed(primary, standby), 30, "the standby catches up")

        # The CDN purge of a publish waits for the standby to replay it: a proxy refilled from
        # a standby behind would keep the old page for another max-age.
        standby.sql("SELECT pg_wal_replay_pause()")
        assert api(
            site, f"/api/v1/claims/{later.pk}/transitions/", token=token,
            body={"transition": "publish"},
        )[0] == 200  # fmt: skip
        published = time.monotonic()
        time.sleep(1)
        assert purged(proxy, later.pk) == []
        resumed = time.monotonic()
        standby.sql("SELECT pg_wal_replay_resume()")
        wait_for(lambda: purged(proxy, later.pk), 30, "the purge is sent")
        sent = purged(proxy, later.pk)[0]
        assert resumed <= sent < published + MAX_LAG_SECONDS + CHECK_SECONDS  # not the bound
        timings["purge sent after the replay resumed"] = sent - resumed

        # The standby stopped between two checks: the reads it fails are answered again from
        # the primary, and after the next check readers read the primary; no error either way.
        time.sleep(CHECK_SECONDS)
        assert site.get(public[0])[0] == 200  # a check: the standby is in use
        standby.stop()
        stopped = time.monotonic()
        answers = [site.get(path)[0] for _ in range(3) for path in public]
        timings["pages read with the standby stopped"] = time.monotonic() - stopped
        assert answers == [200] * len(answers)
        assert health(site) == ("unreachable", True)
        assert "A read failed on the replica" in logs[0].read_text()
        standby.start()
    finally:
        if site is not None:
            site.stop()
        worker_support.stop(worker)
    assert purged(proxy, waiting.pk)  # the first publish's purge went too (after the bound)
    print(timings)
