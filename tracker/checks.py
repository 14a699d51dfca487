"""System checks for how Claimtrack is deployed, beyond what Django's own checks cover."""

from django.conf import settings
from django.core import checks


@checks.register()
def broker_configured(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """In production, background work needs a broker: without one, every link check and every
    webhook delivery (retries included) would run inside the web request that caused it."""
    if settings.DEBUG or settings.CELERY_BROKER_URL or settings.CELERY_EAGER_REQUESTED:
        return []
    return [
        checks.Error(
            "CELERY_BROKER_URL is not set, so tasks would run inside web requests.",
            hint="Set CELERY_BROKER_URL (e.g. redis://host:6379/0) and run a celery worker, "
            "or set CELERY_TASK_ALWAYS_EAGER=1 if you really want tasks in-process.",
            id="tracker.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def shared_cache_configured(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """API throttles count requests in the cache: a per-process cache multiplies every limit
    by the number of web processes, and retired public pages stay served by the others."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or "locmem" not in backend.lower():
        return []
    return [
        checks.Warning(
            "The cache is per process, so API rate limits do not hold across web processes.",
            hint="Set CACHE_URL (or REDIS_URL), e.g. redis://host:6379/1.",
            id="tracker.W001",
        )
    ]
