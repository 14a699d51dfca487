import datetime

import pytest
from django.utils import timezone
from django.utils.http import http_date

from claims.models import Claim
from tests.api_support import client_for
from tests.factories import AppearanceFactory

pytestmark = pytest.mark.django_db


def poll(path: str, etag: str | None = None, **headers):
    if etag:
        headers["HTTP_IF_NONE_MATCH"] = etag
    return client_for().get(path, **headers)


def test_a_claim_carries_an_etag_and_last_modified(make_claim):
    claim = make_claim("published")

    answer = poll(f"/api/v1/claims/{claim.pk}/")

    assert answer.status_code == 200
    assert answer["ETag"].startswith('"')
    assert answer["Last-Modified"] == http_date(claim.updated_at.timestamp())
    assert "Accept-Language" in answer["Vary"]


def test_the_etag_changes_when_the_claim_changes_and_only_then(make_claim, editor):
    claim, other = make_claim("published"), make_claim("published")
    path = f"/api/v1/claims/{claim.pk}/"
    first = poll(path)["ETag"]

    assert poll(path)["ETag"] == first
    other.translation = "Something else"
    other.save()
    assert poll(path)["ETag"] == first

    editor_api = client_for(editor)
    editor_api.post(f"{path}transitions/", {"transition": "reopen", "note": "Better wording"})
    editor_api.patch(path, {"translation": "A better translation"}, format="json")
    changed = poll(path)["ETag"]
    assert changed != first
    assert poll(path, first).status_code == 200
    assert poll(path, changed).status_code == 304


def test_polling_an_unchanged_claim_answers_304_from_one_query(
    make_claim, django_assert_num_queries
):
    claim = make_claim("published")
    AppearanceFactory.create_batch(3, claim=claim)
    path = f"/api/v1/claims/{claim.pk}/"
    etag = poll(path)["ETag"]

    with django_assert_num_queries(1):
        answer = poll(path, etag)

    assert answer.status_code == 304
    assert answer.content == b""
    assert answer["ETag"] == etag


def test_a_tool_polling_with_a_token_also_skips_the_serialiser(
    make_claim, editor, django_assert_num_queries
):
    claim = make_claim("published")
    client = client_for(editor)
    path = f"/api/v1/claims/{claim.pk}/"
    etag = client.get(path)["ETag"]

    # the token lookup, the permission check (two), and the claim's version row
    with django_assert_num_queries(4):
        answer = client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert answer.status_code == 304


def test_the_list_answers_304_until_a_claim_in_it_changes(make_claim, django_assert_num_queries):
    claims = [make_claim("published") for _ in range(3)]
    etag = poll("/api/v1/claims/")["ETag"]

    with django_assert_num_queries(1):
        assert poll("/api/v1/claims/", etag).status_code == 304

    Claim.objects.filter(pk=claims[1].pk).update(updated_at=timezone.now())
    assert poll("/api/v1/claims/", etag).status_code == 200


def test_a_new_publication_changes_the_list_etag(make_claim):
    make_claim("published")
    etag = poll("/api/v1/claims/")["ETag"]

    make_claim("published")

    assert poll("/api/v1/claims/", etag).status_code == 200


def test_filters_and_pages_have_their_own_etags(make_claim):
    make_claim("published", language="en")
    make_claim("published", language="vi")

    english = poll("/api/v1/claims/?language=en")["ETag"]

    assert poll("/api/v1/claims/?language=vi", english).status_code == 200
    assert poll("/api/v1/claims/?language=en", english).status_code == 304


def test_the_public_and_a_newsroom_account_get_different_etags(make_claim, reporter):
    claim = make_claim("published")
    path = f"/api/v1/claims/{claim.pk}/"

    public = poll(path)["ETag"]

    assert client_for(reporter).get(path, HTTP_IF_NONE_MATCH=public).status_code == 200


def test_if_modified_since_answers_304_for_an_older_claim(make_claim):
    claim = make_claim("published")
    Claim.objects.filter(pk=claim.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=2)
    )
    path = f"/api/v1/claims/{claim.pk}/"
    since = http_date((timezone.now() - datetime.timedelta(hours=1)).timestamp())

    assert poll(path, HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    Claim.objects.filter(pk=claim.pk).update(updated_at=timezone.now())
    assert poll(path, HTTP_IF_MODIFIED_SINCE=since).status_code == 200


def test_other_read_endpoints_answer_304_for_an_unchanged_body(make_claim):
    make_claim("published")

    for path in ("/api/v1/ratings/", "/api/v1/speakers/", "/api/v1/sources/"):
        etag = poll(path)["ETag"]
        assert poll(path, etag).status_code == 304, path
        assert poll(path, '"stale"').status_code == 200, path


def test_the_claimreview_feed_answers_304_while_nothing_changed(make_claim):
    make_claim("published")
    etag = poll("/api/v1/claimreview/")["ETag"]

    assert poll("/api/v1/claimreview/", etag).status_code == 304


def test_adding_an_appearance_changes_the_claims_etag(make_claim):
    claim = make_claim("published")
    path = f"/api/v1/claims/{claim.pk}/"
    etag = poll(path)["ETag"]

    AppearanceFactory(claim=claim)

    assert poll(path, etag).status_code == 200


def test_a_link_health_edit_changes_the_etag_and_a_routine_recheck_does_not(make_claim):
    from sources.models import Link

    claim = make_claim("published")
    source = claim.published_review.evidence.get().source
    source.url = "https://example.org/a"
    source.save()
    link = Link.objects.get(url="https://example.org/a")
    path = f"/api/v1/claims/{claim.pk}/"
    etag = poll(path)["ETag"]

    link.last_checked_at = timezone.now()
    link.save()
    assert poll(path, etag).status_code == 304

    link.status = Link.Status.BROKEN
    link.save()
    assert poll(path, etag).status_code == 200
