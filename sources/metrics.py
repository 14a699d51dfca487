"""Link health's metrics (tracker.metrics): link checks by the status they found. Their rate is
the checks per second: `rate(claimtrack_link_checks_total[5m])`."""

from collections import Counter

from sources.models import Link
from tracker.metrics import SharedCounter

LINK_CHECKS = SharedCounter(
    "claimtrack_link_checks",
    "Link checks recorded, by the status each link was found in.",
    ("status",),
    lambda: [(status,) for status in Link.Status.values],
)


def count_checks(statuses: Counter) -> None:
    for status, n in statuses.items():
        LINK_CHECKS.inc(n, status=status)
