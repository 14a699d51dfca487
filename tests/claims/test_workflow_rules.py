"""Every transition for every group, allowed and refused, through the one workflow service."""

import pytest
from django.db import IntegrityError

from claims import services
from claims.models import ClaimTransition, Correction, RatingLevel, Review
from claims.workflow import RULES, Status
from tests.factories import ClaimFactory, UserFactory, walk_to
from tracker.refusals import InvalidAction, NotAllowedNow, NotPermitted

GROUP_MAY = {
    "Reporter": set(),
    "Fact-checker": {"start_research", "submit"},
    "Editor": set(RULES),
}
ALL_STATES = [s.value for s in Status]


def claim_ready_for(name, *, checker, editor):
    """A claim in a state from which `name` is possible, with a complete draft when needed."""
    state = RULES[name].sources[0]
    claim = walk_to(ClaimFactory(), state, checker=checker, editor=editor)
    if name == "submit":
        review = services.review_start(claim=claim, by=checker)
        review.rating = RatingLevel.objects.get(slug="true")
        review.summary = "Ready."
        review.save()
    return claim


@pytest.mark.parametrize("group", list(GROUP_MAY))
@pytest.mark.parametrize("name", list(RULES))
def test_each_group_may_make_exactly_its_transitions(name, group, checker, editor):
    claim = claim_ready_for(name, checker=checker, editor=editor)
    actor = UserFactory(username=f"actor-{group}", groups=[group])

    if name in GROUP_MAY[group]:
        claim = services.claim_transition(claim_id=claim.pk, name=name, by=actor, note="why")
        assert claim.status == RULES[name].target
        log = ClaimTransition.objects.get(claim=claim, name=name)
        assert (log.by, log.from_status, log.to_status, log.note) == (
            actor,
            RULES[name].sources[0],
            RULES[name].target,
            "why",
        )
    else:
        before = claim.status
        with pytest.raises(NotPermitted) as refused:
            services.claim_transition(claim_id=claim.pk, name=name, by=actor, note="why")
        assert refused.value.status_code == 403
        claim.refresh_from_db()
        assert claim.status == before
        assert not ClaimTransition.objects.filter(claim=claim, name=name).exists()


@pytest.mark.parametrize(
    ("name", "state"),
    [
        (name, state)
        for name, rule in RULES.items()
        for state in ALL_STATES
        if state not in rule.sources
    ],
)
def test_a_transition_from_the_wrong_state_is_refused_with_409(name, state, checker, editor):
    claim = walk_to(ClaimFactory(), state, checker=checker, editor=editor)
    boss = UserFactory(username="boss", is_superuser=True)

    with pytest.raises(NotAllowedNow) as refused:
        services.claim_transition(claim_id=claim.pk, name=name, by=boss, note="why")

    assert refused.value.status_code == 409
    claim.refresh_from_db()
    assert claim.status == state


def test_an_unknown_transition_is_bad_input(make_claim, editor):
    claim = make_claim("new")
    with pytest.raises(InvalidAction) as refused:
        services.claim_transition(claim_id=claim.pk, name="delete_everything", by=editor)
    assert refused.value.field == "transition"


def test_an_editor_cannot_publish_a_review_they_wrote(checker, editor, editor2):
    claim = walk_to(ClaimFactory(), "researching", checker=checker, editor=editor)
    review = services.review_start(claim=claim, by=editor)
    review.rating = RatingLevel.objects.get(slug="false")
    review.summary = "Written by an editor."
    review.save()
    services.claim_transition(claim_id=claim.pk, name="submit", by=editor)

    with pytest.raises(NotPermitted, match="Four-eyes"):
        services.claim_transition(claim_id=claim.pk, name="publish", by=editor)
    claim = services.claim_transition(claim_id=claim.pk, name="publish", by=editor2)

    assert claim.status == Status.PUBLISHED
    assert claim.published_review.approved_by == editor2


def test_an_editor_who_edited_someone_elses_draft_cannot_publish_it(checker, editor, editor2):
    claim = walk_to(ClaimFactory(), "researching", checker=checker, editor=editor)
    review = services.review_start(claim=claim, by=checker)
    review.rating = RatingLevel.objects.get(slug="false")
    review.summary = "Draft."
    review.save()
    review._history_user = editor2  # what HistoryRequestMiddleware records for an admin edit
    review.reasoning = "Rewritten by the second editor."
    review.save()
    services.claim_transition(claim_id=claim.pk, name="submit", by=checker)

    with pytest.raises(NotPermitted, match="Four-eyes"):
        services.claim_transition(claim_id=claim.pk, name="publish", by=editor2)
    assert services.claim_transition(claim_id=claim.pk, name="publish", by=editor).status == (
        Status.PUBLISHED
    )


def test_even_a_superuser_is_held_to_the_four_eyes_rule(checker, editor):
    boss = UserFactory(username="boss", is_superuser=True)
    claim = walk_to(ClaimFactory(), "researching", checker=checker, editor=editor)
    review = services.review_start(claim=claim, by=boss)
    review.rating = RatingLevel.objects.get(slug="true")
    review.summary = "Mine."
    review.save()
    services.claim_transition(claim_id=claim.pk, name="submit", by=boss)

    with pytest.raises(NotPermitted):
        services.claim_transition(claim_id=claim.pk, name="publish", by=boss)


def test_submit_needs_a_review_with_rating_and_summary(make_claim, checker):
    claim = make_claim("researching")
    with pytest.raises(InvalidAction, match="rating and a summary"):
        services.claim_transition(claim_id=claim.pk, name="submit", by=checker)
    services.review_start(claim=claim, by=checker)
    with pytest.raises(InvalidAction):
        services.claim_transition(claim_id=claim.pk, name="submit", by=checker)


@pytest.mark.parametrize("name", [n for n, rule in RULES.items() if rule.needs_note])
def test_refusing_or_reopening_needs_a_note(name, checker, editor):
    claim = claim_ready_for(name, checker=checker, editor=editor)
    with pytest.raises(InvalidAction) as refused:
        services.claim_transition(claim_id=claim.pk, name=name, by=editor, note="  ")
    assert refused.value.field == "note"


def republish(claim, *, rating, note, checker, editor):
    services.claim_transition(claim_id=claim.pk, name="reopen", by=editor, note="re-check")
    review = services.review_start(claim=claim, by=checker)
    review.rating = RatingLevel.objects.get(slug=rating)
    review.save()
    services.claim_transition(claim_id=claim.pk, name="submit", by=checker)
    return services.claim_transition(claim_id=claim.pk, name="publish", by=editor, note=note)


def test_a_reopened_claim_keeps_its_published_verdict_until_the_new_one(make_claim, editor):
    claim = make_claim("published", rating="false")
    first = claim.published_review

    claim = services.claim_transition(claim_id=claim.pk, name="reopen", by=editor, note="new data")

    assert claim.status == Status.RESEARCHING
    assert claim.published_review == first
    assert claim.under_review


def test_a_different_verdict_needs_a_correction_note(make_claim, checker, editor):
    claim = make_claim("published", rating="false")
    with pytest.raises(InvalidAction, match="correction note") as refused:
        republish(claim, rating="true", note="", checker=checker, editor=editor)
    assert refused.value.field == "note"
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    assert claim.published_review.rating.slug == "false"


def test_republishing_supersedes_the_old_review_and_records_a_correction(
    make_claim, checker, editor
):
    claim = make_claim("published", rating="false")
    old = claim.published_review

    claim = republish(claim, rating="true", note="New figures.", checker=checker, editor=editor)

    old.refresh_from_db()
    assert old.state == Review.State.SUPERSEDED
    assert claim.published_review.rating.slug == "true"
    correction = Correction.objects.get(claim=claim)
    assert (correction.previous_review, correction.review, correction.note) == (
        old,
        claim.published_review,
        "New figures.",
    )
    assert correction.rating_changed
    assert claim.published_review.evidence.count() == old.evidence.count() == 1


def test_a_published_claim_cannot_be_rejected_after_reopening(make_claim, editor):
    claim = make_claim("published")
    services.claim_transition(claim_id=claim.pk, name="reopen", by=editor, note="re-check")
    with pytest.raises(NotAllowedNow, match="published verdict"):
        services.claim_transition(claim_id=claim.pk, name="reject", by=editor, note="no")


def test_a_transition_and_its_log_row_are_one_write(make_claim, editor, monkeypatch):
    claim = make_claim("new")

    def broken_log(**kwargs):
        raise IntegrityError("the log table refused the row")

    monkeypatch.setattr(ClaimTransition.objects, "create", broken_log)
    with pytest.raises(IntegrityError):
        services.claim_transition(claim_id=claim.pk, name="reject", by=editor, note="x")

    claim.refresh_from_db()
    assert claim.status == Status.NEW


def test_a_stale_view_of_the_claim_is_refused(make_claim, editor):
    claim = make_claim("in_review")
    with pytest.raises(NotAllowedNow, match="meanwhile"):
        services.claim_transition(
            claim_id=claim.pk,
            name="send_back",
            by=editor,
            note="x",
            expected_status=Status.RESEARCHING,
        )


def test_status_cannot_be_set_directly(make_claim):
    claim = make_claim("new")
    with pytest.raises(AttributeError):
        claim.status = Status.PUBLISHED
