"""Classification and scheduling rules, as plain functions: what status a check leads to,
when a failing link is declared dead, and when it is checked next."""

import datetime
import random

import pytest

from sources.linkcheck import classify as c
from sources.linkcheck.content import fingerprint, main_text, similarity
from sources.linkcheck.fetch import FetchResult, Hop, parse_retry_after
from sources.linkcheck.schedule import next_check

T0 = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
STORY = (
    "The ministry reported that the national budget for research grew by twelve percent in "
    "2024, with most of the increase going to universities in Hanoi and Ho Chi Minh City."
)


def ok(url="https://news.example/a", *, at=T0, text=STORY, hops=None, final=None):
    final = final or url
    return FetchResult(
        url=url,
        checked_at=at,
        final_url=final,
        status_code=200,
        hops=hops or [Hop(final, 200)],
        fingerprint=fingerprint(text),
        content_hash="x",
    )


def failed(code=None, kind="", *, at=T0):
    return FetchResult(
        url="https://news.example/a",
        checked_at=at,
        status_code=code,
        error_kind=kind,
        error="it failed",
        hops=[Hop("https://news.example/a", code)] if code else [],
    )


def test_a_link_is_dead_only_after_three_failures_over_three_days():
    known = c.Known(status=c.OK)
    for day, expected in [(0, c.BROKEN), (1, c.BROKEN), (2, c.BROKEN), (3, c.DEAD)]:
        verdict = c.classify(failed(404, at=T0 + datetime.timedelta(days=day)), known)
        assert verdict.status == expected, day
        known = c.Known(verdict.status, verdict.failure_count, verdict.failing_since)
    assert verdict.failure_count == 4 and verdict.failing_since == T0


def test_many_failures_within_a_day_are_not_dead():
    known = c.Known(status=c.OK)
    for hour in range(10):
        verdict = c.classify(failed(kind="dns", at=T0 + datetime.timedelta(hours=hour)), known)
        known = c.Known(verdict.status, verdict.failure_count, verdict.failing_since)
    assert verdict.status == c.UNREACHABLE and verdict.failure_count == 10


@pytest.mark.parametrize("code", [401, 403, 429])
def test_bot_blocker_answers_are_never_declared_dead(code):
    known = c.Known(status=c.BROKEN, failure_count=2, failing_since=T0)
    verdict = c.classify(failed(code, at=T0 + datetime.timedelta(days=30)), known)
    assert verdict.status == c.BROKEN
    assert verdict.failure_count == 2 and not verdict.failing


def test_a_working_check_clears_the_failure_count():
    known = c.Known(status=c.UNREACHABLE, failure_count=2, failing_since=T0)
    verdict = c.classify(ok(at=T0 + datetime.timedelta(days=1)), known)
    assert verdict.status == c.OK
    assert verdict.failure_count == 0 and verdict.failing_since is None


def test_a_blocked_link_is_neither_failing_nor_healthy():
    verdict = c.classify(failed(kind="blocked"), c.Known())
    assert verdict.status == c.BLOCKED and not verdict.failing


def test_tidying_redirects_are_not_moves():
    hops = [Hop("http://news.example/a", 301), Hop("https://www.news.example/a/", 200)]
    result = ok("http://news.example/a", hops=hops, final="https://www.news.example/a/")
    assert c.classify(result, c.Known()).status == c.OK


def test_a_permanent_move_to_another_page_is_redirected():
    hops = [Hop("https://news.example/a", 308), Hop("https://news.example/archive/a", 200)]
    result = ok(hops=hops, final="https://news.example/archive/a")
    assert c.classify(result, c.Known()).status == c.REDIRECTED


def test_a_page_is_changed_when_its_text_drifts_from_the_first_capture():
    baseline = fingerprint(STORY)
    small_edit = STORY.replace("twelve", "thirteen")
    assert c.classify(ok(text=small_edit), c.Known(c.OK, baseline=baseline)).status == c.OK
    other = "Weather today: sunny in the north, rain in the south, and a recipe with ginger."
    verdict = c.classify(ok(text=other), c.Known(c.OK, baseline=baseline))
    assert verdict.status == c.CHANGED and verdict.similarity < 0.5


def test_the_first_good_capture_becomes_the_baseline():
    assert c.classify(ok(), c.Known()).new_baseline
    assert not c.classify(ok(), c.Known(c.OK, baseline=fingerprint(STORY))).new_baseline


def test_main_text_leaves_out_navigation_and_scripts():
    html = (
        "<html><head><title>Budget</title><script>var x = 1;</script></head><body>"
        "<nav>Home About</nav><main><p>The budget grew.</p></main><footer>(c)</footer></body>"
    )
    assert main_text(html) == "Budget The budget grew."


def test_similarity_is_one_for_the_same_text_and_low_for_different_texts():
    assert similarity(fingerprint(STORY), fingerprint(STORY)) == 1.0
    assert similarity(fingerprint(STORY), fingerprint("Something else entirely, really.")) < 0.1


def test_healthy_links_are_rechecked_weekly_with_jitter():
    rng = random.Random(1)
    waits = {next_check(c.OK, 0, T0, rng=rng) - T0 for _ in range(50)}
    assert len(waits) > 40
    assert all(datetime.timedelta(days=6.3) <= w <= datetime.timedelta(days=7.7) for w in waits)


@pytest.mark.parametrize("failures, hours", [(1, 1), (2, 6), (3, 24), (4, 72), (9, 72)])
def test_failing_links_back_off(failures, hours):
    wait = next_check(c.BROKEN, failures, T0, rng=random.Random(2)) - T0
    assert abs(wait - datetime.timedelta(hours=hours)) <= datetime.timedelta(hours=hours) * 0.1


def test_the_next_check_honours_retry_after():
    wait = next_check(c.BROKEN, 1, T0, retry_after=3 * 3600) - T0
    assert wait >= datetime.timedelta(hours=3)


def test_retry_after_is_read_as_seconds_or_a_date():
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert parse_retry_after("soon") is None
    assert parse_retry_after("²") is None  # a digit to str.isdigit(), not to float()
