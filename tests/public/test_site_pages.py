"""What readers see on the public pages, feeds and discovery files."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from claims import edits
from claims.models import Evidence
from sources.models import Link
from tests.factories import SourceFactory, SpeakerFactory
from tests.site_data import (  # noqa: F401
    SITEMAP_NS,
    add_appearance,
    correct,
    demo_claims,
    fresh_page_cache,
    plain_static_storage,
    reopen,
    sitemap_urls,
)

SCRIPT = '<script>alert("owned")</script>'


@pytest.fixture
def demo(make_claim):
    return demo_claims(make_claim)


def test_the_home_page_lists_the_latest_verdicts_with_their_ratings(client, demo):
    body = client.get("/").content.decode()
    assert "China has more than 200 large language models" in body
    assert "Mostly true" in body and "Half true" in body and "Misleading" in body
    assert "3 claims checked" in body


def test_a_claim_page_shows_verdict_scale_position_quotes_sources_and_speakers(client, demo):
    claim = demo["llms"]
    body = client.get(claim.get_absolute_url()).content.decode()

    assert "Trung Quốc có hơn 200 mô hình ngôn ngữ lớn (LLM)." in body
    assert "China has more than 200 large language models (LLMs)." in body
    assert 'aria-label="Position 4 on a scale of 5"' in body
    assert "Với hơn 200 mô hình ngôn ngữ lớn (LLM)" in body
    assert "With more than 200 large language models, China is confident" in body
    assert 'href="/speakers/kai-fu-lee/"' in body
    assert "Supports" in body and "A quotation from the source." in body
    assert '<link rel="canonical" href="https://claimtrack.example.org/claims/' in body


def test_the_short_and_misspelt_claim_urls_redirect_to_the_canonical_one(client, demo):
    claim = demo["llms"]
    for url in [f"/claims/{claim.pk}/", f"/claims/{claim.pk}-wrong-slug/"]:
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == claim.get_absolute_url()


@pytest.mark.parametrize(
    "url", ["/claims/999999/", "/speakers/nobody/", "/sources/999999/", "/claims/1-x/extra"]
)
def test_unknown_pages_are_not_found(client, demo, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_user_text_is_escaped_everywhere(client, make_claim):
    claim = make_claim("published", text=f"Quote {SCRIPT}", translation=f"Quote {SCRIPT}")
    speaker = SpeakerFactory(name=f"Speaker {SCRIPT}", slug="speaker", role=SCRIPT)
    source = SourceFactory(title=f"Source {SCRIPT}", url="https://example.org/x")
    add_appearance(claim, speaker=speaker, source=source, quote=SCRIPT, quote_translation=SCRIPT)
    review = claim.published_review
    review.summary = review.reasoning = SCRIPT
    review.save()
    Evidence.objects.filter(review=review).update(quotation=SCRIPT, note=SCRIPT)

    for url in [
        "/",
        "/claims/",
        "/claims/?q=" + SCRIPT,
        claim.get_absolute_url(),
        "/speakers/",
        "/speakers/speaker/",
        f"/sources/{source.pk}/",
        "/feeds/claims.atom",
        "/feeds/claims.rss",
    ]:
        body = client.get(url).content.decode()
        assert SCRIPT not in body, url
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in (
        client.get(claim.get_absolute_url()).content.decode()
    )


def test_public_pages_send_security_headers(client, demo):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_public_pages_need_no_inline_script_or_style(client, demo):
    for url in ["/", "/claims/", demo["llms"].get_absolute_url(), "/speakers/kai-fu-lee/"]:
        body = client.get(url).content.decode()
        assert "<script>" not in body and " style=" not in body and "<style" not in body, url


def test_a_speaker_page_draws_the_record_as_svg_with_the_numbers_in_a_table(client, demo):
    body = client.get("/speakers/kai-fu-lee/").content.decode()

    assert '<svg viewBox="0 0 470 196"' in body
    assert '<desc id="record-desc">False: 0; Mostly false: 0; Half true: 0; Mostly true: 1' in body
    assert "<caption>2 claims checked</caption>" in body
    assert "<td>1</td><td>50%</td>" in body
    assert "Misleading" in body


def test_the_speaker_list_counts_each_claim_once(client, demo):
    add_appearance(demo["llms"], speaker=demo["lee"])  # said again, in another source
    body = client.get("/speakers/").content.decode()
    assert "Kai-Fu Lee" in body and "2 claims checked" in body
    assert "Jenny Xiao" in body and "1 claim checked" in body
    assert 'aria-label="Half true: 1, Mostly true: 1, Misleading: 1"' not in body
    assert 'aria-label="Mostly true: 1, Misleading: 1"' in body


def test_a_source_page_lists_its_claims_and_link_health(client, demo):
    source = demo["llms"].appearances.get().source
    source.url = "https://cafef.vn/example"
    source.link = Link.objects.create(
        url=source.url,
        host="cafef.vn",
        status=Link.Status.DEAD,
        archive_url="https://web.archive.org/web/2024/https://cafef.vn/example",
        archived_at=timezone.make_aware(datetime.datetime(2024, 10, 14)),
    )
    source.save()
    body = client.get(f"/sources/{source.pk}/").content.decode()

    assert "Trung Quốc đành chịu thua Mỹ" in body
    assert "China has more than 200 large language models" in body
    assert "health--failing" in body and "Dead" in body
    assert 'href="https://web.archive.org/web/2024/https://cafef.vn/example"' in body
    assert "Archived copy (Oct. 14, 2024)" in body
    claim_page = client.get(demo["llms"].get_absolute_url()).content.decode()
    assert "Archived copy" in claim_page and "is-failing" in claim_page


def test_a_source_page_counts_exactly_the_public_claims_it_lists(
    client, make_claim, editor, checker
):
    """The count comes from the source's appearances (tracker.paging `counted`), the list from
    the public claims: they must agree. Said twice: one claim. Said only since a reopen
    (awaiting publication), or by a claim never published: not counted, not listed."""
    source = SourceFactory()
    twice = make_claim("published", text="Said here twice")
    add_appearance(twice, source=source)
    add_appearance(twice, source=source)
    once = make_claim("published", text="Said here once")
    add_appearance(once, source=source)
    later = make_claim("published", text="Said here only after a reopen")
    reopen(later, editor=editor, checker=checker, summary="Looking again")
    edits.appearance_create(  # the service marks it as awaiting the next publication
        claim=later,
        by=checker,
        speaker=SpeakerFactory(),
        source=source,
        quote=later.text,
        quote_language="en",
    )
    add_appearance(make_claim("researching", text="Not yet public"), source=source)

    page = client.get(f"/sources/{source.pk}/")
    said_here = page.context["said_here"]
    assert said_here.paginator.count == len(said_here.object_list) == 2
    assert {c.pk for c in said_here.object_list} == {twice.pk, once.pk}


def test_a_correction_shows_on_the_claim_the_corrections_page_and_the_feeds(
    client, demo, editor, checker
):
    claim = correct(
        demo["lag"], editor=editor, checker=checker, rating="false", note="The gap is smaller."
    )
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "verdict changed from Half true to False." in page and "The gap is smaller." in page

    corrections = client.get("/corrections/").content.decode()
    assert claim.get_absolute_url() in corrections and "The gap is smaller." in corrections

    atom = ET.fromstring(client.get("/feeds/claims.atom").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in atom.findall("a:entry", ns)]
    assert titles[0].startswith("Corrected: False — China is 2-3 years behind")
    ids = [e.findtext("a:id", namespaces=ns) for e in atom.findall("a:entry", ns)]
    assert ids[0].endswith(f"#review-{claim.published_review_id}")


def test_feeds_and_sitemap_use_the_sites_own_address(client, demo):
    rss = ET.fromstring(client.get("/feeds/claims.rss").content)
    links = [item.findtext("link") for item in rss.iter("item")]
    assert len(links) == 3
    assert all(link.startswith("https://claimtrack.example.org/claims/") for link in links)

    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [e.findtext("s:loc", namespaces=SITEMAP_NS) for e in index.iter()]
    assert all(s.startswith("https://claimtrack.example.org/sitemap-") for s in sections if s)
    urls = sitemap_urls(client)
    assert "https://claimtrack.example.org/" in urls
    assert "https://claimtrack.example.org/methodology/" in urls
    assert "https://claimtrack.example.org/speakers/kai-fu-lee/" in urls
    claim_url = "https://claimtrack.example.org" + demo["llms"].get_absolute_url()
    assert urls[claim_url] == demo["llms"].updated_at.date().isoformat()


def test_robots_txt_points_at_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://claimtrack.example.org/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_the_methodology_page_is_built_from_the_rating_scale(client, db):
    body = client.get("/methodology/").content.decode()
    for label in ["False", "Mostly false", "Half true", "Mostly true", "True", "Misleading"]:
        assert f'<span class="verdict__label">{label}</span>' in body
    assert "The available evidence can neither confirm nor refute the claim." in body


def test_health_answers_ok(client, db):
    from tracker import outbox

    outbox.beat("beat")  # beat and a worker alive (they matter when a broker is configured)
    outbox.beat("worker:celery@here")
    assert client.get("/health/").json() == {"status": "ok"}


def test_a_published_verdict_appears_at_once_although_pages_are_cached(client, make_claim):
    assert "No verdicts published yet" in client.get("/").content.decode()
    make_claim("published", text="Fresh claim", translation="Fresh claim")
    assert "Fresh claim" in client.get("/").content.decode()


def test_reopening_and_correcting_retire_cached_pages(client, make_claim, editor, checker):
    claim = make_claim("published", rating="true", text="Cached claim", translation="")
    url = claim.get_absolute_url()
    assert "Under re-review" not in client.get(url).content.decode()

    reopen(claim, editor=editor, checker=checker, summary="New draft", rating="false")
    assert "Under re-review" in client.get(url).content.decode()

    from claims import services

    services.claim_transition(claim_id=claim.pk, name="submit", by=checker)
    services.claim_transition(claim_id=claim.pk, name="publish", by=editor, note="Wrong before")
    body = client.get(url).content.decode()
    assert "Under re-review" not in body and "Wrong before" in body


def test_signed_in_editors_always_get_a_fresh_page(client, make_claim, editor):
    claim = make_claim("published", text="Editor view", translation="")
    client.force_login(editor)
    assert "Editors' desk" in client.get(claim.get_absolute_url()).content.decode()
    client.logout()
    assert "Editors' desk" not in client.get(claim.get_absolute_url()).content.decode()


@pytest.mark.both_databases
def test_the_list_pages_through_results_keeping_the_filters(client, make_claim, settings):
    settings.PUBLIC_PAGE_SIZE = 2
    for i in range(5):
        make_claim("published", rating="false", text=f"Trung Quốc {i}", translation="")
    make_claim("published", rating="true", text="Trung Quốc true", translation="")

    first = client.get("/claims/?q=trung+quoc&rating=false").content.decode()
    assert "5 fact-checks" in first and "Page 1 of 3" in first
    assert 'href="?q=trung+quoc&amp;rating=false&amp;page=2"' in first
    last = client.get("/claims/?q=trung+quoc&rating=false&page=3").content.decode()
    assert "Trung Quốc 0" in last and "Trung Quốc true" not in last and "Page 3 of 3" in last


def test_the_admin_has_a_content_security_policy_that_allows_only_its_own_scripts(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_a_head_request_is_answered_from_the_same_cached_page(client, demo):
    assert client.get("/claims/").status_code == 200
    response = client.head("/claims/")
    assert response.status_code == 200 and response.content == b""
