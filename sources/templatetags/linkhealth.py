"""`{% load linkhealth %}{% link_badge source.link %}`: a link's health, and its archived copy
when the page is failing, for the public site and the admin."""

from django import template

from sources.models import Link

register = template.Library()

# Colours meet WCAG AA contrast on their background.
STYLES: dict[str, tuple[str, str]] = {
    Link.Status.UNCHECKED: ("#4a4a4a", "#ececec"),
    Link.Status.OK: ("#1b5e20", "#dcefdc"),
    Link.Status.REDIRECTED: ("#0d47a1", "#e1ecf8"),
    Link.Status.CHANGED: ("#6d4c00", "#fff1c7"),
    Link.Status.SOFT_404: ("#8a1c12", "#f8dedb"),
    Link.Status.BROKEN: ("#8a1c12", "#f8dedb"),
    Link.Status.UNREACHABLE: ("#7a3d00", "#fde6d2"),
    Link.Status.BLOCKED: ("#4a4a4a", "#ececec"),
    Link.Status.DEAD: ("#ffffff", "#8a1c12"),
}


@register.inclusion_tag("sources/link_badge.html")
def link_badge(link: Link | None, show_archive: bool = True) -> dict:
    """Nothing for a source without a link; otherwise the status badge (its reason and last
    check as a tooltip) and, when the link fails and an archived copy is known, a link to it."""
    if link is None:
        return {"link": None}
    color, background = STYLES.get(link.status, STYLES[Link.Status.UNCHECKED])
    return {
        "link": link,
        "style": f"color:{color};background:{background}",
        "show_archive": show_archive
        and bool(link.archive_url)
        and (link.is_failing or link.status == Link.Status.CHANGED),
    }
