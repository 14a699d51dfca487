"""The link checker's configuration, from settings: fetch limits, politeness, classify rules."""

from collections.abc import Callable

from django.conf import settings

from sources.linkcheck import classify as rules
from sources.linkcheck.fetch import FetchConfig
from sources.linkcheck.politeness import LocalPoliteness, Politeness, RedisPoliteness


def fetch_config(*, quick: bool = False, concurrency: int | None = None) -> FetchConfig:
    """The checker's settings. `quick` bounds a check that runs inside a web request (eager
    mode, no broker): a short total timeout and no waiting out Retry-After."""
    total = settings.LINKCHECK_TOTAL_TIMEOUT
    return FetchConfig(
        allowed_networks=tuple(settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS),
        user_agent=settings.LINKCHECK_USER_AGENT,
        connect_timeout=min(settings.LINKCHECK_CONNECT_TIMEOUT, 3 if quick else total),
        read_timeout=min(settings.LINKCHECK_READ_TIMEOUT, 5 if quick else total),
        total_timeout=min(total, 5) if quick else total,
        max_bytes=settings.LINKCHECK_MAX_BYTES,
        concurrency=concurrency or settings.LINKCHECK_CONCURRENCY,
        retry_after_max=0 if quick else settings.LINKCHECK_RETRY_AFTER_MAX,
    )


def redis_url() -> str:
    for url in (settings.CACHE_URL, settings.CELERY_BROKER_URL):
        if url.startswith(("redis://", "rediss://")):
            return url
    return ""


def politeness_factory(
    per_host: int | None = None, interval_ms: int | None = None
) -> Callable[[], Politeness]:
    """Per-host limits shared through Redis when workers run against a broker, kept in the
    process otherwise. Zero for both turns politeness off (benchmarks only)."""
    per_host = settings.LINKCHECK_PER_HOST_CONCURRENCY if per_host is None else per_host
    interval_ms = settings.LINKCHECK_PER_HOST_INTERVAL_MS if interval_ms is None else interval_ms
    if not per_host and not interval_ms:
        return Politeness
    if politeness_shared():
        shared = redis_url()
        return lambda: RedisPoliteness(shared, per_host, interval_ms)
    return lambda: LocalPoliteness(per_host, interval_ms)


def politeness_shared() -> bool:
    """Are per-host limits kept in Redis, where every process and worker sees them?"""
    return bool(settings.CELERY_BROKER_URL and redis_url())


def classify_rules() -> rules.Rules:
    return rules.Rules(change_threshold=settings.LINKCHECK_CHANGE_THRESHOLD / 100)
