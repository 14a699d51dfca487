"""The desk dashboard in a real browser: its charts draw, its figures read right, and it is
with UPDATE_SCREENSHOTS=1, the screenshot the README shows (docs/images/desk-dashboard.png)."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from claims.models import Claim
from sources.models import Link
from tests.browser.test_admin_browser import log_in
from tests.browser.test_site_browser import in_browser, open_page
from tests.claims.test_desk_dashboard import published_after, waiting_since
from tests.factories import ClaimFactory, TopicFactory, walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "desk-dashboard.png"


def a_week_of_desk_work(checker, checker2, editor) -> None:
    now = timezone.now()
    economy, health, science = (TopicFactory(name=n) for n in ("Economy", "Health", "Science"))
    for n, (hours, topic, by) in enumerate(
        [
            (6, economy, checker),
            (20, economy, checker),
            (30, health, checker2),
            (52, health, checker2),
            (75, science, checker),
        ]
    ):
        claim = ClaimFactory(translation=f"Claim number {n} about the economy and health")
        claim.topics.set([topic])
        published = walk_to(claim, "published", checker=by, editor=editor)
        published_after(published, hours, at=now - datetime.timedelta(days=2 + n * 3))
    for days, status in ((9, "new"), (6, "researching"), (1, "in_review")):
        claim = walk_to(ClaimFactory(), status, checker=checker, editor=editor)
        Claim.objects.filter(pk=claim.pk).update(assignee=checker2)
        waiting_since(claim, days)
    for n, status in enumerate(["ok"] * 6 + ["redirected"] * 2 + ["broken", "dead"]):
        Link.objects.create(url=f"https://example.org/{n}", host="example.org", status=status)


def test_the_dashboard_draws_its_charts_for_an_editor(live_server, checker, checker2, editor):
    a_week_of_desk_work(checker, checker2, editor)

    def steps(browser: Browser) -> list[str]:
        page = open_page(browser, viewport={"width": 1360, "height": 900})
        log_in(page, live_server.url, editor.username)
        page.click("text=Desk dashboard")
        expect(page.locator("#desk-dashboard")).to_be_visible()
        expect(page.locator("figure.desk-chart svg")).to_have_count(5)
        expect(page.locator("#desk-ttv-median")).to_have_text("30.0")
        expect(page.locator("#desk-ttv-p90")).to_have_text("65.8")
        expect(page.locator("#desk-queue-new")).to_contain_text("9.0 d")
        expect(page.locator("#desk-time-to-verdict svg").first).to_contain_text("Economy")
        box = page.locator("#desk-queues svg").bounding_box()
        assert box is not None and box["width"] > 300
        if os.environ.get("UPDATE_SCREENSHOTS"):  # a test run leaves the tracked files alone
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        return page.csp_errors

    assert in_browser(steps) == []
