"""Atom and RSS feeds of verdicts as they are published and corrected, and of confirmed repeats."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import readmodel
from claims.models import Appearance, Claim, Correction, Review
from claims.visibility import confirmed_repeats, public_claims
from tracker.characters import without_control_characters

FEED_SIZE = 30


def _verdict(claim: Claim) -> Review:
    review = claim.published_review
    assert review is not None, "the feeds list published claims only"
    return review


def _rating_label(claim: Claim) -> str:
    rating = _verdict(claim).rating
    assert rating is not None, "a published review has its rating"
    return rating.label


class ClaimFeed(Feed):
    """One entry per claim at its latest verdict; a correction makes a new entry (new id)."""

    url_name: str  # each feed's own
    title = gettext_lazy("Latest fact-checks")
    description = gettext_lazy("Verdicts as they are published and corrected.")

    def link(self) -> str:
        return settings.SITE_URL + "/claims/"

    def feed_url(self) -> str:
        # The self link comes from SITE_URL, never the request's Host: the feed is cached for all.
        return settings.SITE_URL + reverse(self.url_name)

    def items(self):
        claims = public_claims().select_related("published_review__rating")
        corrections = Prefetch("corrections", queryset=Correction.objects.order_by("-created_at"))
        return readmodel.listed(claims.prefetch_related(corrections))[:FEED_SIZE]

    def latest_correction(self, claim: Claim) -> Correction | None:
        return next(iter(claim.corrections.all()), None)

    def item_title(self, claim: Claim) -> str:
        label = _rating_label(claim)
        if self.latest_correction(claim):
            title = _("Corrected: %(rating)s — %(claim)s") % {
                "rating": label,
                "claim": claim.short_text,
            }
        else:
            title = f"{label} — {claim.short_text}"
        return without_control_characters(title)

    def item_description(self, claim: Claim) -> str:
        correction = self.latest_correction(claim)
        summary = _verdict(claim).summary
        if correction:
            summary = f"{summary}\n\n{_('Correction')}: {correction.note}"
        # Rows stored before control characters were refused would make the XML writer fail.
        return without_control_characters(summary)

    def item_link(self, claim: Claim) -> str:
        return settings.SITE_URL + claim.get_absolute_url()

    def item_guid(self, claim: Claim) -> str:
        return f"{self.item_link(claim)}#review-{claim.published_review_id}"

    def item_pubdate(self, claim: Claim):
        return _verdict(claim).published_at

    def item_updateddate(self, claim: Claim):
        return _verdict(claim).published_at

    def item_categories(self, claim: Claim) -> list[str]:
        return [_rating_label(claim)]


class ClaimRssFeed(ClaimFeed):
    url_name = "feed-rss"


class ClaimAtomFeed(ClaimFeed):
    feed_type = Atom1Feed
    url_name = "feed-atom"
    subtitle = ClaimFeed.description


class RepeatFeed(Feed):
    """One entry per confirmed repeat of a published claim, newest confirmation first."""

    feed_type = Atom1Feed
    url_name = "feed-repeats"
    title = gettext_lazy("Checked claims said again")
    subtitle = gettext_lazy("Repeats of published fact-checks, as editors confirm them.")

    def link(self) -> str:
        return settings.SITE_URL + "/claims/"

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse(self.url_name)

    def items(self):
        return confirmed_repeats().select_related(
            "speaker", "source__outlet", "claim__published_review__rating"
        )[:FEED_SIZE]

    def item_title(self, appearance: Appearance) -> str:
        # The statement as its verdict published it (a re-reviewed claim's draft text is not
        # public).
        verdict = _verdict(appearance.claim)
        statement = verdict.claim_translation or verdict.claim_text
        return without_control_characters(
            _("%(speaker)s said again: %(claim)s (%(rating)s)")
            % {
                "speaker": appearance.speaker.name,
                "claim": statement if len(statement) <= 90 else statement[:89] + "…",
                "rating": _rating_label(appearance.claim),
            }
        )

    def item_description(self, appearance: Appearance) -> str:
        where = appearance.source.title
        if appearance.source.outlet:
            where = f"{where}, {appearance.source.outlet.name}"
        return without_control_characters(f"“{appearance.quote}” — {where}")

    def item_link(self, appearance: Appearance) -> str:
        return settings.SITE_URL + appearance.claim.get_absolute_url()

    def item_guid(self, appearance: Appearance) -> str:
        return f"{self.item_link(appearance)}#appearance-{appearance.pk}"

    def item_pubdate(self, appearance: Appearance):
        return appearance.confirmed_at

    def item_updateddate(self, appearance: Appearance):
        return appearance.confirmed_at
