"""Four eyes over the whole record: changing what a verdict is about counts as writing it."""

import pytest
from django.urls import reverse

from claims import edits, services
from claims.models import RatingLevel
from tests.factories import SourceFactory, SpeakerFactory, TopicFactory
from tracker.refusals import NotAllowedNow, NotPermitted


def submit(claim, checker):
    services.claim_transition(claim_id=claim.pk, name="submit", by=checker)


def publish(claim, by):
    services.claim_transition(claim_id=claim.pk, name="publish", by=by)


@pytest.fixture
def researched(make_claim, checker, editor):
    """A claim in research with a complete draft written by the checker."""
    claim = make_claim("in_review")
    services.claim_transition(claim_id=claim.pk, name="send_back", by=editor, note="More")
    return claim


def test_an_editor_who_edits_the_claim_text_under_review_may_not_publish_it(
    researched, checker, editor, editor2
):
    edits.claim_update(claim=researched, by=editor, text="A sharper wording of the claim")
    submit(researched, checker)

    with pytest.raises(NotPermitted, match="Four-eyes"):
        publish(researched, editor)
    publish(researched, editor2)


def test_an_editor_who_fixes_a_source_the_draft_cites_may_not_publish_it(
    researched, checker, editor, editor2
):
    source = researched.working_review().evidence.get().source
    edits.source_update(source=source, by=editor, title="Corrected title")
    submit(researched, checker)

    with pytest.raises(NotPermitted):
        publish(researched, editor)
    publish(researched, editor2)


def test_an_editor_who_adds_an_appearance_or_a_topic_counts_as_a_writer(
    researched, checker, editor, editor2
):
    edits.appearance_create(
        claim=researched,
        by=editor2,
        speaker=SpeakerFactory(),
        source=SourceFactory(),
        quote="The same claim, said again",
        quote_language="en",
    )
    edits.claim_update(claim=researched, by=editor, topics=[TopicFactory()])
    submit(researched, checker)

    for writer in (editor, editor2):
        with pytest.raises(NotPermitted):
            publish(researched, writer)


def test_edits_before_the_draft_existed_do_not_count(make_claim, checker, editor):
    claim = make_claim("researching")
    edits.claim_update(claim=claim, by=editor, translation="Reworded before any review")
    draft = services.review_start(claim=claim, by=checker)
    edits.review_update(review=draft, by=checker, rating=RatingLevel.objects.get(slug="true"))
    edits.review_update(review=draft, by=checker, summary="Checked after the rewording.")
    submit(claim, checker)

    publish(claim, editor)
    claim.refresh_from_db()
    assert claim.status == "published"


def test_a_claim_in_review_and_its_cited_source_are_frozen_until_sent_back(make_claim, editor):
    claim = make_claim("in_review")
    source = claim.working_review().evidence.get().source

    with pytest.raises(NotAllowedNow):
        edits.claim_update(claim=claim, by=editor, text="Changed while in review")
    with pytest.raises(NotAllowedNow):
        edits.source_update(source=source, by=editor, url="https://example.org/other")
    with pytest.raises(NotAllowedNow):
        edits.appearance_create(
            claim=claim,
            by=editor,
            speaker=SpeakerFactory(),
            source=SourceFactory(),
            quote="q",
            quote_language="en",
        )


def test_the_admin_queue_awaiting_my_review_applies_the_same_rule(
    client, researched, checker, editor, editor2
):
    edits.claim_update(claim=researched, by=editor, text="Edited by the first editor")
    submit(researched, checker)
    url = reverse("admin:claims_claim_changelist") + "?queue=review"

    client.force_login(editor)
    assert researched not in client.get(url).context["cl"].result_list
    client.force_login(editor2)
    assert researched in client.get(url).context["cl"].result_list
