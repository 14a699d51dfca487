"""A change in a cited link's health reaches readers and API consumers: the claim's
updated_at (and so its ETag) moves, and cached public pages are retired."""

from claims import pagecache
from claims.models import Claim
from sources import services
from sources.models import Source
from tests.sources.test_linkcheck_web import check


def cite(claim: Claim, url: str) -> None:
    """Point the claim's evidence at `url` (a queryset update: no check runs on save)."""
    link = services.link_register(url=url)
    Source.objects.filter(evidence__review=claim.published_review).update(url=url, link=link)


def test_a_link_going_broken_touches_the_claims_that_cite_it(
    db, linkcheck_settings, linkcheck_web, make_claim
):
    claim = make_claim("published")
    url = linkcheck_web.url("/status/410")
    cite(claim, url)
    before = Claim.objects.get(pk=claim.pk).updated_at
    generation = pagecache.generation()

    [link] = check(url)

    assert link.status == "broken"
    assert Claim.objects.get(pk=claim.pk).updated_at > before
    assert pagecache.generation() != generation


def test_a_recheck_with_the_same_result_touches_nothing(
    db, linkcheck_settings, linkcheck_web, make_claim
):
    claim = make_claim("published")
    url = linkcheck_web.url("/ok/stable")
    cite(claim, url)
    check(url)
    before = Claim.objects.get(pk=claim.pk).updated_at

    check(url)

    assert Claim.objects.get(pk=claim.pk).updated_at == before
