"""The admin parses its input like the API: a malformed id, selection, choice or lookup is a
404, a form error or a message, never a 500 (tracker.admin_input, held at the class)."""

import time

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import NoReverseMatch, reverse

from claims.models import Claim
from tests.claims.test_admin_concurrency import opened as opened_form_page
from tests.factories import AppearanceFactory, ClaimFactory, SourceFactory, SpeakerFactory
from tracker.admin_input import (
    INLINE_MAX_NUM,
    BoundedFormSet,
    CheckedAdmin,
    CheckedInline,
    has_integer_key,
    row_id,
)

pytestmark = pytest.mark.django_db

FORGED_IDS = ["abc", "²", "NaN", "99999999999999999999", str(2**63), "-1", "1e3"]


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    client.raise_request_exception = False  # a 500 is what the tests look for
    return client


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def test_every_admin_and_every_inline_parses_its_input():
    unchecked = [
        model._meta.label
        for model, model_admin in registered()
        if not isinstance(model_admin, CheckedAdmin)
        or not all(issubclass(inline, CheckedInline) for inline in model_admin.inlines)
    ]
    assert unchecked == []


def test_a_row_id_is_ascii_digits_within_64_bits():
    assert [row_id(v) for v in ["0", "7", str(2**63 - 1), 12]] == [0, 7, 2**63 - 1, 12]
    assert [row_id(v) for v in [*FORGED_IDS, "", " 7", "٣", True, -5]] == [None] * 12


def _object_urls(model, value):
    info = (model._meta.app_label, model._meta.model_name)
    for view in ("change", "history", "delete"):
        try:
            yield reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[value])
        except NoReverseMatch:
            continue


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999"])
def test_a_malformed_id_in_any_admin_url_is_a_404(superuser_client, value):
    answers = {
        url: superuser_client.get(url).status_code
        for model, _admin in registered()
        if has_integer_key(model)  # the token admin's keys are strings: Django's own redirect
        for url in _object_urls(model, value)
    }
    custom = [
        f"/admin/claims/claim/{value}/transition/",
        f"/admin/claims/claim/{value}/start-review/",
        f"/admin/claims/claim/{value}/repeat/",
        f"/admin/claims/claim/1/repeats/{value}/",
        f"/admin/exchange/reviewlink/{value}/decide/",
    ]
    answers.update({url: superuser_client.post(url).status_code for url in custom})
    assert len(answers) > 60
    assert {url: code for url, code in answers.items() if code != 404} == {}


def test_the_intake_desk_answers_404_for_a_malformed_id(superuser_client):
    for value in ["abc", "99999999999999999999"]:
        url = f"/admin/intake/articleimport/{value}/change/"
        assert superuser_client.get(url).status_code == 404
        assert superuser_client.post(url, {"pick": "0"}).status_code == 404


def _actions(model_admin, request):
    return list(model_admin.get_actions(request))


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999", "NaN"])
def test_a_bad_selection_in_any_bulk_action_is_a_message(superuser_client, rf, value):
    request = rf.get("/")
    request.user = User.objects.get(username="root")
    ClaimFactory()
    answers = {}
    for model, model_admin in registered():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for action in _actions(model_admin, request):
            response = superuser_client.post(
                url, {"action": action, "_selected_action": ["1", value], "index": "0"}
            )
            answers[(model._meta.label, action)] = response.status_code
    assert ("claims.Claim", "reopen_for_recheck") in answers
    assert ("exchange.ReviewLink", "confirm") in answers
    assert ("exchange.ReviewLink", "reject") in answers
    assert {key: code for key, code in answers.items() if code != 302} == {}
    page = superuser_client.post(
        "/admin/claims/claim/",
        {"action": "reopen_for_recheck", "_selected_action": [value], "index": "0"},
        follow=True,
    )
    assert "The selection names rows that do not exist." in page.content.decode()


def _claim_form(**overrides) -> dict:
    return {
        "text": "Unemployment halved in a year.",
        "language": "en",
        "translation": "",
        "translation_language": "",
        "appearances-TOTAL_FORMS": "0",
        "appearances-INITIAL_FORMS": "0",
        "reviews-TOTAL_FORMS": "0",
        "reviews-INITIAL_FORMS": "0",
        **overrides,
    }


@pytest.mark.parametrize("value", ["abc", "²", "NaN", "99999999999999999999"])
def test_a_forged_autocomplete_value_is_a_form_error(superuser_client, value):
    forms = {
        "topics": _claim_form(topics=[value]),
        "appearances-0-speaker": _claim_form(
            **{
                "appearances-TOTAL_FORMS": "1",
                "appearances-0-speaker": value,
                "appearances-0-source": value,
                "appearances-0-quote": "q",
                "appearances-0-quote_language": "en",
            }
        ),
    }
    for field, data in forms.items():
        response = superuser_client.post("/admin/claims/claim/add/", data)
        assert response.status_code == 200, field
        assert "errornote" in response.content.decode(), field
    source = superuser_client.post(
        "/admin/sources/source/add/",
        {"title": "t", "url": "", "kind": "article", "language": "en", "outlet": value},
    )
    assert source.status_code == 200 and "errornote" in source.content.decode()
    assert Claim.objects.count() == 0


@pytest.mark.parametrize(
    "query",
    [
        "?id__in=99999999999999999999",
        "?id__gt=99999999999999999999",
        "?published_on__year=0",
        "?name__regex=(",
        "?title__regex=(a*)*$",
        "?text__icontains=x",
        "?created_by__password__startswith=md5",
    ],
)
def test_a_changelist_takes_only_its_declared_filters(superuser_client, query):
    for changelist in ["/admin/claims/claim/", "/admin/sources/source/", "/admin/claims/speaker/"]:
        response = superuser_client.get(changelist + query)
        # 400 (not a filter of this list), or the list's own "?e=1" for a declared one
        assert response.status_code == 400 or response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/claims/claim/?status__exact=new",
        "/admin/claims/claim/?queue=review",
        "/admin/claims/claim/?published_review__rating__id__exact=99999999999999999999",
        "/admin/claims/claim/?topics__id__exact=abc",
        "/admin/claims/claim/?speaker=nobody",
        "/admin/sources/source/?published_on__year=0",
        "/admin/sources/source/?published_on__year=2024&published_on__month=13",
        "/admin/sources/source/?link__status__exact=dead",
        "/admin/sources/link/?last_checked_at__gte=notadate",
    ],
)
def test_declared_filters_answer_without_a_500(superuser_client, url):
    assert superuser_client.get(url).status_code in (200, 302, 400)


def test_a_forged_total_forms_is_a_form_error_not_thousands_of_forms(superuser_client):
    speaker, source = SpeakerFactory(), SourceFactory()
    data = _claim_form(
        **{
            "appearances-TOTAL_FORMS": "2000",
            "appearances-0-speaker": str(speaker.pk),
            "appearances-0-source": str(source.pk),
            "appearances-0-quote": "q",
            "appearances-0-quote_language": "en",
        }
    )
    started = time.process_time()
    response = superuser_client.post("/admin/claims/claim/add/", data)
    assert response.status_code == 200
    assert f"Please submit at most {INLINE_MAX_NUM} new forms." in response.content.decode()
    assert time.process_time() - started < 5  # a bound, not a benchmark: it was ~15 s
    assert Claim.objects.count() == 0


def test_every_inline_bounds_the_forms_it_takes(rf):
    request = rf.get("/")
    request.user = User(is_superuser=True)
    for _model, model_admin in registered():
        for inline in model_admin.get_inline_instances(request):
            assert issubclass(inline.get_formset(request), BoundedFormSet), inline


def test_a_claim_said_more_often_than_the_cap_still_saves(superuser_client):
    claim = ClaimFactory(translation="")
    speaker, source = SpeakerFactory(), SourceFactory()
    for n in range(INLINE_MAX_NUM + 3):
        AppearanceFactory(claim=claim, quote=f"said {n}", speaker=speaker, source=source)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = opened_form_page(superuser_client, url)
    data["translation"] = "Now translated"
    data["translation_language"] = "vi"
    assert superuser_client.post(url, data).status_code == 302
    claim.refresh_from_db()
    assert claim.translation == "Now translated"


@pytest.mark.parametrize(
    ("status", "transition"),
    [
        ("new", "reject"),
        ("new", "start_research"),
        ("researching", "reject"),
        ("in_review", "send_back"),
        ("in_review", "publish"),
        ("published", "reopen"),
    ],
)
def test_a_control_character_in_a_transition_note_is_a_message(
    client, make_claim, editor2, status, transition
):
    claim = make_claim(status)
    client.force_login(editor2)
    client.raise_request_exception = False
    page = client.post(
        reverse("admin:claims_claim_transition", args=[claim.pk]),
        {"transition": transition, "note": "pasted\x0cfrom a PDF", "expected_status": status},
        follow=True,
    )
    assert page.status_code == 200
    assert "control character" in page.content.decode().lower()
    claim.refresh_from_db()
    assert claim.status == status
