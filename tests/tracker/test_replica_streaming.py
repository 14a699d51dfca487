"""The site against a real PostgreSQL streaming replica (tracker/replica.py): a private primary,
a hot standby made from it with `pg_basebackup -R`, the site under gunicorn on both.

Where each request read is proved by what answers when one server is away or behind: with the
primary stopped, anonymous readers are still served (by the standby) and an editor is not; with
the standby's replay paused, an editor reads their publish at once and an anonymous reader
within the lag bound (from the primary); with the standby stopped, readers are served by the
primary."""

import json
import time

import pytest

from tests import worker_support
from tests.fault_support import PrivatePostgres, Site
from tests.tracker.test_faults_services import token_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MAX_LAG_SECONDS = 2  # DATABASE_REPLICA_MAX_LAG_SECONDS for the site under test
CHECK_SECONDS = 1  # DATABASE_REPLICA_CHECK_SECONDS
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


def test_anonymous_readers_read_the_standby_and_editors_the_primary(
    streaming_pair, tmp_path, make_claim, editor2
):
    primary, standby = streaming_pair
    shown = make_claim("published", text="Read from the standby", translation="")
    waiting = make_claim("in_review", text="Published while the standby lags", translation="")
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
        CELERY_BROKER_URL="",
        CELERY_TASK_ALWAYS_EAGER="1",
    )
    site = Site(env, tmp_path / "site.log")
    public = ["/claims/", shown.get_absolute_url(), "/api/v1/claims/"]
    public.append(f"/api/v1/claims/{shown.pk}/")
    timings = {}
    try:
        assert [site.get(path)[0] for path in public] == [200] * 4

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
        # back by them at once; anonymous readers see it within the lag bound, from the
        # primary, while the standby still has not replayed it.
        standby.sql("SELECT pg_wal_replay_pause()")
        detail = f"/api/v1/claims/{waiting.pk}/"
        status, _ = api(site, f"{detail}transitions/", token=token, body={"transition": "publish"})
        assert status == 200
        assert api(site, detail, token=token)[1].get("status") == "published"
        timings["anonymous reader sees the publish"] = wait_for(
            lambda: api(site, detail)[0] == 200,
            MAX_LAG_SECONDS + CHECK_SECONDS + MARGIN,
            "an anonymous reader sees the publish",
        )
        query = f"SELECT status FROM claims_claim WHERE id = {waiting.pk}"
        assert standby.sql(query, "claimtrack_replica") == "in_review"  # not from the standby
        standby.sql("SELECT pg_wal_replay_resume()")
        wait_for(lambda: replayed(primary, standby), 30, "the standby catches up")

        # The standby stopped: readers are served by the primary, without an error.
        standby.stop()
        stopped = time.monotonic()
        answers = [site.get(path)[0] for _ in range(3) for path in public]
        timings["pages read with the standby stopped"] = time.monotonic() - stopped
        assert answers == [200] * len(answers)
        standby.start()
    finally:
        site.stop()
    print(timings)
