"""Verdicts that age: the editor sets `recheck_after` when publishing (admin and API); past it
the claim page says since when the verdict is due, ClaimReview carries `expires`, the API
carries the date, and the admin's "Due for re-check" queue lists the claim; the nightly beat
task also flags verdicts whose evidence died with no archived copy. Reopening from the queue
starts the normal re-review."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from claims import readmodel, services
from claims.models import Claim, ClaimTransition, Review
from claims.recheck import due_for_recheck, recheck_sweep
from claims.tasks import daily_recheck_sweep
from sources.models import Link, Source
from tests.api_support import client_for
from tests.site_data import fresh_page_cache, plain_static_storage  # noqa: F401
from tracker.refusals import InvalidAction

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
IN_A_YEAR = TODAY + datetime.timedelta(days=365)


def publish(claim, editor, recheck_after=IN_A_YEAR) -> Claim:
    services.claim_transition(
        claim_id=claim.pk, name="publish", by=editor, recheck_after=recheck_after
    )
    claim.refresh_from_db()
    return claim


def let_time_pass(claim: Claim, days_ago: int = 3) -> datetime.date:
    """As if the re-check date came `days_ago` days ago (the desk accepts only future dates)."""
    when = TODAY - datetime.timedelta(days=days_ago)
    Review.objects.filter(pk=claim.published_review_id).update(recheck_after=when)
    Claim.objects.filter(pk=claim.pk).update(updated_at=timezone.now())
    readmodel.refresh([claim.pk])  # the record was rewritten behind dependents' back
    return when


def test_the_editor_sets_the_date_when_publishing_and_it_must_be_in_the_future(make_claim, editor):
    claim = make_claim("in_review")
    with pytest.raises(InvalidAction, match="future"):
        publish(claim, editor, recheck_after=TODAY)

    claim = publish(claim, editor)

    assert claim.published_review.recheck_after == IN_A_YEAR
    assert claim.recheck_due_since() is None


def test_a_recheck_date_is_refused_on_other_transitions(make_claim, checker):
    claim = make_claim("researching")
    with pytest.raises(InvalidAction, match="publishing"):
        services.claim_transition(
            claim_id=claim.pk, name="submit", by=checker, recheck_after=IN_A_YEAR
        )


def test_the_api_transition_takes_the_date_and_the_claim_carries_it(make_claim, editor):
    claim = make_claim("in_review")
    api = client_for(editor)

    bad = api.post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"transition": "publish", "recheck_after": "not a date"},
        format="json",
    )
    assert bad.status_code == 400 and "recheck_after" in bad.json()["fields"]
    past = api.post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"transition": "publish", "recheck_after": "2001-01-01"},
        format="json",
    )
    assert past.status_code == 400 and "recheck_after" in past.json()["fields"]

    done = api.post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"transition": "publish", "recheck_after": IN_A_YEAR.isoformat()},
        format="json",
    )
    assert done.status_code == 200

    data = client_for().get(f"/api/v1/claims/{claim.pk}/").json()
    assert data["verdict"]["recheck_after"] == IN_A_YEAR.isoformat()
    assert data["recheck_due_since"] is None


def test_past_the_date_the_api_says_since_when_the_verdict_is_due(make_claim, editor):
    claim = publish(make_claim("in_review"), editor)
    due = let_time_pass(claim)

    data = client_for().get(f"/api/v1/claims/{claim.pk}/").json()

    assert data["verdict"]["recheck_after"] == due.isoformat()
    assert data["recheck_due_since"] == due.isoformat()


def test_the_claim_page_says_since_when_the_verdict_is_due(
    client, make_claim, editor, django_capture_on_commit_callbacks
):
    claim = publish(make_claim("in_review"), editor)
    assert "Due for a re-check" not in client.get(claim.get_absolute_url()).content.decode()

    due = let_time_pass(claim, days_ago=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert recheck_sweep()["due_today"] == 1  # retires the cached page with the old text
    body = client.get(claim.get_absolute_url()).content.decode()

    assert "Due for a re-check since" in body
    assert f'<time datetime="{due.isoformat()}">' in body


def test_claimreview_carries_expires(client, make_claim, editor):
    import extruct

    claim = publish(make_claim("in_review"), editor)
    page = client.get(claim.get_absolute_url()).content.decode()
    [review] = [
        i
        for i in extruct.extract(page, syntaxes=["json-ld"])["json-ld"]
        if i["@type"] == "ClaimReview"
    ]
    assert review["expires"] == IN_A_YEAR.isoformat()

    plain = make_claim("published")
    page = client.get(plain.get_absolute_url()).content.decode()
    assert '"expires"' not in page


def test_the_admin_queue_lists_due_verdicts_and_reopening_starts_the_re_review(
    client, make_claim, editor
):
    due = publish(make_claim("in_review"), editor)
    let_time_pass(due)
    publish(make_claim("in_review"), editor)  # not due yet
    make_claim("published")  # no date at all
    client.force_login(editor)

    queue = client.get(reverse("admin:claims_claim_changelist") + "?queue=recheck")
    listed = list(queue.context["cl"].result_list)
    assert listed == [due]
    assert "Due for re-check" in queue.content.decode()
    assert (
        "Due for a re-check since"
        in client.get(reverse("admin:claims_claim_change", args=[due.pk])).content.decode()
    )

    client.post(
        reverse("admin:claims_claim_changelist") + "?queue=recheck",
        {"action": "reopen_for_recheck", "_selected_action": [due.pk]},
    )

    due.refresh_from_db()
    assert due.status == "researching" and due.under_review
    move = ClaimTransition.objects.filter(claim=due).latest("id")
    assert (move.name, move.by) == ("reopen", editor)
    assert "Due for a re-check since" in move.note
    assert list(due_for_recheck()) == []


def test_the_admin_publish_form_sets_the_date(client, make_claim, editor):
    claim = make_claim("in_review")
    client.force_login(editor)
    url = reverse("admin:claims_claim_transition", args=[claim.pk])

    client.post(url, {"transition": "publish", "recheck_after": "yesterday"})
    claim.refresh_from_db()
    assert claim.status == "in_review"

    client.post(url, {"transition": "publish", "recheck_after": IN_A_YEAR.isoformat()})
    claim.refresh_from_db()
    assert claim.status == "published"
    assert claim.published_review.recheck_after == IN_A_YEAR


def cite_dead_link(claim: Claim, *, archived: bool) -> Link:
    """The verdict's evidence cites a URL that the link checker found dead. Written directly,
    so that no check of the (invented) URL is ever queued."""
    source = claim.published_review.evidence.first().source
    link = Link.objects.create(
        url=f"https://gone.example.org/{claim.pk}",
        host="gone.example.org",
        status=Link.Status.DEAD,
        archive_url="https://archive.example.org/copy" if archived else "",
    )
    Source.objects.filter(pk=source.pk).update(url=link.url, link=link)
    return link


def test_the_nightly_task_flags_verdicts_whose_evidence_died_without_an_archived_copy(
    make_claim, client, django_capture_on_commit_callbacks, eager_tasks
):
    dead = make_claim("published")
    cite_dead_link(dead, archived=False)
    kept = make_claim("published")
    cite_dead_link(kept, archived=True)
    healthy = make_claim("published")

    with django_capture_on_commit_callbacks(execute=True):
        counts = daily_recheck_sweep.delay().get()

    assert counts["flagged"] == 1
    assert list(due_for_recheck()) == [dead]
    dead.refresh_from_db()
    assert dead.evidence_dead_since == TODAY
    assert "Due for a re-check since" in client.get(dead.get_absolute_url()).content.decode()
    assert "Due for a re-check" not in client.get(healthy.get_absolute_url()).content.decode()
    assert recheck_sweep()["flagged"] == 0, "running it again changes nothing"


def test_the_flag_goes_when_the_evidence_is_archived_or_a_new_verdict_is_published(
    make_claim, editor, checker
):
    claim = make_claim("published")
    link = cite_dead_link(claim, archived=False)
    recheck_sweep()
    link.archive_url = "https://archive.example.org/copy"
    link.save()

    assert recheck_sweep()["cleared"] == 1
    claim.refresh_from_db()
    assert claim.evidence_dead_since is None

    link.archive_url = ""
    link.save()
    recheck_sweep()
    services.claim_transition(claim_id=claim.pk, name="reopen", by=editor, note="Dead link")
    claim.refresh_from_db()
    assert claim.evidence_dead_since is not None
    assert list(due_for_recheck()) == [], "a reopened claim is being re-reviewed already"


def test_the_nightly_schedule_is_created_by_migration():
    task = PeriodicTask.objects.get(name="Flag verdicts due for a re-check")

    assert task.task == "claims.recheck_sweep"
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
    assert task.enabled


def test_a_topic_gives_its_default_when_the_editor_gives_no_date(make_claim, editor):
    from dateutil.relativedelta import relativedelta

    from claims.models import Topic

    claim = make_claim("in_review")
    claim.topics.add(
        Topic.objects.create(name="AI race", slug="ai-race", recheck_months=6),
        Topic.objects.create(name="Prices", slug="prices", recheck_months=12),
        Topic.objects.create(name="History", slug="history"),
    )

    claim = publish(claim, editor, recheck_after=None)

    assert claim.published_review.recheck_after == TODAY + relativedelta(months=6)
    chosen = publish(make_claim("in_review"), editor, recheck_after=IN_A_YEAR)
    assert chosen.published_review.recheck_after == IN_A_YEAR
    assert (
        publish(make_claim("in_review"), editor, recheck_after=None).published_review.recheck_after
        is None
    )
