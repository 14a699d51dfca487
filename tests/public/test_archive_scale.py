"""The read path at archive scale: keyset pages, the sitemap index, kept speaker records, and
search that answers the same on SQLite and PostgreSQL. (Speed itself: bench/scale.py.)"""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from claims import readmodel, search, services, stats
from claims.models import Claim, RatingLevel, Review, SpeakerRecord
from public import sitemaps
from public.views import in_verdict_order
from tests.factories import ClaimFactory, SourceFactory, SpeakerFactory, UserFactory
from tests.site_data import (  # noqa: F401
    add_appearance,
    fresh_page_cache,
    plain_static_storage,
    sitemap_urls,
)
from tracker import paging
from tracker.paging import Cursor, keyset_page

MOMENT = timezone.make_aware(datetime.datetime(2025, 1, 1))


def published_claims(minutes: list[int], author, editor) -> list[Claim]:
    """Claims published at MOMENT + each minute (ties on purpose), in bulk: no workflow walk,
    so their rows of the read model are written here, as claims.dependents would."""
    rating = RatingLevel.objects.first()
    claims = Claim.objects.bulk_create([Claim(text=f"c{i}", language="en") for i in minutes])
    reviews = Review.objects.bulk_create(
        [
            Review(
                claim=claim,
                state=Review.State.PUBLISHED,
                rating=rating,
                summary="s",
                author=author,
                approved_by=editor,
                published_at=MOMENT + datetime.timedelta(minutes=m),
            )
            for claim, m in zip(claims, minutes, strict=True)
        ]
    )
    for claim, review in zip(claims, reviews, strict=True):
        Claim.objects.filter(pk=claim.pk).update(published_review=review, status="published")
    readmodel.refresh(claim.pk for claim in claims)
    return claims


class KeysetPagesUnderInserts(TestCase):
    """Walking the list by `after` cursors shows each claim that was there exactly once, in
    order, while newer verdicts keep arriving at the front and older ones are backdated in."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        minutes=st.lists(st.integers(0, 6), min_size=1, max_size=30),
        size=st.integers(1, 7),
        arrivals=st.lists(st.integers(-3, 12), max_size=8),
    )
    def test_every_row_once(self, minutes, size, arrivals):
        author, editor = UserFactory(), UserFactory()
        before = {c.pk for c in published_claims(minutes, author, editor)}
        claims = in_verdict_order(Claim.objects.published().select_related("published_review"))
        first = list(claims[:size])
        seen = [c.pk for c in first]
        cursor = Cursor(first[-1].published_review.published_at, first[-1].pk)
        for step in range(100):
            if step < len(arrivals):  # a claim published meanwhile, newer or at an old time
                published_claims([arrivals[step] + 10 * (arrivals[step] > 6)], author, editor)
            page = keyset_page(claims, cursor, size)
            seen += [c.pk for c in page]
            if page.next_cursor is None:
                break
            cursor = Cursor.decode(page.next_cursor)
        assert len(seen) == len(set(seen)), "a claim was shown twice"
        assert before <= set(seen), "a claim that was there all along was skipped"
        order = list(
            Claim.objects.filter(pk__in=seen)
            .order_by("-published_review__published_at", "-pk")
            .values_list("pk", flat=True)
        )
        assert seen == order


@pytest.mark.both_databases
def test_the_list_goes_past_its_numbered_pages_by_cursor(
    client, checker, editor, settings, monkeypatch
):
    settings.PUBLIC_PAGE_SIZE = 2
    claims = published_claims(list(range(9)), checker, editor)
    monkeypatch.setattr(paging, "CAP", 4)  # numbered pages stop after 4 rows; then by cursor
    body = client.get("/claims/?page=2").content.decode()
    assert "More than 4" in body
    assert "after=" in body
    shown = []
    url = "/claims/?page=1"
    for _ in range(10):
        response = client.get(url)
        shown += [c.pk for c in claims if f"/claims/{c.pk}-" in response.content.decode()]
        links = [
            part.split('"')[0] for part in response.content.decode().split('rel="next" href="')[1:]
        ]
        if not links:
            break
        url = "/claims/" + links[0].replace("&amp;", "&")
    assert sorted(shown) == sorted(c.pk for c in claims)
    assert len(shown) == len(set(shown))


def test_a_malformed_cursor_shows_the_first_page(client, checker, editor):
    published_claims([1, 2], checker, editor)
    for after in ["nonsense", "2025-01-01T00:00:00~x", "2025-01-01T00:00:00~5", "~" * 90]:
        assert client.get("/claims/", {"after": after}).status_code == 200


def test_the_sitemap_index_lists_every_published_claim_speaker_and_source_and_nothing_else(
    client, make_claim, monkeypatch
):
    monkeypatch.setattr(sitemaps, "SECTION_SIZE", 2)  # several sections of each kind
    public, hidden = [], []
    for i in range(5):
        claim = make_claim("published", text=f"Public claim {i}")
        add_appearance(claim, speaker=SpeakerFactory(), source=SourceFactory())
        public.append(claim)
    for state in ["new", "researching", "in_review", "rejected"]:
        claim = make_claim(state, text=f"Hidden {state}")
        add_appearance(claim, speaker=SpeakerFactory(), source=SourceFactory())
        hidden.append(claim)

    urls = sitemap_urls(client)

    site = "https://claimtrack.example.org"
    expected = {site + c.get_absolute_url() for c in public}
    for claim in public:
        appearance = claim.appearances.get()
        expected.add(f"{site}/speakers/{appearance.speaker.slug}/")
        expected.add(f"{site}/sources/{appearance.source_id}/")
        for evidence in claim.published_review.evidence.all():  # cited by a public verdict
            expected.add(f"{site}/sources/{evidence.source_id}/")
    pages = {site + p for p in ["/", "/claims/", "/speakers/", "/corrections/", "/methodology/"]}
    assert set(urls) == expected | pages
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert len(list(index)) > 4  # claims and sources came in more than one section each


def test_a_sitemap_page_past_the_end_is_not_found(client, make_claim):
    make_claim("published")
    assert client.get("/sitemap-claims.xml?p=2").status_code == 404
    assert client.get("/sitemap-claims.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def records() -> dict[tuple[int, int], int]:
    return {
        (r.speaker_id, r.rating_id): r.claims for r in SpeakerRecord.objects.filter(claims__gt=0)
    }


def recounted() -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], set] = {}
    for claim in Claim.objects.published().select_related("published_review"):
        for appearance in claim.appearances.all():
            key = (appearance.speaker_id, claim.published_review.rating_id)
            counts.setdefault(key, set()).add(claim.pk)
    return {key: len(ids) for key, ids in counts.items()}


@pytest.mark.both_databases
def test_speaker_records_follow_publishing_correcting_and_reattributing(
    make_claim, editor, checker
):
    lee, xiao = SpeakerFactory(), SpeakerFactory()
    claim = make_claim("researching")
    appearance = add_appearance(claim, speaker=lee)
    add_appearance(claim, speaker=lee)  # said twice: still one claim
    assert records() == {}

    draft = services.review_start(claim=claim, by=checker)
    draft.rating, draft.summary = RatingLevel.objects.get(slug="false"), "Wrong."
    draft.save()
    services.claim_transition(claim_id=claim.pk, name="submit", by=checker)
    services.claim_transition(claim_id=claim.pk, name="publish", by=editor)
    assert records() == recounted() == {(lee.pk, draft.rating_id): 1}

    appearance.speaker = xiao
    appearance.save()
    assert records() == recounted()
    assert len(records()) == 2

    other = make_claim("published", rating="true")
    add_appearance(other, speaker=xiao)
    assert records() == recounted()
    other.appearances.get().delete()
    assert records() == recounted()


def test_a_speaker_of_many_claims_is_recounted_after_the_commit_not_in_the_publish(
    make_claim, editor, monkeypatch, django_capture_on_commit_callbacks, eager_tasks
):
    """Past stats.INLINE_MAX published claims the publish leaves the recount (which reads all
    of the speaker's claims) to a task after the commit; the counts then agree again."""
    big = SpeakerFactory()
    for _ in range(3):
        add_appearance(make_claim("published"), speaker=big)
    claim = make_claim("in_review")
    add_appearance(claim, speaker=big)
    monkeypatch.setattr(stats, "INLINE_MAX", 2)

    with django_capture_on_commit_callbacks() as callbacks:
        services.claim_transition(claim_id=claim.pk, name="publish", by=editor)
    assert sum(records().values()) == 3  # not yet: the publish did not read the 3 claims
    for callback in callbacks:
        callback()
    assert records() == recounted() and sum(records().values()) == 4


def test_publishing_costs_the_same_statements_for_a_speaker_with_1_or_40_claims(
    make_claim, checker, editor
):
    def publish_cost(speaker) -> int:
        claim = make_claim("in_review")
        add_appearance(claim, speaker=speaker)
        with CaptureQueriesContext(connection) as queries:
            services.claim_transition(claim_id=claim.pk, name="publish", by=editor)
        return len(queries)

    small, big = SpeakerFactory(), SpeakerFactory()
    for _ in range(40):
        add_appearance(make_claim("published"), speaker=big)
    assert publish_cost(small) == publish_cost(big)


FIXTURE = [
    "Trung Quốc có hơn 200 mô hình ngôn ngữ lớn",
    "Kinh tế Trung Quốc tăng trưởng 5%",
    "Đà Nẵng xuất khẩu gạo sang Trung Đông",
    "Lạm phát ở Hà Nội thấp hơn năm ngoái",
    "Mỹ dẫn đầu về chip, quốc gia khác theo sau",
    "Tăng trưởng kinh doanh ở Đà Lạt",
]
QUERIES = ["trung quoc", "trung", "kinh", "da", "quoc gia", "tang truong", "xyz", "ha noi lam"]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.both_databases
def test_search_answers_what_the_folded_words_say_on_either_database(make_claim, query):
    """The expectation is worked out here from the folded words (every query word starts a
    word of the claim), so SQLite and PostgreSQL are both held to the same answer."""
    for text in FIXTURE:
        make_claim("published", text=text, translation="")
    terms = search.words(query)
    expected = {
        text
        for text in FIXTURE
        if all(any(w.startswith(t) for w in search.words(text)) for t in terms)
    }
    found = set(search.search(Claim.objects.published(), query).values_list("text", flat=True))
    assert found == expected, connection.vendor


@pytest.mark.both_databases
def test_search_lists_at_most_its_candidates_newest_first(make_claim, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    claims = [make_claim("published", text=f"Giá xăng {i}", translation="") for i in range(5)]
    found = search.search(in_verdict_order(Claim.objects.published()), "gia xang")
    assert {c.pk for c in found} == {c.pk for c in claims[-3:]}


@pytest.mark.both_databases
def test_a_claim_made_by_no_one_still_counts_nowhere(make_claim):
    ClaimFactory()
    make_claim("published")
    assert records() == recounted()


def test_renaming_a_speaker_rewrites_their_claims_search_text_in_bounded_statements(
    make_claim, monkeypatch
):
    monkeypatch.setattr(search, "REFRESH_BATCH", 10)
    speaker = SpeakerFactory(name="Nguyễn Văn A")
    claims = [ClaimFactory() for _ in range(25)]
    for claim in claims:
        add_appearance(claim, speaker=speaker)

    speaker.name = "Trần Thị Bê"
    with CaptureQueriesContext(connection) as queries:
        speaker.save()

    writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "claims_claim"')]
    # updated_at for all of them at once, then the search text in batches of 10
    assert len(writes) <= 1 + 3, writes
    assert all("tran thi be" in d for d in Claim.objects.values_list("search_document", flat=True))
