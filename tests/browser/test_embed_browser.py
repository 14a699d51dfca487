"""A partner site embeds a verdict: a local page on another origin frames the embed (and, to
check the refusal, the claim page itself) in Chromium with JavaScript off."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from tests.browser.test_site_browser import BLOCKING_IMPACTS, in_browser, open_page, shot
from tests.site_data import demo_claims, fresh_page_cache, plain_static_storage  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PARTNER_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Partner newsroom</title></head><body style="font-family:sans-serif;margin:24px">
<h1>A partner's article</h1><p>The claim our reporter heard, checked by a fact-checking desk:</p>
<iframe id="embed" src="{embed}" width="480" height="300" title="Fact-check"
 style="border:0"></iframe>
<iframe id="page" src="{page}" width="480" height="120" title="Claim page"></iframe>
</body></html>"""


@pytest.fixture
def partner_site() -> Iterator[tuple[str, dict]]:
    """A page served from 127.0.0.1 on a port of its own: another origin than the live
    server (localhost)."""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()


def test_a_partner_page_shows_the_embedded_verdict_without_javascript(
    live_server, make_claim, partner_site
):
    claim = demo_claims(make_claim)["llms"]
    partner, pages = partner_site
    embed = f"{live_server.url}/embed/claims/{claim.pk}/"
    page_url = live_server.url + claim.get_absolute_url()
    pages["/article"] = PARTNER_PAGE.format(embed=embed, page=page_url).encode()

    def steps(browser: Browser) -> list[str]:
        page = open_page(browser, java_script_enabled=False)
        page.goto(partner + "/article", wait_until="load")
        card = page.frame_locator("#embed")
        expect(card.get_by_text("Mostly true")).to_be_visible()
        expect(card.get_by_text("Said by Kai-Fu Lee")).to_be_visible()
        link = card.get_by_role("link", name="Read the fact-check (opens in a new tab)")
        expect(link).to_have_attribute(
            "href", f"https://claimtrack.example.org{claim.get_absolute_url()}"
        )
        box = page.locator("#embed").bounding_box()
        assert box and box["height"] == 300
        shot(page, "embed-partner", full_page=False)
        framed = [frame.url for frame in page.frames]
        alone = open_page(browser)  # axe-core needs JavaScript; the embed itself has none
        alone.goto(embed)
        violations = Axe().run(alone).response["violations"]
        blocking = [v["id"] for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert blocking == [] and alone.csp_errors == []
        return framed

    urls = in_browser(steps)
    assert embed in urls
    # The claim page refuses to be framed: Chromium shows its error page in that frame instead.
    assert page_url not in urls
