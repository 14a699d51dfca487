"""The API's error messages speak the caller's language (Accept-Language), in the one error
shape: `detail`, `code`, `fields`. Codes and field names stay the same in every language."""

import pytest
from django.utils import translation
from django.utils.functional import Promise

from tests.api_support import client_for

pytestmark = pytest.mark.django_db


def in_both(call) -> dict[str, dict]:
    """The same request in English and in Vietnamese."""
    return {language: call(HTTP_ACCEPT_LANGUAGE=language).json() for language in ("en", "vi")}


def test_an_unknown_api_address_is_not_found_in_the_callers_language():
    answers = in_both(lambda **lang: client_for().get("/api/v1/no-such-thing/", **lang))

    assert answers["en"]["detail"] == "Not found."
    assert answers["vi"] == {"detail": "Không tìm thấy.", "code": "not_found", "fields": {}}


def test_bad_input_and_its_field_errors_are_in_vietnamese():
    answers = in_both(lambda **lang: client_for().get("/api/v1/claims/?ordering=bogus", **lang))

    assert answers["en"]["detail"] == "Invalid input."
    assert answers["vi"]["detail"] == "Dữ liệu nhập không hợp lệ."
    assert answers["vi"]["code"] == answers["en"]["code"] == "invalid"
    assert answers["vi"]["fields"]["ordering"][0].startswith("Hãy chọn một trong: ")


def test_a_workflow_refusal_is_in_vietnamese(make_claim, editor):
    claim = make_claim("published")
    answers = in_both(
        lambda **lang: client_for(editor).post(
            f"/api/v1/claims/{claim.pk}/transitions/",
            {"transition": "reject", "note": "Sai chủ đề"},
            format="json",
            **lang,
        )
    )

    assert answers["en"]["detail"] == "A claim that is published cannot be moved with “Reject”."
    assert answers["vi"]["detail"] == (
        "Tuyên bố ở trạng thái đã công bố không thể thực hiện “Từ chối”."
    )
    assert answers["vi"]["code"] == answers["en"]["code"]


def test_a_role_refusal_is_in_vietnamese(make_claim, reporter):
    claim = make_claim("in_review")
    answers = in_both(
        lambda **lang: client_for(reporter).post(
            f"/api/v1/claims/{claim.pk}/transitions/",
            {"transition": "publish"},
            format="json",
            **lang,
        )
    )

    assert answers["en"]["detail"] == "Your role does not allow “Publish”."
    assert answers["vi"]["detail"] == "Vai trò của bạn không được phép “Công bố”."


def test_an_anonymous_write_is_refused_in_vietnamese():
    answers = in_both(
        lambda **lang: client_for().post("/api/v1/claims/", {"text": "x"}, format="json", **lang)
    )

    assert answers["en"]["detail"] == "Authentication credentials were not provided."
    assert answers["vi"]["detail"] == "Chưa cung cấp thông tin xác thực."


def test_django_rest_frameworks_field_errors_are_in_vietnamese(reporter):
    answers = in_both(
        lambda **lang: client_for(reporter).post(
            "/api/v1/outlets/", {"name": "x" * 500, "slug": "a b"}, format="json", **lang
        )
    )

    assert answers["en"]["fields"]["name"] == ["Ensure this field has no more than 200 characters."]
    assert answers["vi"]["fields"]["name"] == ["Trường này không được dài quá 200 ký tự."]
    assert answers["vi"]["fields"]["slug"][0].startswith("Hãy nhập một đường dẫn rút gọn")


def test_every_message_django_rest_framework_declares_has_its_vietnamese():
    """DRF's fields, relations, serializers, validators and exceptions: each declared message
    is translated (ours, tracker/library_messages.py, or DRF's and Django's own catalogues)."""
    import inspect

    from rest_framework import exceptions, fields, relations, serializers, validators

    declared = set()
    for module in (fields, relations, serializers, validators, exceptions):
        for cls in vars(module).values():
            if not inspect.isclass(cls):
                continue
            declared.update(getattr(cls, "default_error_messages", {}).values())
            for name in ("default_detail", "message"):
                if isinstance(getattr(cls, name, None), Promise):
                    declared.add(getattr(cls, name))
    with translation.override("en"):
        english = {str(message) for message in declared} - {""}
    assert len(english) > 60

    with translation.override("vi"):
        untranslated = sorted(m for m in english if translation.gettext(m) == m)
    assert untranslated == []
