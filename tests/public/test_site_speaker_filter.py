"""The list's speaker filter takes what a reader types: the suggested slug or the name."""

import pytest

from tests.factories import SpeakerFactory
from tests.site_data import add_appearance, fresh_page_cache, plain_static_storage  # noqa: F401


@pytest.fixture
def two_speakers(make_claim):
    lee = SpeakerFactory(name="Kai-Fu Lee", slug="kai-fu-lee")
    outlet = SpeakerFactory(name="Nhịp sống Thị trường", slug="nhip-song-thi-truong")
    add_appearance(make_claim("published", text="Lee alpha", translation=""), speaker=lee)
    add_appearance(make_claim("published", text="Outlet beta", translation=""), speaker=outlet)


@pytest.mark.parametrize(
    ("typed", "shown", "hidden"),
    [
        ("kai-fu-lee", "Lee alpha", "Outlet beta"),
        ("Kai-Fu Lee", "Lee alpha", "Outlet beta"),
        ("  kai-fu lee ", "Lee alpha", "Outlet beta"),
        ("Nhịp sống Thị trường", "Outlet beta", "Lee alpha"),
        ("nhip song thi truong", "Outlet beta", "Lee alpha"),
    ],
)
def test_a_speaker_typed_by_name_filters_like_the_suggested_slug(
    client, two_speakers, typed, shown, hidden
):
    response = client.get("/claims/", {"speaker": typed}, HTTP_ACCEPT_LANGUAGE="vi")
    body = response.content.decode()
    assert response.status_code == 200
    assert shown in body and hidden not in body
    assert 'class="error"' not in body


def test_an_unknown_speaker_lists_nothing_rather_than_everything(client, two_speakers):
    body = client.get("/claims/", {"speaker": "Nobody Known"}).content.decode()
    assert "Lee alpha" not in body and "Outlet beta" not in body
