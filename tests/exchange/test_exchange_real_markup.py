"""Fact-checkers' real markup: a sample of their own pages imports with the right publisher,
rating and language; and each shape that was refused or misread before (relative and
scheme-less URLs, repeated values, a reporter as author, a rating whose direction is unknown,
RDFa, a language the page declares), reports that add up, and confirmed links that a
re-import changes going back to "needs confirmation"."""

import importlib.util
import io
import json
from pathlib import Path

import pytest
from django.utils import timezone

from claims.events import claim_announced
from exchange.importing import OUR_OWN, import_claimreview
from exchange.matching import link_reviews
from exchange.models import ExternalReview, RatingWord, ReviewLink
from exchange.services import review_link_decide
from tests.api_support import client_for
from tests.exchange_support import as_bytes, claim_review
from tracker.models import OutboxMessage
from webhooks.services import announce_update

pytestmark = pytest.mark.django_db

BENCH = Path(__file__).resolve().parents[2] / "bench" / "exchange_sample.py"


def page(markup: dict | str, head: str = "", lang: str = "") -> bytes:
    script = markup if isinstance(markup, str) else json.dumps(markup)
    opening = f'<html lang="{lang}">' if lang else "<html>"
    return (
        f'{opening}<head>{head}<script type="application/ld+json">{script}</script></head>'
        "<body><p>Texto.</p></body></html>"
    ).encode()


def linked_import(items: list, by=None) -> None:
    """Import, then link as the task does after the commit (called here: with a broker, CI's
    PostgreSQL pass queues the task to a worker that is not watching this transaction)."""
    import_claimreview(io.BytesIO(as_bytes(items)), by=by)
    link_reviews(list(ExternalReview.objects.values_list("pk", flat=True)))


def one(body: bytes, url: str = "") -> ExternalReview:
    report = import_claimreview(io.BytesIO(body), url=url)
    assert report.skipped == [] and report.created == 1, report.skipped
    return ExternalReview.objects.get()


def test_the_real_sample_imports_whole_with_right_publishers_ratings_and_languages():
    spec = importlib.util.spec_from_file_location("exchange_sample", BENCH)
    assert spec and spec.loader
    sample = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sample)

    figures = sample.evaluate()

    assert figures["languages"] >= 8 and figures["publishers"] >= 22
    assert figures["problems"] == []
    assert figures["imported"] == figures["items"]
    assert figures["wrong_rating"] == 0
    assert figures["right_publisher"] == figures["language"] == figures["items"]


def test_a_relative_url_is_resolved_against_the_page_it_was_fetched_from():
    markup = claim_review(1, url="/estadao-verifica/yanomamis/")
    review = one(page(markup), url="https://www.estadao.com.br/estadao-verifica/x/")
    assert review.url == "https://www.estadao.com.br/estadao-verifica/yanomamis/"


def test_a_relative_url_is_resolved_against_the_canonical_link_or_base_of_a_file():
    canonical = '<link rel="canonical" href="https://checks.example.net/a/b">'
    assert (
        one(page(claim_review(1, url="c"), head=canonical)).url == "https://checks.example.net/a/c"
    )
    ExternalReview.objects.all().delete()
    base = '<base href="https://other.example.net/x/">'
    assert one(page(claim_review(1, url="y"), head=base)).url == "https://other.example.net/x/y"


def test_a_scheme_less_url_is_read_as_https():
    review = one(as_bytes(claim_review(1, url="aosfatos.org/noticias/video-manipulado/")))
    assert review.url == "https://aosfatos.org/noticias/video-manipulado/"


def test_repeated_values_are_accepted_where_one_is_expected():
    markup = claim_review(
        1,
        url=["https://factcheck.example.org/reviews/1"],
        claimReviewed=["The province exported coffee"],
        reviewRating=[{"@type": "Rating", "alternateName": ["False"]}],
    )
    review = one(as_bytes(markup))
    assert review.claim_reviewed == "The province exported coffee"
    assert review.our_rating.slug == "false"


@pytest.mark.parametrize(
    "fields, head, expected",
    [
        (
            {
                "author": {"@type": "Person", "name": "A Reporter"},
                "publisher": {"@type": "Organization", "name": "The Desk"},
            },
            "",
            "The Desk",
        ),
        (
            {
                "author": {
                    "@type": "Person",
                    "name": "A Reporter",
                    "worksFor": {"@type": "Organization", "name": "Employer Desk"},
                }
            },
            "",
            "Employer Desk",
        ),
        (
            {"author": [{"@type": "Person", "name": "A Reporter"}]},
            '<meta property="og:site_name" content="Site Desk">',
            "Site Desk",
        ),
        (
            {
                "author": {
                    "@type": "Organization",
                    "name": "A Reporter",
                    "url": "https://desk.example/about/authors/a-reporter",
                }
            },
            '<meta property="og:site_name" content="Africa Desk">',
            "Africa Desk",
        ),
        ({"author": "String Desk"}, "", "String Desk"),
    ],
)
def test_the_publisher_is_the_organisation_never_the_reporter(fields, head, expected):
    assert one(page(claim_review(1, **fields), head=head)).publisher == expected


def test_a_publisher_given_by_reference_to_a_node_of_the_graph_is_read():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "@id": "https://desk.example/#org", "name": "Graph Desk"},
            {"@type": "Person", "@id": "https://desk.example/#me", "name": "A Reporter"},
            {"@type": "NewsArticle", "headline": "x",
             "review": claim_review(1, author={"@id": "https://desk.example/#me"},
                                    publisher={"@id": "https://desk.example/#org"})},
        ],
    }  # fmt: skip
    review = one(page(graph))
    assert (review.publisher, review.publisher_url) == ("Graph Desk", "")


def test_prefixed_types_and_written_out_dates_are_read():
    markup = claim_review(1, datePublished="June 5, 2020")
    markup["@type"] = "schema:ClaimReview"
    review = one(as_bytes(markup))
    assert str(review.published_on) == "2020-06-05"


def test_a_page_with_only_a_reporter_and_no_organisation_is_skipped_with_its_reason():
    report = import_claimreview(
        io.BytesIO(page(claim_review(1, author={"@type": "Person", "name": "A Reporter"})))
    )
    assert report.created == 0
    assert "no publishing organisation" in report.skipped[0][1]


def test_lupas_falso_4_of_6_is_false_by_its_words_never_half_true_by_position():
    rating = {"@type": "Rating", "ratingValue": 4, "bestRating": 6, "alternateName": "Falso"}
    review = one(as_bytes(claim_review(1, reviewRating=rating)))
    assert review.rating_position is None
    assert review.our_rating.slug == "false"


def test_a_rating_without_worst_is_not_placed_by_position_and_stays_in_its_own_words():
    rating = {"@type": "Rating", "ratingValue": 4, "bestRating": 6, "alternateName": "Zwijgt"}
    review = one(as_bytes(claim_review(1, reviewRating=rating)))
    assert (review.our_rating, review.rating_is_mapped) == (None, False)
    assert review.rating_as_published == "Zwijgt (4/6)"


def test_words_not_in_the_crosswalk_are_never_placed_by_their_numbers():
    rating = {"@type": "Rating", "alternateName": "Sátira", "ratingValue": 1,
              "bestRating": 5, "worstRating": 1}  # fmt: skip
    review = one(as_bytes(claim_review(1, reviewRating=rating)))
    assert (review.rating_position, review.our_rating) == (0.0, None)


def test_a_rating_given_only_in_numbers_on_a_plain_scale_is_placed():
    rating = {"@type": "Rating", "ratingValue": 5, "bestRating": 1, "worstRating": 5}
    assert one(as_bytes(claim_review(1, reviewRating=rating))).our_rating.slug == "false"


@pytest.mark.parametrize(
    "words, slug",
    [
        ("Engañoso", "misleading"),
        ("زائف", "false"),
        ("錯誤", "false"),
        ("證據不足", "unverifiable"),
        ("FALSO: As imagens foram retiradas do canal", "false"),
        ("não_é_bem_assim", "misleading"),
        ("ENGANOSO", "misleading"),
        ("Sai", "false"),
        ("भ्रामक", "misleading"),
    ],
)
def test_the_crosswalk_maps_rating_words_folded_for_case_and_accents(words, slug):
    rating = {"@type": "Rating", "alternateName": words}
    assert one(as_bytes(claim_review(1, reviewRating=rating))).our_rating.slug == slug


def test_an_editor_adds_words_to_the_crosswalk_in_the_admin_and_the_next_import_uses_them(
    client, editor
):
    client.force_login(editor)
    from claims.models import RatingLevel

    false = RatingLevel.objects.get(slug="false")
    assert client.get("/admin/exchange/ratingword/").status_code == 200
    response = client.post(
        "/admin/exchange/ratingword/add/", {"words": "Zwijgt", "rating": false.pk, "language": "nl"}
    )
    assert response.status_code == 302
    assert RatingWord.objects.get(folded="zwijgt").rating == false
    rating = {"@type": "Rating", "alternateName": "ZWIJGT"}
    assert one(as_bytes(claim_review(1, reviewRating=rating))).our_rating == false


def test_rdfa_only_page_is_imported():
    body = b"""<html lang="es"><body><div vocab="http://schema.org/" typeof="ClaimReview">
      <a property="url" href="/chequeo/1">x</a>
      <span property="claimReviewed">El cielo es verde</span>
      <div property="author" typeof="Organization"><span property="name">Chequeado</span></div>
      <div property="reviewRating" typeof="Rating"><span property="alternateName">Falso</span></div>
    </div></body></html>"""
    review = one(body, url="https://chequeado.com/a/")
    assert (review.url, review.publisher, review.language) == (
        "https://chequeado.com/chequeo/1",
        "Chequeado",
        "es",
    )
    assert review.our_rating.slug == "false"


@pytest.mark.parametrize(
    "markup_language, head, lang, expected",
    [
        ("fr", "", "de", "fr"),
        (None, "", "pt-br", "pt-BR"),
        (None, '<meta property="og:locale" content="es_AR">', "", "es-AR"),
    ],
)
def test_the_language_is_the_items_else_the_pages(markup_language, head, lang, expected):
    markup = claim_review(1)
    markup.pop("inLanguage")
    if markup_language:
        markup["inLanguage"] = markup_language
    assert one(page(markup, head=head, lang=lang)).language == expected


def test_a_language_declared_nowhere_is_detected_from_the_claim():
    markup = claim_review(1, claimReviewed="Das Alte Rathaus in Leipzig ist im Boden versunken")
    markup.pop("inLanguage")
    assert one(as_bytes(markup)).language == "de"


def test_the_report_adds_up_with_urls_repeated_in_the_file_and_skips():
    items = [claim_review(1), claim_review(2), claim_review(1), {"@type": "ClaimReview"}]
    report = import_claimreview(io.BytesIO(as_bytes(items)))
    assert (report.read, report.created, report.repeated, len(report.skipped)) == (4, 2, 1, 1)
    assert report.adds_up
    again = import_claimreview(io.BytesIO(as_bytes(items)))
    assert (again.read, again.unchanged, again.repeated, len(again.skipped)) == (4, 2, 1, 1)


def test_our_own_reviews_coming_back_are_not_another_desks(settings):
    settings.SITE_URL = "https://factcheck.example.org"
    report = import_claimreview(io.BytesIO(as_bytes([claim_review(1)])))
    assert (report.created, report.skipped) == (0, [("item 1", OUR_OWN)])


def run_queued_updates() -> None:
    """Run here the `claim.updated` announcements the outbox holds that no worker ran (on
    SQLite they ran eagerly at the commit; on PostgreSQL they went to a broker no worker reads)."""
    pending = OutboxMessage.objects.filter(task=announce_update.name, done_at__isnull=True)
    for message in pending.order_by("pk"):
        announce_update.apply(args=message.args)
        OutboxMessage.objects.filter(pk=message.pk).update(done_at=timezone.now())


def test_a_reimport_that_changes_a_confirmed_link_needs_confirming_again(
    client, make_claim, editor, checker, django_capture_on_commit_callbacks
):
    claim = make_claim("published", text="Rice prices doubled last year", translation="")
    text = "Rice prices doubled last year"
    announced: list[tuple[int, str]] = []

    def listen(sender, claim_id, event, **kwargs):
        announced.append((claim_id, event))

    claim_announced.connect(listen, weak=False, dispatch_uid="test-reimport-announced")
    try:
        linked_import([claim_review(1, claimReviewed=text)], by=checker)
        link = ReviewLink.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            review_link_decide(link=link, state="confirmed", by=editor)

        run_queued_updates()
        assert announced == [(claim.pk, "claim.updated")]  # a verdict beside it came
        api = client_for()
        etag = api.get(f"/api/v1/claims/{claim.pk}/")["ETag"]
        claim.refresh_from_db()
        updated_at = claim.updated_at
        changed = claim_review(
            1,
            claimReviewed=text,
            author={"@type": "Organization", "name": "Another Publisher"},
            reviewRating={"@type": "Rating", "alternateName": "True"},
        )

        with django_capture_on_commit_callbacks(execute=True):
            report = import_claimreview(io.BytesIO(as_bytes([changed])), by=checker)
        run_queued_updates()
    finally:
        claim_announced.disconnect(dispatch_uid="test-reimport-announced")

    assert (report.updated, report.relinked) == (1, 1)
    assert announced == [(claim.pk, "claim.updated")]
    link.refresh_from_db()
    assert (link.state, link.decided_by) == ("candidate", None)
    assert link.history.first().history_user == checker
    claim.refresh_from_db()
    assert claim.updated_at > updated_at
    assert api.get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert "Another Publisher" not in client.get(claim.get_absolute_url()).content.decode()


DEEP = {
    "a file nested 1,000 levels": b"[" * 1_000 + b"]" * 1_000,
    "an object nested 1,000 levels": b'{"a":' * 1_000 + b"1" + b"}" * 1_000,
    "an @graph chain of 1,000": b'{"@graph":' * 1_000 + b"[]" + b"}" * 1_000,
    "a page script nested 1,000 levels": page("[" * 1_000 + "]" * 1_000),
}


@pytest.mark.parametrize("name", DEEP)
def test_deep_nesting_is_a_named_limit_on_the_upload_and_api_paths_never_a_500(
    name, client, checker
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("deep.json", DEEP[name])
    response = client_for(checker).post(
        "/api/v1/external-reviews/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200
    assert "nested deeper than 32 levels" in response.json()["skipped"][0]["reason"]
    client.force_login(checker)
    upload = SimpleUploadedFile("deep.json", DEEP[name])
    response = client.post("/admin/exchange/externalreview/import/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "nested deeper than 32 levels" in response.content.decode()


def test_a_page_over_the_size_limit_is_refused_by_name(monkeypatch):
    from exchange import parsing

    monkeypatch.setattr(parsing, "MAX_PAGE_BYTES", 1000)
    report = import_claimreview(io.BytesIO(page(claim_review(1)) + b" " * 1000))
    assert report.created == 0 and "size limit" in report.skipped[0][1]


def test_past_the_item_limit_the_rest_is_reported_not_read(monkeypatch):
    from exchange import parsing

    monkeypatch.setattr(parsing, "MAX_ITEMS", 2)
    items = [claim_review(n) for n in range(1, 5)]
    report = import_claimreview(io.BytesIO(as_bytes(items)))
    assert report.created == 2 and "item limit" in report.skipped[0][1]
    assert report.adds_up


def test_confirming_a_link_announces_claim_updated(
    make_claim, editor, django_capture_on_commit_callbacks
):
    claim = make_claim("published", text="Rice prices doubled last year", translation="")
    linked_import([claim_review(1, claimReviewed="Rice prices doubled last year")])
    announced: list[tuple[int, str]] = []

    def listen(sender, claim_id, event, **kwargs):
        announced.append((claim_id, event))

    claim_announced.connect(listen, weak=False, dispatch_uid="test-confirm-announced")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            review_link_decide(link=ReviewLink.objects.get(), state="confirmed", by=editor)
        run_queued_updates()
    finally:
        claim_announced.disconnect(dispatch_uid="test-confirm-announced")
    assert announced == [(claim.pk, "claim.updated")]


def test_an_unmapped_rating_is_shown_to_readers_in_the_publishers_words_marked_not_mapped(
    client, make_claim, editor, django_capture_on_commit_callbacks
):
    claim = make_claim("published", text="Rice prices doubled last year", translation="")
    rating = {"@type": "Rating", "alternateName": "Pinocchio dorado"}
    markup = claim_review(1, claimReviewed="Rice prices doubled last year", reviewRating=rating)
    linked_import([markup])
    review_link_decide(link=ReviewLink.objects.get(), state="confirmed", by=editor)

    body = client.get(claim.get_absolute_url()).content.decode()
    assert "Pinocchio dorado" in body and "not mapped to our scale" in body
    [other] = client_for().get(f"/api/v1/claims/{claim.pk}/").json()["other_fact_checkers"]
    assert (other["rating"], other["our_rating"], other["rating_mapped"]) == (
        "Pinocchio dorado",
        None,
        False,
    )
