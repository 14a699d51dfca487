"""Admin history: readable, never reverted, on every model kept in history.

The list comes from the admin site itself, so a model registered later with its history cannot
slip through without the same refusal.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from claims.models import RatingLevel
from tests.factories import (
    ClaimFactory,
    OutletFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.record_support import published_record
from tracker.history_admin import HistoryAdmin


def history_models() -> list:
    return sorted(
        (
            model
            for model in admin.site._registry
            if hasattr(model._meta, "simple_history_manager_attribute")
        ),
        key=lambda model: model._meta.label,
    )


def test_every_model_kept_in_history_has_an_admin_that_refuses_reverts():
    models = history_models()
    assert {m._meta.label for m in models} >= {
        "claims.Claim",
        "claims.Review",
        "claims.RatingLevel",
        "claims.Correction",
        "claims.Speaker",
        "claims.Topic",
        "sources.Source",
        "sources.Outlet",
    }
    for model in models:
        assert isinstance(admin.site._registry[model], HistoryAdmin), model._meta.label


def an_object_of(model, record):
    """One row of `model` with a history row, from the published record or made for it."""
    on_record = {
        "claims.Claim": record.claim,
        "claims.Review": record.review,
        "claims.RatingLevel": record.rating,
        "claims.Correction": record.correction,
        "claims.Topic": record.topic,
        "sources.Source": record.source,
    }
    made = {
        "claims.Speaker": SpeakerFactory,
        "sources.Outlet": OutletFactory,
    }
    label = model._meta.label
    if label.startswith("exchange."):
        return an_exchange_object(label, record)
    return on_record[label] if label in on_record else made[label]()


def an_exchange_object(label: str, record):
    from exchange.models import ExternalReview, RatingWord, ReviewLink

    if label == "exchange.RatingWord":
        return RatingWord.objects.create(words="Tout à fait exact", rating=record.rating)
    external = ExternalReview.objects.create(
        url="https://factcheck.example.org/reviews/1",
        publisher="Example Fact Desk",
        claim_reviewed=record.claim.text,
    )
    if label == "exchange.ExternalReview":
        return external
    return ReviewLink.objects.create(external_review=external, claim=record.claim)


@pytest.mark.parametrize("model", history_models(), ids=lambda m: m._meta.label)
def test_a_superuser_reads_the_history_but_a_revert_is_refused(model, client, checker, editor):
    record = published_record(checker=checker, editor=editor)
    obj = an_object_of(model, record)
    version = obj.history.order_by("history_id").first()
    meta = model._meta
    url = reverse(
        f"admin:{meta.app_label}_{meta.model_name}_simple_history",
        args=[obj.pk, version.history_id],
    )
    client.force_login(UserFactory(username="root", is_superuser=True))
    rows_before = obj.history.count()

    assert (
        client.get(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk])
        ).status_code
        == 200
    )
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # no Revert button

    assert client.post(url, {}).status_code == 403
    assert obj.history.count() == rows_before


def test_an_open_claim_cannot_be_reverted_either(client, editor):
    claim = ClaimFactory(text="First wording")
    claim.text = "Second wording"
    claim.save()
    first = claim.history.order_by("history_id").first()
    client.force_login(editor)

    response = client.post(
        reverse("admin:claims_claim_simple_history", args=[claim.pk, first.history_id]),
        {"text": "First wording", "language": "vi", "translation_language": "en"},
    )

    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.text == "Second wording"


def test_a_reporter_can_no_longer_relabel_the_scale_through_its_history(client, reporter):
    level = RatingLevel.objects.get(slug="false")
    level.save()
    version = level.history.latest()
    client.force_login(reporter)

    response = client.post(
        reverse("admin:claims_ratinglevel_simple_history", args=[level.pk, version.history_id]),
        {
            "label_en": "True",
            "label_vi": "Đúng",
            "slug": "false",
            "position": 0,
            "color": "#000000",
        },
    )

    assert response.status_code == 403
    assert RatingLevel.objects.get(slug="false").label_en == "False"
