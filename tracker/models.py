"""What the ground floor keeps in the database: the page cache's generation (claims.pagecache)
and the outbox of work handed on to Celery (tracker.outbox)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageCacheGeneration(models.Model):
    """One row: the token every cached public page's key carries beside the cache's own
    generation. It lives in the database, so a write's retirement of the cached pages survives
    a cache that was unreachable at the time, restarted empty or restored from an old snapshot."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "page cache generation"

    def __str__(self) -> str:
        return self.token


class OutboxMessage(models.Model):
    """A Celery task to run, recorded in the transaction that asked for it (tracker.outbox)."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    # Not to be run before this time (a retry's backoff).
    available_at = models.DateTimeField(_("not before"))
    # When it was last handed to the broker (null: never yet), and how many times.
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    sends = models.PositiveIntegerField(_("times sent"), default=0)
    # When a worker finished it; null until then.
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # The request that asked for it (tracker.requestid), for the task's log lines.
    request_id = models.CharField(_("request id"), max_length=128, blank=True, default="")

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["available_at"],
                name="outbox_unfinished",
                condition=models.Q(done_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class Heartbeat(models.Model):
    """When a background part (beat, each worker) was last seen alive, for /health/."""

    name = models.CharField(max_length=200, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
