"""Idempotent creates: a form or an API request sent twice files one claim, and one URL makes
one source, even when the requests arrive at once (claims.edits.claim_filed_just_now, the
unique normalised URL of sources 0007)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from claims import edits
from claims.models import Claim
from sources.models import Source
from tests.factories import factory_user

CLAIM_FORM = {
    "text": "Unemployment halved in a year.",
    "language": "en",
    "translation": "",
    "translation_language": "en",
    "appearances-TOTAL_FORMS": "0",
    "appearances-INITIAL_FORMS": "0",
    "reviews-TOTAL_FORMS": "0",
    "reviews-INITIAL_FORMS": "0",
}
SOURCE_FORM = {
    "title": "The report",
    "url": "https://Stats.example.org/report?utm_source=mail",
    "kind": "report",
    "language": "en",
}


@pytest.mark.django_db
def test_a_double_clicked_add_files_one_claim(client, reporter):
    client.force_login(reporter)
    first = client.post("/admin/claims/claim/add/", CLAIM_FORM)
    second = client.post("/admin/claims/claim/add/", CLAIM_FORM)
    assert first.status_code == 302
    assert second.status_code == 409
    claim = Claim.objects.get()
    assert f"You filed this claim a moment ago (#{claim.pk})" in second.content.decode()
    assert Claim.history.count() == 1


@pytest.mark.django_db
def test_another_reporter_may_file_the_same_words(client, reporter, checker):
    for user in (reporter, checker):
        client.force_login(user)
        assert client.post("/admin/claims/claim/add/", CLAIM_FORM).status_code == 302
    assert Claim.objects.count() == 2


@pytest.mark.django_db
def test_an_api_create_sent_twice_files_one_claim(reporter, checker):
    """The API's claim create keeps the admin's rule: a retried request is answered 409 naming
    the claim it filed, and someone else may still file the same words."""
    body = {"text": CLAIM_FORM["text"], "language": "en"}
    api = APIClient()
    api.force_authenticate(reporter)
    first = api.post("/api/v1/claims/", body, format="json")
    second = api.post("/api/v1/claims/", body, format="json")
    assert (first.status_code, second.status_code) == (201, 409)
    assert f"#{first.json()['id']}" in second.json()["detail"]
    assert Claim.objects.count() == 1 and Claim.history.count() == 1
    api.force_authenticate(checker)
    assert api.post("/api/v1/claims/", body, format="json").status_code == 201


@pytest.mark.django_db
def test_a_second_source_at_the_same_url_is_a_form_error(client, editor):
    client.force_login(editor)
    assert client.post("/admin/sources/source/add/", SOURCE_FORM).status_code == 302
    again = {**SOURCE_FORM, "url": "https://stats.example.org/report"}
    page = client.post("/admin/sources/source/add/", again)
    assert page.status_code == 200
    assert "A source with this URL is in the catalogue already." in page.content.decode()
    assert Source.objects.count() == 1


@pytest.mark.django_db
def test_source_for_url_finds_the_source_whatever_the_spelling():
    by = factory_user()
    made = edits.source_for_url(url="https://stats.example.org/r", by=by, title="R", language="en")
    found = edits.source_for_url(url="https://STATS.example.org/r", by=by, title="X", language="en")
    assert found == made


def _at_once(count: int, send) -> list[int]:
    start = threading.Barrier(count)
    codes: list[int] = []

    def run():
        try:
            start.wait()
            codes.append(send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(codes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_adds_make_one_claim_and_one_source(reporter, editor):
    def post_as(user, url, data):
        def send() -> int:
            client = Client()
            client.force_login(user)
            return client.post(url, data).status_code

        return send

    claims = _at_once(2, post_as(reporter, "/admin/claims/claim/add/", CLAIM_FORM))
    sources = _at_once(3, post_as(editor, "/admin/sources/source/add/", SOURCE_FORM))
    assert Claim.objects.count() == 1 and claims[0] == 302 and claims[1] == 409
    assert Source.objects.count() == 1
    # The losers are refused with a message: a form error (200), a conflict at the insert (409)
    # or, when the winner committed between a loser's form check and its save, the service's
    # own check of the constraint (400). Never a 500, never a second row.
    assert sources.count(302) == 1 and all(code in (200, 302, 400, 409) for code in sources)
