"""Over random workflow histories, the site, the API, the feeds and the sitemap reach the same
public claims, speakers, sources and outlets, and exactly those the history made public
(claims.visibility is the one rule they all use)."""

import re

from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from claims import services
from claims.models import Claim, RatingLevel, Speaker
from sources.models import Outlet, Source
from tests.factories import (
    AppearanceFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    SourceFactory,
    SpeakerFactory,
    UserFactory,
    walk_to,
)

HIDDEN = ["new", "researching", "in_review", "rejected"]
PUBLIC = ["published", "reopened", "corrected"]

history = st.lists(
    st.tuples(
        st.sampled_from(HIDDEN + PUBLIC),
        st.integers(0, 2),  # which speaker said it
        st.integers(0, 3),  # in which source
    ),
    min_size=1,
    max_size=5,
)


def ids(pattern: str, body: str) -> set[str]:
    return set(re.findall(pattern, body))


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
class PublicRecordAgrees(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.checker = UserFactory(username="prop-checker", groups=["Fact-checker"])
        cls.editor = UserFactory(username="prop-editor", groups=["Editor"])

    def build(self, steps) -> dict[str, set[str]]:
        """Play the history; return what it should have made public."""
        outlets = [OutletFactory() for _ in range(2)]
        speakers = [SpeakerFactory() for _ in range(3)]
        sources = [SourceFactory(outlet=outlets[i % 2]) for i in range(4)]
        expected = {"claims": set(), "speakers": set(), "sources": set()}
        for state, speaker, source in steps:
            claim = ClaimFactory()
            AppearanceFactory(claim=claim, speaker=speakers[speaker], source=sources[source])
            claim = self.walk(claim, state)
            if state in PUBLIC:
                expected["claims"].add(str(claim.pk))
                expected["speakers"].add(speakers[speaker].slug)
                expected["sources"].add(str(sources[source].pk))
                cited = claim.published_review.evidence.values_list("source_id", flat=True)
                expected["sources"] |= {str(pk) for pk in cited}
        expected["outlets"] = {
            o.slug for o in Outlet.objects.filter(sources__pk__in=expected["sources"])
        }
        return expected

    def walk(self, claim: Claim, state: str) -> Claim:
        if state in HIDDEN + ["published"]:
            return walk_to(claim, state, checker=self.checker, editor=self.editor)
        claim = walk_to(claim, "published", checker=self.checker, editor=self.editor)
        move = services.claim_transition
        move(claim_id=claim.pk, name="reopen", by=self.editor, note="New figures")
        claim.refresh_from_db()
        draft = services.review_start(claim=claim, by=self.checker)
        # The new verdict cites a new source only: the old one stays cited by the superseded
        # verdict alone, and a draft's citations are never public.
        draft.evidence.all().delete()
        EvidenceFactory(review=draft, source=SourceFactory(title="Cited by the new verdict"))
        if state == "corrected":
            draft.rating = RatingLevel.objects.get(slug="half-true")
            draft.save()
            move(claim_id=claim.pk, name="submit", by=self.checker, note="")
            move(claim_id=claim.pk, name="publish", by=self.editor, note="New figures")
        claim.refresh_from_db()
        return claim

    def get(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def site(self) -> dict[str, set[str]]:
        listed = ids(r'href="/claims/(\d+)-', self.get("/claims/"))
        speakers = ids(r'href="/speakers/([-\w]+)/"', self.get("/speakers/"))
        sources = set()
        for pk in listed:
            page = self.get(Claim.objects.get(pk=pk).get_absolute_url())
            speakers |= ids(r'href="/speakers/([-\w]+)/"', page)
            sources |= ids(r'href="/sources/(\d+)/"', page)
        for slug in Speaker.objects.values_list("slug", flat=True):
            found = self.client.get(f"/speakers/{slug}/").status_code == 200
            self.assertEqual(found, slug in speakers, slug)
        for pk in Source.objects.values_list("pk", flat=True):
            found = self.client.get(f"/sources/{pk}/").status_code == 200
            self.assertEqual(found, str(pk) in sources, pk)
        outlets = {o.slug for o in Outlet.objects.filter(sources__pk__in=sources)}
        return {"claims": listed, "speakers": speakers, "sources": sources, "outlets": outlets}

    def api(self) -> dict[str, set[str]]:
        def rows(path: str, key: str) -> set[str]:
            body = self.client.get(f"/api/v1/{path}/", {"page_size": 200}).json()
            self.assertIsNone(body["next"])
            return {str(row[key]) for row in body["results"]}

        return {
            "claims": rows("claims", "id"),
            "speakers": rows("speakers", "slug"),
            "sources": rows("sources", "id"),
            "outlets": rows("outlets", "slug"),
        }

    def feeds(self) -> dict[str, set[str]]:
        atom = ids(r"/claims/(\d+)-", self.get("/feeds/claims.atom"))
        rss = ids(r"/claims/(\d+)-", self.get("/feeds/claims.rss"))
        self.assertEqual(atom, rss)
        return {"claims": atom}

    def sitemap(self) -> dict[str, set[str]]:
        # /sitemap.xml is an index: every section it names, followed.
        index = self.get("/sitemap.xml")
        sections = re.findall(r"<loc>https?://[^/<]+(/[^<]*)</loc>", index)
        self.assertTrue(sections)
        body = "".join(self.get(section.replace("&amp;", "&")) for section in sections)
        return {
            "claims": ids(r"/claims/(\d+)-", body),
            "speakers": ids(r"/speakers/([-\w]+)/</loc>", body),
            "sources": ids(r"/sources/(\d+)/</loc>", body),
        }

    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(steps=history)
    def test_every_channel_reaches_the_same_public_record(self, steps):
        expected = self.build(steps)

        channels = {
            "site": self.site(),
            "api": self.api(),
            "feeds": self.feeds(),
            "sitemap": self.sitemap(),
        }

        for name, found in channels.items():
            for kind, items in found.items():
                self.assertEqual(items, expected[kind], f"{kind} in the {name}")
