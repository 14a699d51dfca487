"""Atom feeds to follow one claim, one speaker or one topic: its verdicts, its corrections and
its confirmed repeats, newest first. Each is linked (<link rel="alternate">) from the page it
follows; a claim, speaker or topic that is not public has no feed (404)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from claims import visibility
from claims.models import Appearance, Claim, Review, Speaker, Topic
from tracker.characters import without_control_characters

FEED_SIZE = 30


@dataclass
class Entry:
    title: str
    description: str
    link: str
    guid: str
    date: datetime.datetime


def _statement(review: Review) -> str:
    """The claim as the verdict judged it, in the reader's language when translated."""
    translated = review.claim_translation and get_language() != review.claim_language
    text = review.claim_translation if translated else review.claim_text
    return text if len(text) <= 90 else text[:89].rstrip() + "…"


def entries(claims: QuerySet[Claim]) -> list[Entry]:
    """The verdicts, corrections and confirmed repeats of `claims` (public claims), newest
    first: three queries, whatever the number of claims. A verdict that replaced another is one
    entry, its correction."""
    claim_ids = claims.values("pk")
    found: list[Entry] = []
    # A verdict that replaced another is told once, as its correction.
    corrected = visibility.public_corrections().values("review_id")
    verdicts = (
        visibility.public_reviews()
        .filter(claim__in=claim_ids, published_at__isnull=False)
        .exclude(pk__in=corrected)
        .select_related("rating", "claim")
        .order_by("-published_at")[:FEED_SIZE]
    )
    for review in verdicts:
        link = settings.SITE_URL + review.claim.get_absolute_url()
        found.append(
            Entry(
                title=_("Verdict: %(rating)s — %(claim)s")
                % {
                    "rating": review.rating.label if review.rating else "",
                    "claim": _statement(review),
                },
                description=review.summary,
                link=link,
                guid=f"{link}#review-{review.pk}",
                date=review.published_at,  # type: ignore[arg-type]  # filtered above
            )
        )
    corrections = (
        visibility.public_corrections()
        .filter(claim__in=claim_ids)
        .select_related("claim", "review__rating", "previous_review__rating")
        .order_by("-created_at")[:FEED_SIZE]
    )
    for correction in corrections:
        link = settings.SITE_URL + correction.claim.get_absolute_url()
        ratings = {
            "previous": correction.previous_review.rating.label
            if correction.previous_review and correction.previous_review.rating
            else "",
            "rating": correction.review.rating.label if correction.review.rating else "",
        }
        found.append(
            Entry(
                title=_("Corrected: %(previous)s → %(rating)s — %(claim)s")
                % {**ratings, "claim": _statement(correction.review)},
                description=correction.note,
                link=link,
                guid=f"{link}#correction-{correction.pk}",
                date=correction.created_at,
            )
        )
    repeats = (
        visibility.confirmed_repeats()
        .filter(claim__in=claim_ids)
        .select_related("speaker", "source", "claim__published_review__rating")[:FEED_SIZE]
    )
    for appearance in repeats:
        verdict = appearance.claim.published_review
        assert verdict is not None, "a confirmed repeat is of a public claim"
        link = settings.SITE_URL + appearance.claim.get_absolute_url()
        found.append(
            Entry(
                title=_("%(speaker)s said again: %(claim)s (%(rating)s)")
                % {
                    "speaker": appearance.speaker.name,
                    "claim": _statement(verdict),
                    "rating": verdict.rating.label if verdict.rating else "",
                },
                description=f"“{appearance.quote}” — {appearance.source.title}",
                link=link,
                guid=f"{link}#appearance-{appearance.pk}",
                date=appearance.confirmed_at,  # type: ignore[arg-type]  # confirmed repeats
            )
        )
    return sorted(found, key=lambda entry: entry.date, reverse=True)[:FEED_SIZE]


class FollowFeed(Feed):
    """A feed of the news about some public claims; subclasses say which."""

    feed_type = Atom1Feed
    url_name: str

    def claims(self, obj) -> QuerySet[Claim]:
        raise NotImplementedError

    def url_kwargs(self, obj) -> dict:
        raise NotImplementedError

    def page_url(self, obj) -> str:
        raise NotImplementedError

    def link(self, obj) -> str:
        return settings.SITE_URL + self.page_url(obj)

    def feed_url(self, obj) -> str:
        return settings.SITE_URL + reverse(self.url_name, kwargs=self.url_kwargs(obj))

    def items(self, obj) -> list[Entry]:
        return entries(self.claims(obj))

    def item_title(self, entry: Entry) -> str:
        return without_control_characters(entry.title)

    def item_description(self, entry: Entry) -> str:
        return without_control_characters(entry.description)

    def item_link(self, entry: Entry) -> str:
        return entry.link

    def item_guid(self, entry: Entry) -> str:
        return entry.guid

    def item_pubdate(self, entry: Entry) -> datetime.datetime:
        return entry.date

    def item_updateddate(self, entry: Entry) -> datetime.datetime:
        return entry.date


class ClaimFollowFeed(FollowFeed):
    url_name = "claim-feed"
    subtitle = gettext_lazy("Its verdicts, corrections and confirmed repeats.")

    def get_object(self, request: HttpRequest, pk: int) -> Claim:
        claim = visibility.public_claims().filter(pk=pk).first()
        if claim is None:
            raise Http404("No public claim")
        return claim

    def title(self, claim: Claim) -> str:
        return without_control_characters(_("Fact-check: %(claim)s") % {"claim": claim.short_text})

    def claims(self, claim: Claim) -> QuerySet[Claim]:
        return visibility.public_claims().filter(pk=claim.pk)

    def url_kwargs(self, claim: Claim) -> dict:
        return {"pk": claim.pk}

    def page_url(self, claim: Claim) -> str:
        return claim.get_absolute_url()


class SpeakerFollowFeed(FollowFeed):
    url_name = "speaker-feed"
    subtitle = gettext_lazy("Verdicts, corrections and confirmed repeats of their claims.")

    def get_object(self, request: HttpRequest, slug: str) -> Speaker:
        speaker = visibility.public_speakers().filter(slug=slug).first()
        if speaker is None:
            raise Http404("No public speaker")
        return speaker

    def title(self, speaker: Speaker) -> str:
        return without_control_characters(
            _("Fact-checks of %(speaker)s") % {"speaker": speaker.name}
        )

    def claims(self, speaker: Speaker) -> QuerySet[Claim]:
        said = Appearance.objects.filter(
            visibility.appearance_on_record(), speaker=speaker, claim=OuterRef("pk")
        )
        return visibility.public_claims().filter(Exists(said))

    def url_kwargs(self, speaker: Speaker) -> dict:
        return {"slug": speaker.slug}

    def page_url(self, speaker: Speaker) -> str:
        return reverse("speaker-detail", kwargs={"slug": speaker.slug})


class TopicFollowFeed(FollowFeed):
    url_name = "topic-feed"
    subtitle = gettext_lazy("Verdicts, corrections and confirmed repeats on this topic.")

    def get_object(self, request: HttpRequest, slug: str) -> Topic:
        topic = visibility.public_topics().filter(slug=slug).first()
        if topic is None:
            raise Http404("No public topic")
        return topic

    def title(self, topic: Topic) -> str:
        return without_control_characters(_("Fact-checks on %(topic)s") % {"topic": topic.label})

    def claims(self, topic: Topic) -> QuerySet[Claim]:
        return visibility.public_claims().filter(topics=topic)

    def url_kwargs(self, topic: Topic) -> dict:
        return {"slug": topic.slug}

    def page_url(self, topic: Topic) -> str:
        return reverse("claim-list") + f"?topic={topic.slug}"
