"""A reader's path through the public site in Debian's Chromium, plus axe-core checks.

Playwright drives /usr/bin/chromium (never `playwright install`). Screenshots go to
SCREENSHOT_DIR (default: test-output/screenshots/, which git ignores).

Playwright's sync API marks an asyncio loop as running on its thread, and Django then hands
that thread a different database connection (asgiref treats it as async code). So the browser
runs in a thread of its own, and the test thread keeps the test database to itself.
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.site_data import (  # noqa: F401
    correct,
    demo_claims,
    fresh_page_cache,
    plain_static_storage,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR) / "test-output" / "screenshots")
)
BLOCKING_IMPACTS = {"serious", "critical"}
T = TypeVar("T")

pytestmark = [
    pytest.mark.browser,
    # The live server reads what the test wrote, so the test commits; the rating scale and
    # groups from the data migrations are restored afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def in_browser(steps: Callable[[Browser], T]) -> T:
    """Run `steps` with a fresh Chromium, in a thread of its own (see the module docstring)."""

    def run() -> T:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                return steps(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=240)


def open_page(browser: Browser, **options) -> Page:
    context = browser.new_context(
        **{"viewport": {"width": 1280, "height": 900}, "locale": "en-US", **options}
    )
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and page.csp_errors.append(msg.text),
    )
    return page


def shot(page: Page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def demo(live_server, make_claim, editor, checker):
    data = demo_claims(make_claim)
    correct(data["lag"], editor=editor, checker=checker, rating="false", note="New data.")
    return data


def test_a_reader_searches_opens_a_claim_reads_it_in_vietnamese_and_follows_the_speaker(
    live_server, demo
):
    def steps(browser: Browser) -> None:
        page = open_page(browser)
        page.goto(live_server.url + "/")
        expect(page.get_by_role("heading", name="Latest verdicts")).to_be_visible()
        shot(page, "home-en")

        page.get_by_label("Search fact-checks").fill("trung quoc my")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("status")).to_have_text("1 fact-check")
        shot(page, "search-en")

        page.get_by_role("link", name="China is 2-3 years behind the US in developing AI.").click()
        expect(page.get_by_role("heading", name="Our verdict")).to_be_visible()
        expect(page.locator(".verdict-panel .verdict__label")).to_have_text("False")
        expect(page.get_by_text("verdict changed from Half true to False.")).to_be_visible()
        shot(page, "claim-en")
        claim_url = page.url

        page.get_by_role("button", name="Tiếng Việt").click()
        expect(page.get_by_role("heading", name="Kết luận của chúng tôi")).to_be_visible()
        expect(page.locator(".verdict-panel .verdict__label")).to_have_text("Sai")
        assert page.url == claim_url
        shot(page, "claim-vi")

        page.get_by_role("link", name="Jenny Xiao").first.click()
        expect(page.get_by_role("heading", name="Jenny Xiao", exact=True)).to_be_visible()
        expect(page.locator(".record__chart svg")).to_be_visible()
        expect(page.locator(".record__table caption")).to_have_text("1 tuyên bố đã kiểm chứng")
        shot(page, "speaker-vi")
        assert page.csp_errors == []

    in_browser(steps)


PAGES = {
    "home": lambda demo: "/",
    "claim-list": lambda demo: "/claims/?q=trung+quoc",
    "claim": lambda demo: demo["llms"].get_absolute_url(),
    "speaker": lambda demo: "/speakers/kai-fu-lee/",
    "speakers": lambda demo: "/speakers/",
    "source": lambda demo: f"/sources/{demo['llms'].appearances.get().source_id}/",
    "methodology": lambda demo: "/methodology/",
    "corrections": lambda demo: "/corrections/",
}


def test_public_pages_have_no_serious_or_critical_accessibility_violations(live_server, demo):
    urls = {name: url(demo) for name, url in PAGES.items()}  # ORM calls stay on this thread

    def steps(browser: Browser) -> dict[str, list[str]]:
        found = {}
        page = open_page(browser)
        for name, url in urls.items():
            page.goto(live_server.url + url)
            results = Axe().run(page)
            found[name] = [
                f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in results.response["violations"]
                if v["impact"] in BLOCKING_IMPACTS
            ]
            shot(page, f"axe-{name}")
        found["csp"] = page.csp_errors
        return found

    found = in_browser(steps)
    assert found == {name: [] for name in [*PAGES, "csp"]}


def test_the_claim_page_fits_a_phone_screen(live_server, demo):
    def steps(browser: Browser) -> int:
        page = open_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
        page.goto(live_server.url + demo["llms"].get_absolute_url())
        shot(page, "claim-phone")
        return page.evaluate("document.documentElement.scrollWidth")

    assert in_browser(steps) <= 390
