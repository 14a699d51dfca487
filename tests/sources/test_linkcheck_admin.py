"""Link health in the admin: the link list and its filters, a link's redirect chain and check
history, "recheck now", badges on sources, and the report of claims with broken evidence."""

import pytest
from django.urls import reverse

from sources import services
from sources.models import Link
from tests.factories import SourceFactory


def checked(web, path: str) -> Link:
    link = services.link_register(url=web.url(path))
    token, _ = services.links_claim(limit=1, link_ids=[link.pk], due_only=False)
    services.links_check(lease_token=token)
    link.refresh_from_db()
    return link


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Admin pages link static files; tests read them from the apps, not from collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def test_the_link_list_filters_by_status_host_and_last_check(
    db, desk, linkcheck_settings, linkcheck_web
):
    good = checked(linkcheck_web, "/ok/listed")
    bad = checked(linkcheck_web, "/status/404")
    services.link_register(url="https://other.example.org/never-checked")
    url = reverse("admin:sources_link_changelist")

    page = desk.get(url, {"status": "broken"}).content.decode()
    assert bad.url in page and good.url not in page
    page = desk.get(url, {"host": "other.example.org"}).content.decode()
    assert "never-checked" in page and good.url not in page
    page = desk.get(url, {"last_checked_at__isnull": "True"}).content.decode()
    assert "never-checked" in page and bad.url not in page
    assert desk.get(url, {"q": "listed"}).content.decode().count(good.url) >= 1


def test_a_link_page_shows_its_redirect_chain_and_check_history(
    db, desk, linkcheck_settings, linkcheck_web
):
    link = checked(linkcheck_web, "/redirect/301?to=/chain/1")
    checked(linkcheck_web, "/redirect/301?to=/chain/1")
    page = desk.get(reverse("admin:sources_link_change", args=[link.pk])).content.decode()
    assert "<ol><li><code>" in page
    for hop in ("/redirect/301?to=/chain/1", "/chain/1", "/chain/0"):
        assert f"{linkcheck_web.url(hop)}</code>" in page
    assert page.count("Moved") >= 2  # the badge and the two history rows
    assert "Check history" in page


def test_recheck_now_checks_the_selected_links(
    db, desk, linkcheck_settings, linkcheck_web, django_capture_on_commit_callbacks
):
    link = checked(linkcheck_web, "/ok/recheck-me")
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            reverse("admin:sources_link_changelist"),
            {"action": "recheck_now", "_selected_action": [link.pk]},
            follow=True,
        )
    assert "1 link will be checked in a moment." in response.content.decode()
    assert link.checks.count() == 2


def test_a_reporter_sees_link_health_but_cannot_add_links(db, client, reporter):
    client.force_login(reporter)
    assert client.get(reverse("admin:sources_link_changelist")).status_code == 200
    assert client.get(reverse("admin:sources_link_add")).status_code == 403


def test_the_source_admin_shows_a_health_badge(db, desk, linkcheck_settings, linkcheck_web):
    source = SourceFactory(url=linkcheck_web.url("/status/410"))
    token, _ = services.links_claim(limit=1)
    services.links_check(lease_token=token)
    page = desk.get(reverse("admin:sources_source_changelist")).content.decode()
    assert "link-health-broken" in page
    page = desk.get(reverse("admin:sources_source_change", args=[source.pk])).content.decode()
    assert "link-health-broken" in page
    assert reverse("admin:sources_link_change", args=[source.link_id]) in page
    filtered = desk.get(reverse("admin:sources_source_changelist"), {"link__status": "ok"})
    assert source.title not in filtered.content.decode()


def test_the_report_lists_claims_whose_evidence_is_broken_or_dead(
    db, desk, make_claim, django_assert_max_num_queries
):
    broken = make_claim("published", rating="true")
    fine = make_claim("published", rating="true")
    for claim, status in ((broken, Link.Status.DEAD), (fine, Link.Status.OK)):
        source = claim.published_review.evidence.get().source
        source.url = f"https://news.example.org/claim-{claim.pk}"
        source.save()
        Link.objects.filter(pk=source.link_id).update(status=status)
    url = reverse("admin:sources_link_broken_evidence")
    with django_assert_max_num_queries(12):
        page = desk.get(url).content.decode()
    assert broken.short_text in page
    assert fine.short_text not in page
    assert "link-health-dead" in page
    assert broken.short_text not in desk.get(url, {"status": "broken"}).content.decode()
    listing = desk.get(reverse("admin:sources_link_changelist")).content.decode()
    assert "1 claim with broken evidence" in listing
