"""Public-site test data: claims walked through the real workflow, with appearances."""

import datetime

import pytest

from claims import pagecache, services
from claims.models import RatingLevel, Topic
from tests.factories import AppearanceFactory, OutletFactory, SourceFactory, SpeakerFactory


@pytest.fixture(autouse=True)
def fresh_page_cache(db):
    """Public pages are cached across requests; every test starts with none (and leaves the
    rest of the cache, which other parts may share, alone)."""
    pagecache.invalidate()
    yield
    pagecache.invalidate()


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Production serves hashed files from collectstatic; tests read them from the folders.
    (The same fixture lives in the lead's conftest; this copy keeps these tests independent.)"""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def add_appearance(claim, *, speaker=None, source=None, quote=None, **fields):
    return AppearanceFactory(
        claim=claim,
        speaker=speaker or SpeakerFactory(),
        source=source or SourceFactory(),
        quote=quote if quote is not None else claim.text,
        **fields,
    )


def reopen(claim, *, editor, checker, summary: str, rating: str | None = None):
    """Reopen a published claim and start a new draft review with `summary` (not published)."""
    services.claim_transition(claim_id=claim.pk, name="reopen", by=editor, note="New evidence")
    claim.refresh_from_db()
    draft = services.review_start(claim=claim, by=checker)
    draft.summary = summary
    if rating:
        draft.rating = RatingLevel.objects.get(slug=rating)
    draft.save()
    return claim


def demo_claims(make_claim):
    """A small realistic set drawn from the seed article: three published verdicts."""
    lee = SpeakerFactory(name="Kai-Fu Lee", slug="kai-fu-lee", role="Founder, 01.AI")
    xiao = SpeakerFactory(name="Jenny Xiao", slug="jenny-xiao", role="Partner, Leonis Capital")
    nyt = OutletFactory(name="The New York Times")
    cafef = OutletFactory(name="CafeF")
    article = SourceFactory(
        title="Trung Quốc đành chịu thua Mỹ ở 1 lĩnh vực quan trọng",
        outlet=cafef,
        language="vi",
        published_on=datetime.date(2024, 10, 13),
    )
    ai = Topic.objects.create(name="Artificial intelligence", name_vi="Trí tuệ nhân tạo", slug="ai")

    llms = make_claim(
        "published",
        rating="mostly-true",
        text="Trung Quốc có hơn 200 mô hình ngôn ngữ lớn (LLM).",
        translation="China has more than 200 large language models (LLMs).",
    )
    llms.topics.add(ai)
    add_appearance(
        llms,
        speaker=lee,
        source=article,
        quote="Với hơn 200 mô hình ngôn ngữ lớn (LLM), Trung Quốc vẫn tự tin rằng giá cả chính "
        "là lợi thế.",
        quote_translation="With more than 200 large language models, China is confident that "
        "price is its advantage.",
    )
    lag = make_claim(
        "published",
        rating="half-true",
        text="Trung Quốc chậm hơn Mỹ từ 2-3 năm trong việc phát triển AI.",
        translation="China is 2-3 years behind the US in developing AI.",
    )
    lag.topics.add(ai)
    add_appearance(lag, speaker=xiao, source=SourceFactory(title="Interview", outlet=nyt))
    built = make_claim(
        "published",
        rating="misleading",
        text="Mô hình AI của 01.AI được xây dựng hoàn toàn từ đầu, kết luận của công ty.",
        translation="01.AI's model was built entirely from scratch, the company concluded.",
    )
    add_appearance(built, speaker=lee, source=article)
    return {"llms": llms, "lag": lag, "built": built, "lee": lee, "xiao": xiao, "ai": ai}


def correct(claim, *, editor, checker, rating: str, note: str = "New figures changed the verdict"):
    """Reopen, re-review and publish a different verdict: a public correction."""
    reopen(claim, editor=editor, checker=checker, summary="Corrected summary.", rating=rating)
    services.claim_transition(claim_id=claim.pk, name="submit", by=checker, note="")
    services.claim_transition(claim_id=claim.pk, name="publish", by=editor, note=note)
    claim.refresh_from_db()
    return claim


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(client) -> dict[str, str | None]:
    """Every URL the sitemap index leads to (location → lastmod), section by section."""
    import xml.etree.ElementTree as ET
    from urllib.parse import urlsplit

    index = ET.fromstring(client.get("/sitemap.xml").content)
    urls: dict[str, str | None] = {}
    for section in index.findall("s:sitemap", SITEMAP_NS):
        parts = urlsplit(section.findtext("s:loc", namespaces=SITEMAP_NS))
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert response.status_code == 200, parts
        for url in ET.fromstring(response.content).findall("s:url", SITEMAP_NS):
            location = url.findtext("s:loc", namespaces=SITEMAP_NS)
            assert location not in urls, f"{location} listed twice"
            urls[location] = url.findtext("s:lastmod", namespaces=SITEMAP_NS)
    return urls
