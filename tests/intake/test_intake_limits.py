"""Limits that agree: a pasted article up to the intake's 5 MB is taken, one over it gets the
intake's own message with its text kept in the form, never Django's bare 400."""

import pytest
from django.conf import settings

from intake.models import ArticleImport

pytestmark = pytest.mark.django_db

SENTENCE = "Bộ trưởng nói rằng tỷ lệ thất nghiệp đã giảm một nửa trong năm qua. "


def article(megabytes: float) -> str:
    size = int(megabytes * 1024 * 1024)
    body = SENTENCE * (size // len(SENTENCE.encode()) + 1)
    return body.encode()[:size].decode(errors="ignore") + " THE END"


def test_the_request_limit_lets_the_intake_s_own_limit_speak():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE > settings.INTAKE_MAX_BYTES


def test_a_three_megabyte_article_is_taken(client, reporter):
    client.force_login(reporter)
    response = client.post("/admin/intake/articleimport/add/", {"text": article(3)})
    assert response.status_code == 302
    assert len(ArticleImport.objects.get().pasted_text.encode()) > 3 * 1024 * 1024


def test_an_article_over_the_limit_gets_the_intake_s_message_and_keeps_its_text(client, reporter):
    client.force_login(reporter)
    response = client.post("/admin/intake/articleimport/add/", {"text": article(5.5)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The article is larger than 5 MB: paste a part of it." in page
    assert "THE END</textarea>" in page
    assert not ArticleImport.objects.exists()
