"""The desk dashboard's figures: how long verdicts take, what waits where, who moves what, and
the health of the evidence. One function, desk_figures(), read by the admin page, its CSV and
the API alike.

Every figure is read through an index (see the Meta of Claim, Appearance and ClaimTransition):
time to verdict from the first verdicts published in the date range, queue ages from
`Claim.status_since` (set by claims.services.claim_transition), throughput from the range's
transitions. Nothing scans the archive, so the page costs the same at a thousand claims and at
a million (bench/desk.md).
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, FloatField, Func
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import Appearance, Claim, ClaimTransition, Review, Topic
from claims.recheck import due_for_recheck, with_dead_evidence
from claims.workflow import AppearanceState, Status
from sources.models import Link

# The oldest claims each queue lists.
OLDEST = 5
# The range the dashboard shows when none is asked for.
DEFAULT_DAYS = 90
# The longest range one request may ask for: the time-to-verdict figures read one row per
# verdict in the range.
MAX_DAYS = 366 * 2


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, in the site's time zone."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def default(cls, today: datetime.date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls(today - datetime.timedelta(days=DEFAULT_DAYS - 1), today)

    @property
    def since(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def until(self) -> datetime.datetime:
        next_day = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))

    @property
    def weeks(self) -> list[datetime.date]:
        """The Mondays of the weeks the period touches."""
        monday = self.start - datetime.timedelta(days=self.start.weekday())
        weeks = []
        while monday <= self.end:
            weeks.append(monday)
            monday += datetime.timedelta(days=7)
        return weeks


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile (0 to 1) of sorted `values`, interpolated between the two nearest ranks
    (PostgreSQL's percentile_cont); None when there are none."""
    if not values:
        return None
    rank = (len(values) - 1) * q
    low = math.floor(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


@dataclass(frozen=True)
class TimeToVerdict:
    """Hours from filing a claim to publishing its first verdict, over a group of claims."""

    label: str
    count: int
    median_hours: float | None
    p90_hours: float | None

    @classmethod
    def of(cls, label: str, hours: list[float]) -> "TimeToVerdict":
        ordered = sorted(hours)
        median, p90 = percentile(ordered, 0.5), percentile(ordered, 0.9)
        return cls(
            label=label,
            count=len(ordered),
            median_hours=None if median is None else round(median, 1),
            p90_hours=None if p90 is None else round(p90, 1),
        )


@dataclass(frozen=True)
class QueueItem:
    claim_id: int
    text: str
    since: datetime.datetime
    age_days: float
    url: str


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    count: int
    oldest: list[QueueItem]

    @property
    def oldest_age_days(self) -> float | None:
        return self.oldest[0].age_days if self.oldest else None


@dataclass(frozen=True)
class Throughput:
    """One person's moves in the period: reviews submitted, verdicts published, per week."""

    person: str
    submitted: int
    published: int
    weekly: dict[datetime.date, tuple[int, int]]
    per_week: float
    open_assigned: int


@dataclass(frozen=True)
class DeskFigures:
    period: Period
    generated_at: datetime.datetime
    time_to_verdict: TimeToVerdict
    by_topic: list[TimeToVerdict]
    by_fact_checker: list[TimeToVerdict]
    queues: list[Queue]
    throughput: list[Throughput]
    dead_evidence: Queue
    link_health: list[tuple[str, str, int]] = field(default_factory=list)


class HoursBetween(Func):
    """Hours from one timestamp to a later one, as a number, on either database."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        template = "EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = "(julianday(%(expressions)s)) * 24.0"
        return self.as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra
        )

    def __init__(self, earlier: str, later: str):
        super().__init__(later, earlier)


def _time_to_verdict(period: Period) -> tuple[TimeToVerdict, list, list]:
    # A claim's first verdict is the review published when the claim was first published: one
    # row per verdict and topic (its topics read from the claim-topic index), the database
    # subtracting the times so that each row is a few numbers to read.
    rows = (
        Review.objects.filter(
            published_at__gte=period.since,
            published_at__lt=period.until,
            published_at=F("claim__first_published_at"),
        )
        .annotate(hours=HoursBetween("claim__created_at", "published_at"))
        .values_list("claim_id", "author__username", "hours", "claim__topics")
        .order_by()
    )
    hours_of: dict[int, float] = {}
    by_author: dict[str, list[float]] = defaultdict(list)
    by_topic_id: dict[int, list[float]] = defaultdict(list)
    for claim_id, author, hours, topic_id in rows:
        if claim_id not in hours_of:
            hours_of[claim_id] = hours
            by_author[author].append(hours)
        if topic_id is not None:
            by_topic_id[topic_id].append(hours)
    topics = Topic.objects.in_bulk(list(by_topic_id))
    by_topic = [TimeToVerdict.of(topics[pk].label, hours) for pk, hours in by_topic_id.items()]
    by_checker = [TimeToVerdict.of(name, hours) for name, hours in by_author.items()]
    return (
        TimeToVerdict.of(str(_("All claims")), list(hours_of.values())),
        sorted(by_topic, key=lambda row: (-row.count, row.label)),
        sorted(by_checker, key=lambda row: (-row.count, row.label)),
    )


def _item(claim: Claim, since: datetime.datetime, now: datetime.datetime, anchor="") -> QueueItem:
    return QueueItem(
        claim_id=claim.pk,
        text=claim.short_text,
        since=since,
        age_days=round((now - since).total_seconds() / 86400, 1),
        url=reverse("admin:claims_claim_change", args=[claim.pk]) + anchor,
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


CLAIM_COLUMNS = ("id", "status", "text", "language", "translation", "status_since")


def _claim_queue(key: str, label: str, status: str, now: datetime.datetime) -> Queue:
    claims = Claim.objects.filter(status=status)
    oldest = claims.order_by("status_since", "pk").only(*CLAIM_COLUMNS)[:OLDEST]
    return Queue(
        key=key,
        label=label,
        count=claims.count(),
        oldest=[_item(claim, claim.status_since, now) for claim in oldest],
    )


def _repeats_queue(now: datetime.datetime) -> Queue:
    waiting = Appearance.objects.filter(state=AppearanceState.AWAITING_CONFIRMATION)
    oldest = (
        waiting.exclude(recorded_at=None)
        .order_by("recorded_at", "pk")
        .select_related("claim")
        .only("recorded_at", *(f"claim__{c}" for c in CLAIM_COLUMNS))[:OLDEST]
    )
    return Queue(
        key="repeats",
        label=str(_("Repeats awaiting confirmation")),
        count=waiting.count(),
        oldest=[_item(a.claim, a.recorded_at or now, now, "#repeats") for a in oldest],
    )


def _recheck_queue(now: datetime.datetime) -> Queue:
    today = timezone.localdate(now)
    published = Claim.objects.filter(status=Status.PUBLISHED).only(*CLAIM_COLUMNS)
    dated = published.filter(published_review__recheck_after__lte=today).annotate(
        due=F("published_review__recheck_after")
    )
    dead = published.filter(evidence_dead_since__isnull=False).annotate(
        due=F("evidence_dead_since")
    )
    due_since: dict[int, tuple[datetime.date, Claim]] = {}
    for claims in (dated, dead):
        for claim in claims.order_by("due", "pk")[:OLDEST]:
            if claim.pk not in due_since or claim.due < due_since[claim.pk][0]:
                due_since[claim.pk] = (claim.due, claim)
    oldest = sorted(due_since.values(), key=lambda pair: (pair[0], pair[1].pk))[:OLDEST]
    return Queue(
        key="recheck",
        label=str(_("Due for re-check")),
        count=due_for_recheck(today).count(),
        oldest=[_item(claim, _day_start(due), now) for due, claim in oldest],
    )


def _dead_evidence(now: datetime.datetime) -> Queue:
    # Few (dead links are), so listed: the oldest are then read by primary key.
    ids = list(with_dead_evidence().values_list("pk", flat=True))
    # Dead since the daily sweep flagged it (claims.recheck); not flagged yet: since now.
    oldest = (
        Claim.objects.filter(pk__in=ids)
        .order_by(F("evidence_dead_since").asc(nulls_last=True), "pk")
        .only("evidence_dead_since", *CLAIM_COLUMNS)[:OLDEST]
    )
    return Queue(
        key="dead_evidence",
        label=str(_("Verdicts citing dead evidence")),
        count=len(ids),
        oldest=[
            _item(claim, _day_start(d) if (d := claim.evidence_dead_since) else now, now)
            for claim in oldest
        ],
    )


def _throughput(period: Period) -> list[Throughput]:
    moves = (
        ClaimTransition.objects.filter(
            at__gte=period.since, at__lt=period.until, name__in=["submit", "publish"]
        )
        .annotate(week=TruncWeek("at"))
        .values_list("by__username", "week", "name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    weekly: dict[str, dict[datetime.date, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for person, week, name, n in moves:
        monday = timezone.localtime(week).date() if isinstance(week, datetime.datetime) else week
        weekly[person][monday][0 if name == "submit" else 1] += n
    open_claims = (
        Claim.objects.filter(
            status__in=[Status.NEW, Status.RESEARCHING, Status.IN_REVIEW], assignee__isnull=False
        )
        .values_list("assignee__username")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assigned = dict(open_claims)
    weeks = len(period.weeks)
    rows = []
    for person in sorted(set(weekly) | set(assigned)):
        counts = weekly.get(person, {})
        submitted = sum(s for s, _p in counts.values())
        published = sum(p for _s, p in counts.values())
        rows.append(
            Throughput(
                person=person,
                submitted=submitted,
                published=published,
                weekly={week: (s, p) for week, (s, p) in sorted(counts.items())},
                per_week=round((submitted + published) / weeks, 1),
                open_assigned=assigned.get(person, 0),
            )
        )
    return sorted(rows, key=lambda row: (-(row.submitted + row.published), row.person))


def _link_health() -> list[tuple[str, str, int]]:
    counts = dict(Link.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return [(s.value, str(s.label), counts.get(s.value, 0)) for s in Link.Status]


def desk_figures(period: Period, *, now: datetime.datetime | None = None) -> DeskFigures:
    now = now or timezone.now()
    overall, by_topic, by_checker = _time_to_verdict(period)
    queues = [
        _claim_queue("new", str(_("New")), Status.NEW, now),
        _claim_queue("researching", str(_("Researching")), Status.RESEARCHING, now),
        _claim_queue("in_review", str(_("In review")), Status.IN_REVIEW, now),
        _repeats_queue(now),
        _recheck_queue(now),
    ]
    return DeskFigures(
        period=period,
        generated_at=now,
        time_to_verdict=overall,
        by_topic=by_topic,
        by_fact_checker=by_checker,
        queues=queues,
        throughput=_throughput(period),
        dead_evidence=_dead_evidence(now),
        link_health=_link_health(),
    )


def as_data(figures: DeskFigures) -> dict:
    """The figures as plain JSON-ready data (the API's answer; the CSV walks it too)."""

    def ttv(row: TimeToVerdict) -> dict:
        return {
            "label": row.label,
            "count": row.count,
            "median_hours": row.median_hours,
            "p90_hours": row.p90_hours,
        }

    def queue(q: Queue) -> dict:
        return {
            "key": q.key,
            "label": q.label,
            "count": q.count,
            "oldest_age_days": q.oldest_age_days,
            "oldest": [
                {
                    "claim": item.claim_id,
                    "text": item.text,
                    "since": item.since.isoformat(),
                    "age_days": item.age_days,
                }
                for item in q.oldest
            ],
        }

    return {
        "start": figures.period.start.isoformat(),
        "end": figures.period.end.isoformat(),
        "generated_at": figures.generated_at.isoformat(),
        "time_to_verdict": ttv(figures.time_to_verdict),
        "time_to_verdict_by_topic": [ttv(row) for row in figures.by_topic],
        "time_to_verdict_by_fact_checker": [ttv(row) for row in figures.by_fact_checker],
        "queues": [queue(q) for q in figures.queues],
        "throughput": [
            {
                "person": row.person,
                "submitted": row.submitted,
                "published": row.published,
                "per_week": row.per_week,
                "open_assigned": row.open_assigned,
                "weeks": [
                    {"week": week.isoformat(), "submitted": s, "published": p}
                    for week, (s, p) in row.weekly.items()
                ],
            }
            for row in figures.throughput
        ],
        "dead_evidence": queue(figures.dead_evidence),
        "link_health": [
            {"status": status, "label": label, "count": n}
            for status, label, n in figures.link_health
        ],
    }


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """`value` as a spreadsheet shows it and never runs: a text that would start a formula
    is prefixed with an apostrophe (OWASP's advice for CSV files)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(figures: DeskFigures) -> Iterable[list]:
    """The figures as rows of a CSV file: section, group, measure, value (names and labels
    made spreadsheet-safe by the caller with spreadsheet_safe())."""
    yield ["section", "group", "measure", "value"]
    yield ["period", "", "start", figures.period.start.isoformat()]
    yield ["period", "", "end", figures.period.end.isoformat()]
    for section, rows in (
        ("time_to_verdict", [figures.time_to_verdict]),
        ("time_to_verdict_by_topic", figures.by_topic),
        ("time_to_verdict_by_fact_checker", figures.by_fact_checker),
    ):
        for row in rows:
            yield [section, row.label, "verdicts", row.count]
            yield [section, row.label, "median_hours", row.median_hours]
            yield [section, row.label, "p90_hours", row.p90_hours]
    for q in [*figures.queues, figures.dead_evidence]:
        yield ["queue", q.key, "count", q.count]
        yield ["queue", q.key, "oldest_age_days", q.oldest_age_days]
        for item in q.oldest:
            yield ["queue_oldest", q.key, f"claim {item.claim_id}", item.age_days]
    for person in figures.throughput:
        yield ["throughput", person.person, "submitted", person.submitted]
        yield ["throughput", person.person, "published", person.published]
        yield ["throughput", person.person, "per_week", person.per_week]
        yield ["throughput", person.person, "open_assigned", person.open_assigned]
        for week, (s, p) in person.weekly.items():
            yield ["throughput_week", person.person, f"submitted {week.isoformat()}", s]
            yield ["throughput_week", person.person, f"published {week.isoformat()}", p]
    for status, _label, n in figures.link_health:
        yield ["link_health", status, "links", n]
