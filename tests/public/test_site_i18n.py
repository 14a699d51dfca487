"""English and Vietnamese: chosen by Accept-Language or the switcher, on the same URLs."""

from django.utils import translation

from tests.site_data import demo_claims, fresh_page_cache, plain_static_storage  # noqa: F401


def test_accept_language_vi_gives_vietnamese_labels_and_ratings(client, make_claim):
    demo = demo_claims(make_claim)
    body = client.get(demo["llms"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="vi").content.decode()

    assert '<html lang="vi">' in body
    assert "Kết luận của chúng tôi" in body and "Bằng chứng" in body
    assert "Phần lớn đúng" in body and "Mostly true" not in body
    assert "Trí tuệ nhân tạo" in body
    assert "13 tháng 10 năm 2024" in body


def test_the_switcher_sets_the_language_without_changing_urls(client, make_claim):
    demo = demo_claims(make_claim)
    url = demo["lag"].get_absolute_url()
    assert "Half true" in client.get(url).content.decode()

    response = client.post("/i18n/setlang/", {"language": "vi", "next": url})
    assert response.status_code == 302 and response["Location"] == url

    body = client.get(url).content.decode()
    assert "Đúng một nửa" in body and "Half true" not in body
    assert 'value="vi" lang="vi" aria-pressed="true"' in body


def test_cached_pages_are_kept_per_language(client, make_claim):
    demo_claims(make_claim)
    assert "Latest verdicts" in client.get("/").content.decode()
    assert "Kết luận mới nhất" in client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Latest verdicts" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_feeds_speak_the_readers_language(client, make_claim):
    demo_claims(make_claim)
    feed = client.get("/feeds/claims.rss", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Gây hiểu lầm" in feed and "Các bài kiểm chứng mới nhất" in feed


def test_the_compiled_catalogue_is_in_use():
    with translation.override("vi"):
        assert translation.gettext("Under re-review") == "Đang xem xét lại"
        assert translation.gettext("Dead") == "Đã mất"


def test_the_switcher_works_from_a_cached_page_that_carries_no_csrf_token(make_claim):
    from django.test import Client

    demo = demo_claims(make_claim)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in page

    response = browser.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert response.status_code == 302
    assert "Kết luận mới nhất" in browser.get("/").content.decode()
    assert "Phần lớn đúng" in browser.get(demo["llms"].get_absolute_url()).content.decode()
