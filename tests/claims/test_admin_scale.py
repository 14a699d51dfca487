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


def test_awaiting_my_review_is_exactly_what_the_four_eyes_rule_lets_me_publish(
    client, make_claim, checker, editor, editor2
):
    from claims import edits, services, workflow
    from claims.admin.desk import awaiting_review_by
    from claims.models import Claim, Evidence, RatingLevel
    from tests.factories import SourceFactory

    def in_review(author, *, edited_by=None, evidence_by=None):
        claim = make_claim("researching")
        review = services.review_start(claim=claim, by=author)
        edits.review_update(
            review=review,
            by=edited_by or author,
            rating=RatingLevel.objects.first(),
            summary="A verdict.",
        )
        edits.evidence_add(
            review=review,
            by=evidence_by or author,
            source=SourceFactory(),
            stance=Evidence.Stance.SUPPORTS,
            quotation="Q.",
        )
        services.claim_transition(claim_id=claim.pk, name="submit", by=checker, note="")
        return claim

    in_review(checker)
    in_review(editor)  # the editor wrote it
    in_review(checker, edited_by=editor)  # the editor edited the verdict
    in_review(checker, evidence_by=editor)  # the editor added evidence
    make_claim("published")
    make_claim("researching")

    for user in (editor, editor2, checker):
        expected = {
            c.pk for c in Claim.objects.all() if workflow.refusal(c, "publish", user) is None
        }
        assert set(awaiting_review_by(user, Claim.objects.all()).values_list("pk", flat=True)) == (
            expected
        ), user
    assert len({c.pk for c in awaiting_review_by(editor2, Claim.objects.all())}) == 4
    assert len({c.pk for c in awaiting_review_by(editor, Claim.objects.all())}) == 1

    client.force_login(editor)
    page, queries = changelist(client, queue="review")
    assert len(queries) < 20
