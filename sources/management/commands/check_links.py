"""manage.py check_links [--due | --all] [--host HOST] [--concurrency N] [--processes N]"""

import time
from collections import Counter
from typing import TextIO, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from sources import services
from sources.models import Link
from sources.services import parallel


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
            "--processes",
            type=int,
            default=1,
            help="processes checking at once, sharing the lease queue (default %(default)s)",
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
        if options["concurrency"] < 1 or options["batch"] < 1 or options["processes"] < 1:
            raise CommandError("--concurrency, --batch and --processes must be at least 1")
        politeness = (
            services.politeness_factory(0, 0)
            if options["no_politeness"]
            else services.politeness_factory()
        )
        if options["processes"] > 1 and not (
            options["no_politeness"] or services.politeness_shared()
        ):
            raise CommandError(
                "--processes above 1 needs per-host limits shared through Redis (set "
                "CELERY_BROKER_URL and REDIS_URL) or --no-politeness: limits kept in one process "
                "would let each process send its own share to every host"
            )
        run = parallel.run_start(
            batch=options["batch"], host=options["host"], due_only=not options["all"]
        )
        todo = Link.objects.filter(run.scope()).count()
        if not todo:
            self.stdout.write("No links to check.")
            return

        config = services.fetch_config(concurrency=options["concurrency"])
        summary: Counter = Counter()
        archive_ids: list[int] = []
        started = time.monotonic()
        bar = tqdm(
            total=todo,
            unit="link",
            disable=options["no_progress"],
            file=cast(TextIO, self.stderr._out),  # the stream itself (untyped in the stubs)
            dynamic_ncols=True,
        )

        def on_results(statuses: Counter, failing: list[int]) -> None:
            summary.update(statuses)
            archive_ids.extend(failing)
            bar.update(statuses.total())

        try:
            parallel.run_in_processes(
                run,
                processes=options["processes"],
                config=config,
                politeness=politeness,
                on_results=on_results,
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
        if todo > checked:
            self.stdout.write(f"  {'Left to a worker':<24} {todo - checked}")
        if archive_ids and not options["no_archives"]:
            self.find_archives(archive_ids)

    def find_archives(self, link_ids: list[int]) -> None:
        if not services.find_archives.app.conf.task_always_eager:
            services.find_archives.delay(link_ids)
            self.stdout.write(f"Archive lookups for {len(link_ids)} failing links were queued.")
            return
        self.stdout.write(
            f"Looking up archived copies of {len(link_ids)} failing links "
            f"(one every {settings.ARCHIVE_INTERVAL_MS} ms)…"
        )
        found = services.links_find_archives(link_ids=link_ids)
        self.stdout.write(f"  {found} have an archived copy.")
