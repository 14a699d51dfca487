"""Importing ClaimReview as ExternalReview rows: chunk by chunk, keyed by the review URL, so a
re-import changes nothing and a feed of any length runs in bounded memory. A malformed item is
reported with its reason and skipped; the valid ones are kept."""

import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from claims.models import RatingLevel
from claims.search import fold
from exchange import parsing
from exchange.models import ExternalReview
from exchange.tasks import link_external_reviews
from sources.linkcheck.fetch import Target, fetch_all
from sources.services import fetch_config, politeness_factory

CHUNK = 500
MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024
FIELDS = [f.name for f in dataclasses.fields(parsing.ParsedReview)] + ["our_rating"]


class ImportRefused(Exception):
    """The whole input could not be read (a URL that fails, a refused address)."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped"
        )


class OurScale:
    """Our rating for an external verdict: by its name when it is one of ours, else by its
    position between its publisher's worst and best."""

    def __init__(self) -> None:
        levels = list(RatingLevel.objects.all())
        self.by_name = {}
        for level in levels:
            for name in (level.label_en, level.label_vi, level.slug.replace("-", " ")):
                self.by_name[fold(name)] = level
        self.by_value = {level.value: level for level in levels if level.value is not None}

    def rating_for(self, parsed: parsing.ParsedReview) -> RatingLevel | None:
        named = self.by_name.get(fold(parsed.rating_name))
        if named is not None or parsed.rating_position is None or not self.by_value:
            return named
        worst, best = min(self.by_value), max(self.by_value)
        return self.by_value.get(worst + round(parsed.rating_position * (best - worst)))


def import_claimreview(
    stream: IO[bytes], *, by=None, progress: Callable[[int], object] | None = None
) -> ImportReport:
    """Import every ClaimReview in `stream` (a seekable binary file). `progress` is called
    with the number of bytes read so far after each chunk."""
    report = ImportReport()
    scale = OurScale()
    batch: dict[str, parsing.ParsedReview] = {}
    for entry in parsing.entries(stream):
        if entry.error:
            report.skipped.append((entry.position, entry.error))
            continue
        try:
            parsed = parsing.parse_claim_review(entry.data)
        except parsing.Malformed as exc:
            report.skipped.append((entry.position, str(exc)))
            continue
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


def _save(batch: list[parsing.ParsedReview], scale: OurScale, report: ImportReport, by) -> None:
    with transaction.atomic():
        existing = ExternalReview.objects.in_bulk([p.url for p in batch], field_name="url")
        new, changed = [], []
        for parsed in batch:
            values = {**dataclasses.asdict(parsed), "our_rating": scale.rating_for(parsed)}
            row = existing.get(parsed.url)
            if row is None:
                new.append(ExternalReview(**values))
            elif any(getattr(row, name) != value for name, value in values.items()):
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
        ids = list(
            ExternalReview.objects.filter(url__in=[r.url for r in new + changed]).values_list(
                "pk", flat=True
            )
        )
        if ids:
            transaction.on_commit(lambda: link_external_reviews.delay(ids))


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
