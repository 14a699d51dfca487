"""Editing anything a claim shows moves exactly that claim's updated_at (so its ETag and the
API's updated_since), retires cached pages and refreshes its search text; editing what no
public face shows moves nothing (claims.dependents)."""

import datetime
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from claims import pagecache
from claims.dependents import claims_showing
from claims.models import Appearance, Claim, Evidence, RatingLevel, Review, Speaker
from claims.search import document_for
from sources import services as source_services
from sources.models import Link, Outlet, Source
from tests.factories import (
    AppearanceFactory,
    ClaimFactory,
    SourceFactory,
    SpeakerFactory,
    TopicFactory,
    UserFactory,
    walk_to,
)
from tests.shared_data import rolled_back_after_its_tests
from tests.site_data import correct


def past(claims: list[Claim]) -> None:
    """Put the claims' updated_at in the past, so any touch shows."""
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(updated_at=long_ago)


def showing_world(make_claim, editor, checker) -> dict:
    """Two published claims that share nothing but the scale: `shown` (corrected, with a
    cited link) and `other` (a different rating)."""
    shown = make_claim("published", rating="true", text="Shown claim about rice exports")
    other = make_claim("published", rating="half-true", text="Other claim about steel")
    for claim in (shown, other):
        AppearanceFactory(claim=claim, speaker=SpeakerFactory(), source=SourceFactory())
        claim.topics.add(TopicFactory())
    shown = correct(shown, editor=editor, checker=checker, rating="false")
    cited = Evidence.objects.filter(review=shown.published_review).select_related("source").first()
    link = source_services.link_register(url="https://example.org/rice-report")
    Source.objects.filter(pk=cited.source_id).update(url=link.url, link=link)
    return {"shown": shown, "other": other}


def edit_speaker(claim: Claim) -> str:
    speaker = Speaker.objects.get(appearances__claim=claim)
    speaker.name = "Renamed Speaker Quyen"
    speaker.save()
    return "quyen"


def edit_outlet(claim: Claim) -> None:
    outlet = Outlet.objects.get(sources__appearances__claim=claim)
    outlet.name = "Renamed outlet"
    outlet.save()


def edit_topic(claim: Claim) -> str:
    topic = claim.topics.get()
    topic.name = "Renamed topic Lua gao"
    topic.save()
    return "lua gao"


def edit_rating_level(claim: Claim) -> None:
    level = RatingLevel.objects.get(pk=Review.objects.get(pk=claim.published_review_id).rating_id)
    level.label_en = "Plainly false"
    level.save()


def edit_source(claim: Claim) -> None:
    source = Source.objects.get(appearances__claim=claim)
    source.title = "A retitled interview"
    source.save()


def edit_link(claim: Claim) -> None:
    link = Link.objects.get(sources__evidence__review=claim.published_review_id)
    link.status = Link.Status.BROKEN
    link.save()


def edit_appearance(claim: Claim) -> str:
    appearance = claim.appearances.get()
    appearance.quote = "Xuất khẩu gạo tăng gấp đôi"
    appearance.save()
    return "xuat khau gao"


def edit_evidence(claim: Claim) -> None:
    evidence = Evidence.objects.filter(review=claim.published_review_id).first()
    evidence.note = "The report's table 3."
    evidence.save()


def edit_correction(claim: Claim) -> None:
    correction = claim.corrections.get()
    correction.note = "We misread the export figures."
    correction.save()


def edit_review(claim: Claim) -> str:
    review = Review.objects.get(pk=claim.published_review_id)
    review.summary = "Exports fell by a third, customs data show."
    review.save()
    return "customs data"


EDITS = {
    "speaker": edit_speaker,
    "outlet": edit_outlet,
    "topic": edit_topic,
    "rating level": edit_rating_level,
    "source": edit_source,
    "link": edit_link,
    "appearance": edit_appearance,
    "evidence": edit_evidence,
    "correction": edit_correction,
    "review": edit_review,
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_editing_what_a_claim_shows_moves_exactly_that_claim(kind, make_claim, editor, checker):
    world = showing_world(make_claim, editor, checker)
    shown, other = world["shown"], world["other"]
    past([shown, other])
    generation = pagecache.generation()

    searched_word = EDITS[kind](shown)

    shown.refresh_from_db()
    other.refresh_from_db()
    assert shown.updated_at.year > 2020, kind
    assert other.updated_at.year == 2020, kind
    assert pagecache.generation() != generation, kind
    fresh = Claim.objects.get(pk=shown.pk)
    assert fresh.search_document == document_for(fresh)
    if searched_word:
        assert searched_word in shown.search_document


def test_a_draft_verdict_shows_nowhere_so_editing_it_moves_nothing(make_claim, checker):
    claim = make_claim("in_review")
    published = make_claim("published")
    past([claim, published])
    generation = pagecache.generation()

    draft = claim.working_review()
    draft.summary = "Still being written"
    draft.save()

    assert not Claim.objects.filter(updated_at__year__gt=2020).exists()
    assert pagecache.generation() == generation
    assert "written" not in Claim.objects.get(pk=claim.pk).search_document


def test_an_appearance_moved_to_another_claim_moves_both(make_claim):
    first, second, bystander = (make_claim("published") for _ in range(3))
    appearance = AppearanceFactory(claim=first, quote="Một câu nói được chuyển")
    past([first, second, bystander])

    appearance.claim = second
    appearance.save()

    moved = set(Claim.objects.filter(updated_at__year__gt=2020).values_list("pk", flat=True))
    assert moved == {first.pk, second.pk}
    assert "chuyen" not in Claim.objects.get(pk=first.pk).search_document
    assert "chuyen" in Claim.objects.get(pk=second.pk).search_document


def test_a_deleted_appearance_moves_its_claim_and_leaves_its_search_text(make_claim):
    claim = make_claim("published")
    appearance = AppearanceFactory(claim=claim, quote="Câu trích sẽ bị xoá")
    past([claim])

    appearance.delete()

    claim.refresh_from_db()
    assert claim.updated_at.year > 2020
    assert "xoa" not in claim.search_document


def test_a_topic_removed_from_every_claim_at_once_moves_them(make_claim):
    topic = TopicFactory(name="Rice")
    claims = [make_claim("published") for _ in range(2)]
    for claim in claims:
        claim.topics.add(topic)
    past(claims)

    topic.claims.clear()

    assert Claim.objects.filter(updated_at__year__gt=2020).count() == 2
    assert not Claim.objects.filter(search_document__contains="rice").exists()


@pytest.mark.parametrize("edit", [edit_topic, edit_rating_level])
def test_renaming_a_topic_or_a_rating_answers_conditional_requests_with_the_new_data(
    edit, make_claim, editor, checker
):
    claim = showing_world(make_claim, editor, checker)["shown"]
    client = APIClient()
    first = client.get(f"/api/v1/claims/{claim.pk}/")
    since = first.json()["updated_at"]

    edit(claim)

    again = client.get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    changed = client.get("/api/v1/claims/", {"updated_since": since}).json()["results"]
    assert [c["id"] for c in changed if c["updated_at"] > since] == [claim.pk]


def queries_for(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def speaker_on(claims: int, make_claim) -> Speaker:
    speaker = SpeakerFactory()
    source = SourceFactory()
    for _ in range(claims):
        AppearanceFactory(claim=make_claim("published"), speaker=speaker, source=source)
    return speaker


@pytest.fixture(scope="class")
def speaker_of_25_claims(django_db_setup, django_db_blocker) -> Iterator[Speaker]:
    """Built once for the five kinds below, which only read it, in a transaction rolled back
    after them (tests/shared_data.py): building it took 90% of each test."""
    with rolled_back_after_its_tests(django_db_blocker):
        checker = UserFactory(username="fred-checker", groups=["Fact-checker"])
        editor = UserFactory(username="erin-editor", groups=["Editor"])

        def make_claim(status: str) -> Claim:
            return walk_to(ClaimFactory(), status, checker=checker, editor=editor)

        yield speaker_on(25, make_claim)


class TestTheMap:
    @pytest.mark.parametrize("model", [Speaker, Source, Outlet, Link, RatingLevel])
    def test_the_map_is_one_query_whatever_the_number_of_claims(
        self, model, speaker_of_25_claims, db, django_assert_num_queries
    ):
        speaker = speaker_of_25_claims
        row = {
            Speaker: speaker,
            Source: Source.objects.filter(appearances__speaker=speaker).first(),
            Outlet: Outlet.objects.filter(sources__appearances__speaker=speaker).first(),
            Link: source_services.link_register(url="https://example.org/x"),
            RatingLevel: RatingLevel.objects.get(slug="false"),
        }[model]

        with django_assert_num_queries(1):
            ids = set(claims_showing(model, [row.pk]).values_list("pk", flat=True))
        assert len(ids) == (0 if model is Link else 25)


def test_renaming_a_speaker_costs_the_same_queries_for_one_claim_or_many(
    make_claim, django_assert_max_num_queries
):
    one, many = speaker_on(1, make_claim), speaker_on(40, make_claim)

    def rename(speaker: Speaker):
        def action() -> None:
            speaker.name += " (renamed)"
            speaker.save()

        return action

    budget = queries_for(rename(one))
    with django_assert_max_num_queries(budget):
        rename(many)()
    assert Claim.objects.filter(search_document__contains="renamed").count() == 41
    assert Appearance.objects.filter(speaker=many).count() == 40
