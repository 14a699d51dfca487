"""A repeat in a real browser: an Editor's intake finds a published claim said again and records
it as a repeat, a second Editor confirms it on the claim's desk page, and the public page then
says "said 2 times" with both appearances in its ClaimReview."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, expect

from claims.models import Claim
from claims.workflow import Status
from tests.browser.test_admin_browser import log_in
from tests.browser.test_site_browser import in_browser, open_page, shot
from tests.factories import AppearanceFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SEED = (Path(settings.BASE_DIR) / "demo" / "article-vi.txt").read_text()


def test_a_repeat_found_at_intake_is_confirmed_by_a_second_editor_and_shown_to_readers(
    live_server, editor, editor2, make_claim, eager_tasks
):
    claim = make_claim(
        "published",
        text="Trung Quốc chậm hơn Mỹ từ 2-3 năm.",
        translation="China lags the US by 2-3 years.",
    )
    AppearanceFactory(claim=claim)

    def steps(browser: Browser) -> dict:
        page = open_page(browser)
        log_in(page, live_server.url, editor.username)
        page.goto(f"{live_server.url}/admin/intake/articleimport/")
        page.click("text=Import an article")
        page.fill("#id_text", SEED)
        page.click("text=Find the claims")
        expect(page.locator("#intake-candidates")).to_be_visible(timeout=30_000)
        lag = page.locator(
            "tr.intake-candidate", has_text="Bà cũng ước tính Trung Quốc chậm hơn Mỹ"
        ).first
        lag.locator("input[name=pick]").check()
        repeat_choice = lag.locator(f"input[type=radio][value='{claim.pk}']")
        expect(lag).to_contain_text(f"record as a repeat of #{claim.pk}")
        repeat_choice.check()
        page.click("text=Create claims and appearances")
        expect(page.locator("#intake-done")).to_be_visible()

        page.goto(f"{live_server.url}{claim.get_absolute_url()}")
        expect(page.locator("#said-times")).to_have_count(0)  # unseen until confirmed

        desk = f"{live_server.url}/admin/claims/claim/{claim.pk}/change/"
        page.goto(desk)  # the recorder may not confirm their own repeat
        waiting = page.locator("li.ct-repeat-awaiting_confirmation")
        expect(waiting).to_have_count(1)
        waiting.locator("button[value=confirm]").click()
        expect(page.locator(".messagelist")).to_contain_text("Four-eyes")

        log_in(page, live_server.url, editor2.username)
        page.goto(desk)
        page.locator("li.ct-repeat-awaiting_confirmation button[value=confirm]").click()
        expect(page.locator(".messagelist")).to_contain_text("confirmed")
        expect(page.locator("li.ct-repeat-public")).to_have_count(1)

        page.context.clear_cookies()
        page.goto(f"{live_server.url}{claim.get_absolute_url()}")
        expect(page.locator("#said-times")).to_contain_text("Said 2 times")
        expect(page.locator("li.appearance")).to_have_count(2)
        page.locator("#appearances-title").scroll_into_view_if_needed()
        shot(page, "claim-repeated", full_page=False)
        return json.loads(page.locator("script[type='application/ld+json']").first.inner_text())

    claimreview = in_browser(steps)

    assert len(claimreview["itemReviewed"]["appearance"]) == 2
    assert claimreview["itemReviewed"]["firstAppearance"]["datePublished"] == "2024-10-01"
    claim.refresh_from_db()
    assert claim.status == Status.PUBLISHED
    assert claim.appearances.get(confirmed_by=editor2).recorded_by == editor
    assert not Claim.objects.exclude(pk=claim.pk).exists()  # no new claim was filed
