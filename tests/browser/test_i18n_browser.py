"""A Vietnamese reader's public pages carry no interface text in English.

Chromium asks for Vietnamese (`Accept-Language: vi-VN`) and opens every kind of public page:
home, the list, a claim due for a re-check (said again after its verdict), a corrected claim,
a speaker, a source, the corrections and the methodology. In each page's visible text, title
and accessible labels, no English string of the catalogue may appear. Content the desk wrote
in English is allowed: elements marked with another language (`lang="en"`), URLs, and any
catalogue string that the test's own records contain (a source titled "Interview" is content,
not the source kind).
"""

import re

import polib
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser

from claims import services
from claims.models import Appearance, Claim, Review, Speaker
from claims.recheck import recheck_sweep
from sources.models import Source
from tests.browser.test_site_browser import in_browser, open_page, shot
from tests.catalogue_support import CATALOGUE, ROOT
from tests.factories import SourceFactory
from tests.site_data import (  # noqa: F401
    correct,
    demo_claims,
    fresh_page_cache,
    plain_static_storage,
)

PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\w*\}|<[^>]*>")
TOO_SHORT = 4  # letters: "All", "New", "by", "at" are ambiguous in a page of names and figures

# The page's interface text: what it shows, its title, and the labels read aloud. Elements
# marked as written in another language are the desk's content (the claim's translation).
INTERFACE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('[lang]:not([lang^="vi"]), script, style').forEach((e) => e.remove());
  document.body.appendChild(body);
  body.style.position = "absolute";
  const text = body.innerText;
  body.remove();
  const labels = [...document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")]
    .filter((e) => !e.closest('[lang]:not([lang^="vi"])'))
    .flatMap((e) => ["aria-label", "title", "placeholder", "alt"].map((a) => e.getAttribute(a)))
    .filter(Boolean);
  return [document.title, text, ...labels].join("\\n");
}"""


def english_fragments(content: str) -> set[str]:
    """The English text of every catalogue message, cut at its placeholders and tags: the
    pieces a page shows when the translation is missing. Left out: pieces shorter than
    TOO_SHORT letters, pieces the Vietnamese translations use too (names: Claimtrack,
    ClaimReview, URL), and pieces found in the test's records (content, not interface)."""
    catalogue = polib.pofile(str(ROOT / CATALOGUE))
    vietnamese = "\n".join(
        text for entry in catalogue for text in [entry.msgstr, *entry.msgstr_plural.values()]
    )
    fragments = set()
    for entry in catalogue:
        for english in filter(None, [entry.msgid, entry.msgid_plural]):
            for piece in PLACEHOLDER.split(english):
                piece = piece.strip(" \t\n.,:;·—–()“”\"'")
                if (
                    sum(c.isalpha() for c in piece) >= TOO_SHORT
                    and piece not in vietnamese
                    and piece not in content
                ):
                    fragments.add(piece)
    return fragments


def records_text() -> str:
    """Everything the desk wrote in the test's records, and the publisher's name."""
    rows = [
        [settings.PUBLISHER_NAME],
        *Claim.objects.values_list("text", "translation"),
        *Speaker.objects.values_list("name", "role", "description"),
        *Source.objects.values_list("title", "outlet__name", "url"),
        *Review.objects.values_list("summary", "reasoning"),
        *Appearance.objects.values_list("quote", "quote_translation"),
        *Claim.objects.values_list("topics__name", "topics__name_vi"),
    ]
    return "\n".join(str(value) for row in rows for value in row if value)


def english_in(text: str, fragments: set[str]) -> list[str]:
    text = re.sub(r"\S+://\S+", " ", text)  # addresses are not words
    return sorted(f for f in fragments if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text))


@pytest.fixture
def pages(live_server, make_claim, editor, editor2, checker, reporter):
    """One public page of each kind, the claim due for a re-check said again since."""
    data = demo_claims(make_claim)
    correct(data["lag"], editor=editor, checker=checker, rating="false", note="New data.")

    due = data["llms"]
    repeat = services.appearance_record_repeat(
        claim=due,
        by=reporter,
        speaker=data["lee"],
        source=SourceFactory(title="Phỏng vấn trên truyền hình"),
        said_on=timezone.localdate(),
        quote="Chúng tôi có hơn 200 mô hình ngôn ngữ lớn.",
        quote_language="vi",
    )
    services.appearance_confirm(appearance_id=repeat.pk, by=editor2)
    Review.objects.filter(pk=Claim.objects.get(pk=due.pk).published_review_id).update(
        recheck_after=timezone.localdate()
    )
    assert recheck_sweep()["due_today"] == 1

    due = Claim.objects.get(pk=due.pk)
    assert due.recheck_due_since() is not None
    source = due.appearances.order_by("id").first().source
    return {
        "home": "/",
        "claim-list": "/claims/",
        "claim-corrected": data["lag"].get_absolute_url(),
        "speaker": "/speakers/kai-fu-lee/",
        "speakers": "/speakers/",
        "source": f"/sources/{source.pk}/",
        "corrections": "/corrections/",
        "methodology": "/methodology/",
        "claim-due-for-recheck": due.get_absolute_url(),
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_in_vietnamese_carry_no_interface_text_in_english(live_server, pages):
    fragments = english_fragments(records_text())
    assert {"Due for a re-check since", "Said", "Our verdict", "Methodology"} <= fragments

    def steps(browser: Browser) -> dict[str, tuple[str, str]]:
        page = open_page(browser, locale="vi-VN")
        read = {}
        for name, url in pages.items():
            page.goto(live_server.url + url)
            read[name] = (
                page.evaluate("document.documentElement.lang"),
                page.evaluate(INTERFACE_TEXT),
            )
        shot(page, "claim-recheck-vi")  # the last page read
        return read

    read = in_browser(steps)

    assert {name: lang for name, (lang, _) in read.items()} == {name: "vi" for name in pages}
    due_page = read["claim-due-for-recheck"][1]
    assert "Đến hạn kiểm chứng lại từ ngày " in due_page and "Được đưa ra 2 lần" in due_page
    assert "ngày Ngày" not in due_page  # dates read inside a sentence (tracker/formats/vi)
    assert "Đã đính chính" in read["claim-corrected"][1]
    assert {name: english_in(text, fragments) for name, (_, text) in read.items()} == {
        name: [] for name in pages
    }


def test_the_check_finds_an_english_string_on_a_page():
    fragments = english_fragments(content="Interview")

    assert "Interview" not in fragments  # the test's records use it: content
    assert english_in("Kết luận của chúng tôi. Due for a re-check since 1 tháng 1", fragments) == [
        "Due for a re-check since"
    ]
    assert english_in("Xem https://example.org/claims/Methodology", fragments) == []
    assert english_in("Phương pháp. Kết luận của chúng tôi", fragments) == []
