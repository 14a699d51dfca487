"""Bulk writes of check results: one COPY and one UPDATE per batch on PostgreSQL, one
executemany each elsewhere; history trimmed."""

import datetime
import json
import random
from collections.abc import Callable
from typing import Any

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


def record_results(
    links: dict[int, Link], results: list[FetchResult], *, bulk: bool | None = None
) -> list[Link]:
    """Write a group of results: one check row each, the links' new state, history trimmed.

    On PostgreSQL (`bulk`, the default there) the check rows go in with one COPY and the links
    change in one UPDATE; otherwise one parametrised statement runs per row (executemany). Both
    write the same values."""
    if not results:
        return []
    history = settings.LINKCHECK_HISTORY
    recheck = datetime.timedelta(days=settings.LINKCHECK_RECHECK_DAYS)
    check_rules = classify_rules()
    checks: list[tuple] = []
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
        # In CHECK_COLUMNS order.
        checks.append(
            (
                link.pk,
                checked_at,
                verdict.status,
                verdict.reason[:500],
                result.status_code,
                result.final_url[:2000],
                [{"url": hop.url, "status": hop.status} for hop in result.hops],
                result.latency_ms,
                result.content_hash,
                result.content_length,
                result.ip or None,
                result.error_kind,
                result.error[:500],
            )
        )
    if bulk is None:
        bulk = connection.vendor == "postgresql"
    with transaction.atomic():
        if bulk:
            _copy_checks(checks)
            _update_links_at_once(changed)
        else:
            _insert_checks(checks)
            _update_links_row_by_row(changed)
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


CHECK_COLUMNS = [
    "link_id",
    "checked_at",
    "status",
    "reason",
    "http_status",
    "final_url",
    "redirect_chain",
    "latency_ms",
    "content_hash",
    "content_length",
    "ip",
    "error_kind",
    "error",
]

RECORDED = "linkcheck_recorded"  # the temporary table a group of links' new state goes through

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


def _adapter(field: models.Field) -> Callable[[Any], Any]:
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


def _column(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{name} is a column"
    return field


def _quoted(model: type[models.Model], attnames: list[str]) -> list[str]:
    quote = connection.ops.quote_name
    return [quote(_column(model, name.removesuffix("_id")).column) for name in attnames]


def _insert_checks(checks: list[tuple]) -> None:
    """The check rows in one executemany (their ids are not needed afterwards)."""
    adapters = [_adapter(_column(LinkCheck, n.removesuffix("_id"))) for n in CHECK_COLUMNS]
    columns = ", ".join(_quoted(LinkCheck, CHECK_COLUMNS))
    marks = ", ".join(["%s"] * len(CHECK_COLUMNS))
    table = connection.ops.quote_name(LinkCheck._meta.db_table)
    rows = [[adapt(value) for adapt, value in zip(adapters, row, strict=True)] for row in checks]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _copy_checks(checks: list[tuple]) -> None:
    """The check rows in one COPY (PostgreSQL): the server parses them in bulk, with none of
    the per-row statement overhead."""
    chain = CHECK_COLUMNS.index("redirect_chain")
    columns = ", ".join(_quoted(LinkCheck, CHECK_COLUMNS))
    table = connection.ops.quote_name(LinkCheck._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in checks:
            copy.write_row((*row[:chain], json.dumps(row[chain]), *row[chain + 1 :]))


def _update_links_row_by_row(links: list[Link]) -> None:
    """One parametrised UPDATE run for every link (executemany): bulk_update's CASE WHEN per
    field costs seconds per thousand links, this costs milliseconds."""
    fields = [_column(Link, name) for name in RECORDED_FIELDS]
    adapters = [(field.attname, _adapter(field)) for field in fields]
    assignments = ", ".join(f"{column} = %s" for column in _quoted(Link, RECORDED_FIELDS))
    table = connection.ops.quote_name(Link._meta.db_table)
    rows = [[adapt(getattr(link, name)) for name, adapt in adapters] + [link.pk] for link in links]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)


def _update_links_at_once(links: list[Link]) -> None:
    """Every link's new state COPYed into a temporary table, then one UPDATE … FROM it
    (PostgreSQL): COPY formats the values in C, where the arrays of an UPDATE … FROM
    unnest(…) were built and quoted value by value in Python."""
    fields = [_column(Link, name) for name in RECORDED_FIELDS]
    columns = _quoted(Link, RECORDED_FIELDS)
    names = ", ".join(columns)
    table = connection.ops.quote_name(Link._meta.db_table)
    definitions = ", ".join(
        f"{column} {field.db_type(connection)}"
        for column, field in zip(columns, fields, strict=True)
    )
    assignments = ", ".join(f"{column} = new.{column}" for column in columns)
    fingerprint = RECORDED_FIELDS.index("baseline_fingerprint")
    attnames = [field.attname for field in fields]
    with connection.cursor() as cursor:
        # Created once per database session and truncated at each commit, so it never grows
        # (autovacuum does not visit temporary tables); emptied after each use as well, so an
        # outer transaction writing several groups never sees a previous group's rows.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {RECORDED} (id bigint, {definitions}) "
            "ON COMMIT DELETE ROWS"
        )
        with cursor.copy(f"COPY {RECORDED} (id, {names}) FROM STDIN") as copy:
            for link in links:
                row = [getattr(link, name) for name in attnames]
                row[fingerprint] = json.dumps(row[fingerprint])
                copy.write_row((link.pk, *row))
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {RECORDED} AS new WHERE {table}.id = new.id"
        )
        cursor.execute(f"DELETE FROM {RECORDED}")
