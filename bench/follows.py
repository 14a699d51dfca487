"""A correction mailed to the followers of one claim, through a real local SMTP server.

    DEBUG=1 .venv/bin/python bench/follows.py [--followers 10000] [--batch 500]

A fresh SQLite database gets one published claim and N confirmed followers (each its own
address); aiosmtpd runs as its own process on 127.0.0.1 and stores what it accepts in a Maildir.
Tasks go to an in-memory broker, as they would go to Redis: the editor's publish of the
correction is measured alone (what the request waits for: recording one notice and queueing one
task), then the tasks are run here in turn, as one worker would run them (planning the batches,
then each batch over one SMTP connection), and the Maildir is counted. Then the same
announcement is sent again, to show that nobody gets a second mail. Results go to stdout
(bench/follows.md keeps the latest).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    # Queued, not run: this script runs the tasks itself.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    for name in ("CACHE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-follows-"))
    setup(work / "bench.sqlite3")

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from claims import services
    from claims.events import claim_announced
    from follows import services as follows
    from follows.models import Follow, Notice, NoticeBatch
    from tests.factories import ClaimFactory, UserFactory, walk_to
    from tests.site_data import add_appearance, reopen
    from tests.smtp_support import SmtpServer

    smtp = SmtpServer(work).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.FOLLOW_BATCH_SIZE = args.batch
    try:
        checker = UserFactory(username="bench-checker", groups=["Fact-checker"])
        editor = UserFactory(username="bench-editor", groups=["Editor"])
        claim = walk_to(ClaimFactory(), "published", checker=checker, editor=editor, rating="true")
        add_appearance(claim)
        now = timezone.now()
        Follow.objects.bulk_create(
            (
                Follow(
                    email=f"reader{n}@example.org",
                    kind=Follow.Kind.CLAIM,
                    target_id=claim.pk,
                    confirmed_at=now,
                )
                for n in range(args.followers)
            ),
            batch_size=2000,
        )
        reopen(claim, editor=editor, checker=checker, summary="Corrected.", rating="false")
        services.claim_transition(claim_id=claim.pk, name="submit", by=checker, note="")

        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            services.claim_transition(claim_id=claim.pk, name="publish", by=editor, note="New data")
            publish = time.perf_counter() - start
        notice = Notice.objects.get(event=Notice.Event.CORRECTION)

        start = time.perf_counter()
        follows.plan_notice(notice.pk)
        plan = time.perf_counter() - start
        batch_times = []
        for batch_id in notice.batches.order_by("pk").values_list("pk", flat=True):
            start = time.perf_counter()
            follows.send_notice_batch(batch_id)
            batch_times.append(time.perf_counter() - start)
        delivered = smtp.count()

        claim_announced.send(sender=None, claim_id=claim.pk, event="claim.corrected")
        follows.plan_notice(notice.pk)
        for batch_id in NoticeBatch.objects.values_list("pk", flat=True):
            follows.send_notice_batch(batch_id)
        again = smtp.count() - delivered

        sending = sum(batch_times)
        print(f"followers: {args.followers}, batch size {args.batch}, batches {len(batch_times)}")
        print(
            f"publish (the editor's request): {publish * 1000:.0f} ms, "
            f"{len(queries.captured_queries)} queries"
        )
        print(f"planning the batches (one task): {plan * 1000:.0f} ms")
        print(
            f"sending (one worker): {sending:.1f} s in all, {delivered / sending:.0f} mails/s; "
            f"per batch median {statistics.median(batch_times) * 1000:.0f} ms, "
            f"max {max(batch_times) * 1000:.0f} ms"
        )
        print(f"delivered to the SMTP server: {delivered}; after announcing again: {again} more")
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
