"""The write services: the acting user in history, full_clean, nothing written for nothing,
all or nothing, and the source rule (frozen while cited on the record, fixed through reopen)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims import edits, services
from claims.models import Appearance, Claim, RatingLevel
from sources.models import Source
from tests.api_support import client_for
from tests.factories import AppearanceFactory, ClaimFactory, SourceFactory, TopicFactory
from tracker.refusals import NotAllowedNow, NotPermitted


def test_the_api_records_the_caller_in_history_without_any_stamping(reporter):
    appearance = AppearanceFactory()

    response = client_for(reporter).patch(
        f"/api/v1/appearances/{appearance.pk}/", {"quote": "Verbatim, corrected"}, format="json"
    )

    assert response.status_code == 200
    assert appearance.history.latest().history_user == reporter


def test_an_admin_edit_records_the_editor_in_history(client, reporter):
    source = SourceFactory(title="Draft title")
    client.force_login(reporter)

    client.post(
        reverse("admin:sources_source_change", args=[source.pk]),
        {"title": "Final title", "kind": "article", "language": "en", "outlet": source.outlet_id},
    )

    latest = source.history.latest()
    assert (latest.title, latest.history_user) == ("Final title", reporter)


def test_a_shell_write_records_by_and_a_write_that_changes_nothing_records_nothing(reporter):
    claim = ClaimFactory()
    edits.claim_update(claim=claim, by=reporter, translation="New translation")
    assert claim.history.latest().history_user == reporter
    rows = claim.history.count()

    edits.claim_update(claim=claim, by=reporter, translation="New translation")

    assert claim.history.count() == rows


def test_bad_input_from_the_shell_is_refused_by_full_clean_and_nothing_is_written(reporter):
    topic = TopicFactory()
    claim = ClaimFactory(text="Original")

    with pytest.raises(ValidationError):
        edits.claim_update(claim=claim, by=reporter, text="", topics=[topic])
    with pytest.raises(ValidationError):
        edits.claim_create(by=reporter, text="A claim", language="xx")

    claim.refresh_from_db()
    assert claim.text == "Original"
    assert list(claim.topics.all()) == []
    assert Claim.objects.count() == 1


def test_a_role_without_the_permission_is_refused_before_anything_is_read(reporter, outsider):
    claim = ClaimFactory()
    with pytest.raises(NotPermitted):
        edits.claim_update(claim=claim, by=outsider, text="Changed")
    with pytest.raises(NotPermitted):
        edits.appearance_delete(appearance=AppearanceFactory(claim=claim), by=reporter)
    assert Appearance.objects.filter(claim=claim).count() == 1


def test_a_cited_source_keeps_its_url_title_and_date_but_not_its_other_fields(
    make_claim, reporter, editor
):
    claim = make_claim("published")
    source = claim.published_review.evidence.get().source

    frozen = [("title", "New"), ("url", "https://example.org/n"), ("published_on", None)]
    for field, value in frozen:
        with pytest.raises(NotAllowedNow):
            edits.source_update(source=source, by=editor, **{field: value})
    # What a published claim shows of the catalogue changes by an Editor's hand only.
    with pytest.raises(NotPermitted):
        edits.source_update(source=source, by=reporter, kind=Source.Kind.REPORT)
    edits.source_update(source=source, by=editor, kind=Source.Kind.REPORT)

    assert Source.objects.get(pk=source.pk).kind == Source.Kind.REPORT


def test_a_source_is_fixed_by_reopening_and_citing_a_corrected_one(
    make_claim, checker, editor, editor2
):
    claim = make_claim("published")
    wrong = claim.published_review.evidence.get().source
    services.claim_transition(claim_id=claim.pk, name="reopen", by=editor, note="Bad source")
    draft = services.review_start(claim=claim, by=checker)
    copied = draft.evidence.get()
    edits.evidence_update(evidence=copied, by=checker, source=SourceFactory(title="Right one"))
    services.claim_transition(claim_id=claim.pk, name="submit", by=checker)
    services.claim_transition(claim_id=claim.pk, name="publish", by=editor2)

    # Cited now only by the superseded verdict: no longer frozen.
    edits.source_update(source=wrong, by=editor, title="Retitled after the correction")
    assert Source.objects.get(pk=wrong.pk).title == "Retitled after the correction"


def test_the_rating_scale_is_relabelled_by_an_editor_only(editor, checker):
    level = RatingLevel.objects.get(slug="false")
    with pytest.raises(NotPermitted):
        edits.rating_level_update(level=level, by=checker, label_en="Wrong")
    edits.rating_level_update(level=level, by=editor, label_en="Untrue")
    assert RatingLevel.objects.get(slug="false").history.latest().history_user == editor


def test_a_claim_with_a_review_is_rejected_not_deleted(make_claim, editor):
    claim = make_claim("researching")
    services.review_start(claim=claim, by=editor)
    with pytest.raises(NotAllowedNow):
        edits.claim_delete(claim=claim, by=editor)
    fresh = ClaimFactory()
    edits.claim_delete(claim=fresh, by=editor)
    assert not Claim.objects.filter(pk=fresh.pk).exists()


def test_an_appearance_cannot_be_moved_onto_a_published_claim(make_claim, reporter):
    published = make_claim("published")
    appearance = AppearanceFactory()

    response = client_for(reporter).patch(
        f"/api/v1/appearances/{appearance.pk}/", {"claim": published.pk}, format="json"
    )

    assert response.status_code == 409
    assert Appearance.objects.get(pk=appearance.pk).claim_id == appearance.claim_id
