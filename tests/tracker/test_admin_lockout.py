"""The admin login's lockout (django-axes) is said in the reader's language."""

import pytest


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Account locked: too many login attempts. Please try again later."),
        ("vi", "Tài khoản tạm bị khóa: đăng nhập sai quá nhiều lần. Vui lòng thử lại sau."),
    ],
)
def test_a_locked_out_login_is_told_so_in_its_language(client, db, settings, language, said):
    settings.AXES_FAILURE_LIMIT = 2
    codes = [
        client.post(
            "/admin/login/",
            {"username": "editor", "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        for _ in range(3)
    ]
    assert [r.status_code for r in codes] == [200, 429, 429]
    assert codes[-1].content.decode() == said
