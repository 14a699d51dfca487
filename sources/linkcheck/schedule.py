"""When to check a link next: healthy links weekly, failing ones backing off, all jittered so
links registered together do not come due together forever."""

import datetime
import random
from typing import Protocol

from sources.linkcheck.classify import BLOCKED, DEAD, HEALTHY

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
FAILING_BACKOFF = [HOUR, 6 * HOUR, DAY, 3 * DAY]
INCONCLUSIVE_WAIT = DAY
JITTER = 0.1


class Jitter(Protocol):
    """Where the jitter comes from: a random.Random, or the random module itself."""

    def uniform(self, a: float, b: float) -> float: ...


def next_check(
    status: str,
    failure_count: int,
    now: datetime.datetime,
    *,
    retry_after: float | None = None,
    recheck: datetime.timedelta = 7 * DAY,
    rng: Jitter | None = None,
) -> datetime.datetime:
    """The time of the next check for a link that now has `status` after `failure_count`
    failing checks in a row; never sooner than the server's Retry-After."""
    rng = rng or random
    if status in HEALTHY or status in (DEAD, BLOCKED):
        # Dead and blocked links are looked at again weekly: sites come back, settings change.
        wait = recheck
    elif failure_count:
        wait = FAILING_BACKOFF[min(failure_count, len(FAILING_BACKOFF)) - 1]
    else:
        wait = INCONCLUSIVE_WAIT
    wait *= rng.uniform(1 - JITTER, 1 + JITTER)
    if retry_after:
        wait = max(wait, datetime.timedelta(seconds=retry_after))
    return now + wait
