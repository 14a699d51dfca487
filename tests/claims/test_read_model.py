"""The read model of the published record (claims.readmodel) is the record derived the slow
way, after any history of workflow moves and catalogue edits; it holds published faces only,
and changes in the same transaction as the edit that changes a public face."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from rest_framework.renderers import JSONRenderer

from claims import edits, readmodel, services
from claims.models import Appearance, Claim, PublishedClaim, PublishedFacet, RatingLevel
from claims.visibility import public_claims
from claims.workflow import AppearanceState, Status
from public.api.serializers import ClaimSerializer
from public.details import with_public_details
from sources.events import link_health_changed
from sources.models import Link
from tests.factories import (
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    SourceFactory,
    SpeakerFactory,
    TopicFactory,
    UserFactory,
    walk_to,
)
from tests.site_data import add_appearance, correct, reopen
from tracker.refusals import WorkflowError

Kind = PublishedFacet.Kind

OPERATIONS = [
    "file",
    "publish",
    "reopen",
    "correct",
    "appear",
    "confirm_repeat",
    "reject_repeat",
    "retopic",
    "cite",
    "move_source",
    "reorder_scale",
    "delete_topic",
    "change_language",
    "rename_speaker",
    "rename_outlet",
    "rename_topic",
    "link_health",
    "plain_save",
    "edit_text",
    "summarise",
]

steps = st.lists(
    st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 3), st.integers(0, 3)),
    min_size=1,
    max_size=10,
)


def served_list(client, language: str) -> bytes:
    response = client.get("/api/v1/claims/?page_size=200", HTTP_ACCEPT_LANGUAGE=language)
    return JSONRenderer().render(response.json()["results"])


def serialised_list(language: str) -> bytes:
    claims = with_public_details(public_claims()).order_by("-updated_at", "-id")
    with translation.override(language):
        return JSONRenderer().render(ClaimSerializer(claims, many=True).data)


def every_difference() -> list[str]:
    ids = set(Claim.objects.values_list("pk", flat=True))
    ids |= set(PublishedClaim.objects.values_list("claim_id", flat=True))
    return readmodel.differences(ids)


class ReadModelFollowsTheRecord(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.checker = UserFactory(username="rm-checker", groups=["Fact-checker"])
        cls.editor = UserFactory(username="rm-editor", groups=["Editor"])
        cls.editor2 = UserFactory(username="rm-editor2", groups=["Editor"])

    def play(self, operation: str, i: int, j: int, world: dict) -> None:
        claims, speakers, sources = world["claims"], world["speakers"], world["sources"]
        topics, outlets = world["topics"], world["outlets"]
        if operation == "file" or not claims:
            claim = ClaimFactory()
            add_appearance(claim, speaker=speakers[i % 3], source=sources[j % 3])
            claim.topics.add(topics[i % len(topics)]) if topics else None
            claims.append(claim)
            return
        claim = Claim.objects.get(pk=claims[i % len(claims)].pk)
        by = {"checker": self.checker, "editor": self.editor}
        if operation == "publish":
            if claim.status == Status.NEW:
                walk_to(claim, "published", checker=self.checker, editor=self.editor)
            elif claim.status == Status.RESEARCHING and claim.working_review() is not None:
                services.claim_transition(claim_id=claim.pk, name="submit", by=self.checker)
                services.claim_transition(
                    claim_id=claim.pk, name="publish", by=self.editor, note="Checked again"
                )
        elif operation == "reopen" and claim.status == Status.PUBLISHED:
            reopen(claim, summary="A second look", **by)
        elif operation == "correct" and claim.status == Status.PUBLISHED:
            rating = ["true", "half-true", "false", "mostly-true"][j]
            if rating != claim.published_review.rating.slug:
                correct(claim, rating=rating, **by)
        elif operation == "appear":
            fields = {
                "speaker": speakers[j % 3],
                "source": sources[(i + j) % 3],
                "quote": f"Quote {i} {j}",
                "quote_language": "vi",
            }
            if claim.status == Status.PUBLISHED:
                services.appearance_record_repeat(claim=claim, by=self.checker, **fields)
            else:
                edits.appearance_create(claim=claim, by=self.checker, **fields)
        elif operation in ("confirm_repeat", "reject_repeat"):
            waiting = Appearance.objects.filter(
                claim=claim, state=AppearanceState.AWAITING_CONFIRMATION
            ).first()
            if waiting is None:
                return
            if operation == "confirm_repeat":
                services.appearance_confirm(appearance_id=waiting.pk, by=self.editor2)
            else:
                services.appearance_reject(
                    appearance_id=waiting.pk, by=self.editor2, reason="Not the same claim"
                )
        elif operation == "retopic" and topics:
            edits.claim_update(claim=claim, by=self.checker, topics=[topics[j % len(topics)]])
        elif operation == "cite":
            draft = claim.working_review()
            if draft is not None:
                EvidenceFactory(review=draft, source=sources[j % 3])
        elif operation == "move_source":
            # A source the claim was said in moves to the other outlet.
            source = sources[j % 3]
            said_in = claim.appearances.values_list("source", flat=True).first()
            source = next((s for s in sources if s.pk == said_in), source)
            source.refresh_from_db()
            other = outlets[1] if source.outlet_id == outlets[0].pk else outlets[0]
            edits.source_update(source=source, by=self.editor, outlet=other)
        elif operation == "reorder_scale":
            # The claim's own rating, else any level, moves in the scale's order.
            verdict = claim.published_review
            level = verdict.rating if verdict else RatingLevel.objects.order_by("pk")[j]
            edits.rating_level_update(level=level, by=self.editor, position=level.position + 1 + i)
        elif operation == "delete_topic" and topics:
            edits.topic_delete(topic=topics.pop(j % len(topics)), by=self.editor)
        elif operation == "change_language":
            edits.claim_update(claim=claim, by=self.checker, language=["en", "vi"][j % 2])
        elif operation == "rename_speaker":
            speaker = speakers[j % 3]
            speaker.refresh_from_db()
            edits.speaker_update(speaker=speaker, by=self.editor, name=f"Nguyễn Văn {i}{j}")
        elif operation == "rename_outlet":
            outlet = outlets[j % 2]
            edits.outlet_update(outlet=outlet, by=self.editor, name=f"Outlet {i} {j}")
        elif operation == "rename_topic" and topics:
            topic = topics[j % len(topics)]
            topic.refresh_from_db()
            edits.topic_update(topic=topic, by=self.editor, name=f"Kinh tế {i}", name_vi="Kinh tế")
        elif operation == "link_health":
            # What the link checker writes (plain SQL) and the signal it sends.
            link = Link.objects.filter(sources__in=sources).order_by("pk")[j % 3 :].first()
            if link is not None:
                status = ["broken", "ok", "redirected", "dead"][i]
                Link.objects.filter(pk=link.pk).update(
                    status=status, last_checked_at=timezone.now()
                )
                link_health_changed.send(sender=Link, link_ids=[link.pk])
        elif operation == "plain_save":
            claim.save()
        # What the search text reads: the public text, its speakers, topics and verdict.
        elif operation == "edit_text" and claim.status != Status.PUBLISHED:
            edits.claim_update(claim=claim, by=self.checker, text=f"Giá xăng tăng {i} lần {j}")
        elif operation == "summarise":
            draft = claim.working_review()
            if draft is not None:
                edits.review_update(review=draft, by=self.checker, summary=f"Sai lệch {i} {j}")

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps)
    def test_the_read_model_is_the_record_derived_the_slow_way(self, history):
        outlets = [OutletFactory() for _ in range(2)]
        world = {
            "claims": [],
            "speakers": [SpeakerFactory() for _ in range(3)],
            "sources": [
                SourceFactory(outlet=outlets[k % 2], url=f"https://news.example.com/rm/{k}")
                for k in range(3)
            ],
            "topics": [TopicFactory() for _ in range(2)],
            "outlets": outlets,
        }
        for operation, i, j in history:
            try:
                with transaction.atomic():
                    self.play(operation, i, j, world)
            except WorkflowError:
                pass  # a move the rules refuse changes nothing, the read model included
            self.assertEqual(every_difference(), [], (operation, i, j))
        public = set(Claim.objects.published().values_list("pk", flat=True))
        self.assertEqual(set(PublishedClaim.objects.values_list("claim_id", flat=True)), public)
        for language in ("en", "vi"):  # and what the API serves is the serializer's output
            self.assertEqual(served_list(self.client, language), serialised_list(language))


def facets_of(claim: Claim) -> set[tuple[int, int]]:
    return set(PublishedFacet.objects.filter(entry_id=claim.pk).values_list("kind", "value"))


@pytest.mark.django_db
def test_only_published_claims_have_a_row(make_claim):
    drafts = [make_claim(status) for status in ("new", "researching", "in_review", "rejected")]
    published = make_claim("published")
    assert list(PublishedClaim.objects.values_list("claim_id", flat=True)) == [published.pk]
    assert not PublishedFacet.objects.filter(entry_id__in=[c.pk for c in drafts]).exists()


@pytest.mark.django_db
def test_a_re_review_shows_nothing_until_its_verdict_is_published(make_claim, editor, checker):
    claim = make_claim("published", rating="true", language="vi")
    add_appearance(claim)
    # The API payload does change: it says the claim is under review (and its updated_at).
    shown = ("published_at", "rating_id", "rating_position", "language", "tags")
    row_before = PublishedClaim.objects.values(*shown).get(claim=claim)
    facets_before = facets_of(claim)
    reopen(claim, editor=editor, checker=checker, summary="Looking again", rating="false")
    edits.claim_update(claim=claim, by=checker, language="en")
    hidden = edits.appearance_create(
        claim=claim,
        by=checker,
        speaker=SpeakerFactory(),
        source=SourceFactory(),
        quote="New",
        quote_language="vi",
    )
    draft = claim.working_review()
    cited_by_draft = EvidenceFactory(review=draft).source
    assert PublishedClaim.objects.values(*shown).get(claim=claim) == row_before
    assert facets_of(claim) == facets_before
    services.claim_transition(claim_id=claim.pk, name="submit", by=checker)
    services.claim_transition(claim_id=claim.pk, name="publish", by=editor, note="New figures")
    row = PublishedClaim.objects.get(claim=claim)
    assert (row.language, row.rating.slug) == ("en", "false")
    assert (Kind.SPEAKER, hidden.speaker_id) in facets_of(claim)
    assert (Kind.CITES, cited_by_draft.pk) in facets_of(claim)


@pytest.mark.django_db
def test_a_repeat_is_in_the_read_model_only_once_confirmed(make_claim, checker, editor2):
    claim = make_claim("published")
    speaker = SpeakerFactory()
    repeat = services.appearance_record_repeat(
        claim=claim,
        by=checker,
        speaker=speaker,
        source=SourceFactory(),
        quote="Again",
        quote_language="vi",
    )
    assert (Kind.SPEAKER, speaker.pk) not in facets_of(claim)
    services.appearance_reject(appearance_id=repeat.pk, by=editor2, reason="Someone else")
    assert (Kind.SPEAKER, speaker.pk) not in facets_of(claim)
    again = services.appearance_record_repeat(
        claim=claim,
        by=checker,
        speaker=speaker,
        source=SourceFactory(),
        quote="Once more",
        quote_language="vi",
    )
    services.appearance_confirm(appearance_id=again.pk, by=editor2)
    assert (Kind.SPEAKER, speaker.pk) in facets_of(claim)


@pytest.mark.django_db(transaction=True)
def test_a_claim_leaving_the_record_leaves_the_read_model_in_the_same_transaction(make_claim):
    claim = make_claim("published")
    with transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(published_review=None, status=Status.REJECTED)
        readmodel.refresh([claim.pk])  # what dependents runs for any change of a public face
        assert not PublishedClaim.objects.filter(claim=claim).exists()
        assert not PublishedFacet.objects.filter(entry_id=claim.pk).exists()
        transaction.set_rollback(True)
    assert PublishedClaim.objects.filter(claim=claim).exists()


@pytest.mark.django_db
def test_rebuild_read_model_check_reports_every_difference_and_the_rebuild_mends_them(
    make_claim,
):
    first, second, third = (make_claim("published") for _ in range(3))
    hidden = make_claim("in_review")
    PublishedClaim.objects.filter(claim=first).delete()
    PublishedClaim.objects.filter(claim=second).update(language="xx", rating_position=99)
    PublishedFacet.objects.filter(entry_id=third.pk, kind=Kind.CITES).delete()
    stale = '{"id":0}'
    PublishedClaim.objects.filter(claim=third).update(
        payload=stale, payload_digest=readmodel.digest(stale), document="stale words"
    )
    PublishedClaim.objects.create(
        claim=hidden,
        published_at=second.published_review.published_at,
        rating=second.published_review.rating,
        rating_position=1,
        language="vi",
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="7 ways"):
        call_command("rebuild_read_model", "--check", "--no-progress", stdout=out)
    report = out.getvalue()
    assert f"claim {first.pk}: public, but not in the read model" in report
    assert f"claim {second.pk}: language is 'xx'" in report
    assert f"claim {second.pk}: rating_position is 99" in report
    assert f"claim {third.pk}: facets is" in report
    assert f"claim {third.pk}: payload differs from character 6" in report
    assert f"claim {third.pk}: document is 'stale words', the record says '" in report
    assert f"claim {hidden.pk}: in the read model, but not public" in report
    call_command("rebuild_read_model", "--no-progress", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_read_model", "--check", "--no-progress", stdout=out)
    assert "agrees" in out.getvalue()


@pytest.mark.both_databases
@pytest.mark.django_db
def test_the_lists_filters_combined_find_exactly_the_claims_showing_all_of_them(client, make_claim):
    speaker, other_speaker, topic = SpeakerFactory(), SpeakerFactory(), TopicFactory()
    wanted = make_claim("published", rating="false", language="vi")
    add_appearance(wanted, speaker=speaker)
    wanted.topics.add(topic)
    near_misses = [
        make_claim("published", rating="true", language="vi"),  # another rating
        make_claim("published", rating="false", language="en"),  # another language
        make_claim("published", rating="false", language="vi"),  # another speaker
        make_claim("published", rating="false", language="vi"),  # no topic
    ]
    for claim, said_by in zip(near_misses, [speaker, speaker, other_speaker, speaker], strict=True):
        add_appearance(claim, speaker=said_by)
        if claim is not near_misses[3]:
            claim.topics.add(topic)
    query = f"rating=false&speaker={speaker.slug}&topic={topic.slug}&language=vi"
    for url in (f"/claims/?{query}", f"/api/v1/claims/?{query}"):
        body = client.get(url).content.decode()
        shown = {c.pk for c in [wanted, *near_misses] if f"/claims/{c.pk}-" in body}
        assert shown == {wanted.pk}, url


@pytest.mark.django_db
@pytest.mark.parametrize("inline_max", [2, 100])
def test_an_edit_shown_by_many_claims_reaches_the_read_model_in_tasks_after_the_commit(
    make_claim, editor, monkeypatch, django_capture_on_commit_callbacks, inline_max
):
    """Up to SEARCH_INLINE_MAX claims in the edit's transaction; past it, after the commit in
    claims.refresh_read_model tasks, which bring the rows to the record."""
    from claims import dependents
    from tests.claims.test_search_text_deferred import run_sent_tasks

    monkeypatch.setattr(dependents, "SEARCH_INLINE_MAX", inline_max)
    claims = [make_claim("published", rating="false") for _ in range(3)]
    level = RatingLevel.objects.get(slug="false")
    ids = [c.pk for c in claims]

    def positions() -> set[int]:
        rows = PublishedClaim.objects.filter(claim_id__in=ids)
        return set(rows.values_list("rating_position", flat=True))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edits.rating_level_update(level=level, by=editor, position=level.position + 7)
        inline = positions() == {level.position + 7}
    assert inline == (len(ids) <= inline_max)
    run_sent_tasks(callbacks)
    assert positions() == {level.position + 7}
    assert readmodel.differences(ids) == []
