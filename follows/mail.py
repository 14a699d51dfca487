"""The follow emails, through Django's email framework: the confirmation (double opt-in), the
welcome once confirmed, and the notices. Each mail that follows from a follow carries its
one-click unsubscribe (RFC 8058: List-Unsubscribe and List-Unsubscribe-Post)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from follows.models import Follow
from follows.targets import Target


def confirm_url(follow: Follow) -> str:
    return settings.SITE_URL + reverse("follow-confirm", kwargs={"token": follow.token})


def unsubscribe_url(follow: Follow) -> str:
    return settings.SITE_URL + reverse("follow-unsubscribe", kwargs={"token": follow.token})


def unsubscribe_headers(follow: Follow) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(follow)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


def _message(follow: Follow, template: str, context: dict, *, unsubscribe: bool) -> EmailMessage:
    with translation.override(follow.language):
        context = {
            **context,
            "follow": follow,
            "site_name": settings.PUBLISHER_NAME,
            "unsubscribe_url": unsubscribe_url(follow),
        }
        subject, _blank, body = render_to_string(template, context).strip().partition("\n")
    return EmailMessage(
        subject=subject.strip(),
        body=body.strip() + "\n",
        to=[follow.email],
        headers=unsubscribe_headers(follow) if unsubscribe else {},
    )


def confirmation(follow: Follow, target: Target) -> EmailMessage:
    """Asks the address to confirm; it is not subscribed yet, so there is nothing to leave."""
    context = {"target": target, "confirm_url": confirm_url(follow)}
    return _message(follow, "follows/email/confirm.txt", context, unsubscribe=False)


def welcome(follow: Follow, target: Target) -> EmailMessage:
    return _message(follow, "follows/email/welcome.txt", {"target": target}, unsubscribe=True)


def notice(follow: Follow, news: dict) -> EmailMessage:
    """`news`: what happened, as follows.services.news_of gives it."""
    return _message(follow, "follows/email/notice.txt", news, unsubscribe=True)
