"""Importing ClaimReview: each input shape, idempotence, malformed items among valid ones, a
page whose markup is broken, and URLs fetched only through the link checker's SSRF guard."""

import io
import ipaddress
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchange.importing import import_claimreview
from exchange.models import ExternalReview
from tests.exchange_support import DocumentServer, as_bytes, claim_review, data_feed

pytestmark = pytest.mark.django_db


def run(data) -> object:
    body = data if isinstance(data, bytes) else as_bytes(data)
    return import_claimreview(io.BytesIO(body))


def test_one_object_becomes_one_external_review_with_the_rating_as_published():
    report = run(claim_review(1))

    assert (report.created, report.skipped) == (1, [])
    review = ExternalReview.objects.get()
    assert review.url == "https://factcheck.example.org/reviews/1"
    assert review.publisher == "Example Checks"
    assert review.publisher_url == "https://factcheck.example.org/"
    assert review.language == "en"
    assert review.published_on.isoformat() == "2024-06-01"
    assert review.claimant == "A Minister"
    assert review.appearance_urls == ["https://news.example.com/1"]
    assert (review.rating_value, review.best_rating, review.worst_rating) == ("2", "5", "1")
    assert review.rating_name == "Mostly false"
    assert review.rating_position == 0.25
    assert review.our_rating.slug == "mostly-false"


def test_a_list_a_data_feed_and_a_graph_are_each_read_whole():
    assert run([claim_review(1), claim_review(2)]).created == 2
    assert run(data_feed([claim_review(3), claim_review(4)])).created == 2
    bare_feed = {"@type": "DataFeed", "dataFeedElement": [claim_review(5)]}
    assert run(bare_feed).created == 1
    assert run({"@context": "https://schema.org", "@graph": [claim_review(6)]}).created == 1
    assert ExternalReview.objects.count() == 6


def test_an_html_page_with_json_ld_and_microdata_is_read():
    microdata = """<div itemscope itemtype="https://schema.org/ClaimReview">
      <link itemprop="url" href="https://factcheck.example.org/reviews/micro">
      <meta itemprop="claimReviewed" content="Rice prices doubled last year">
      <div itemprop="author" itemscope itemtype="https://schema.org/Organization">
        <meta itemprop="name" content="Example Microdata Desk"></div>
      <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">
        <meta itemprop="alternateName" content="False"></div></div>"""
    page = (
        "<!doctype html><html><head><title>Checks</title>"
        f'<script type="application/ld+json">{json.dumps(claim_review(7))}</script>'
        f"</head><body>{microdata}</body></html>"
    ).encode()

    report = run(page)

    assert (report.created, report.skipped) == (2, [])
    micro = ExternalReview.objects.get(url="https://factcheck.example.org/reviews/micro")
    assert micro.publisher == "Example Microdata Desk"
    assert micro.our_rating.slug == "false"
    assert micro.rating_position is None


def test_a_page_whose_markup_is_broken_keeps_the_valid_script_and_reports_the_broken_one():
    page = (
        "<html><head>"
        '<script type="application/ld+json">{"@type": "ClaimReview", "url": </script>'
        f'<script type="application/ld+json">{json.dumps(claim_review(8))}</script>'
        "</head><body><p>unclosed <div><span></body>"
    ).encode()

    report = run(page)

    assert report.created == 1
    [(position, reason)] = report.skipped
    assert position == "JSON-LD script 1" and "not valid JSON" in reason


def test_a_page_without_any_claimreview_says_so():
    report = run(b"<html><body><p>Nothing to see</p></body></html>")

    assert report.created == 0
    assert report.skipped == [("page", "no ClaimReview markup on the page")]


def test_importing_the_same_items_twice_changes_nothing():
    items = data_feed([claim_review(n) for n in range(1, 6)])
    run(items)
    first = list(ExternalReview.objects.order_by("pk").values())
    history = ExternalReview.history.count()

    again = run(items)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert list(ExternalReview.objects.order_by("pk").values()) == first
    assert ExternalReview.history.count() == history


def test_a_changed_item_is_updated_in_place_keyed_by_its_url():
    run(claim_review(1))
    changed = claim_review(1)
    changed["reviewRating"] = {"@type": "Rating", "alternateName": "False"}

    report = run(changed)

    assert (report.created, report.updated) == (0, 1)
    review = ExternalReview.objects.get()
    assert (review.rating_name, review.rating_value, review.our_rating.slug) == (
        "False",
        "",
        "false",
    )
    assert review.history.count() == 2


MALFORMED = [
    ({"@type": "ClaimReview"}, "url"),
    (claim_review(90, url="ftp://factcheck.example.org/x"), "url"),
    (claim_review(91, author={"@type": "Organization"}), "author"),
    (claim_review(92, claimReviewed=""), "claimReviewed"),
    (claim_review(93, reviewRating="false"), "reviewRating"),
    (claim_review(94, reviewRating={"@type": "Rating"}), "ratingValue"),
    (claim_review(95, datePublished="last Tuesday"), "datePublished"),
    ({"@type": "Article", "url": "https://example.org/"}, "not a ClaimReview"),
    ("just a string", "not an object"),
]


def test_malformed_items_are_reported_with_their_reason_and_the_valid_ones_kept():
    items = [claim_review(1), *[bad for bad, _ in MALFORMED], claim_review(2)]

    report = run(items)

    assert report.created == 2
    assert len(report.skipped) == len(MALFORMED)
    for (position, reason), (_, expected) in zip(report.skipped, MALFORMED, strict=True):
        assert expected in reason, (position, reason)
    assert set(ExternalReview.objects.values_list("url", flat=True)) == {
        "https://factcheck.example.org/reviews/1",
        "https://factcheck.example.org/reviews/2",
    }


def test_a_feed_that_breaks_off_keeps_what_came_before():
    body = as_bytes(data_feed([claim_review(n) for n in range(1, 4)]))
    cut = body[: body.rindex(b'{"@type": "DataFeedItem"') + 30]

    report = run(cut)

    assert report.created == 2
    assert "breaks off" in report.skipped[-1][1]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_bytes_are_reported_never_raised(data):
    report = run(b"[" + data) if data[:1] == b"x" else run(data)
    assert report.created + len(report.skipped) >= 0
    assert ExternalReview.objects.count() == report.created


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8)),
    best=st.one_of(st.none(), st.integers(), st.text(max_size=8)),
    worst=st.one_of(st.none(), st.integers(), st.text(max_size=8)),
)
def test_any_rating_numbers_are_kept_as_published_and_placed_only_within_zero_and_one(
    value, best, worst
):
    rating = {"@type": "Rating", "alternateName": "Odd", "ratingValue": value}
    rating.update(bestRating=best, worstRating=worst)
    report = run(claim_review(1, reviewRating=rating))

    if report.created or report.updated or report.unchanged:
        review = ExternalReview.objects.get()
        assert review.rating_name == "Odd"
        assert review.rating_position is None or 0 <= review.rating_position <= 1
    else:
        assert report.skipped


def test_the_command_imports_a_file_and_lists_what_it_skipped(tmp_path, capsys):
    path = tmp_path / "feed.json"
    path.write_bytes(as_bytes([claim_review(1), {"@type": "ClaimReview"}]))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_claimreview", str(path), stdout=out, stderr=err)

    assert (
        "2 read: 1 created, 0 updated, 0 unchanged, 0 repeated in the file, 1 skipped"
        in out.getvalue()
    )
    assert "Skipped item 2: no http(s) `url`" in err.getvalue()


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_claimreview", str(tmp_path / "nope.json"))


def test_a_url_is_fetched_through_the_ssrf_guard_and_refused_when_private(settings):
    with DocumentServer() as server:
        server.documents["/feed.json"] = (
            "application/json",
            as_bytes(data_feed([claim_review(1)])),
        )
        with pytest.raises(CommandError, match="only visits public addresses"):
            call_command("import_claimreview", server.url("/feed.json"), "--no-progress")
        assert server.requests == []

        settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
        out = io.StringIO()
        call_command("import_claimreview", server.url("/feed.json"), "--no-progress", stdout=out)

    assert "1 created" in out.getvalue()
    assert server.requests == ["/feed.json"]


def test_a_url_that_answers_an_error_is_reported(settings):
    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    with DocumentServer() as server, pytest.raises(CommandError, match="HTTP 404"):
        call_command("import_claimreview", server.url("/missing.json"), "--no-progress")


def test_characters_a_database_cannot_store_are_dropped_not_a_500():
    nasty = claim_review(1, claimReviewed="Rice\u0000 prices \ud800doubled", claimant=None)
    nasty["itemReviewed"]["appearance"] = [{"url": "https://news.example.com/a\u0000b"}]
    body = json.dumps(nasty).encode()

    report = run(body)

    assert report.created == 1
    review = ExternalReview.objects.get()
    assert review.claim_reviewed == "Rice prices doubled"
    assert review.appearance_urls == ["https://news.example.com/ab"]


def test_control_characters_in_another_desks_review_are_left_out_not_stored():
    item = {**claim_review(1), "claimReviewed": "Rice \u001b prices\u0007 doubled\ufffe"}
    item["reviewRating"] = {**item["reviewRating"], "alternateName": "Fal\u0000se"}
    assert run([item]).created == 1
    review = ExternalReview.objects.get()
    assert (review.claim_reviewed, review.rating_name) == ("Rice prices doubled", "False")


def test_an_external_review_saved_with_a_control_character_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="U\\+001B"):
        ExternalReview.objects.create(
            url="https://factcheck.example.org/r/esc",
            publisher="Example Checks",
            claim_reviewed="Rice \x1b prices doubled",
        )
    assert not ExternalReview.objects.exists()
