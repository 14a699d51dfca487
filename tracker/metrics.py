"""/metrics: the service's operational metrics in the Prometheus exposition format
(prometheus_client), for whoever runs it. Closed unless METRICS_TOKEN or
METRICS_ALLOWED_NETWORKS opens it (docs/metrics.md lists every metric).

Three kinds of figures, by where they live:
- this process's own (request latency, by view): prometheus_client metrics, summed across
  gunicorn workers in multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set;
- work done in any process on any host (Celery task outcomes, link checks, webhook retries):
  `SharedCounter`s kept in the shared cache (Redis), so the web process reports what workers
  counted;
- state read when scraped (queue lengths, beat's last runs, deliveries waiting): collectors that
  apps register with `register()`, each a few indexed reads.
"""

import functools
import hmac
import ipaddress
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from celery import current_app
from celery.signals import task_failure, task_retry, task_success
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from tracker.clientip import client_ip

log = logging.getLogger(__name__)

REQUEST_SECONDS = Histogram(
    "claimtrack_http_request_duration_seconds",
    "Time to answer a request, by the view that answered it.",
    ["view", "method", "status"],
)

_collectors: list[Collector] = []


CollectorT = TypeVar("CollectorT", bound=Collector)


def register(collector: CollectorT) -> CollectorT:
    """Add a collector read on every scrape (apps call this from their ready())."""
    _collectors.append(collector)
    return collector


# Shared counters


class SharedCounter:
    """A counter kept in the shared cache: incremented by any process (a Celery worker on
    another host too), reported by the web process. The label values it may take are listed
    up front (`label_values`), so a scrape reads them all in one round trip."""

    PREFIX = "metrics:"

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: tuple[str, ...] = (),
        label_values: Callable[[], Iterable[tuple[str, ...]]] = lambda: [()],
    ):
        self.name, self.documentation = name, documentation
        self.labelnames, self.label_values = labelnames, label_values
        register(self)

    def key(self, values: tuple[str, ...]) -> str:
        return self.PREFIX + self.name + json.dumps(values, separators=(",", ":"))

    def inc(self, amount: int = 1, **labels: str) -> None:
        """Add `amount`; a cache that is down costs the count, never the work being counted."""
        key = self.key(tuple(labels[name] for name in self.labelnames))
        try:
            cache.add(key, 0, timeout=None)
            cache.incr(key, amount)
        except Exception:  # the cache's errors depend on its backend
            log.warning("metrics: could not count %s", self.name, exc_info=True)

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(self.name, self.documentation, labels=self.labelnames)
        values = list(self.label_values())
        counts = cache.get_many([self.key(v) for v in values])
        for value in values:
            family.add_metric(list(value), counts.get(self.key(value), 0))
        yield family


TASK_OUTCOMES = ("succeeded", "failed", "retried")


@functools.cache
def task_names() -> list[str]:
    """The project's Celery tasks: every app's `tasks` module imported once, as a worker does
    at start (Celery's own loader would also run Django's system checks, on every scrape)."""
    autodiscover_modules("tasks")
    return sorted(name for name in current_app.tasks if not name.startswith("celery."))


CELERY_TASKS = SharedCounter(
    "claimtrack_celery_tasks",
    "Celery task runs that ended, by task and outcome (succeeded, failed, retried).",
    ("task", "outcome"),
    lambda: [(task, outcome) for task in task_names() for outcome in TASK_OUTCOMES],
)


class TaskLastSuccess:
    """When each task last succeeded, as seconds since the epoch (kept in the shared cache)."""

    name = "claimtrack_celery_task_last_success_timestamp_seconds"
    key = "metrics:task-last-success:"

    def record(self, task: str) -> None:
        try:
            cache.set(self.key + task, time.time(), timeout=None)
        except Exception:  # as above
            log.warning("metrics: could not record the success of %s", task, exc_info=True)

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            self.name, "When each Celery task last succeeded.", labels=["task"]
        )
        names = task_names()
        seen = cache.get_many([self.key + name for name in names])
        for name in names:
            if self.key + name in seen:
                family.add_metric([name], seen[self.key + name])
        yield family


TASK_LAST_SUCCESS = register(TaskLastSuccess())


def _task_name(sender) -> str:
    return getattr(sender, "name", None) or str(sender)


@task_success.connect
def _count_success(sender=None, **kwargs) -> None:
    CELERY_TASKS.inc(task=_task_name(sender), outcome="succeeded")
    TASK_LAST_SUCCESS.record(_task_name(sender))


@task_failure.connect
def _count_failure(sender=None, **kwargs) -> None:
    CELERY_TASKS.inc(task=_task_name(sender), outcome="failed")


@task_retry.connect
def _count_retry(sender=None, **kwargs) -> None:
    CELERY_TASKS.inc(task=_task_name(sender), outcome="retried")


# State read when scraped


class CeleryQueues:
    """How many messages wait in each Celery queue: the lengths of the broker's Redis lists."""

    def queues(self) -> list[str]:
        return sorted({getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery"), "celery"})

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "claimtrack_celery_broker_up", "1 when the Redis broker answered the scrape, else 0."
        )
        length = GaugeMetricFamily(
            "claimtrack_celery_queue_length",
            "Messages waiting in a Celery queue.",
            labels=["queue"],
        )
        broker = settings.CELERY_BROKER_URL
        if not broker.startswith(("redis://", "rediss://")):
            return  # eager tasks or another broker: nothing to read
        import redis

        try:
            client = redis.Redis.from_url(broker, socket_timeout=0.5, socket_connect_timeout=0.5)
            with client.pipeline(transaction=False) as pipe:
                for queue in self.queues():
                    pipe.llen(queue)
                lengths = pipe.execute()
        except redis.RedisError:
            log.warning("metrics: the broker did not answer", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for queue, n in zip(self.queues(), lengths, strict=True):
            length.add_metric([queue], n)
        yield up
        yield length


class BeatLastRun:
    """When celery beat last sent each periodic task (django-celery-beat's own record)."""

    def collect(self) -> Iterator[Metric]:
        from django_celery_beat.models import PeriodicTask

        family = GaugeMetricFamily(
            "claimtrack_beat_task_last_run_timestamp_seconds",
            "When celery beat last sent each periodic task, as seconds since the epoch.",
            labels=["task"],
        )
        rows = PeriodicTask.objects.exclude(last_run_at=None).values_list("name", "last_run_at")
        for name, last_run_at in rows:
            family.add_metric([name], last_run_at.timestamp())
        yield family


register(CeleryQueues())
register(BeatLastRun())


# The endpoint


class _ThisProcess:
    """The metrics of this process (the default registry), outside multiprocess mode."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # every gunicorn worker's metrics, summed
    else:
        registry.register(_ThisProcess())
    for collector in _collectors:
        registry.register(collector)
    return generate_latest(registry)


def refusal(request: HttpRequest) -> HttpResponse | None:
    """Why `request` may not read the metrics, as the answer to give; None when it may."""
    token, networks = settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS
    if not token and not networks:
        raise Http404("Metrics are off: set METRICS_TOKEN or METRICS_ALLOWED_NETWORKS.")
    if token:
        scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
            return None
    if networks:
        try:
            address = ipaddress.ip_address(client_ip(request))
        except ValueError:
            address = None
        if address is not None and any(address in network for network in networks):
            return None
    if token:
        answer = HttpResponse(_("A bearer token is required.") + "\n", status=401)
        answer["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return answer
    return HttpResponse(_("Not from an allowed network.") + "\n", status=403)


def metrics_view(request: HttpRequest) -> HttpResponse:
    refused = refusal(request)
    if refused is not None:
        refused["Cache-Control"] = "no-store"
        return refused
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


class RequestMetricsMiddleware:
    """Times every request and records it under the name of the view that answered it (the URL
    pattern's name, e.g. `claim-detail`, `api:claim-list`): bounded labels, whatever the URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unresolved"
        REQUEST_SECONDS.labels(
            view=view, method=_method(request.method), status=f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response


KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _method(method: str | None) -> str:
    return method if method in KNOWN_METHODS else "other"
