"""Hostile input answers 4xx, never 500: forged cursors, deep JSON, control characters, slugs."""

import base64
import json

import pytest
from django.urls import reverse

from claims.models import Claim, Speaker
from tests.api_support import client_for
from tests.factories import AppearanceFactory, SpeakerFactory

LISTS = [
    "/api/v1/claims/",
    "/api/v1/speakers/",
    "/api/v1/sources/",
    "/api/v1/outlets/",
    "/api/v1/appearances/",
    "/api/v1/claimreview/",
    "/api/v1/reviews/",
    "/api/v1/evidence/",
]


def forged(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("cursor", ["p=abc", "p=1e999", "o=-5&p=x", "r=1&p=%00", "p=2026-13-45"])
def test_a_forged_cursor_is_a_400_on_every_list(path, cursor, make_claim, editor):
    make_claim("published")
    for client in (client_for(), client_for(editor)):
        response = client.get(path, {"cursor": forged(cursor)})
        assert response.status_code in (400, 401, 403), (path, cursor, response.status_code)
        if response.status_code == 400:
            assert "cursor" in response.json()["fields"]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [40, 5000, 100_000])
def test_deeply_nested_json_is_a_400_on_a_write_endpoint(depth, editor):
    before = Claim.objects.count()
    response = client_for(editor).post(
        "/api/v1/claims/",
        data='{"text": ' + nested(depth) + ', "language": "en"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert Claim.objects.count() == before


@pytest.mark.django_db
def test_shallow_json_is_still_accepted(editor):
    body = {"text": "A fine claim", "language": "en", "topics": []}
    response = client_for(editor).post(
        "/api/v1/claims/", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("char", ["\x1b", "\x00", "\x7f", "\x85", "\ufffe"])
def test_a_control_character_is_a_field_error_in_the_api(char, reporter):
    before = Claim.objects.count()
    response = client_for(reporter).post(
        "/api/v1/claims/", {"text": f"Bad{char}claim", "language": "en"}, format="json"
    )
    assert response.status_code == 400
    assert "text" in response.json()["fields"]
    assert Claim.objects.count() == before


@pytest.mark.django_db
def test_tab_and_newlines_are_ordinary_text(reporter):
    response = client_for(reporter).post(
        "/api/v1/claims/", {"text": "Line one\n\tLine two\r\n", "language": "en"}, format="json"
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_code_that_saves_without_validating_is_refused_too():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        SpeakerFactory(name="Escape\x1bartist")
    assert "name" in refused.value.message_dict
    assert not Speaker.objects.filter(name__startswith="Escape").exists()


@pytest.mark.django_db
def test_an_all_chinese_name_gets_a_slug_and_a_second_one_a_different_slug(reporter):
    client = client_for(reporter)
    first = client.post("/api/v1/speakers/", {"name": "李彦宏"}, format="json")
    second = client.post("/api/v1/speakers/", {"name": "李彦宏"}, format="json")
    assert first.status_code == 201 and second.status_code == 201
    slugs = {first.json()["slug"], second.json()["slug"]}
    assert len(slugs) == 2 and "" not in slugs
    assert first.json()["slug"] == "li-yan-hong"


@pytest.mark.django_db
def test_a_duplicate_slug_is_a_400_with_a_field_error(reporter):
    client = client_for(reporter)
    assert (
        client.post("/api/v1/speakers/", {"name": "A", "slug": "same"}, format="json").status_code
        == 201
    )
    response = client.post("/api/v1/speakers/", {"name": "B", "slug": "same"}, format="json")
    assert response.status_code == 400
    assert "slug" in response.json()["fields"]


@pytest.mark.django_db
def test_a_published_claim_by_a_chinese_speaker_has_working_pages(client, make_claim):
    claim = make_claim("published", text="人工智能将取代所有工作", translation="")
    AppearanceFactory(claim=claim, speaker=SpeakerFactory(name="李彦宏", slug=""))
    for path in (claim.get_absolute_url(), reverse("speaker-list"), "/sitemap.xml"):
        assert client.get(path, follow=True).status_code == 200, path
    speaker = Speaker.objects.get(name="李彦宏")
    assert client.get(reverse("speaker-detail", args=[speaker.slug])).status_code == 200


@pytest.mark.django_db
def test_the_admin_shows_a_control_character_as_a_field_error(admin_client):
    response = admin_client.post(
        "/admin/claims/speaker/add/",
        {"name": "Escape\x1bartist", "slug": "escape-artist", "kind": "person"},
    )
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert not Speaker.objects.filter(slug="escape-artist").exists()


@pytest.mark.django_db
def test_a_speaker_saved_in_code_gets_a_unique_transliterated_slug():
    first = SpeakerFactory(name="Nguyễn Văn A", slug="")
    second = SpeakerFactory(name="Nguyễn Văn A", slug="")
    assert (first.slug, second.slug) == ("nguyen-van-a", "nguyen-van-a-2")
    assert SpeakerFactory(name="🙂", slug="").slug == "speaker"
