"""Bulk writes of check results: one executemany per batch, history trimmed."""

import datetime
import random
from collections.abc import Callable

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from sources.events import link_health_changed
from sources.linkcheck import classify as rules
from sources.linkcheck.fetch import FetchResult
from sources.linkcheck.schedule import next_check
from sources.models import Link, LinkCheck
from sources.services.config import classify_rules


def record_results(links: dict[int, Link], results: list[FetchResult]) -> list[Link]:
    """Write a group of results: one check row each, the links' new state, history trimmed."""
    if not results:
        return []
    history = settings.LINKCHECK_HISTORY
    recheck = datetime.timedelta(days=settings.LINKCHECK_RECHECK_DAYS)
    check_rules = classify_rules()
    checks: list[LinkCheck] = []
    changed: list[Link] = []
    moved: list[int] = []
    for result in results:
        link = links[result.key]
        known = rules.Known(
            status=link.status,
            failure_count=link.failure_count,
            failing_since=link.failing_since,
            baseline=link.baseline_fingerprint or [],
        )
        verdict = rules.classify(result, known, check_rules)
        checked_at = result.checked_at
        if verdict.status != link.status:
            moved.append(link.pk)
        link.status = verdict.status
        link.status_reason = verdict.reason[:500]
        link.last_checked_at = checked_at
        link.last_status_code = result.status_code
        link.final_url = result.final_url[:2000]
        link.check_count += 1
        link.failure_count = verdict.failure_count
        link.failing_since = verdict.failing_since
        if result.content_hash:
            link.last_content_hash = result.content_hash
        if verdict.status in rules.HEALTHY:
            link.last_good_at = checked_at
        if verdict.new_baseline:
            link.baseline_fingerprint = result.fingerprint
            link.baseline_hash = result.content_hash
            link.baseline_at = checked_at
        link.next_check_at = next_check(
            verdict.status,
            verdict.failure_count,
            checked_at,
            retry_after=result.retry_after,
            recheck=recheck,
            rng=random,
        )
        link.lease_token = ""
        link.leased_until = None
        changed.append(link)
        checks.append(
            LinkCheck(
                link=link,
                checked_at=checked_at,
                status=verdict.status,
                reason=verdict.reason[:500],
                http_status=result.status_code,
                final_url=result.final_url[:2000],
                redirect_chain=[{"url": hop.url, "status": hop.status} for hop in result.hops],
                latency_ms=result.latency_ms,
                content_hash=result.content_hash,
                content_length=result.content_length,
                ip=result.ip or None,
                error_kind=result.error_kind,
                error=result.error[:500],
            )
        )
    with transaction.atomic():
        _insert_checks(checks)
        _write_links(changed, RECORDED_FIELDS)
        over = [link.pk for link in changed if link.check_count > history]
        if over:
            ranked = LinkCheck.objects.filter(link_id__in=over).annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("link_id"),
                    order_by=[F("checked_at").desc(), F("id").desc()],
                )
            )
            old = [pk for pk, rank in ranked.values_list("pk", "rank") if rank > history]
            if old:
                LinkCheck.objects.filter(pk__in=old).delete()
    if moved:
        link_health_changed.send(sender=Link, link_ids=moved)
    return changed


def _adapter(field: models.Field) -> Callable[[object], object]:
    """A value converter for `field` straight from the backend's adapters: Django's generic
    get_db_prep_save chain costs more than the rest of recording a check."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, field.encoder)
    if isinstance(field, models.GenericIPAddressField):
        return lambda value: ops.adapt_ipaddressfield_value(value) if value else None
    return lambda value: value


def _write_links(links: list[Link], field_names: list[str]) -> None:
    """One parametrised UPDATE run for every link (executemany): bulk_update's CASE WHEN per
    field costs seconds per thousand links, this costs milliseconds."""
    fields = [Link._meta.get_field(name) for name in field_names]
    adapters = [(field.attname, _adapter(field)) for field in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(Link._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    rows = [[adapt(getattr(link, name)) for name, adapt in adapters] + [link.pk] for link in links]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _insert_checks(checks: list[LinkCheck]) -> None:
    """The check rows in one executemany (their ids are not needed afterwards)."""
    fields = [f for f in LinkCheck._meta.concrete_fields if not f.primary_key]
    adapters = [(field.attname, _adapter(field)) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(LinkCheck._meta.db_table)} ({columns}) VALUES ({marks})"
    rows = [[adapt(getattr(check, name)) for name, adapt in adapters] for check in checks]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


RECORDED_FIELDS = [
    "status",
    "status_reason",
    "last_checked_at",
    "last_status_code",
    "final_url",
    "check_count",
    "failure_count",
    "failing_since",
    "last_content_hash",
    "last_good_at",
    "baseline_fingerprint",
    "baseline_hash",
    "baseline_at",
    "next_check_at",
    "lease_token",
    "leased_until",
]
