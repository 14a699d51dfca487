"""An editor's desk in a real browser: the transition buttons and the review form work when
clicked, not only when posted by the test client (the buttons are forms of their own, so they
must never sit inside the admin's change form)."""

import pytest
from playwright.sync_api import Browser, Page, expect

from claims.models import Claim
from claims.workflow import Status
from tests.browser.test_site_browser import in_browser, open_page, shot
from tests.factories import ClaimFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Welcome")


def test_a_claim_is_walked_to_publication_by_clicking(live_server, checker, editor):
    claim = ClaimFactory(translation="China has over 200 large language models")
    SourceFactory(title="Nhịp sống Thị trường seed article", language="vi")
    change_url = f"{live_server.url}/admin/claims/claim/{claim.pk}/change/"

    def steps(browser: Browser) -> str:
        page = open_page(browser)
        log_in(page, live_server.url, checker.username)
        page.goto(change_url)
        page.click("button[name=_transition_start_research]")
        expect(page.locator(".messagelist")).to_contain_text("Researching")

        page.click("text=Start the review")
        page.select_option("#id_rating", label="Mostly true")
        page.fill("#id_summary", "Regulators listed more than 200 registered models.")
        page.click("text=Add another Evidence")
        page.select_option("#id_evidence-0-stance", "supports")
        page.click("#evidence-0 .select2-selection")
        page.keyboard.type("seed article")
        page.wait_for_selector(".select2-results__option--highlighted")
        page.keyboard.press("Enter")
        page.click("input[name=_save]")
        expect(page.locator("#ct-review")).to_be_visible()
        page.click("button[name=_transition_submit]")
        expect(page.locator(".messagelist")).to_contain_text("In review")
        expect(page.locator("button[name=_transition_publish]")).to_have_count(0)

        log_in(page, live_server.url, editor.username)
        page.goto(f"{live_server.url}/admin/claims/claim/?queue=review")
        page.click("#result_list tbody th a")
        page.click("button[name=_transition_publish]")
        expect(page.locator(".messagelist")).to_contain_text("Published")
        shot(page, "admin-desk-published")
        page.click("text=View on site")
        expect(page.locator("body")).to_contain_text("Mostly true")
        return page.url

    public_url = in_browser(steps)

    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == Status.PUBLISHED
    assert claim.published_review.evidence.get().stance == "supports"
    assert (claim.published_review.author, claim.published_review.approved_by) == (checker, editor)
    assert public_url.endswith(claim.get_absolute_url())
