"""The claims changelist at archive scale: no DISTINCT over the archive unless a search or a
filter can list a claim twice, and then each claim still once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SpeakerFactory, UserFactory
from tests.site_data import add_appearance, fresh_page_cache, plain_static_storage  # noqa: F401


def changelist(client, **params) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/claims/claim/", params)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries]


def test_the_plain_changelist_walks_the_date_index_without_distinct(client, make_claim):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for i in range(3):
        make_claim("published", text=f"Claim number {i}", translation="")
    page, queries = changelist(client)
    listing = [q for q in queries if 'FROM "claims_claim"' in q]
    assert listing and not any("DISTINCT" in q for q in listing)
    assert all(f"Claim number {i}" in page for i in range(3))


def test_a_search_across_appearances_lists_each_claim_once(client, make_claim):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    claim = make_claim("published", text="Said twice by Zoltan", translation="")
    speaker = SpeakerFactory(name="Zoltan Quux")
    add_appearance(claim, speaker=speaker)
    add_appearance(claim, speaker=speaker)
    page, queries = changelist(client, q="Zoltan Quux")
    assert page.count(f"/admin/claims/claim/{claim.pk}/change/") == 1
    assert any("DISTINCT" in q for q in queries)
