"""The API's side of the exchange: Fact-checkers and Editors import ClaimReview (the JSON, a
file or a URL); the newsroom reads external reviews with their links; the public cannot."""

import ipaddress

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exchange.models import ExternalReview
from tests.api_support import client_for
from tests.exchange_support import DocumentServer, as_bytes, claim_review, data_feed

pytestmark = pytest.mark.django_db
IMPORT = "/api/v1/external-reviews/import/"


@pytest.mark.parametrize(
    ("role", "status"),
    [("checker", 200), ("editor", 200), ("reporter", 403), ("outsider", 403), (None, 401)],
)
def test_fact_checkers_and_editors_import_the_json_itself(request, role, status):
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).post(
        IMPORT, {"data": [claim_review(1), {"@type": "ClaimReview"}]}, format="json"
    )

    assert response.status_code == status
    if status == 200:
        assert response.json() == {
            "read": 2,
            "created": 1,
            "updated": 0,
            "unchanged": 0,
            "repeated": 0,
            "needs_confirmation_again": 0,
            "skipped_count": 1,
            "skipped": [
                {
                    "position": "item 2",
                    "reason": "no http(s) `url`: the review's address is required",
                }
            ],
        }
    assert ExternalReview.objects.count() == (1 if status == 200 else 0)


def test_an_uploaded_file_is_imported(checker):
    upload = SimpleUploadedFile(
        "feed.json", as_bytes(data_feed([claim_review(1), claim_review(2)]))
    )

    response = client_for(checker).post(IMPORT, {"file": upload}, format="multipart")

    assert response.status_code == 200 and response.json()["created"] == 2


def test_a_url_goes_through_the_ssrf_guard(checker, settings):
    api = client_for(checker)
    with DocumentServer() as server:
        server.documents["/feed.json"] = ("application/json", as_bytes([claim_review(1)]))
        refused = api.post(IMPORT, {"url": server.url("/feed.json")}, format="json")
        settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
        allowed = api.post(IMPORT, {"url": server.url("/feed.json")}, format="json")

    assert refused.status_code == 400 and "public addresses" in refused.json()["detail"]
    assert allowed.status_code == 200 and allowed.json()["created"] == 1
    assert server.requests == ["/feed.json"]


@pytest.mark.parametrize(
    "body", [{}, {"data": [], "url": "https://factcheck.example.org/"}, {"url": "not a url"}]
)
def test_bad_import_input_answers_400(checker, body):
    response = client_for(checker).post(IMPORT, body, format="json")
    assert response.status_code == 400


def test_the_newsroom_reads_external_reviews_and_the_public_does_not(reporter):
    client_for(reporter)  # the token exists before the import
    ExternalReview.objects.create(
        url="https://factcheck.example.org/reviews/1", publisher="Example", claim_reviewed="x"
    )

    listed = client_for(reporter).get("/api/v1/external-reviews/")
    assert listed.status_code == 200
    assert [r["url"] for r in listed.json()["results"]] == [
        "https://factcheck.example.org/reviews/1"
    ]
    assert client_for().get("/api/v1/external-reviews/").status_code == 401
