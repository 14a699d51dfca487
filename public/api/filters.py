"""Claims over REST: the query-string filters of each list."""

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from claims import readmodel
from claims.models import (
    Appearance,
    Claim,
    Evidence,
    PublishedFacet,
    RatingLevel,
    Review,
    Speaker,
    Topic,
)
from claims.search import search, search_public
from claims.visibility import appearance_on_record, public_language, sees_everything
from claims.workflow import AppearanceState, Status
from sources.linkcheck.normalize import normalize_url
from sources.models import LANGUAGE_CHOICES


class NormalisedURLField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return normalize_url(value)
        except ValueError:
            raise forms.ValidationError(_("Give an absolute URL such as https://…")) from None


class NormalisedURLFilter(filters.CharFilter):
    field_class = NormalisedURLField


class ClaimFilter(filters.FilterSet):
    rating = filters.CharFilter(method="filter_rating", help_text="Slug of the published verdict.")
    speaker = filters.CharFilter(method="filter_speaker", help_text="Speaker slug.")
    topic = filters.CharFilter(method="filter_topic", help_text="Topic slug.")
    language = filters.ChoiceFilter(choices=LANGUAGE_CHOICES, method="filter_language")
    status = filters.ChoiceFilter(choices=Status.choices, help_text="Workflow status.")
    q = filters.CharFilter(
        method="filter_text",
        help_text="Words in the claim, its quotes, speakers, topics or verdict; accents optional.",
    )
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only claims changed at or after this ISO 8601 time (for incremental sync).",
    )
    appearance_url = NormalisedURLFilter(
        method="filter_appearance_url",
        help_text="Claims made in the document at this URL (normalised like cited links).",
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def _appearances(self):
        """Every appearance for the newsroom; the public ones' own condition for the public
        (the queryset filtered is already the public claims)."""
        if sees_everything(self.request.user, Appearance):
            return Appearance.objects.all()
        return Appearance.objects.filter(appearance_on_record())

    # The public's filters read the read model of the published record (claims.readmodel);
    # newsroom accounts, who see unpublished claims too, filter the live record.

    def _newsroom(self) -> bool:
        return sees_everything(self.request.user, Claim)

    def filter_rating(self, queryset, name, value):
        if self._newsroom():
            return queryset.filter(published_review__rating__slug=value)
        rating = RatingLevel.objects.filter(slug=value).values_list("pk", flat=True).first()
        return queryset.filter(readmodel.tagged([readmodel.tag("r", rating)]))

    def filter_topic(self, queryset, name, value):
        if self._newsroom():
            return queryset.filter(topics__slug=value)
        topic = Topic.objects.filter(slug=value).values_list("pk", flat=True).first()
        return queryset.filter(readmodel.tagged([readmodel.tag(PublishedFacet.Kind.TOPIC, topic)]))

    def filter_language(self, queryset, name, value):
        if self._newsroom():
            return queryset.filter(language=value)
        return queryset.filter(readmodel.tagged([readmodel.tag("l", value)]))

    def filter_speaker(self, queryset, name, value):
        if self._newsroom() or sees_everything(self.request.user, Appearance):
            said = self._appearances().filter(claim=OuterRef("pk"), speaker__slug=value)
            return queryset.filter(Exists(said))
        speaker = Speaker.objects.filter(slug=value).values_list("pk", flat=True).first()
        tokens = [readmodel.tag(PublishedFacet.Kind.SPEAKER, speaker)]
        return queryset.filter(readmodel.tagged(tokens))

    def filter_text(self, queryset, name, value):
        # The public site's search (accents optional), on the read model for the public.
        if self._newsroom():
            return search(queryset, value)
        return search_public(queryset, value)

    def filter_appearance_url(self, queryset, name, value):
        # Both spellings are indexed: the Link row's URL once registered, and the source's own
        # normalised URL (kept by Source.save) before that.
        made_at = (
            self._appearances()
            .filter(claim=OuterRef("pk"))
            .filter(Q(source__link__url=value) | Q(source__url_normalised=value))
        )
        return queryset.filter(Exists(made_at))


class ClaimReviewFilter(filters.FilterSet):
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Only claims changed since."
    )
    language = filters.ChoiceFilter(choices=LANGUAGE_CHOICES, method="filter_language")

    def filter_language(self, queryset, name, value):
        return queryset.filter(public_language(value))

    class Meta:
        model = Claim
        fields: list[str] = []


class AppearanceFilter(filters.FilterSet):
    claim = filters.NumberFilter(field_name="claim_id")
    speaker = filters.CharFilter(field_name="speaker__slug")
    repeated_since = filters.DateFilter(
        field_name="confirmed_at",
        lookup_expr="date__gte",
        help_text="Repeats confirmed on or after this date (YYYY-MM-DD).",
    )
    state = filters.ChoiceFilter(
        choices=AppearanceState.choices,
        help_text="Newsroom accounts: e.g. `awaiting_confirmation`, the repeats to confirm.",
    )

    class Meta:
        model = Appearance
        fields: list[str] = []


class SpeakerFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Name contains.")

    class Meta:
        model = Speaker
        fields: list[str] = []


class ReviewFilter(filters.FilterSet):
    claim = filters.NumberFilter(field_name="claim_id")
    state = filters.ChoiceFilter(choices=Review.State.choices)

    class Meta:
        model = Review
        fields: list[str] = []


class EvidenceFilter(filters.FilterSet):
    review = filters.NumberFilter(field_name="review_id")

    class Meta:
        model = Evidence
        fields: list[str] = []
