"""API writes honour If-Match: a writable resource sends its ETag, a write naming a version
that is no longer current answers 412 and changes nothing (tracker.api.IfMatchMixin)."""

import pytest

from claims import services
from claims.models import Claim, Review, Speaker
from sources.models import Outlet, Source
from tests.api_support import client_for
from tests.factories import ClaimFactory, OutletFactory, SourceFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def _draft(checker):
    claim = ClaimFactory()
    services.claim_transition(claim_id=claim.pk, name="start_research", by=checker, note="")
    return services.review_start(claim=claim, by=checker)


CASES = {
    # path of the object, its model, the field two writers change, and their two values
    "speaker": (lambda c: SpeakerFactory(slug="ada"), "speakers/{obj.slug}/", "role"),
    "source": (lambda c: SourceFactory(), "sources/{obj.pk}/", "title"),
    "outlet": (lambda c: OutletFactory(slug="daily"), "outlets/{obj.slug}/", "url"),
    "claim": (lambda c: ClaimFactory(translation=""), "claims/{obj.pk}/", "translation"),
    "review": (_draft, "reviews/{obj.pk}/", "summary"),
}
VALUES = {
    "role": ("Minister", "Analyst"),
    "title": ("B's title", "A's title"),
    "url": ("https://b.example.org/", "https://a.example.org/"),
    "translation": ("B's translation", "A's translation"),
    "summary": ("B's summary", "A's summary"),
}
MODELS = {"speaker": Speaker, "source": Source, "outlet": Outlet, "claim": Claim, "review": Review}


@pytest.mark.parametrize("kind", CASES)
def test_a_write_with_a_stale_if_match_answers_412_and_changes_nothing(editor, checker, kind):
    make, path, field = CASES[kind]
    obj = make(checker)
    url = "/api/v1/" + path.format(obj=obj)
    writer = client_for(checker if kind == "review" else editor)
    read = writer.get(url)
    assert read.status_code == 200
    etag = read["ETag"]

    b_value, a_value = VALUES[field]
    first = writer.patch(url, {field: b_value}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.json()
    assert first["ETag"] != etag  # the changed resource's own, for the next write

    stale = writer.patch(url, {field: a_value}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert getattr(MODELS[kind].objects.get(pk=obj.pk), field) == b_value

    current = writer.get(url)["ETag"]
    again = writer.patch(url, {field: a_value}, format="json", HTTP_IF_MATCH=current)
    assert again.status_code == 200
    assert getattr(MODELS[kind].objects.get(pk=obj.pk), field) == a_value


def test_if_match_star_and_no_if_match_write_as_before(editor):
    SpeakerFactory(slug="ada", role="Analyst")
    client = client_for(editor)
    assert (
        client.patch(
            "/api/v1/speakers/ada/", {"role": "Minister"}, format="json", HTTP_IF_MATCH="*"
        ).status_code
        == 200
    )
    assert (
        client.patch("/api/v1/speakers/ada/", {"role": "Envoy"}, format="json").status_code == 200
    )
    assert Speaker.objects.get().role == "Envoy"


def test_a_stale_delete_answers_412(editor):
    outlet = OutletFactory(slug="daily")
    client = client_for(editor)
    etag = client.get("/api/v1/outlets/daily/")["ETag"]
    client.patch("/api/v1/outlets/daily/", {"url": "https://daily.example.org/"}, format="json")
    assert client.delete("/api/v1/outlets/daily/", HTTP_IF_MATCH=etag).status_code == 412
    assert Outlet.objects.filter(pk=outlet.pk).exists()
