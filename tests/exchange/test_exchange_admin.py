"""The desk imports ClaimReview from the admin (a file, or a URL through the SSRF guard) and
browses external reviews; Reporters may look but not import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.models import ExternalReview
from tests.exchange_support import DocumentServer, as_bytes, claim_review

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:exchange_externalreview_import")


def test_a_fact_checker_uploads_a_file_and_sees_what_was_skipped(client, checker):
    client.force_login(checker)
    assert client.get(reverse("admin:exchange_externalreview_add")).url == IMPORT
    upload = SimpleUploadedFile("checks.json", as_bytes([claim_review(1), {"@type": "Thing"}]))

    response = client.post(IMPORT, {"file": upload}, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 read: 1 created, 0 updated, 0 unchanged, 0 repeated in the file, 1 skipped" in page
    assert "Item 2: not a ClaimReview" in page
    assert "Example Checks" in page  # the change list now shows it
    assert ExternalReview.objects.count() == 1


def test_a_private_url_is_refused_on_the_form(client, checker):
    client.force_login(checker)
    with DocumentServer() as server:
        server.documents["/feed.json"] = ("application/json", as_bytes(claim_review(1)))
        response = client.post(IMPORT, {"url": server.url("/feed.json")})

    assert response.status_code == 200
    assert "only visits public addresses" in response.content.decode()
    assert server.requests == [] and not ExternalReview.objects.exists()


def test_a_reporter_may_browse_but_not_import(client, reporter):
    client.force_login(reporter)

    assert client.get(reverse("admin:exchange_externalreview_changelist")).status_code == 200
    assert client.get(IMPORT).status_code == 403
