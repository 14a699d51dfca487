"""What the intake desk says: our own things by their labels in the reader's language, and
only the error that applies."""

from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from intake.forms import StartForm

SEED = (Path(__file__).resolve().parents[2] / "demo" / "article-vi.txt").read_text()


@pytest.fixture
def job(reporter, eager_tasks, django_capture_on_commit_callbacks, make_claim):
    make_claim("published", text="Trung Quốc chậm hơn Mỹ từ 2-3 năm trong việc phát triển AI.")
    make_claim("in_review", text="Baidu và 01.AI đã dự trữ đủ chip để duy trì hoạt động.")
    api = APIClient()
    api.force_authenticate(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/intake/", {"text": SEED}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


@pytest.mark.parametrize(
    ("language", "published", "in_review"),
    [("en", "Published", "In review"), ("vi", "Đã công bố", "Đang duyệt")],
)
def test_a_matched_claims_status_is_shown_by_its_label(
    reporter, job, language, published, in_review
):
    desk = Client(HTTP_ACCEPT_LANGUAGE=language)
    desk.force_login(reporter)
    html = desk.get(f"/admin/intake/articleimport/{job}/change/").content.decode()
    assert f"· {published}</div>" in html and f"· {in_review}</div>" in html
    assert "· published</div>" not in html and "· in_review</div>" not in html


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"url": "ftp://x", "text": ""}, {"url"}),
        ({"url": "not an address", "text": ""}, {"url"}),
        ({"url": "", "text": ""}, {"__all__"}),
        ({"url": "https://example.org/a", "text": "Both."}, {"__all__"}),
    ],
)
def test_the_import_form_names_only_what_is_wrong(data, errors):
    form = StartForm({**data, "language": ""})
    assert not form.is_valid()
    assert set(form.errors) == errors
