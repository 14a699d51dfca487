"""Importing ClaimReview as ExternalReview rows: chunk by chunk, keyed by the review URL, so a
re-import changes nothing and a feed of any length runs in bounded memory. A malformed item is
reported with its reason and skipped; the valid ones are kept."""

import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from claims.models import RatingLevel
from exchange import parsing, services
from exchange.models import ExternalReview, RatingWord, folded_rating, leading_phrase
from exchange.tasks import link_external_reviews
from sources.linkcheck.fetch import Target, fetch_all
from sources.services import fetch_config, politeness_factory
from tracker import outbox

CHUNK = 500
MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024
FIELDS = [f.name for f in dataclasses.fields(parsing.ParsedReview)] + ["our_rating"]
# What readers see of a confirmed link beside our claim: a change to any of these needs an
# Editor's confirmation again (the URL is the review's identity: another URL is another review).
READERS_SEE = [
    "publisher",
    "publisher_url",
    "claim_reviewed",
    "rating_name",
    "rating_value",
    "best_rating",
    "worst_rating",
    "our_rating",
    "published_on",
]


class ImportRefused(Exception):
    """The whole input could not be read (a URL that fails, a refused address)."""


@dataclass
class ImportReport:
    """What an import did with each item it read. It adds up: read = created + updated +
    unchanged + repeated + skipped."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    repeated: int = 0  # the same review URL again in the same document: read once
    relinked: int = 0  # confirmed links put back to "needs confirmation" by a change
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def adds_up(self) -> bool:
        return self.read == self.imported + self.repeated + len(self.skipped)

    def summary(self) -> str:
        text = _(
            "%(read)d read: %(created)d created, %(updated)d updated, %(unchanged)d "
            "unchanged, %(repeated)d repeated in the file, %(skipped)d skipped"
        ) % {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "repeated": self.repeated,
            "skipped": len(self.skipped),
        }
        if self.relinked:
            text += _("; %(count)d confirmed link(s) need confirming again") % {
                "count": self.relinked
            }
        return text


class Crosswalk:
    """Our rating for an external verdict: by its words through the rating crosswalk (the
    whole name, else the phrase before its explanation), or by our own labels. Only a rating
    given without words is placed by its position, and only when its worst and best make the
    direction plain. Words that are not in the crosswalk get no rating of ours: they are kept
    and shown as published, not mapped (publishers place the same verdict at different
    positions: AFP's "Misleading" is 2 of 5 in Spanish and 3 of 5 in English)."""

    def __init__(self) -> None:
        levels = list(RatingLevel.objects.all())
        self.by_words: dict[str, RatingLevel] = {}
        for level in levels:
            for name in (level.label_en, level.label_vi, level.slug.replace("-", " ")):
                self.by_words[folded_rating(name)] = level
        for word in RatingWord.objects.select_related("rating"):
            self.by_words[word.folded] = word.rating
        self.by_value = {level.value: level for level in levels if level.value is not None}

    def rating_for(self, parsed: parsing.ParsedReview) -> RatingLevel | None:
        if parsed.rating_name:
            for words in (parsed.rating_name, leading_phrase(parsed.rating_name)):
                named = self.by_words.get(folded_rating(words))
                if named is not None:
                    return named
            return None
        if parsed.rating_position is None or not self.by_value:
            return None
        worst, best = min(self.by_value), max(self.by_value)
        return self.by_value.get(worst + round(parsed.rating_position * (best - worst)))


def import_claimreview(
    stream: IO[bytes],
    *,
    by=None,
    url: str = "",
    progress: Callable[[int], object] | None = None,
) -> ImportReport:
    """Import every ClaimReview in `stream` (a seekable binary file; `url` where it was
    fetched from, the base for its relative URLs). `progress` is called with the number of
    bytes read so far after each chunk."""
    report = ImportReport()
    scale = Crosswalk()
    ours = _our_hosts()
    seen: set[str] = set()
    batch: dict[str, parsing.ParsedReview] = {}
    for entry in parsing.entries(stream, url=url):
        report.read += 1
        if entry.error:
            report.skipped.append((entry.position, entry.error))
            continue
        try:
            parsed = parsing.parse_claim_review(entry.data, entry.page)
        except parsing.Malformed as exc:
            report.skipped.append((entry.position, str(exc)))
            continue
        if urlsplit(parsed.url).hostname in ours:
            report.skipped.append((entry.position, OUR_OWN))
            continue
        if parsed.url in seen:
            report.repeated += 1  # the first in the file is imported; copies are counted
            continue
        seen.add(parsed.url)
        batch[parsed.url] = parsed
        if len(batch) >= CHUNK:
            _save(list(batch.values()), scale, report, by)
            batch.clear()
            if progress:
                progress(stream.tell())
    if batch:
        _save(list(batch.values()), scale, report, by)
    if progress:
        progress(stream.tell())
    return report


OUR_OWN = "one of our own reviews (its URL is on SITE_URL): not another desk's"


def _our_hosts() -> set[str]:
    """The hosts our own reviews are published on: a feed that carries them back is not
    another desk's verdict."""
    hosts = {urlsplit(settings.SITE_URL).hostname}
    return {host for host in hosts if host}


def _save(batch: list[parsing.ParsedReview], scale: Crosswalk, report: ImportReport, by) -> None:
    with transaction.atomic():
        existing = ExternalReview.objects.in_bulk([p.url for p in batch], field_name="url")
        new, changed, seen_changed = [], [], []
        for parsed in batch:
            values = {**dataclasses.asdict(parsed), "our_rating": scale.rating_for(parsed)}
            row = existing.get(parsed.url)
            if row is None:
                new.append(ExternalReview(**values))
            elif any(getattr(row, name) != value for name, value in values.items()):
                if any(getattr(row, name) != values[name] for name in READERS_SEE):
                    seen_changed.append(row.pk)
                for name, value in values.items():
                    setattr(row, name, value)
                row.updated_at = timezone.now()
                changed.append(row)
            else:
                report.unchanged += 1
        if new:
            bulk_create_with_history(new, ExternalReview, default_user=by, batch_size=CHUNK)
        if changed:
            bulk_update_with_history(
                changed, ExternalReview, FIELDS + ["updated_at"], default_user=by
            )
        report.created += len(new)
        report.updated += len(changed)
        if seen_changed:
            report.relinked += services.review_links_unconfirm(review_ids=seen_changed, by=by)
        ids = list(
            ExternalReview.objects.filter(url__in=[r.url for r in new + changed]).values_list(
                "pk", flat=True
            )
        )
        if ids:
            outbox.enqueue(link_external_reviews.name, ids)


def download(url: str) -> IO[bytes]:
    """The document at `url`, fetched by the link checker's client behind its SSRF guard."""
    config = dataclasses.replace(
        fetch_config(), keep_body=True, probe_soft_404=False, max_bytes=MAX_DOWNLOAD_BYTES
    )
    [result] = fetch_all([Target(url)], config, politeness_factory())
    if result.error:
        raise ImportRefused(f"{url} could not be fetched: {result.error}")
    if result.status_code != 200:
        raise ImportRefused(f"{url} answered HTTP {result.status_code}")
    if result.truncated:
        raise ImportRefused(f"{url} is larger than {MAX_DOWNLOAD_BYTES // 2**20} MB")
    return io.BytesIO(result.body)
