"""Lists that never count or skip the whole archive.

- `CappedPaginator` counts at most `CAP` rows (a bounded subquery), so a list of a million
  claims says "more than 1,000" and numbers pages up to there, at the cost of counting 1,001 ids.
- Past the numbered pages, "Older" follows a keyset cursor (`after`): the next page starts
  strictly after the last row shown, by (verdict date, id), so page 50,000 costs what page 2
  costs. Rows inserted meanwhile never shift it: each row is shown once.
- `estimated_count` answers "how many" exactly up to CAP and from the planner's estimate past
  it on PostgreSQL, where the exact figure does not matter beyond a few digits (the home
  page's total).
"""

import json
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

# Numbered pages reach this far (50 pages of 20): an OFFSET past it costs more than a reader
# paging by hand needs; "Older" then goes on by keyset cursor.
CAP = 1_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at CAP: `capped` says there are more.

    `counted`, when given, is a queryset with one row per listed item that PostgreSQL counts
    faster than the list itself (a source page's claims counted from the source's appearances,
    not by walking every public claim to find them). A list (a search's ids) counts itself."""

    object_list: QuerySet | list

    def __init__(self, *args, counted: QuerySet | None = None, **kwargs):
        super().__init__(*args, **kwargs)  # the admin passes orphans and the rest by position
        self.counted = counted

    @cached_property
    def _bounded_count(self) -> int:
        rows = self.counted if self.counted is not None else self.object_list
        if isinstance(rows, list):
            return len(rows)
        return rows.order_by()[: CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, CAP)

    @property
    def capped(self) -> bool:
        return self._bounded_count > CAP


def estimated_count(queryset: QuerySet) -> int:
    """The exact count up to CAP (counting at most CAP + 1 rows); past it, the planner's row
    estimate on PostgreSQL (one EXPLAIN), or CAP on other databases."""
    bounded = queryset.order_by()[: CAP + 1].count()
    if bounded <= CAP or connection.vendor != "postgresql":
        return bounded
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(int(plan[0]["Plan"]["Plan Rows"]), bounded)


@dataclass(frozen=True)
class Cursor:
    """A position in the verdict-date order: strictly older than (published_at, pk)."""

    published_at: datetime
    pk: int

    def encode(self) -> str:
        return f"{self.published_at.isoformat()}~{self.pk}"

    @classmethod
    def decode(cls, value: str | None) -> "Cursor | None":
        """The cursor, or None for anything malformed (which then shows the first page)."""
        if not value or len(value) > 80:
            return None
        stamp, _, pk = value.partition("~")
        try:
            moment = datetime.fromisoformat(stamp)
            number = int(pk)
        except ValueError:
            return None
        if moment.tzinfo is None or not 0 < number < 2**63:
            return None
        return cls(moment, number)

    def after(self, claims: QuerySet) -> QuerySet:
        """`claims` (in verdict-date order, newest first) strictly past this cursor."""
        at = self.published_at
        # The verdict's date as the read model holds it (claims.readmodel.listed's order).
        return claims.filter(published_entry__published_at__lte=at).filter(
            Q(published_entry__published_at__lt=at) | Q(pk__lt=self.pk)
        )


@dataclass
class KeysetPage:
    """One page after a cursor: the rows, and the cursor of the next page if there is one."""

    object_list: list
    next_cursor: str | None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def keyset_page(claims: QuerySet, cursor: Cursor, size: int) -> KeysetPage:
    """The `size` claims after `cursor` in verdict-date order (one query, O(size))."""
    rows = list(cursor.after(claims)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows else None
    next_cursor = (
        Cursor(last.published_review.published_at, last.pk).encode() if more and last else None
    )
    return KeysetPage(rows, next_cursor)


def next_cursor_of(page) -> str | None:
    """The keyset cursor that continues after the last row of a numbered page."""
    rows = list(page.object_list)
    if not rows:
        return None
    last = rows[-1]
    return Cursor(last.published_review.published_at, last.pk).encode()
