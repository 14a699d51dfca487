"""Public pages tell a CDN or caching proxy how long it may keep them (claims.pagecache.
for_the_edge): an anonymous reader's page for PUBLIC_EDGE_CACHE_SECONDS, a signed-in
person's page and an error never."""

import pytest


@pytest.fixture
def published(make_claim):
    return make_claim("published")


@pytest.mark.django_db
@pytest.mark.parametrize("page_cache_seconds", [0, 600])
def test_an_anonymous_readers_page_may_be_kept_by_the_edge_for_the_set_time(
    client, published, settings, page_cache_seconds
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = page_cache_seconds
    settings.PUBLIC_EDGE_CACHE_SECONDS = 45
    for url in ("/", "/claims/", published.get_absolute_url(), "/claims/?rating=false"):
        for _ in range(2):  # rendered, then (with the page cache on) from the cache
            response = client.get(url)
            assert response.status_code == 200, url
            assert "public" in response["Cache-Control"], url
            assert "max-age=45" in response["Cache-Control"], url
            # An edge keeps one copy per language and per cookie (signed-in people's differ).
            assert {"Accept-Language", "Cookie"} <= set(response["Vary"].split(", ")), url


@pytest.mark.django_db
def test_a_signed_in_persons_page_and_an_error_are_never_kept(client, published, editor):
    missing = client.get("/claims/999999-missing/")
    assert missing.status_code == 404
    assert "public" not in missing.get("Cache-Control", "")
    client.force_login(editor)
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


@pytest.mark.django_db
def test_no_edge_time_tells_the_edge_to_keep_nothing(client, published, settings):
    settings.PUBLIC_EDGE_CACHE_SECONDS = 0
    response = client.get("/claims/")
    assert "no-cache" in response["Cache-Control"] and "public" not in response["Cache-Control"]


@pytest.mark.django_db
def test_each_kept_page_names_what_it_shows_for_a_purge_by_key(client, published):
    claim_keys = f"claimtrack claim-{published.pk}"
    for url in (published.get_absolute_url(), f"/claims/{published.pk}/card.en.png",
                f"/embed/claims/{published.pk}/", f"/claims/{published.pk}/feed.atom"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Surrogate-Key"] == claim_keys, url
        assert response["Cache-Tag"] == claim_keys.replace(" ", ","), url
    for url in ("/", "/claims/?rating=false", "/methodology/", "/feeds/claims.atom"):
        assert client.get(url)["Surrogate-Key"] == "claimtrack lists", url
    assert "Surrogate-Key" not in client.get("/claims/999999-missing/")
