from django.apps import apps
from django.core.management import call_command

from claims.models import Claim, Speaker
from claims.workflow import Status

NAMED_SPEAKERS = [
    "Kai-Fu Lee",
    "Chris Nicholson",
    "Jenny Xiao",
    "Oren Etzioni",
    "Kevin Xu",
    "Yiran Chen",
    "Robin Li",
    "Wang Changhu",
    "Xu Li",
    "Alain Le Couedic",
]


def snapshot() -> dict:
    return {
        model._meta.label: sorted(model.objects.values_list("pk", flat=True))
        for model in apps.get_models()
        if model._meta.app_label in ("claims", "sources", "auth")
    }


def test_loading_the_demo_twice_gives_the_same_rows(db):
    call_command("load_demo", verbosity=0)
    first = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == first


def test_the_demo_covers_the_seed_article(db):
    call_command("load_demo", verbosity=0)
    assert set(NAMED_SPEAKERS) <= set(Speaker.objects.values_list("name", flat=True))
    assert Claim.objects.count() >= 15
    assert set(Claim.objects.values_list("status", flat=True)) == set(Status.values)
    for claim in Claim.objects.prefetch_related("appearances"):
        assert claim.translation and claim.language == "vi"
        for appearance in claim.appearances.all():
            assert appearance.quote and appearance.quote_translation
    assert Claim.objects.filter(corrections__isnull=False).exists()
    assert Claim.objects.published().filter(status=Status.RESEARCHING).exists()  # reopened


def test_every_quote_is_verbatim_from_the_seed_article(db, settings):
    article = (settings.BASE_DIR / "demo" / "article-vi.txt").read_text()
    call_command("load_demo", verbosity=0)
    from claims.models import Appearance

    for appearance in Appearance.objects.all():
        assert appearance.quote in article, appearance.quote


def test_demo_verdicts_say_they_are_examples(db):
    call_command("load_demo", verbosity=0)
    for claim in Claim.objects.published().select_related("published_review"):
        assert claim.published_review.summary.startswith("Example verdict")


def test_the_demo_has_a_confirmed_external_review_and_a_verdict_due_for_a_re_check(db, client):
    from claims.recheck import due_for_recheck
    from demo import data
    from exchange.models import ExternalReview, ReviewLink

    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)

    external = ExternalReview.objects.get()
    assert external.url.startswith("https://factcheck.example.org/")
    link = ReviewLink.objects.get(state=ReviewLink.State.CONFIRMED)
    assert link.claim.translation.startswith("China has more than 200")
    page = client.get(link.claim.get_absolute_url()).content.decode()
    assert "Other fact-checkers" in page and data.EXTERNAL_REVIEW["author"]["name"] in page
    [due] = due_for_recheck()
    assert due.translation.startswith("China is 2 to 3 years behind")
    assert "Due for a re-check since" in client.get(due.get_absolute_url()).content.decode()
