"""The public's API claim pages are served from the payloads stored in the read model: the same
bytes the serializer gives, in a number of queries that does not grow with the page, with
ETags from the stored rows; what changes without the claim changing (the reader's language,
link health, today's date) is filled in per request."""

import datetime
import json

import pytest
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from claims import edits, readmodel, services
from claims.models import Claim, PublishedClaim
from claims.visibility import public_claims
from exchange.services import review_link_decide
from public.api.serializers import ClaimSerializer
from public.details import with_public_details
from sources.events import link_health_changed
from sources.models import Link
from tests.api_support import client_for
from tests.factories import SourceFactory, SpeakerFactory, TopicFactory, walk_to
from tests.site_data import add_appearance, correct

pytestmark = pytest.mark.django_db


def serializer_output(language: str) -> list:
    """The public list's claims as the serializer gives them (the order of the API's list)."""
    claims = with_public_details(public_claims()).order_by("-updated_at", "-id")
    with translation.override(language):
        return ClaimSerializer(claims, many=True).data


def api_results(client, language: str, path: str = "/api/v1/claims/?page_size=200"):
    return client.get(path, HTTP_ACCEPT_LANGUAGE=language)


@pytest.fixture
def record(make_claim, editor, checker):
    """Published claims showing everything a payload shows: appearances with sources and
    links, evidence, a correction, a confirmed review by another desk, a re-check date."""
    linked = SourceFactory(url="https://news.example.com/linked")
    claims = []
    for n in range(3):
        claim = make_claim("new", text=f"Rice exports grew {n} times", translation="")
        add_appearance(claim, speaker=SpeakerFactory(), source=linked if n else SourceFactory())
        claim.topics.add(TopicFactory())
        claims.append(walk_to(claim, "in_review", checker=checker, editor=editor))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for n, claim in enumerate(claims):
        services.claim_transition(
            claim_id=claim.pk, name="publish", by=editor, recheck_after=tomorrow if n == 1 else None
        )
        claim.refresh_from_db()
    correct(claims[0], editor=editor, checker=checker, rating="true")
    _confirm_an_external_review(claims[2], editor)
    return claims


def _confirm_an_external_review(claim, editor) -> None:
    import io

    from exchange.importing import import_claimreview
    from exchange.matching import link_reviews
    from exchange.models import ExternalReview, ReviewLink
    from tests.exchange_support import claim_review

    item = claim_review(7, claimReviewed=claim.text)
    import_claimreview(io.BytesIO(json.dumps([item]).encode()))
    review = ExternalReview.objects.get(url=item["url"])
    link_reviews([review.pk])
    link = ReviewLink.objects.filter(external_review=review, claim=claim).get()
    review_link_decide(link=link, state="confirmed", by=editor)


@pytest.mark.both_databases
@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_list_page_is_the_serializers_output_byte_for_byte(client, record, language):
    response = api_results(client, language)
    expected = JSONRenderer().render(serializer_output(language))
    assert response.status_code == 200
    assert expected in response.content
    assert len(response.json()["results"]) == len(record)
    assert PublishedClaim.objects.exclude(payload="").count() == len(record)


@pytest.mark.both_databases
def test_a_claim_is_the_serializers_output_byte_for_byte(client, record):
    for claim in record:
        response = client.get(f"/api/v1/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="vi")
        with translation.override("vi"):
            expected = ClaimSerializer(with_public_details(public_claims()).get(pk=claim.pk)).data
        assert response.content == JSONRenderer().render(expected)


def test_a_routine_link_check_and_a_health_change_show_at_once(client, record):
    link = record[1].appearances.get().source.link
    assert link is not None
    etag = api_results(client, "en")["ETag"]
    # A recheck writes the link's time without touching a claim (no payload is rewritten).
    Link.objects.filter(pk=link.pk).update(last_checked_at=timezone.now())
    assert expected_bytes("en") in api_results(client, "en").content
    Link.objects.filter(pk=link.pk).update(status="broken")
    link_health_changed.send(sender=Link, link_ids=[link.pk])
    response = api_results(client, "en", "/api/v1/claims/?page_size=200")
    assert expected_bytes("en") in response.content
    assert '"status":"broken"' in response.content.decode()
    assert response["ETag"] != etag


def expected_bytes(language: str) -> bytes:
    return JSONRenderer().render(serializer_output(language))


def test_a_re_check_date_passing_shows_the_next_day_without_a_rewrite(client, record, monkeypatch):
    today = timezone.localdate()
    before = api_results(client, "en")
    assert '"recheck_due_since":null' in before.content.decode()
    stored = set(PublishedClaim.objects.values_list("payload_digest", flat=True))
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + datetime.timedelta(days=1))
    after = api_results(client, "en", "/api/v1/claims/?page_size=200")
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert f'"recheck_due_since":"{tomorrow}"' in after.content.decode()
    assert expected_bytes("en") in after.content
    assert set(PublishedClaim.objects.values_list("payload_digest", flat=True)) == stored
    assert (
        client.get("/api/v1/claims/?page_size=200", HTTP_IF_NONE_MATCH=before["ETag"]).status_code
        == 200
    )


def test_renames_elsewhere_in_the_catalogue_rewrite_the_payloads(client, record, editor):
    speaker = record[1].appearances.get().speaker
    edits.speaker_update(speaker=speaker, by=editor, name="A Renamed Minister")
    outlet = record[2].published_review.evidence.get().source.outlet
    edits.outlet_update(outlet=outlet, by=editor, name="A Renamed Outlet")
    topic = record[0].topics.get()
    edits.topic_update(topic=topic, by=editor, slug="renamed-topic")
    body = api_results(client, "vi").content
    for shown in ("A Renamed Minister", "A Renamed Outlet", "renamed-topic"):
        assert shown in body.decode()
    assert expected_bytes("vi") in body
    assert readmodel.differences([c.pk for c in record]) == []


@pytest.mark.both_databases
def test_a_list_page_costs_the_same_queries_whatever_its_size(
    client, make_claim, django_assert_max_num_queries
):
    for _ in range(12):
        claim = make_claim("published")
        add_appearance(claim)
        add_appearance(claim)
    # The page's ids, dates and digests; their payloads; the rating scale; the links.
    for size in (2, 12):
        with django_assert_max_num_queries(4):
            response = client.get(f"/api/v1/claims/?page_size={size}")
        assert len(response.json()["results"]) == size
    etag = response["ETag"]
    with django_assert_max_num_queries(1):
        assert (
            client.get("/api/v1/claims/?page_size=12", HTTP_IF_NONE_MATCH=etag).status_code == 304
        )


def test_a_row_without_its_payload_yet_is_served_from_the_record(client, record):
    PublishedClaim.objects.filter(claim=record[0]).update(payload="", payload_digest="")
    PublishedClaim.objects.filter(claim=record[1]).update(payload='{"id": 0}')
    assert expected_bytes("en") in api_results(client, "en").content


def test_a_stored_payload_changes_the_etag_though_updated_at_stays(client, record):
    etag = api_results(client, "en")["ETag"]
    row = PublishedClaim.objects.get(claim=record[0])
    text = row.payload.replace("Rice exports", "Rice imports")
    PublishedClaim.objects.filter(pk=row.pk).update(
        payload=text, payload_digest=readmodel.digest(text)
    )
    assert client.get("/api/v1/claims/?page_size=200", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_newsroom_accounts_still_see_work_in_progress(make_claim, editor):
    claim = make_claim("published")
    make_claim("researching")
    response = client_for(editor).get("/api/v1/claims/")
    statuses = sorted(c["status"] for c in response.json()["results"])
    assert statuses == ["published", "researching"]
    assert claim.pk in [c["id"] for c in response.json()["results"]]


def test_a_save_that_changes_nothing_shown_leaves_the_payload_true(record):
    claim = Claim.objects.get(pk=record[0].pk)
    claim.save()  # moves updated_at (auto_now), which the payload shows
    assert readmodel.differences([claim.pk]) == []


def test_a_site_moved_to_another_address_serves_its_new_urls(client, record, settings):
    settings.SITE_URL = "https://checks.example.net"
    body = api_results(client, "en").content
    assert b"https://checks.example.net/claims/" in body
    assert b"https://checks.example.net/sources/" in body
    assert expected_bytes("en") in body
