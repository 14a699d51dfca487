"""Speakers' records: their published verdicts counted per rating, laid out for SVG charts.

The numbers reach the page twice, as a chart and as a table, so nobody needs the picture.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Sum

from claims.models import Appearance, RatingLevel, Speaker, SpeakerRecord

CHART_BAR_WIDTH = 240
STRIP_WIDTH = 160


@dataclass
class RecordRow:
    """One rating in a speaker's record: the bar of the chart and the row of the table."""

    rating: RatingLevel
    count: int
    percent: int
    width: int
    y: int


ROW_HEIGHT = 28


def speaker_record(speaker: Speaker, scale: list[RatingLevel]) -> tuple[list[RecordRow], int]:
    """One row per rating of the scale (zeros too) for the speaker's published claims, and
    their total: one query of the counts claims.stats keeps."""
    counts = dict(SpeakerRecord.objects.filter(speaker=speaker).values_list("rating_id", "claims"))
    total = sum(counts.values())
    rows = []
    top = max(counts.values(), default=0)
    for i, rating in enumerate(scale):
        count = counts.get(rating.pk, 0)
        rows.append(
            RecordRow(
                rating=rating,
                count=count,
                percent=round(100 * count / total) if total else 0,
                width=round(CHART_BAR_WIDTH * count / top) if top else 0,
                y=i * ROW_HEIGHT,
            )
        )
    return rows, total


@dataclass
class StripSegment:
    """One rating's share of a speaker's record, as a piece of the bar on the speaker list."""

    rating: RatingLevel
    count: int
    x: int
    width: int


def record_strips(speakers: list[Speaker], scale: list[RatingLevel]) -> dict[int, list]:
    """Each speaker's published claims per rating, laid out as a stacked bar (one query)."""
    counts = SpeakerRecord.objects.filter(speaker__in=[s.pk for s in speakers]).values_list(
        "speaker_id", "rating_id", "claims"
    )
    per_speaker: dict[int, dict[int, int]] = {}
    for speaker_id, rating_id, n in counts:
        per_speaker.setdefault(speaker_id, {})[rating_id] = n
    strips = {}
    for speaker_id, by_rating in per_speaker.items():
        total, x, segments = sum(by_rating.values()), 0, []
        for rating in scale:
            count = by_rating.get(rating.pk, 0)
            if count:
                width = round(STRIP_WIDTH * count / total)
                segments.append(StripSegment(rating=rating, count=count, x=x, width=width))
                x += width
        strips[speaker_id] = segments
    return strips


@dataclass
class SaidCount:
    """How often a speaker made their published claims: every public appearance, and those
    after the claim's first verdict (repeated after it was checked)."""

    times: int
    after_check: int


def speaker_said_counts(speaker: Speaker) -> SaidCount:
    """How often the speaker's public claims were said, and how often after their verdict:
    one query of the counts claims.stats keeps beside the record (counting the appearances on
    each page view cost 329 ms for the biggest speaker at 100,000 claims)."""
    counts = SpeakerRecord.objects.filter(speaker=speaker).aggregate(
        times=Sum("said"), after_check=Sum("said_after_check")
    )
    return SaidCount(times=counts["times"] or 0, after_check=counts["after_check"] or 0)


def said_after_check(appearance: Appearance, checked_at: datetime.datetime | None) -> bool:
    """Said after the claim's first verdict was published: a repeat of a checked claim."""
    return bool(checked_at and appearance.date and appearance.date > checked_at.date())


def said_in_order(appearances: Iterable[Appearance]) -> list[Appearance]:
    """A claim's appearances in the order they were said, as far as it is known: those on
    record before the verdict first (by date, the undated after the dated), then the repeats
    confirmed since, by date. A repeat is never taken for the first time a claim was said
    because the original quote has no date."""
    return sorted(
        appearances,
        key=lambda a: (
            a.confirmed_at is not None,
            a.date is None,
            a.date or datetime.date.min,
            a.pk,
        ),
    )


def said_between(
    appearances: list[Appearance],
) -> tuple[datetime.date | None, datetime.date | None]:
    """When a claim was first and last said: known only when every appearance has a date
    (an undated one could be the first or the last); else (None, None)."""
    dates = [a.date for a in appearances]
    if not dates or None in dates:
        return None, None
    return min(dates), max(dates)
