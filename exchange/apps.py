from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("ClaimReview exchange")

    def ready(self) -> None:
        from django.db.models import Q

        from claims import dependents
        from exchange.models import ExternalReview, ReviewLink
        from tracker.text import guard_text_fields

        # Another desk's review is shown on our claim pages: the same characters as ours.
        guard_text_fields([ExternalReview, ReviewLink])

        # A claim page shows its confirmed links to other fact-checks ("Other fact-checkers"):
        # deciding a link, or editing a review linked to a claim, changes what the claim shows.
        def shown_by_link(ids: list[int]) -> Q:
            return Q(pk__in=ReviewLink.objects.filter(pk__in=ids).values("claim_id"))

        def shown_by_review(ids: list[int]) -> Q:
            confirmed = ReviewLink.objects.filter(
                external_review__in=ids, state=ReviewLink.State.CONFIRMED
            )
            return Q(pk__in=confirmed.values("claim_id"))

        dependents.register(ReviewLink, shown_by_link, fields=("state",))
        dependents.register(ExternalReview, shown_by_review)
