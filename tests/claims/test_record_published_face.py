"""A reopened claim's public face: while its old verdict stands, every public surface shows the
claim as that verdict was published (text, translation, language, appearances), however the
draft is edited; the newsroom sees the draft; publishing the new verdict shows the new text."""

import json

import pytest
from rest_framework.test import APIClient

from claims import edits, services
from claims.models import Claim
from tests.factories import SourceFactory, SpeakerFactory
from tests.public.test_site_queries import BOUNDS
from tests.site_data import add_appearance, correct, fresh_page_cache, plain_static_storage  # noqa: F401
from webhooks.models import Endpoint, Event
from webhooks.services import event_record

PUBLISHED_TEXT = "Trung Quốc có hơn 200 mô hình ngôn ngữ lớn"
PUBLISHED_TRANSLATION = "China has over 200 large language models"
EDITED_TEXT = "Zanzibar xylophone rewrite"
EDITED_TRANSLATION = "Quixotic draft wording"


@pytest.fixture
def reopened(make_claim, editor, checker, reporter):
    """A published claim, reopened; its text, translation and language edited, and a new
    speaker's appearance added, in the draft."""
    claim = make_claim(
        "published", text=PUBLISHED_TEXT, translation=PUBLISHED_TRANSLATION, language="vi"
    )
    add_appearance(claim, speaker=SpeakerFactory(name="Kai-Fu Lee", slug="kai-fu-lee"))
    services.claim_transition(claim_id=claim.pk, name="reopen", by=editor, note="New figures")
    claim.refresh_from_db()
    edits.claim_update(
        claim=claim, by=checker, text=EDITED_TEXT, translation=EDITED_TRANSLATION, language="en"
    )
    edits.appearance_create(
        claim=claim,
        by=reporter,
        speaker=SpeakerFactory(name="Newly Added", slug="newly-added"),
        source=SourceFactory(title="Found during the re-review"),
        quote=EDITED_TEXT,
        quote_language="en",
    )
    claim.refresh_from_db()
    return claim


def public_surfaces(client, claim: Claim) -> dict[str, str]:
    api = APIClient()
    return {
        "claim page": client.get(claim.get_absolute_url()).content.decode(),
        "home": client.get("/").content.decode(),
        "list": client.get("/claims/").content.decode(),
        "speaker page": client.get("/speakers/kai-fu-lee/").content.decode(),
        "atom": client.get("/feeds/claims.atom").content.decode(),
        "rss": client.get("/feeds/claims.rss").content.decode(),
        "api detail": json.dumps(api.get(f"/api/v1/claims/{claim.pk}/").json()),
        "api list": json.dumps(api.get("/api/v1/claims/").json()),
        "claimreview api": json.dumps(api.get("/api/v1/claimreview/").json()),
        "claimreview feed": b"".join(
            api.get("/api/v1/claimreview/feed/").streaming_content
        ).decode(),
    }


def test_readers_see_the_claim_as_its_standing_verdict_was_published(client, reopened):
    for surface, body in public_surfaces(client, reopened).items():
        assert "Zanzibar" not in body and "Quixotic" not in body, surface
        assert "Newly Added" not in body, surface
        if surface not in ("api list", "api detail", "claimreview api", "claimreview feed"):
            assert "200" in body, surface
    page = client.get(reopened.get_absolute_url()).content.decode()
    assert PUBLISHED_TEXT in page and PUBLISHED_TRANSLATION in page
    assert 'lang="vi"' in page
    detail = APIClient().get(f"/api/v1/claims/{reopened.pk}/").json()
    assert (detail["text"], detail["translation"], detail["language"]) == (
        PUBLISHED_TEXT,
        PUBLISHED_TRANSLATION,
        "vi",
    )
    assert [a["speaker"]["slug"] for a in detail["appearances"]] == ["kai-fu-lee"]


def test_the_speaker_of_an_appearance_added_in_re_review_is_not_public_yet(client, reopened):
    assert client.get("/speakers/newly-added/").status_code == 404
    assert "newly-added" not in client.get("/speakers/").content.decode()
    assert (
        client.get("/claims/", {"speaker": "newly-added"})
        .content.decode()
        .count(reopened.get_absolute_url())
        == 0
    )
    api = APIClient()
    assert api.get("/api/v1/speakers/newly-added/").status_code == 404
    assert api.get("/api/v1/claims/", {"speaker": "newly-added"}).json()["results"] == []


def test_public_search_matches_the_published_text_not_the_draft(client, reopened):
    url = reopened.get_absolute_url()
    assert url in client.get("/claims/", {"q": "trung quoc"}).content.decode()
    assert url not in client.get("/claims/", {"q": "zanzibar"}).content.decode()
    api = APIClient()
    assert api.get("/api/v1/claims/", {"q": "zanzibar"}).json()["results"] == []


def test_the_language_filters_follow_the_published_language(client, reopened, editor):
    url, pk = reopened.get_absolute_url(), reopened.pk
    assert url in client.get("/claims/", {"language": "vi"}).content.decode()
    assert url not in client.get("/claims/", {"language": "en"}).content.decode()
    api = APIClient()
    for path in ("/api/v1/claims/", "/api/v1/claimreview/"):
        assert api.get(path, {"language": "en"}).json()["results"] == [], path
        assert len(api.get(path, {"language": "vi"}).json()["results"]) == 1, path
    api.force_authenticate(editor)  # the newsroom filters the draft as it stands
    assert [c["id"] for c in api.get("/api/v1/claims/", {"language": "en"}).json()["results"]] == [
        pk
    ]


def test_webhook_payloads_carry_the_published_text(reopened, outsider):
    Endpoint.objects.create(owner=outsider, url="https://consumer.example/hook")
    event = event_record(claim_id=reopened.pk, event_type="claim.updated")
    assert event is not None
    assert event.data["claim"]["text"] == PUBLISHED_TEXT
    assert "Zanzibar" not in json.dumps(Event.objects.get(pk=event.pk).data)


def test_the_newsroom_sees_the_draft(reopened, editor):
    api = APIClient()
    api.force_authenticate(editor)
    assert api.get(f"/api/v1/claims/{reopened.pk}/").json()["text"] == EDITED_TEXT
    assert Claim.objects.get(pk=reopened.pk).text == EDITED_TEXT


def test_publishing_the_new_verdict_shows_the_new_text_everywhere(
    client, reopened, checker, editor
):
    draft = services.review_start(claim=reopened, by=checker)
    edits.review_update(review=draft, by=checker, summary="Re-checked against new figures.")
    services.claim_transition(claim_id=reopened.pk, name="submit", by=checker)
    services.claim_transition(claim_id=reopened.pk, name="publish", by=editor, note="Reworded")
    reopened.refresh_from_db()
    for surface, body in public_surfaces(client, reopened).items():
        assert "Zanzibar" in body or surface in ("speaker page",), surface
        assert PUBLISHED_TRANSLATION not in body, surface  # (the first quote keeps the text)
    assert client.get("/speakers/newly-added/").status_code == 200
    assert reopened.get_absolute_url() in client.get("/claims/", {"q": "zanzibar"}).content.decode()


def test_a_claim_read_as_published_cannot_be_saved(reopened):
    from claims.visibility import public_claims

    shown = public_claims().get(pk=reopened.pk)
    assert shown.text == PUBLISHED_TEXT
    with pytest.raises(TypeError):
        shown.save()


@pytest.mark.parametrize("page", ["/", "/claims/", "/corrections/"])
def test_reopened_claims_cost_no_extra_queries_on_lists(
    client, make_claim, editor, checker, page, django_assert_max_num_queries
):
    bound = {"/": BOUNDS["home"], "/claims/": BOUNDS["claim list"], "/corrections/": 2}[page]
    for i in range(6):
        claim = make_claim("published", text=f"Published wording {i}")
        add_appearance(claim)
        if i == 1:
            correct(claim, editor=editor, checker=checker, rating="half-true")
        if i % 2:
            services.claim_transition(claim_id=claim.pk, name="reopen", by=editor, note="Again")
            claim.refresh_from_db()
            draft = f"Zanzibar draft {i}"
            edits.claim_update(claim=claim, by=checker, text=draft, translation=draft)
    with django_assert_max_num_queries(bound):
        body = client.get(page).content.decode()
    assert "Zanzibar" not in body


@pytest.mark.both_databases
def test_public_matching_never_matches_or_shows_the_draft(reopened, editor):
    api = APIClient()
    assert api.get("/api/v1/claims/match/", {"text": EDITED_TEXT}).json()["results"] == []
    newsroom = APIClient()
    newsroom.force_authenticate(editor)
    found = newsroom.get("/api/v1/claims/match/", {"text": EDITED_TEXT}).json()["results"]
    assert [m["claim"] for m in found] == [reopened.pk]
