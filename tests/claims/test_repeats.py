"""A checked claim said again: recorded as a repeat without reopening the verdict, unseen until
an Editor other than its recorder confirms it (claims.services), and the appearance side of the
record frozen by the same rule as the rest (claims.workflow)."""

import datetime

import pytest

from claims import edits, services
from claims.models import Appearance, Claim
from claims.visibility import public_appearances
from claims.workflow import AppearanceState, Status
from sources.models import Source
from tests.api_support import client_for
from tests.factories import (
    AppearanceFactory,
    SourceFactory,
    SpeakerFactory,
    TopicFactory,
    factory_user,
)
from tracker.refusals import InvalidAction, NotAllowedNow, NotPermitted

SAID_AGAIN = datetime.date(2025, 3, 2)


def etag(claim) -> str:
    return client_for().get(f"/api/v1/claims/{claim.pk}/")["ETag"]


def published(make_claim):
    claim = make_claim("published")
    AppearanceFactory(claim=claim)
    return Claim.objects.get(pk=claim.pk)


def said_again() -> Source:
    """The page the claim was said again in: one source per URL (sources 0007)."""
    return edits.source_for_url(
        url="https://example.org/said-again", by=factory_user(), title="Said again", language="vi"
    )


def repeat(claim, by, **fields):
    return services.appearance_record_repeat(
        claim=claim,
        by=by,
        **{
            "speaker": SpeakerFactory(name="Nguyễn Văn A"),
            "source": fields.pop("source", None) or said_again(),
            "said_on": SAID_AGAIN,
            "quote": "Trung Quốc đi sau Mỹ 2-3 năm",
            "quote_language": "vi",
            **fields,
        },
    )


def test_a_repeat_waits_unseen_and_leaves_the_verdict_alone(make_claim, reporter):
    claim = published(make_claim)
    before = etag(claim)

    appearance = repeat(claim, reporter)

    claim.refresh_from_db()
    assert claim.status == Status.PUBLISHED
    assert claim.transitions.filter(name="reopen").count() == 0
    assert appearance.state == AppearanceState.AWAITING_CONFIRMATION
    assert appearance.recorded_by == reporter and appearance.recorded_at is not None
    assert not public_appearances().filter(pk=appearance.pk).exists()
    assert etag(claim) == before  # readers' claim is unchanged
    page = client_for().get(f"/api/v1/claims/{claim.pk}/").json()
    assert [a["id"] for a in page["appearances"]] != [] and appearance.pk not in [
        a["id"] for a in page["appearances"]
    ]


def test_a_second_editor_confirms_it_and_the_claim_moves(make_claim, reporter, editor2):
    claim = published(make_claim)
    appearance = repeat(claim, reporter)
    before, updated = etag(claim), Claim.objects.get(pk=claim.pk).updated_at

    services.appearance_confirm(appearance_id=appearance.pk, by=editor2)

    appearance.refresh_from_db()
    assert appearance.state == AppearanceState.PUBLIC
    assert appearance.confirmed_by == editor2 and appearance.confirmed_at is not None
    assert public_appearances().filter(pk=appearance.pk).exists()
    assert Claim.objects.get(pk=claim.pk).status == Status.PUBLISHED
    assert Claim.objects.get(pk=claim.pk).updated_at > updated
    assert etag(claim) != before
    last = appearance.history.latest()
    assert last.history_user == editor2 and last.state == AppearanceState.PUBLIC


def test_nobody_confirms_a_repeat_they_recorded_or_edited(make_claim, editor, editor2, reporter):
    claim = published(make_claim)
    mine = repeat(claim, editor)
    with pytest.raises(NotPermitted, match="Four-eyes"):
        services.appearance_confirm(appearance_id=mine.pk, by=editor)

    theirs = repeat(claim, reporter, source=SourceFactory(url="https://example.org/other"))
    edits.appearance_update(appearance=theirs, by=editor2, quote="Corrected quote")
    with pytest.raises(NotPermitted):
        services.appearance_confirm(appearance_id=theirs.pk, by=editor2)
    services.appearance_confirm(appearance_id=theirs.pk, by=editor)
    assert Appearance.objects.get(pk=mine.pk).state == AppearanceState.AWAITING_CONFIRMATION


@pytest.mark.parametrize("role", ["reporter", "checker", "outsider"])
def test_only_an_editor_confirms_or_rejects(make_claim, editor, role, request):
    claim = published(make_claim)
    appearance = repeat(claim, editor)
    user = request.getfixturevalue(role)
    with pytest.raises(NotPermitted):
        services.appearance_confirm(appearance_id=appearance.pk, by=user)
    with pytest.raises(NotPermitted):
        services.appearance_reject(appearance_id=appearance.pk, by=user, reason="No")
    assert Appearance.objects.get(pk=appearance.pk).state == AppearanceState.AWAITING_CONFIRMATION


def test_a_rejected_repeat_is_kept_with_its_reason_and_never_shown(make_claim, reporter, editor):
    claim = published(make_claim)
    appearance = repeat(claim, reporter)
    before = etag(claim)
    with pytest.raises(InvalidAction):
        services.appearance_reject(appearance_id=appearance.pk, by=editor, reason="  ")

    services.appearance_reject(appearance_id=appearance.pk, by=editor, reason="Misquoted")

    appearance.refresh_from_db()
    assert appearance.state == AppearanceState.REJECTED
    assert appearance.rejection_reason == "Misquoted"
    assert etag(claim) == before
    with pytest.raises(NotAllowedNow):
        services.appearance_confirm(appearance_id=appearance.pk, by=editor)
    with pytest.raises(NotAllowedNow):
        edits.appearance_update(appearance=appearance, by=editor, quote="Rewritten")
    with pytest.raises(NotAllowedNow):
        edits.appearance_delete(appearance=appearance, by=editor)


def test_a_second_confirmation_is_refused_and_changes_nothing(
    make_claim, reporter, editor, editor2
):
    claim = published(make_claim)
    appearance = repeat(claim, reporter)
    services.appearance_confirm(appearance_id=appearance.pk, by=editor)
    rows = appearance.history.count()

    with pytest.raises(NotAllowedNow, match="public already"):
        services.appearance_confirm(appearance_id=appearance.pk, by=editor2)
    with pytest.raises(NotAllowedNow):
        services.appearance_reject(appearance_id=appearance.pk, by=editor2, reason="Late")
    assert Appearance.objects.get(pk=appearance.pk).confirmed_by == editor
    assert appearance.history.count() == rows


@pytest.mark.parametrize("status", ["new", "researching", "in_review", "rejected"])
def test_only_a_published_claim_takes_a_repeat(make_claim, reporter, status):
    claim = make_claim(status)
    with pytest.raises(NotAllowedNow) as refused:
        repeat(claim, reporter)
    assert refused.value.message
    assert not Appearance.objects.filter(claim=claim).exists()


def test_the_same_appearance_twice_is_refused_naming_the_first(make_claim, reporter, checker):
    claim = published(make_claim)
    first = repeat(claim, reporter)
    same_url = edits.source_for_url(  # another spelling of the URL: the same source
        url="https://EXAMPLE.org/said-again", by=checker, title="Another copy", language="vi"
    )
    assert same_url == first.source

    with pytest.raises(NotAllowedNow, match=f"#{first.pk}"):
        repeat(claim, checker, source=same_url, speaker=first.speaker)
    assert Appearance.objects.filter(claim=claim).count() == 2  # the original and `first`
    later = SAID_AGAIN + datetime.timedelta(days=1)
    repeat(claim, checker, source=same_url, speaker=first.speaker, said_on=later)
    repeat(claim, checker, source=same_url)  # another speaker quoted in the same article


def test_a_public_appearance_is_frozen_even_while_its_claim_is_re_reviewed(
    make_claim, editor, checker
):
    claim = published(make_claim)
    appearance = claim.appearances.get()
    services.claim_transition(claim_id=claim.pk, name="reopen", by=editor, note="New data")

    for field, value in [
        ("quote", "Rewritten"),
        ("said_on", SAID_AGAIN),
        ("speaker", SpeakerFactory()),
        ("source", SourceFactory()),
    ]:
        with pytest.raises(NotAllowedNow, match="frozen"):
            edits.appearance_update(appearance=appearance, by=editor, **{field: value})
    with pytest.raises(NotAllowedNow):
        edits.appearance_delete(appearance=appearance, by=editor)
    edits.appearance_update(appearance=appearance, by=checker, context="At a press briefing")
    assert Appearance.objects.get(pk=appearance.pk).context == "At a press briefing"


def test_the_source_a_published_claim_was_said_in_keeps_its_url_title_and_date(make_claim, editor):
    claim = published(make_claim)
    source = claim.appearances.get().source
    for field, value in [
        ("title", "New"),
        ("url", "https://example.org/n"),
        ("published_on", None),
    ]:
        with pytest.raises(NotAllowedNow):
            edits.source_update(source=source, by=editor, **{field: value})


def test_the_source_of_a_repeat_still_waiting_may_be_corrected(make_claim, reporter, editor2):
    claim = published(make_claim)
    waiting = repeat(claim, reporter)
    edits.source_update(source=waiting.source, by=reporter, title="Corrected title")

    services.appearance_confirm(appearance_id=waiting.pk, by=editor2)
    with pytest.raises(NotAllowedNow):
        edits.source_update(source=waiting.source, by=editor2, title="Too late")


def test_a_reporter_cannot_rename_what_published_claims_show(make_claim, reporter, editor):
    claim = published(make_claim)
    speaker = claim.appearances.get().speaker
    outlet = claim.appearances.get().source.outlet
    before = etag(claim)

    with pytest.raises(NotPermitted):
        edits.speaker_update(speaker=speaker, by=reporter, name="Renamed")
    with pytest.raises(NotPermitted):
        edits.outlet_update(outlet=outlet, by=reporter, name="Renamed")
    topic = TopicFactory(name="Economy")
    claim.topics.add(topic)
    before = etag(claim)
    with pytest.raises(NotPermitted):
        edits.topic_update(topic=topic, by=reporter, name="Renamed")
    assert etag(claim) == before

    edits.speaker_update(speaker=speaker, by=editor, name="Renamed")
    assert speaker.history.latest().history_user == editor
    assert etag(claim) != before
    unseen = SpeakerFactory(name="Nobody yet")
    edits.speaker_update(speaker=unseen, by=reporter, name="Still nobody")


@pytest.mark.parametrize("edit", ["speaker", "said-in source", "outlet", "topic", "appearance"])
def test_editing_what_a_claim_in_review_shows_counts_as_writing_its_review(
    make_claim, checker, editor, edit
):
    claim = make_claim("researching")
    appearance = AppearanceFactory(claim=claim)
    services.review_start(claim=claim, by=checker)
    assert editor.pk not in Claim.objects.get(pk=claim.pk).review_writer_ids()
    source = appearance.source
    if edit == "speaker":
        edits.speaker_update(speaker=appearance.speaker, by=editor, name="Someone else")
    elif edit == "said-in source":
        edits.source_update(source=source, by=editor, title="Another title")
    elif edit == "topic":
        topic = TopicFactory(name="Technology")
        claim.topics.add(topic)
        edits.topic_update(topic=topic, by=editor, name="Tech")
    elif edit == "outlet":
        assert source.outlet is not None
        edits.outlet_update(outlet=source.outlet, by=editor, name="Another outlet")
    else:
        edits.appearance_update(appearance=appearance, by=editor, quote="Another quote")

    assert editor.pk in Claim.objects.get(pk=claim.pk).review_writer_ids()


def test_publishing_makes_the_appearances_of_a_re_review_public(
    make_claim, editor, editor2, checker
):
    claim = published(make_claim)
    services.claim_transition(claim_id=claim.pk, name="reopen", by=editor, note="New data")
    added = edits.appearance_create(
        claim=claim,
        by=checker,
        speaker=SpeakerFactory(),
        source=SourceFactory(),
        said_on=SAID_AGAIN,
        quote="Again",
        quote_language="en",
    )
    assert added.state == AppearanceState.AWAITING_PUBLICATION
    with pytest.raises(NotAllowedNow):
        repeat(claim, checker)  # re-reviewed: the quote waits for the next verdict instead
    assert not public_appearances().filter(pk=added.pk).exists()

    with pytest.raises(NotAllowedNow):
        services.appearance_confirm(appearance_id=added.pk, by=editor)

    services.review_start(claim=claim, by=checker)
    services.claim_transition(claim_id=claim.pk, name="submit", by=checker)
    services.claim_transition(claim_id=claim.pk, name="publish", by=editor2)
    assert public_appearances().filter(pk=added.pk).exists()
