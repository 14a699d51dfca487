"""An import's progress and refusals are written in the language its Reporter used: the
extraction runs off the request (Celery), so the request's language travels with the task."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from intake import article


@pytest.fixture
def start(reporter, eager_tasks, django_capture_on_commit_callbacks):
    """POST intake/ in `language`, run the extraction queued on commit, read the import."""

    def post(payload: dict, language: str) -> dict:
        api = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        api.force_authenticate(reporter)
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/api/v1/intake/", payload, format="json")
        assert response.status_code == 201, response.json()
        return api.get(f"/api/v1/intake/{response.json()['id']}/").json()

    return post


@pytest.mark.django_db
def test_a_refused_article_says_why_in_the_reporters_language(start):
    private = {"url": "http://10.0.0.1/article"}

    english, vietnamese = start(private, "en"), start(private, "vi")

    assert english["status"] == vietnamese["status"] == "failed"
    assert english["error"].startswith("This address may not be fetched: ")
    assert vietnamese["error"].startswith("Địa chỉ này không được phép tải: ")


def test_an_article_refusal_is_in_the_active_language():
    with translation.override("vi"), pytest.raises(article.IntakeError) as refused:
        article.from_bytes(b"abc\x00def")
    with translation.override("vi"):
        vietnamese = str(refused.value)
    with translation.override("en"):
        english = str(refused.value)

    assert english == "This is a binary file, not an article: paste text or give a web page."
    assert vietnamese == (
        "Đây là tệp nhị phân, không phải bài báo: hãy dán văn bản hoặc đưa một trang web."
    )


@pytest.mark.django_db
def test_the_api_refuses_an_empty_import_in_vietnamese(reporter):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="vi")
    api.force_authenticate(reporter)

    response = api.post("/api/v1/intake/", {"text": "  "}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"]["url"] == ["Hãy cung cấp địa chỉ hoặc nội dung của bài báo."]

    response = api.post("/api/v1/intake/", {"text": "abc\x00def"}, format="json")
    assert response.json()["fields"]["text"] == ["Không được dùng ký tự null."]
