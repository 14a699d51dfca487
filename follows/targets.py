"""What can be followed: a public claim, speaker or topic, with its title and pages."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from claims import visibility
from follows.models import Follow


@dataclass(frozen=True)
class Target:
    kind: str
    id: int
    key: str  # in URLs: the claim's id, the speaker's or topic's slug
    title: str
    url: str  # absolute: mails carry it
    feed_url: str


def _claim(lookup: dict) -> Target | None:
    claim = visibility.public_claims().filter(**lookup).first()
    if claim is None:
        return None
    return Target(
        kind=Follow.Kind.CLAIM,
        id=claim.pk,
        key=str(claim.pk),
        title=claim.short_text,
        url=settings.SITE_URL + claim.get_absolute_url(),
        feed_url=settings.SITE_URL + reverse("claim-feed", kwargs={"pk": claim.pk}),
    )


def _speaker(lookup: dict) -> Target | None:
    speaker = visibility.public_speakers().filter(**lookup).first()
    if speaker is None:
        return None
    return Target(
        kind=Follow.Kind.SPEAKER,
        id=speaker.pk,
        key=speaker.slug,
        title=speaker.name,
        url=settings.SITE_URL + reverse("speaker-detail", kwargs={"slug": speaker.slug}),
        feed_url=settings.SITE_URL + reverse("speaker-feed", kwargs={"slug": speaker.slug}),
    )


def _topic(lookup: dict) -> Target | None:
    topic = visibility.public_topics().filter(**lookup).first()
    if topic is None:
        return None
    return Target(
        kind=Follow.Kind.TOPIC,
        id=topic.pk,
        key=topic.slug,
        title=topic.label,
        url=settings.SITE_URL + reverse("claim-list") + f"?topic={topic.slug}",
        feed_url=settings.SITE_URL + reverse("topic-feed", kwargs={"slug": topic.slug}),
    )


FINDERS = {Follow.Kind.CLAIM: _claim, Follow.Kind.SPEAKER: _speaker, Follow.Kind.TOPIC: _topic}


def target_by_key(kind: str, key: str) -> Target | None:
    """The public object a follow page names (`/follow/<kind>/<key>/`), or None."""
    if kind == Follow.Kind.CLAIM:
        return _claim({"pk": int(key)}) if key.isdigit() else None
    finder = FINDERS.get(kind)  # type: ignore[call-overload]
    return finder({"slug": key}) if finder else None


def target_of(follow: Follow) -> Target | None:
    """What `follow` follows, while it is public."""
    return FINDERS[follow.kind]({"pk": follow.target_id})  # type: ignore[index]
