"""Each public page runs a small, fixed number of queries, with 1 claim or with 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Topic
from tests.factories import ClaimFactory, SourceFactory, SpeakerFactory, UserFactory, walk_to
from tests.shared_data import rolled_back_after_its_tests
from tests.site_data import add_appearance, correct, fresh_page_cache, plain_static_storage  # noqa: F401

# The most queries each page may run on a cold cache, whatever the amount of data.
BOUNDS = {
    "home": 5,
    "claim list": 6,
    # A search reads its candidates' ids with their rank (then the page looks up its own, and
    # counts them in Python); on PostgreSQL the words' frequencies, and in verdict order at
    # most two verdict dates and four candidate queries (claims.search._newest_matches: walk,
    # reach, GIN over all).
    "claim list, searched and filtered": 12,
    "claim page": 7,  # + the confirmed external reviews (Other fact-checkers)
    "speaker list": 4,
    "speaker page": 8,  # + how often they said it (all, and after it was checked)
    "source page": 6,
    "corrections": 2,
    "methodology": 1,
    "atom feed": 2,
    "rss feed": 2,
    "repeats feed": 2,
    "sitemap": 3,
}


@pytest.fixture(scope="module", params=[1, 50], ids=["1 claim", "50 claims"])
def site(request, django_db_setup, django_db_blocker):
    """Built once for this module's tests, in a transaction rolled back after the last of them
    (each test runs in a savepoint inside it): 50 claims walked through the workflow took ~30 s
    per test."""
    with rolled_back_after_its_tests(django_db_blocker):
        checker = UserFactory(username="fred-checker", groups=["Fact-checker"])
        editor = UserFactory(username="erin-editor", groups=["Editor"])
        speaker = SpeakerFactory(name="Kai-Fu Lee", slug="kai-fu-lee")
        source = SourceFactory(title="The article")
        topics = [
            Topic.objects.create(name="AI", slug="ai"),
            Topic.objects.create(name="Chips", slug="chips"),
        ]
        claims = []
        for i in range(request.param):
            claim = walk_to(
                ClaimFactory(text=f"Trung Quốc claim {i}"),
                "published",
                checker=checker,
                editor=editor,
                rating="false",
            )
            claim.topics.add(*topics)
            add_appearance(claim, speaker=speaker, source=source)
            add_appearance(claim, speaker=SpeakerFactory())
            if i % 10 == 0:
                correct(claim, editor=editor, checker=checker, rating="half-true")
            claims.append(claim)
        yield {"claims": claims, "speaker": speaker, "source": source}


def pages(site) -> dict[str, str]:
    claim = site["claims"][0]
    return {
        "home": "/",
        "claim list": "/claims/",
        "claim list, searched and filtered": (
            "/claims/?q=trung+quoc&rating=half-true&speaker=kai-fu-lee&topic=ai&language=vi"
        ),
        "claim page": claim.get_absolute_url(),
        "speaker list": "/speakers/",
        "speaker page": f"/speakers/{site['speaker'].slug}/",
        "source page": f"/sources/{site['source'].pk}/",
        "corrections": "/corrections/",
        "methodology": "/methodology/",
        "atom feed": "/feeds/claims.atom",
        "rss feed": "/feeds/claims.rss",
        "repeats feed": "/feeds/repeats.atom",
        "sitemap": "/sitemap.xml",
    }


@pytest.mark.both_databases
def test_each_page_runs_a_fixed_number_of_queries(client, site, django_assert_max_num_queries):
    measured = {}
    for page, url in pages(site).items():
        with (
            CaptureQueriesContext(connection) as queries,
            django_assert_max_num_queries(BOUNDS[page]),
        ):
            response = client.get(url)
        assert response.status_code == 200, url
        measured[page] = len(queries)
    print(f"queries with {len(site['claims'])} claims:", measured)


def test_a_cached_page_runs_no_query_at_all(client, site):
    client.get("/claims/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/claims/").status_code == 200
    assert len(queries) == 0
