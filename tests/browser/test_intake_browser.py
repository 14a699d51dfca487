"""The intake desk in a real browser: a Reporter pastes the seed article, ticks two sentences,
keeps one suggested speaker, creates a new one, attaches a repeat to an existing claim, and one
submit creates the claims, appearances and speaker."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, expect

from claims.models import Appearance, Claim, Speaker
from intake.models import ArticleImport
from tests.browser.test_admin_browser import log_in
from tests.browser.test_site_browser import in_browser, open_page, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SEED = (Path(settings.BASE_DIR) / "demo" / "article-vi.txt").read_text()


def row(page, starts_with: str):
    return page.locator("tr.intake-candidate", has_text=starts_with).first


def test_the_seed_article_becomes_claims_with_appearances_and_speakers(
    live_server, reporter, make_claim, eager_tasks
):
    repeated = make_claim("researching", text="Trung Quốc chậm hơn Mỹ từ 2-3 năm.")
    xiao = Speaker.objects.create(name="Jenny Xiao", role="Partner, Leonis Capital")

    def steps(browser: Browser) -> None:
        page = open_page(browser)
        log_in(page, live_server.url, reporter.username)
        page.goto(f"{live_server.url}/admin/intake/articleimport/")
        page.click("text=Import an article")
        page.fill("#id_text", SEED)
        page.click("text=Find the claims")
        expect(page.locator("#intake-candidates")).to_be_visible(timeout=30_000)

        lag = row(page, "Bà cũng ước tính Trung Quốc chậm hơn Mỹ")
        speaker = lag.locator("input[name^=speaker]")
        expect(speaker).to_have_value(f"Jenny Xiao (#{xiao.pk})")  # the suggestion
        lag.locator("input[name=pick]").check()
        lag.locator(f"input[type=radio][value='{repeated.pk}']").check()

        kevin = row(page, "Kevin Xu, người sáng lập Interconnected Capital")
        kevin.locator("input[name=pick]").check()
        expect(kevin.locator("input[name^=speaker]")).to_have_value("Kevin Xu")  # a new name
        kevin.locator("input[name^=translation]").fill(
            "Innovating with generative AI under the current rules is both hard and risky."
        )
        lag.scroll_into_view_if_needed()
        page.mouse.wheel(0, -250)
        shot(page, "intake-desk", full_page=False)
        page.click("text=Create claims and appearances")
        expect(page.locator(".messagelist")).to_contain_text("Created 1 claim(s) and 2")
        expect(page.locator("#intake-done")).to_be_visible()

    in_browser(steps)

    job = ArticleImport.objects.get()
    assert job.status == ArticleImport.Status.DONE and job.created_by == reporter
    [claim] = Claim.objects.filter(pk__in=job.created["claims"])
    assert claim.status == "new" and claim.text.startswith("Kevin Xu, người sáng lập")
    assert claim.translation.startswith("Innovating with generative AI")
    assert claim.appearances.get().speaker.name == "Kevin Xu"
    assert Appearance.objects.filter(claim=repeated, speaker=xiao, source=job.source).exists()
