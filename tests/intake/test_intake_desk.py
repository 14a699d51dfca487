"""The intake API end to end (pasted text and a URL through the SSRF guard), and bad input
answered with a clear error and nothing created."""

import ipaddress
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from claims.models import Appearance, Claim, Speaker
from intake.models import ArticleImport
from sources.models import Source
from tests.exchange_support import DocumentServer

SEED = (Path(__file__).resolve().parents[2] / "demo" / "article-vi.txt").read_text()
PAGE = """<!doctype html><html><head><title>Budget grows</title>
<meta name="author" content="Lan Pham"></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Budget grows</h1>
<p>The ministry said the research budget grew by 12 percent in 2024, more than in any year
since 2010. Officials said the figures would be audited before the end of the year.</p>
<p>Nguyen Van An, an economist at the academy, said growth would slow to 5% next year.</p>
</article><aside><h2>Related</h2><ul><li><a href="/a">Other story one</a></li></ul></aside>
<footer>Photo: Reuters. Copyright 2024.</footer></body></html>"""


@pytest.fixture
def client(reporter, eager_tasks):
    api = APIClient()
    api.force_authenticate(reporter)
    return api


@pytest.fixture
def start(client, django_capture_on_commit_callbacks):
    """POST intake/ and run the extraction queued on commit, as a worker would."""

    def post(payload: dict) -> tuple[int, dict]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/intake/", payload, format="json")
        if response.status_code != 201:
            return response.status_code, response.json()
        return 201, client.get(f"/api/v1/intake/{response.json()['id']}/").json()

    return post


@pytest.fixture
def article_server():
    with DocumentServer() as server:
        server.documents.update(
            {
                "/article": ("text/html; charset=utf-8", PAGE.encode()),
                "/binary": ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00" * 100),
                "/huge": ("text/html", b"<html><body><p>" + b"a " * (3 * 1024 * 1024) + b"</p>"),
            }
        )
        yield server.url("")


@pytest.fixture
def local_fetch(settings):
    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    settings.LINKCHECK_PER_HOST_INTERVAL_MS = 0


def nothing_created(before: dict) -> bool:
    return before == counts()


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in (Claim, Appearance, Speaker, Source)}


def test_pasted_seed_becomes_claims_appearances_and_a_new_speaker(
    client, start, reporter, make_claim
):
    repeated = make_claim("researching", text="Trung Quốc chậm hơn Mỹ từ 2-3 năm.")
    xiao = Speaker.objects.create(name="Jenny Xiao", role="Partner, Leonis Capital")
    code, job = start({"text": SEED})
    assert code == 201, job
    assert job["status"] == "ready" and job["language"] == "vi"
    scores = [c["score"] for c in job["candidates"]]
    assert scores == sorted(scores, reverse=True)
    index = {c["text"][:20]: i for i, c in enumerate(job["candidates"])}
    lag = job["candidates"][index["Bà cũng ước tính Tru"]]
    assert lag["speaker_id"] == xiao.pk
    assert lag["matches"][0]["claim"] == repeated.pk
    choices = [
        {"index": index["Bà cũng ước tính Tru"], "speaker": xiao.pk, "repeat_of": repeated.pk},
        {"index": index["Kevin Xu, người sáng"], "new_speaker": "Kevin Xu"},
    ]
    response = client.post(f"/api/v1/intake/{job['id']}/confirm/", {"choices": choices}, "json")
    assert response.status_code == 200, response.json()
    created = response.json()["created"]
    [claim] = Claim.objects.filter(pk__in=created["claims"])
    assert claim.status == "new" and claim.text.startswith("Kevin Xu, người sáng lập")
    assert claim.history.get().history_user == reporter
    assert Speaker.objects.get(pk__in=created["speakers"]).name == "Kevin Xu"
    assert repeated.appearances.filter(speaker=xiao).exists()
    assert ArticleImport.objects.get().created_by == reporter
    # Confirming twice creates nothing more.
    before = counts()
    again = client.post(f"/api/v1/intake/{job['id']}/confirm/", {"choices": choices}, "json")
    assert again.status_code == 400 and nothing_created(before)


def test_a_repeat_of_a_published_claim_is_recorded_to_be_confirmed_without_a_reopen(
    client, start, make_claim
):
    """A published claim said again is recorded as a repeat awaiting an Editor's confirmation:
    the verdict stays as it is."""
    published = make_claim("published", text="Trung Quốc chậm hơn Mỹ từ 2-3 năm.")
    _, job = start({"text": SEED})
    index = {c["text"][:20]: i for i, c in enumerate(job["candidates"])}
    choices = [
        {
            "index": index["Bà cũng ước tính Tru"],
            "new_speaker": "Jenny Xiao",
            "repeat_of": published.pk,
        },
    ]
    response = client.post(f"/api/v1/intake/{job['id']}/confirm/", {"choices": choices}, "json")
    assert response.status_code == 200, response.json()
    [appearance] = published.appearances.filter(speaker__name="Jenny Xiao")
    assert appearance.state == "awaiting_confirmation"
    published.refresh_from_db()
    assert published.status == "published"


def test_an_appearance_of_a_claim_in_review_waits_for_it_and_creates_nothing(
    client, start, make_claim
):
    """The freeze rule holds at intake too: a claim in review takes no new appearance."""
    published = make_claim("in_review", text="Trung Quốc chậm hơn Mỹ từ 2-3 năm.")
    _, job = start({"text": SEED})
    index = {c["text"][:20]: i for i, c in enumerate(job["candidates"])}
    before = counts()
    choices = [
        {"index": index["Kevin Xu, người sáng"], "new_speaker": "Kevin Xu"},
        {
            "index": index["Bà cũng ước tính Tru"],
            "new_speaker": "Jenny Xiao",
            "repeat_of": published.pk,
        },
    ]
    response = client.post(f"/api/v1/intake/{job['id']}/confirm/", {"choices": choices}, "json")
    assert response.status_code == 409, response.json()
    assert "in review" in response.json()["detail"]
    assert nothing_created(before)
    assert ArticleImport.objects.get().status == "ready"


def test_a_bad_choice_creates_nothing(client, start):
    _, job = start({"text": SEED})
    before = counts()
    choices = [{"index": 0, "new_speaker": "Someone New"}, {"index": 1, "speaker": 999999}]
    response = client.post(f"/api/v1/intake/{job['id']}/confirm/", {"choices": choices}, "json")
    assert response.status_code == 400 and nothing_created(before)


def test_a_url_is_fetched_through_the_guard_and_read_by_trafilatura(
    start, local_fetch, article_server
):
    _, job = start({"url": f"{article_server}/article"})
    assert job["status"] == "ready", job
    assert job["title"] == "Budget grows" and job["language"] == "en"
    texts = [c["text"] for c in job["candidates"]]
    assert texts[0].startswith("The ministry said the research budget grew by 12 percent")
    assert not any("Related" in t or "Other story" in t or "Home" in t for t in texts)
    new = [c for c in job["candidates"] if c["text"].startswith("Nguyen Van An")]
    assert new[0]["speaker"] == "Nguyen Van An"


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"text": "   "}, None),
        ({"url": "http://127.0.0.1:9/private"}, "may not be fetched"),
        ({"url": "http://10.0.0.1/article"}, "may not be fetched"),
        ({"text": "abc\x00def"}, "binary"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_created(start, payload, message):
    before = counts()
    code, job = start(payload)
    assert code in (201, 400)
    if code == 201:
        assert job["status"] == "failed" and message in job["error"]
    assert nothing_created(before)


def test_binary_and_oversized_pages_are_refused(start, local_fetch, article_server, settings):
    settings.INTAKE_MAX_BYTES = 1024 * 1024
    before = counts()
    _, binary = start({"url": f"{article_server}/binary"})
    assert binary["status"] == "failed" and "binary" in binary["error"]
    _, huge = start({"url": f"{article_server}/huge"})
    assert huge["status"] == "failed" and "larger than 1 MB" in huge["error"]
    assert nothing_created(before)


def test_only_newsroom_roles_may_import(outsider):
    assert APIClient().post("/api/v1/intake/", {"text": SEED}, format="json").status_code in (
        401,
        403,
    )
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.post("/api/v1/intake/", {"text": SEED}, format="json").status_code == 403


choice_values = (
    st.none()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.text(max_size=30)
    | st.sampled_from(["", "   ", "\x1b", "Kevin Xu", "0", 0, 1, 2])
)
choices = st.lists(
    st.fixed_dictionaries(
        {"index": st.integers(min_value=-2, max_value=60) | choice_values},
        optional={
            name: choice_values | st.sampled_from(["{speaker}", "{claim}"])
            for name in ("speaker", "new_speaker", "repeat_of", "translation")
        },
    ),
    max_size=4,
)


def test_any_confirm_body_is_answered_below_500_all_or_nothing(client, start, make_claim):
    """Whatever the Reporter's browser (or a script) sends to confirm: a clear 4xx with
    nothing created, or everything created once."""
    _, job = start({"text": SEED})
    claim = make_claim("researching", text="Trung Quốc chậm hơn Mỹ từ 2-3 năm.")
    speaker = Speaker.objects.create(name="Jenny Xiao")
    ready = ArticleImport.objects.get(pk=job["id"])

    @hypothesis_settings(
        max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(body=choices | st.fixed_dictionaries({"choices": choices}))
    def fuzz(body):
        body = json.loads(
            json.dumps(body)
            .replace('"{speaker}"', str(speaker.pk))
            .replace('"{claim}"', str(claim.pk))
        )
        copy = ArticleImport.objects.create(
            created_by=ready.created_by,
            status=ArticleImport.Status.READY,
            article_text=ready.article_text,
            language=ready.language,
            candidates=ready.candidates,
            pasted_text="-",
        )
        before = counts()
        response = client.post(f"/api/v1/intake/{copy.pk}/confirm/", body, format="json")
        assert response.status_code < 500, (body, response.content[:300])
        if response.status_code != 200:
            assert nothing_created(before), body
            assert ArticleImport.objects.get(pk=copy.pk).status == "ready"

    fuzz()


def test_the_desk_lists_every_speaker_once_however_many_there_are(
    client, start, reporter, django_assert_max_num_queries
):
    from django.test import Client

    Speaker.objects.bulk_create(Speaker(name=f"Speaker {i}", slug=f"s-{i}") for i in range(3000))
    xiao = Speaker.objects.create(name="Jenny Xiao", slug="jenny-xiao")
    _, job = start({"text": SEED})
    desk = Client()
    desk.force_login(reporter)
    with django_assert_max_num_queries(12):
        page = desk.get(f"/admin/intake/articleimport/{job['id']}/change/")
    html = page.content.decode()
    assert html.count('value="Speaker 17 (#') == 1  # in the one list, not once per sentence
    assert len(html) < 600_000
    index = {c["text"][:20]: i for i, c in enumerate(job["candidates"])}
    lag, kevin = index["Bà cũng ước tính Tru"], index["Kevin Xu, người sáng"]
    assert f'name="speaker-{lag}"' in html and f"Jenny Xiao (#{xiao.pk})" in html

    response = desk.post(
        f"/admin/intake/articleimport/{job['id']}/change/",
        {
            "pick": [lag, kevin],
            f"speaker-{lag}": f"Jenny Xiao (#{xiao.pk})",
            f"speaker-{kevin}": "Kevin Xu",
        },
    )
    assert response.status_code == 302
    done = ArticleImport.objects.get(pk=job["id"])
    assert done.status == "done", [m.message for m in response.wsgi_request._messages]
    claims = Claim.objects.filter(pk__in=done.created["claims"])
    speakers = {a.speaker.name for c in claims for a in c.appearances.all()}
    assert speakers == {"Jenny Xiao", "Kevin Xu"}
    assert Speaker.objects.filter(name="Jenny Xiao").count() == 1


def test_a_huge_article_keeps_its_best_sentences_and_says_how_many_it_had(
    start, reporter, settings
):
    from django.test import Client

    settings.INTAKE_MAX_CANDIDATES = 50
    lines = [f"Line {i} of a data dump." for i in range(5000)]
    lines[4321] = "The ministry said exports rose 40% to 900 tons in 2023, the highest ever."
    code, job = start({"text": "\n".join(lines)})
    assert code == 201 and job["status"] == "ready", job
    assert job["sentences"] == 5000 and len(job["candidates"]) == 50
    assert job["candidates"][0]["text"].startswith("The ministry said exports rose 40%")
    desk = Client()
    desk.force_login(reporter)
    page = desk.get(f"/admin/intake/articleimport/{job['id']}/change/").content.decode()
    assert "The article has 5000 sentences; the best 50 are listed." in page
    assert page.count('name="pick"') == 50


@pytest.mark.parametrize(
    "field, value",
    [("pick", "²"), ("action-1", "²"), ("pick", "9" * 5000), ("speaker-1", "X (#²)")],
)
def test_odd_values_from_the_desk_form_are_answered_not_a_500(start, reporter, field, value):
    from django.test import Client

    _, job = start({"text": SEED})
    desk = Client(raise_request_exception=False)
    desk.force_login(reporter)
    form = {"pick": "1", "speaker-1": "Kevin Xu", "action-1": "new", field: value}
    before = counts()
    response = desk.post(f"/admin/intake/articleimport/{job['id']}/change/", form)
    assert response.status_code == 302
    if ArticleImport.objects.get(pk=job["id"]).status != "done":
        assert nothing_created(before)
