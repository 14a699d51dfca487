"""manage.py import_claimreview PATH_OR_URL: ClaimReview JSON-LD (one object, a list, a DataFeed
or an HTML page carrying the markup) into external reviews, with a progress bar."""

import os
import re
from typing import TextIO, cast

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from exchange.importing import ImportRefused, download, import_claimreview

URL = re.compile(r"^https?://", re.IGNORECASE)


class Command(BaseCommand):
    help = (
        "Import ClaimReview from a file or a URL (fetched through the link checker's SSRF "
        "guard) as external reviews. Importing the same item twice changes nothing; malformed "
        "items are listed with their reason and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="PATH_OR_URL")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        source = options["source"]
        try:
            stream = download(source) if URL.match(source) else open(source, "rb")  # noqa: SIM115
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        except OSError as exc:
            raise CommandError(f"{source}: {exc.strerror or exc}") from None
        with stream:
            size = stream.seek(0, os.SEEK_END)
            stream.seek(0)
            with tqdm(
                total=size,
                unit="B",
                unit_scale=True,
                desc="Importing",
                disable=options["no_progress"],
                file=cast(TextIO, self.stderr._out),  # the stream itself (untyped in the stubs)
                dynamic_ncols=True,
            ) as bar:
                report = import_claimreview(
                    stream,
                    url=source if URL.match(source) else "",
                    progress=lambda done: bar.update(done - bar.n),
                )
        for position, reason in report.skipped:
            self.stderr.write(f"Skipped {position}: {reason}")
        self.stdout.write(f"External reviews: {report.summary()}.")
