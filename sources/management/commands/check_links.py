"""manage.py check_links [--due | --all] [--host HOST] [--concurrency N]"""

import time
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from sources import services, tasks
from sources.models import Link


class Command(BaseCommand):
    help = (
        "Check links now, from the shell: the due ones (default) or all of them, with a "
        "progress bar and a summary by status. Links a worker is checking are left to it."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--due", action="store_true", help="links due for a check (default)")
        which.add_argument("--all", action="store_true", help="every link, due or not")
        parser.add_argument("--host", default="", help="only links on this host")
        parser.add_argument(
            "--concurrency",
            type=int,
            default=settings.LINKCHECK_CONCURRENCY,
            help="requests in flight at once (default %(default)s)",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=settings.LINKCHECK_BATCH_SIZE,
            help="links leased and written per round (default %(default)s)",
        )
        parser.add_argument(
            "--no-politeness",
            action="store_true",
            help="no per-host limits (for a local test web or a benchmark only)",
        )
        parser.add_argument(
            "--no-archives",
            action="store_true",
            help="do not look up archived copies of failing links",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        if options["concurrency"] < 1 or options["batch"] < 1:
            raise CommandError("--concurrency and --batch must be at least 1")
        due_only = not options["all"]
        host = options["host"].strip().lower()
        scope = Link.objects.all()
        if host:
            scope = scope.filter(host=host)
        if due_only:
            now = timezone.now()
            scope = scope.filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))
        todo = list(scope.order_by("pk").values_list("pk", flat=True))
        if not todo:
            self.stdout.write("No links to check.")
            return

        config = services.fetch_config(concurrency=options["concurrency"])
        politeness = (
            services.politeness_factory(0, 0)
            if options["no_politeness"]
            else services.politeness_factory()
        )
        summary: Counter = Counter()
        started = time.monotonic()
        bar = tqdm(
            total=len(todo),
            unit="link",
            disable=options["no_progress"],
            file=self.stderr._out,
            dynamic_ncols=True,
        )
        skipped = 0
        archive_ids: list[int] = []
        try:
            for start in range(0, len(todo), options["batch"]):
                chunk = todo[start : start + options["batch"]]
                token, leased = services.links_claim(
                    limit=len(chunk), link_ids=chunk, due_only=False
                )
                skipped += len(chunk) - len(leased)
                bar.update(len(chunk) - len(leased))
                if not leased:
                    continue
                summary.update(
                    services.links_check(
                        lease_token=token,
                        config=config,
                        politeness=politeness,
                        on_result=lambda link: bar.update(1),
                        archive_ids=archive_ids,
                    )
                )
        finally:
            bar.close()

        elapsed = time.monotonic() - started
        checked = sum(summary.values())
        self.stdout.write(
            f"Checked {checked} link{'s' if checked != 1 else ''} in {elapsed:.1f} s "
            f"({checked / elapsed if elapsed else 0:.1f} links/s)."
        )
        for status in Link.Status:
            if summary[status.value]:
                self.stdout.write(f"  {status.label:<24} {summary[status.value]}")
        if skipped:
            self.stdout.write(f"  {'Left to a worker':<24} {skipped}")
        if archive_ids and not options["no_archives"]:
            self.find_archives(archive_ids)

    def find_archives(self, link_ids: list[int]) -> None:
        if not tasks.find_archives.app.conf.task_always_eager:
            tasks.find_archives.delay(link_ids)
            self.stdout.write(f"Archive lookups for {len(link_ids)} failing links were queued.")
            return
        self.stdout.write(
            f"Looking up archived copies of {len(link_ids)} failing links "
            f"(one every {settings.ARCHIVE_INTERVAL_MS} ms)…"
        )
        found = services.links_find_archives(link_ids=link_ids)
        self.stdout.write(f"  {found} have an archived copy.")
