"""The whole editorial path through the admin, as people click it (Django test client)."""

from django.urls import reverse

from claims.models import Claim, ClaimTransition, Evidence, RatingLevel, Review
from claims.workflow import Status
from sources.models import Link, Source
from tests.factories import SourceFactory, SpeakerFactory


def management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def transition(client, claim, name, note="", status=None):
    """Click a transition button on a page that showed `status` (by default, the current one)."""
    claim.refresh_from_db()
    return client.post(
        reverse("admin:claims_claim_transition", args=[claim.pk]),
        {"transition": name, "note": note, "expected_status": status or claim.status},
        follow=True,
    )


def test_a_claim_goes_from_capture_to_publication_through_the_admin(
    client, reporter, checker, editor
):
    speaker = SpeakerFactory(name="Jenny Xiao")
    source = SourceFactory(title="Seed article", language="vi")

    # A reporter captures the claim with its appearance.
    client.force_login(reporter)
    response = client.post(
        reverse("admin:claims_claim_add"),
        {
            "text": "Trung Quốc chậm hơn Mỹ từ 2-3 năm trong việc phát triển AI.",
            "language": "vi",
            "translation": "China is 2-3 years behind the US in AI.",
            "translation_language": "en",
            "assignee": str(checker.pk),
            **management("appearances", total=1),
            "appearances-0-speaker": str(speaker.pk),
            "appearances-0-source": str(source.pk),
            "appearances-0-quote": "Bà cũng ước tính Trung Quốc chậm hơn Mỹ từ 2-3 năm",
            "appearances-0-quote_language": "vi",
            **management("reviews"),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim = Claim.objects.get()
    assert claim.created_by == reporter
    assert claim.appearances.get().speaker == speaker

    # The reporter is offered no transition, and a forged one is refused.
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert 'name="transition"' not in page.content.decode()
    response = transition(client, claim, "start_research")
    assert "does not allow" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Status.NEW

    # The fact-checker finds it in their queue, researches it and writes the review.
    client.force_login(checker)
    queue = client.get(reverse("admin:claims_claim_changelist") + "?queue=assigned")
    assert list(queue.context["cl"].result_list) == [claim]
    transition(client, claim, "start_research")
    response = client.post(reverse("admin:claims_claim_start_review", args=[claim.pk]))
    review = Review.objects.get(claim=claim)
    assert response.url == reverse("admin:claims_review_change", args=[review.pk])
    response = client.post(
        reverse("admin:claims_review_change", args=[review.pk]),
        {
            "rating": str(RatingLevel.objects.get(slug="unverifiable").pk),
            "summary": "An estimate, not a measurement.",
            "reasoning": "No benchmark supports a precise gap.",
            **management("evidence", total=1),
            "evidence-0-source": str(source.pk),
            "evidence-0-stance": "context",
            "evidence-0-position": "0",
            "evidence-0-quotation": "ít nhất 1 năm",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.get(review=review).stance == "context"
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert 'value="submit"' in page and 'value="publish"' not in page
    transition(client, claim, "submit")

    # A second person, the editor, publishes it.
    client.force_login(editor)
    queue = client.get(reverse("admin:claims_claim_changelist") + "?queue=review")
    assert list(queue.context["cl"].result_list) == [claim]
    response = transition(client, claim, "publish", status=Status.IN_REVIEW)
    assert "now Published" in response.content.decode()

    claim.refresh_from_db()
    assert claim.status == Status.PUBLISHED
    assert claim.published_review == review
    review.refresh_from_db()
    assert (review.author, review.approved_by) == (checker, editor)
    log = list(
        ClaimTransition.objects.filter(claim=claim)
        .order_by("at", "id")
        .values_list("name", "by__username")
    )
    assert log == [
        ("start_research", "fred-checker"),
        ("submit", "fred-checker"),
        ("publish", "erin-editor"),
    ]
    assert claim.history.filter(history_type="+").get().history_user == reporter
    assert review.history.filter(history_user=checker, history_type="~").exists()
    history_page = client.get(reverse("admin:claims_claim_history", args=[claim.pk]))
    assert history_page.status_code == 200


def test_the_admin_shows_only_the_transitions_the_user_may_make(client, make_claim, editor):
    claim = make_claim("in_review")
    client.force_login(editor)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    offered = {
        name
        for name in ("start_research", "submit", "publish", "send_back", "reject", "reopen")
        if f'name="transition" value="{name}"' in page
    }
    assert offered == {"publish", "send_back"}


def test_an_editor_sees_why_they_cannot_publish_their_own_review(client, checker, editor):
    from tests.factories import ClaimFactory, walk_to

    claim = walk_to(ClaimFactory(), "in_review", checker=editor, editor=editor)
    client.force_login(editor)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert 'value="publish"' not in page
    assert "Four-eyes rule" in page


def test_a_second_click_on_a_stale_page_changes_nothing(client, make_claim, editor, editor2):
    claim = make_claim("in_review")
    client.force_login(editor2)
    transition(client, claim, "send_back", note="More sources", status=Status.IN_REVIEW)
    client.force_login(editor)
    response = transition(client, claim, "publish", status=Status.IN_REVIEW)
    assert "meanwhile" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Status.RESEARCHING


def test_status_is_not_an_editable_field(client, make_claim, editor):
    claim = make_claim("new")
    client.force_login(editor)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert "status" not in page.context["adminform"].form.fields


def test_a_published_review_cannot_be_edited_in_admin(client, make_claim, editor):
    claim = make_claim("published")
    client.force_login(editor)
    url = reverse("admin:claims_review_change", args=[claim.published_review_id])
    response = client.post(url, {"summary": "Quietly changed", **management("evidence")})
    assert response.status_code == 403
    claim.published_review.refresh_from_db()
    assert claim.published_review.summary != "Quietly changed"


def test_the_desk_shows_the_health_of_each_cited_link(client, make_claim, editor):
    claim = make_claim("in_review")
    dead = Link.objects.create(
        url="https://news.example.org/gone", host="news.example.org", status=Link.Status.DEAD
    )
    # A queryset update, so that saving does not register and check the URL for real.
    Source.objects.filter(evidence__review__claim=claim).update(url=dead.url, link=dead)
    client.force_login(editor)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "link-health-dead" in page
