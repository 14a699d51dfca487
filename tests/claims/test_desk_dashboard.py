"""The desk dashboard (claims.desk_figures, /admin/desk/, GET /api/v1/desk/): its figures on a
crafted history with known filing, publishing and queue-entry times, and who may see them."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from claims import edits, services
from claims.desk_figures import Period, desk_figures, percentile
from claims.models import Appearance, Claim, ClaimTransition, Review
from claims.workflow import Status
from sources.models import Link, Source
from tests.api_support import client_for
from tests.factories import (
    ClaimFactory,
    SourceFactory,
    SpeakerFactory,
    TopicFactory,
    UserFactory,
    walk_to,
)

NOW = timezone.now()
TODAY = timezone.localdate(NOW)
# Inside the default range (the last 90 days) and inside the one the tests ask for.
PUBLISHED = NOW - datetime.timedelta(days=10)
RANGE = Period(TODAY - datetime.timedelta(days=30), TODAY)


def published_after(claim: Claim, hours: float, at: datetime.datetime = PUBLISHED) -> Claim:
    """Rewrite `claim`'s history: filed `hours` before its first verdict, published at `at`,
    submitted and published (the logged moves) at `at` too."""
    Claim.objects.filter(pk=claim.pk).update(
        created_at=at - datetime.timedelta(hours=hours), first_published_at=at
    )
    Review.objects.filter(claim=claim).update(published_at=at)
    ClaimTransition.objects.filter(claim=claim).update(at=at)
    return claim


def waiting_since(claim: Claim, days: float) -> Claim:
    Claim.objects.filter(pk=claim.pk).update(status_since=NOW - datetime.timedelta(days=days))
    return claim


@pytest.fixture
def history(checker, checker2, editor):
    """Four first verdicts in the range (10, 20, 30 and 40 hours from filing), one outside it,
    and one republished after a re-review (counted once, by its first verdict)."""
    economy, health = TopicFactory(name="Economy"), TopicFactory(name="Health")

    def verdict(hours, topics, by, at=PUBLISHED):
        claim = ClaimFactory()
        claim.topics.set(topics)
        return published_after(walk_to(claim, "published", checker=by, editor=editor), hours, at=at)

    claims = [
        verdict(10, [economy], checker),
        verdict(20, [economy, health], checker),
        verdict(30, [health], checker2),
        verdict(40, [health], checker2),
    ]
    verdict(500, [economy], checker, at=NOW - datetime.timedelta(days=200))
    again = claims[0].pk
    services.claim_transition(claim_id=again, name="reopen", by=editor, note="Again")
    review = services.review_start(claim=Claim.objects.get(pk=again), by=checker2)
    edits.review_update(review=review, by=checker2, summary="Checked again.")
    services.claim_transition(claim_id=again, name="submit", by=checker2, note="Again")
    services.claim_transition(claim_id=again, name="publish", by=editor, note="Same verdict")
    return claims


def test_percentiles_interpolate_between_ranks_as_postgresql_does():
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([10.0, 20.0, 30.0, 40.0], 0.5) == 25.0
    assert percentile([10.0, 20.0, 30.0, 40.0], 0.9) == pytest.approx(37.0)


@pytest.mark.both_databases
def test_time_to_verdict_is_filing_to_first_publication_by_topic_and_fact_checker(history):
    figures = desk_figures(RANGE, now=NOW)

    overall = figures.time_to_verdict
    assert (overall.count, overall.median_hours, overall.p90_hours) == (4, 25.0, 37.0)
    by_topic = {row.label: row for row in figures.by_topic}
    assert (by_topic["Economy"].count, by_topic["Economy"].median_hours) == (2, 15.0)
    assert (by_topic["Health"].median_hours, by_topic["Health"].p90_hours) == (30.0, 38.0)
    by_checker = {row.label: (row.count, row.median_hours) for row in figures.by_fact_checker}
    assert by_checker == {"fred-checker": (2, 15.0), "fiona-checker": (2, 35.0)}


@pytest.mark.both_databases
def test_throughput_counts_each_persons_submits_and_publishes_per_week(history, editor):
    figures = desk_figures(RANGE, now=NOW)

    rows = {row.person: row for row in figures.throughput}
    assert (rows["fred-checker"].submitted, rows["fred-checker"].published) == (2, 0)
    # The re-review of the first claim was submitted and published today, in the range too.
    assert (rows["fiona-checker"].submitted, rows["erin-editor"].published) == (3, 5)
    week = PUBLISHED.date() - datetime.timedelta(days=timezone.localdate(PUBLISHED).weekday())
    assert rows["fred-checker"].weekly == {week: (2, 0)}
    assert rows["erin-editor"].per_week == round(5 / len(RANGE.weeks), 1)


def test_queue_ages_count_from_when_each_claim_entered_its_queue(checker, editor, reporter):
    new = waiting_since(ClaimFactory(), 3)
    stale = waiting_since(walk_to(ClaimFactory(), "researching", checker=checker, editor=editor), 5)
    waiting_since(walk_to(ClaimFactory(), "researching", checker=checker, editor=editor), 1)
    in_review = waiting_since(
        walk_to(ClaimFactory(), "in_review", checker=checker, editor=editor), 2
    )
    published = walk_to(ClaimFactory(), "published", checker=checker, editor=editor)
    repeat = services.appearance_record_repeat(
        claim=published,
        by=reporter,
        speaker=SpeakerFactory(),
        source=SourceFactory(),
        quote="Said again",
        quote_language="vi",
    )
    Appearance.objects.filter(pk=repeat.pk).update(recorded_at=NOW - datetime.timedelta(days=4))
    Review.objects.filter(pk=published.published_review_id).update(
        recheck_after=TODAY - datetime.timedelta(days=6)
    )

    queues = {q.key: q for q in desk_figures(RANGE, now=NOW).queues}

    assert {key: q.count for key, q in queues.items()} == {
        "new": 1,
        "researching": 2,
        "in_review": 1,
        "repeats": 1,
        "recheck": 1,
    }
    assert queues["new"].oldest_age_days == 3.0
    assert [item.claim_id for item in queues["researching"].oldest] == [
        stale.pk,
        queues["researching"].oldest[1].claim_id,
    ]
    assert queues["researching"].oldest_age_days == 5.0
    assert queues["in_review"].oldest[0].url == f"/admin/claims/claim/{in_review.pk}/change/"
    assert queues["repeats"].oldest[0].url.endswith(f"/{published.pk}/change/#repeats")
    assert queues["repeats"].oldest_age_days == 4.0
    assert queues["recheck"].oldest[0].since.date() == TODAY - datetime.timedelta(days=6)
    assert queues["new"].oldest[0].claim_id == new.pk


def test_a_workflow_move_restarts_the_claims_clock_in_its_new_queue(checker, editor):
    claim = waiting_since(ClaimFactory(), 30)
    walk_to(claim, "researching", checker=checker, editor=editor)

    claim.refresh_from_db()
    assert claim.status == Status.RESEARCHING
    moved = ClaimTransition.objects.get(claim=claim)
    assert claim.status_since == moved.at
    assert (timezone.now() - claim.status_since).total_seconds() < 60


def test_dead_evidence_and_link_health_are_counted(checker, editor):
    cited = walk_to(ClaimFactory(), "published", checker=checker, editor=editor)
    source = cited.published_review.evidence.first().source
    link = Link.objects.create(
        url="https://gone.example.org/a", host="gone.example.org", status=Link.Status.DEAD
    )
    Source.objects.filter(pk=source.pk).update(url=link.url, link=link)
    Link.objects.create(url="https://ok.example.org/", host="ok.example.org", status="ok")

    figures = desk_figures(RANGE, now=NOW)

    assert figures.dead_evidence.count == 1
    assert figures.dead_evidence.oldest[0].claim_id == cited.pk
    health = {status: n for status, _label, n in figures.link_health}
    assert (health["dead"], health["ok"], health["broken"]) == (1, 1, 0)


# The page, its CSV and the API, and who may see them


@pytest.mark.parametrize("group", ["Reporter", "Fact-checker", "Editor"])
def test_every_newsroom_role_sees_the_dashboard_with_its_charts(client, db, group):
    client.force_login(UserFactory(groups=[group]))

    page = client.get("/admin/desk/")

    assert page.status_code == 200
    assert page.content.decode().count('<figure class="desk-chart">') == 5
    assert 'href="/admin/desk/"' in client.get("/admin/").content.decode()


def test_staff_outside_the_newsroom_and_anonymous_visitors_do_not(client, outsider):
    assert client.get("/admin/desk/").status_code == 302  # to the admin login
    client.force_login(UserFactory(username="staff-no-role"))
    assert client.get("/admin/desk/").status_code == 403
    assert 'href="/admin/desk/"' not in client.get("/admin/").content.decode()
    client.force_login(outsider)
    assert client.get("/admin/desk/").status_code == 302


def test_a_bad_date_range_is_a_message_not_an_error(client, editor):
    client.force_login(editor)

    for query in (
        "start=yesterday",
        "start=2026-05-01&end=2026-04-01",
        "start=1900-01-01",
        "start=9999-12-30&end=9999-12-31",
        "start=0001-01-01&end=0001-01-02",
    ):
        page = client.get(f"/admin/desk/?{query}")
        assert page.status_code == 200, query
        assert "errorlist" in page.content.decode(), query


def test_the_csv_export_carries_the_same_figures(client, editor, history):
    client.force_login(editor)

    response = client.get(f"/admin/desk/?start={RANGE.start}&end={RANGE.end}&export=csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "group", "measure", "value"]
    assert ["time_to_verdict", "All claims", "median_hours", "25.0"] in rows
    assert ["time_to_verdict_by_topic", "Health", "p90_hours", "38.0"] in rows
    assert ["throughput", "fred-checker", "submitted", "2"] in rows


def test_the_csv_never_hands_a_spreadsheet_a_formula(client, editor, checker):
    topic = TopicFactory(name='=HYPERLINK("https://evil.example/","open")')
    claim = ClaimFactory()
    claim.topics.set([topic])
    published_after(walk_to(claim, "published", checker=checker, editor=editor), 5)
    client.force_login(editor)

    response = client.get(f"/admin/desk/?start={RANGE.start}&end={RANGE.end}&export=csv")

    groups = [row[1] for row in csv.reader(io.StringIO(response.content.decode()))]
    assert "'" + topic.name in groups
    assert not any(group.startswith("=") for group in groups)


def test_the_api_gives_newsroom_tokens_the_same_figures(history, reporter, outsider):
    url = f"/api/v1/desk/?start={RANGE.start}&end={RANGE.end}"
    assert client_for().get(url).status_code in (401, 403)
    assert client_for(outsider).get(url).status_code == 403

    answer = client_for(reporter).get(url)

    assert answer.status_code == 200
    data = answer.json()
    assert data["time_to_verdict"] == {
        "label": "All claims",
        "count": 4,
        "median_hours": 25.0,
        "p90_hours": 37.0,
    }
    assert [q["key"] for q in data["queues"]] == [
        "new",
        "researching",
        "in_review",
        "repeats",
        "recheck",
    ]
    bad = client_for(reporter).get("/api/v1/desk/?start=2026-05-01&end=2026-04-01")
    assert bad.status_code == 400


def test_the_openapi_schema_documents_the_desk_figures(client):
    schema = client.get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/v1/desk/"]["get"]
    assert {"start", "end"} <= {p["name"] for p in operation["parameters"]}
    assert "DeskFigures" in schema["components"]["schemas"]


def test_the_dashboard_reads_a_fixed_number_of_queries(
    client, editor, history, django_assert_max_num_queries
):
    client.force_login(editor)
    client.get("/admin/desk/")  # sessions, content types: warm
    with django_assert_max_num_queries(24):
        page = client.get("/admin/desk/")
    html = page.content.decode()
    assert "Economy" in html and "fred-checker" in html


@pytest.mark.parametrize(
    ("language", "written", "not_written"),
    [
        ("en", [r"\d\.\d h /", r"\d\.\d d ·", r"\d\.\d a week"], [r"\d,\d h"]),
        ("vi", [r"\d,\d h /", r"\d,\d ngày ·", r"\d,\d mỗi tuần"], [r"\d\.\d h", r"\d d ·"]),
    ],
)
def test_the_charts_write_figures_and_units_in_the_readers_language(
    client, history, editor, language, written, not_written
):
    client.force_login(editor)
    page = client.get("/admin/desk/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    charts = "".join(re.findall(r'<figure class="desk-chart">.*?</figure>', page, re.S))
    for pattern in written:
        assert re.search(pattern, charts), pattern
    for pattern in not_written:
        assert not re.search(pattern, charts), pattern
