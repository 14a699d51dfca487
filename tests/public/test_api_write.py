import pytest

from claims.models import Claim, ClaimTransition, Evidence, Review
from claims.workflow import GROUP_TRANSITIONS, RULES
from tests.api_support import client_for
from tests.factories import (
    AppearanceFactory,
    ClaimFactory,
    OutletFactory,
    SourceFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "reporter", "checker", "editor"]


@pytest.fixture
def as_role(request):
    def client(role: str):
        if role == "anonymous":
            return client_for()
        return client_for(request.getfixturevalue(role))

    return client


def expect(allowed_roles: set[str], role: str, ok: int) -> int:
    if role in allowed_roles:
        return ok
    return 401 if role == "anonymous" else 403


CAPTURE = {"reporter", "checker", "editor"}
RESEARCH = {"checker", "editor"}


@pytest.mark.parametrize("role", ROLES)
def test_claims_are_filed_and_edited_by_the_newsroom_roles(request, as_role, role):
    client = as_role(role)

    created = client.post(
        "/api/v1/claims/",
        {"text": "GDP grew 7%", "language": "en", "topics": []},
        format="json",
    )
    assert created.status_code == expect(CAPTURE, role, 201), created.content

    claim = ClaimFactory()
    edited = client.patch(f"/api/v1/claims/{claim.pk}/", {"translation": "x"}, format="json")
    assert edited.status_code == expect(CAPTURE, role, 200)
    if role in CAPTURE:
        body = created.json()
        assert body["status"] == "new" and body["verdict"] is None
        filed = Claim.objects.get(pk=body["id"])
        assert filed.created_by == request.getfixturevalue(role)


@pytest.mark.parametrize("role", ROLES)
def test_speakers_outlets_sources_and_appearances_follow_the_group_permissions(as_role, role):
    client = as_role(role)
    claim = ClaimFactory()
    OutletFactory(name="Tuổi Trẻ", slug="tuoi-tre")

    answers = [
        client.post("/api/v1/speakers/", {"name": "Nguyễn Văn A"}, format="json"),
        client.post("/api/v1/outlets/", {"name": "VnExpress"}, format="json"),
        client.post(
            "/api/v1/sources/",
            {"title": "Report", "language": "vi", "outlet": "tuoi-tre"},
            format="json",
        ),
    ]
    for answer in answers:
        assert answer.status_code == expect(CAPTURE, role, 201), answer.content
    if role in CAPTURE:
        speaker = answers[0].json()["slug"]
        assert speaker == "nguyen-van-a"
        appearance = client.post(
            "/api/v1/appearances/",
            {
                "claim": claim.pk,
                "speaker": speaker,
                "source": answers[2].json()["id"],
                "quote": "Câu nói",
                "quote_language": "vi",
            },
            format="json",
        )
        assert appearance.status_code == 201, appearance.content


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_delete_sources(as_role, role):
    source = SourceFactory()

    answer = as_role(role).delete(f"/api/v1/sources/{source.pk}/")

    assert answer.status_code == expect({"editor"}, role, 204)


def test_deleting_a_source_still_cited_answers_409(editor):
    appearance = AppearanceFactory()

    answer = client_for(editor).delete(f"/api/v1/sources/{appearance.source_id}/")

    assert answer.status_code == 409
    assert answer.json()["code"] == "in_use"


@pytest.mark.parametrize("role", ROLES)
def test_reviews_and_evidence_are_written_by_fact_checkers_and_editors(as_role, role, make_claim):
    claim = make_claim("researching")
    source = SourceFactory()
    client = as_role(role)

    review = client.post(
        "/api/v1/reviews/",
        {"claim": claim.pk, "rating": "false", "summary": "No."},
        format="json",
    )
    assert review.status_code == expect(RESEARCH, role, 201), review.content
    if role not in RESEARCH:
        return
    assert review.json()["rating"] == "false"
    evidence = client.post(
        "/api/v1/evidence/",
        {"review": review.json()["id"], "source": source.pk, "stance": "refutes"},
        format="json",
    )
    assert evidence.status_code == 201, evidence.content
    assert client.delete(f"/api/v1/evidence/{evidence.json()['id']}/").status_code == 204


def test_a_reporter_may_not_edit_a_review(reporter, make_claim, checker):
    claim = make_claim("researching")
    review = client_for(checker).post("/api/v1/reviews/", {"claim": claim.pk}, format="json")

    answer = client_for(reporter).patch(
        f"/api/v1/reviews/{review.json()['id']}/", {"summary": "Mine now"}, format="json"
    )

    assert answer.status_code == 403


def test_opening_a_review_again_answers_with_the_existing_draft(checker, make_claim):
    claim = make_claim("researching")
    first = client_for(checker).post("/api/v1/reviews/", {"claim": claim.pk}, format="json")

    again = client_for(checker).post("/api/v1/reviews/", {"claim": claim.pk}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


@pytest.mark.parametrize("status", ["new", "in_review", "published", "rejected"])
def test_a_review_is_edited_only_while_its_claim_is_researching(checker, make_claim, status):
    claim = make_claim(status)
    review = claim.reviews.first()

    opened = client_for(checker).post("/api/v1/reviews/", {"claim": claim.pk}, format="json")
    assert opened.status_code == 409
    if review is None:
        return
    edited = client_for(checker).patch(
        f"/api/v1/reviews/{review.pk}/", {"summary": "Rewritten"}, format="json"
    )
    assert edited.status_code == 409
    evidence = client_for(checker).post(
        "/api/v1/evidence/",
        {"review": review.pk, "source": SourceFactory().pk, "stance": "context"},
        format="json",
    )
    assert evidence.status_code == 409
    review.refresh_from_db()
    assert review.summary != "Rewritten"


def test_a_superseded_review_stays_frozen_after_a_reopen(checker, editor2, make_claim):
    claim = make_claim("published")
    old = claim.published_review
    client_for(editor2).post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"transition": "reopen", "note": "New figures"},
        format="json",
    )

    answer = client_for(checker).patch(
        f"/api/v1/reviews/{old.pk}/", {"summary": "Changed"}, format="json"
    )

    assert answer.status_code == 409


def walk_by_api(claim: Claim, *, checker, editor) -> list[int]:
    """start_research, write the review, submit and publish, all through the API."""
    steps = []
    post = lambda user, body: client_for(user).post(  # noqa: E731
        f"/api/v1/claims/{claim.pk}/transitions/", body, format="json"
    )
    steps.append(post(checker, {"transition": "start_research"}).status_code)
    review = (
        client_for(checker)
        .post(
            "/api/v1/reviews/",
            {"claim": claim.pk, "rating": "mostly-false", "summary": "Less than claimed."},
            format="json",
        )
        .json()
    )
    client_for(checker).post(
        "/api/v1/evidence/",
        {"review": review["id"], "source": SourceFactory().pk, "stance": "refutes"},
        format="json",
    )
    steps.append(post(checker, {"transition": "submit"}).status_code)
    steps.append(post(editor, {"transition": "publish"}).status_code)
    return steps


def test_a_tool_walks_a_claim_through_the_workflow(checker, editor):
    claim = ClaimFactory()

    assert walk_by_api(claim, checker=checker, editor=editor) == [200, 200, 200]

    claim.refresh_from_db()
    assert claim.status == "published"
    assert claim.published_review.approved_by == editor
    log = list(claim.transitions.order_by("id").values_list("name", "by__username"))
    assert log == [
        ("start_research", "fred-checker"),
        ("submit", "fred-checker"),
        ("publish", "erin-editor"),
    ]
    assert client_for().get(f"/api/v1/claims/{claim.pk}/").status_code == 200


def test_the_transition_answer_is_the_new_state(checker):
    claim = ClaimFactory()

    answer = client_for(checker).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"transition": "start_research"}, format="json"
    )

    assert answer.status_code == 200
    body = answer.json()
    assert (body["name"], body["from_status"], body["to_status"], body["by"]) == (
        "start_research",
        "new",
        "researching",
        "fred-checker",
    )


SOURCE_STATE = {
    "start_research": "new",
    "submit": "researching",
    "publish": "in_review",
    "send_back": "in_review",
    "reject": "new",
    "reopen": "published",
}
GROUP_OF = {"reporter": "Reporter", "checker": "Fact-checker", "editor2": "Editor"}


@pytest.mark.parametrize("name", list(RULES))
@pytest.mark.parametrize("role", ["reporter", "checker", "editor2"])
def test_each_role_may_apply_exactly_its_transitions(request, make_claim, name, role):
    claim = make_claim(SOURCE_STATE[name])
    if name == "submit":
        from claims import services

        review = services.review_start(claim=claim, by=request.getfixturevalue("checker"))
        review.rating_id = 1
        review.summary = "Done"
        review.save()
    user = request.getfixturevalue(role)

    answer = client_for(user).post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"transition": name, "note": "Because"},
        format="json",
    )

    allowed = name in GROUP_TRANSITIONS[GROUP_OF[role]]
    assert answer.status_code == (200 if allowed else 403), answer.content
    claim.refresh_from_db()
    assert (claim.status == RULES[name].target) is allowed


def test_a_transition_not_allowed_from_the_current_state_answers_409(make_claim, editor2):
    claim = make_claim("new")

    answer = client_for(editor2).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"transition": "publish"}, format="json"
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == "conflict"
    assert not ClaimTransition.objects.filter(claim=claim, name="publish").exists()


def test_a_lost_race_answers_409(make_claim, editor2):
    claim = make_claim("in_review")

    answer = client_for(editor2).post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"transition": "send_back", "note": "More sources", "expected_status": "researching"},
        format="json",
    )

    assert answer.status_code == 409
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_four_eyes_an_editor_who_edited_the_review_may_not_publish_it(make_claim, editor2):
    claim = make_claim("researching")
    review = (
        client_for(editor2)
        .post("/api/v1/reviews/", {"claim": claim.pk, "rating": "true", "summary": "Right."})
        .json()
    )
    client_for(editor2).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"transition": "submit"}, format="json"
    )

    refused = client_for(editor2).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"transition": "publish"}, format="json"
    )

    assert refused.status_code == 403
    assert "Four-eyes" in refused.json()["detail"]
    assert Review.objects.get(pk=review["id"]).state == "draft"


def test_four_eyes_counts_an_evidence_edit_made_through_the_api(make_claim, checker, editor2):
    claim = make_claim("researching")
    review = (
        client_for(checker)
        .post("/api/v1/reviews/", {"claim": claim.pk, "rating": "true", "summary": "Right."})
        .json()
    )
    client_for(editor2).post(
        "/api/v1/evidence/",
        {"review": review["id"], "source": SourceFactory().pk, "stance": "supports"},
        format="json",
    )
    client_for(checker).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"transition": "submit"}, format="json"
    )

    refused = client_for(editor2).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"transition": "publish"}, format="json"
    )

    assert refused.status_code == 403
    assert Evidence.history.filter(history_user=editor2).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "transition"),
        ({"transition": "fly"}, "transition"),
        ({"transition": "reject"}, "note"),
        ({"transition": "reject", "note": 7}, None),
        ({"transition": "reject", "expected_status": "gone"}, "expected_status"),
    ],
)
def test_bad_transition_input_answers_400_with_field_errors(make_claim, editor2, body, field):
    claim = make_claim("new")

    answer = client_for(editor2).post(
        f"/api/v1/claims/{claim.pk}/transitions/", body, format="json"
    )

    if field is None:  # a number is taken as its text: a note "7" is a note
        assert answer.status_code == 200
        return
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["fields"]


def test_a_transition_on_a_claim_the_caller_cannot_see_answers_404(make_claim, outsider):
    claim = make_claim("in_review")

    answer = client_for(outsider).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"transition": "publish"}, format="json"
    )

    assert answer.status_code == 404


def test_an_outsider_is_refused_a_transition_on_a_public_claim(make_claim, outsider):
    claim = make_claim("published")

    answer = client_for(outsider).post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"transition": "reopen", "note": "x"}
    )

    assert answer.status_code == 403


def test_anonymous_callers_cannot_move_claims(make_claim):
    claim = make_claim("published")

    answer = client_for().post(
        f"/api/v1/claims/{claim.pk}/transitions/", {"transition": "reopen", "note": "x"}
    )

    assert answer.status_code == 401


def test_the_transition_log_is_readable_by_the_newsroom(make_claim, reporter, outsider):
    claim = make_claim("published")

    log = client_for(reporter).get(f"/api/v1/claims/{claim.pk}/transitions/")
    refused = client_for(outsider).get(f"/api/v1/claims/{claim.pk}/transitions/")

    assert [t["name"] for t in log.json()] == ["start_research", "submit", "publish"]
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/api/v1/claims/", {"text": "", "language": "en"}, "text"),
        ("/api/v1/claims/", {"text": "x", "language": "klingon"}, "language"),
        ("/api/v1/claims/", {"text": "x", "language": "en", "topics": ["nope"]}, "topics"),
        ("/api/v1/claims/", {"text": "x\x00y", "language": "en"}, "text"),
        ("/api/v1/speakers/", {"name": "A", "same_as": "not a url"}, "same_as"),
        ("/api/v1/sources/", {"title": "T", "language": "vi", "outlet": "nope"}, "outlet"),
        ("/api/v1/sources/", {"title": "T", "language": "vi", "url": "x" * 3000}, "url"),
        ("/api/v1/appearances/", {"claim": 10**30, "quote": "q"}, "claim"),
    ],
)
def test_bad_write_input_answers_400_with_field_errors(editor, path, body, field):
    answer = client_for(editor).post(path, body, format="json")

    assert answer.status_code == 400, answer.content
    assert field in answer.json()["fields"]


def test_a_duplicate_speaker_slug_is_a_field_error(editor):
    SpeakerFactory(name="Ada", slug="ada")

    answer = client_for(editor).post(
        "/api/v1/speakers/", {"name": "Ada", "slug": "ada"}, format="json"
    )

    assert answer.status_code == 400
    assert "slug" in answer.json()["fields"]


def test_a_malformed_json_body_answers_400(editor):
    answer = client_for(editor).post(
        "/api/v1/claims/", "{not json", content_type="application/json"
    )

    assert answer.status_code == 400


def test_tokens_are_created_and_revoked_in_the_admin():
    from django.contrib import admin
    from rest_framework.authtoken.models import TokenProxy

    assert admin.site.is_registered(TokenProxy)


LISTS = {
    "/api/v1/claims/": "public",
    "/api/v1/claimreview/": "public",
    "/api/v1/appearances/": "public",
    "/api/v1/speakers/": "public",
    "/api/v1/sources/": "public",
    "/api/v1/outlets/": "public",
    "/api/v1/ratings/": "public",
    "/api/v1/reviews/": "account",
    "/api/v1/evidence/": "account",
    "/api/v1/webhooks/": "account",
}


@pytest.mark.parametrize("role", ROLES)
def test_every_list_answers_each_role_as_specified(as_role, role, make_claim):
    make_claim("published")
    client = as_role(role)

    for path, audience in LISTS.items():
        expected = 401 if role == "anonymous" and audience == "account" else 200
        assert client.get(path).status_code == expected, (path, role)


@pytest.mark.parametrize("role", ROLES)
def test_unpublished_rows_are_found_only_by_the_newsroom(as_role, role, make_claim):
    claim = make_claim("in_review")
    appearance = AppearanceFactory(claim=claim, speaker=SpeakerFactory(slug="hidden-speaker"))
    review = claim.reviews.get()
    client = as_role(role)
    newsroom = role in CAPTURE

    paths = {
        f"/api/v1/claims/{claim.pk}/": True,
        f"/api/v1/appearances/{appearance.pk}/": True,
        "/api/v1/speakers/hidden-speaker/": True,
        f"/api/v1/sources/{appearance.source_id}/": True,
        f"/api/v1/reviews/{review.pk}/": role != "anonymous",
        f"/api/v1/evidence/{review.evidence.get().pk}/": role != "anonymous",
    }
    for path, reachable in paths.items():
        expected = 200 if newsroom else (404 if reachable else 401)
        assert client.get(path).status_code == expected, (path, role)


@pytest.mark.parametrize("role", ROLES)
def test_appearances_are_deleted_by_editors_only(as_role, role):
    appearance = AppearanceFactory()

    answer = as_role(role).delete(f"/api/v1/appearances/{appearance.pk}/")

    assert answer.status_code == expect({"editor"}, role, 204)


@pytest.mark.parametrize("role", ROLES)
def test_speakers_are_edited_by_the_newsroom(as_role, role, make_claim):
    claim = make_claim("researching")
    AppearanceFactory(claim=claim, speaker=SpeakerFactory(slug="ada"))

    answer = as_role(role).patch("/api/v1/speakers/ada/", {"role": "Minister"}, format="json")

    assert answer.status_code == expect(CAPTURE, role, 200)


@pytest.mark.parametrize("role", ROLES)
def test_a_speaker_published_claims_show_is_edited_by_an_editor_only(as_role, role, make_claim):
    claim = make_claim("published")
    AppearanceFactory(claim=claim, speaker=SpeakerFactory(slug="ada"))

    answer = as_role(role).patch("/api/v1/speakers/ada/", {"role": "Minister"}, format="json")

    assert answer.status_code == expect({"editor"}, role, 200)
