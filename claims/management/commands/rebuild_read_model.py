"""manage.py rebuild_read_model [--check]"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from claims import readmodel, visibility


class Command(BaseCommand):
    help = (
        "Rewrite the read model of the published record from the record itself, every row, "
        "with a progress bar; with --check, change nothing and report every difference "
        "(exit status 1 when there is one)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="report differences, change nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, check: bool, no_progress: bool, **options):
        total = visibility.public_claims().count()
        found = 0
        with tqdm(
            total=total,
            unit="claims",
            desc="checking" if check else "rebuilding",
            disable=no_progress,
            file=self.stderr,
        ) as bar:
            for batch in readmodel.all_claim_ids():
                if check:
                    for line in readmodel.differences(batch):
                        found += 1
                        self.stdout.write(line)
                else:
                    # A batch at a time, each in its own transaction: readers keep seeing the
                    # rows of the other claims meanwhile (never an empty list while it runs).
                    with transaction.atomic():
                        readmodel.refresh(batch)
                bar.update(len(batch))
        if check and found:
            raise CommandError(f"The read model differs from the record in {found} ways.")
        self.stdout.write("The read model agrees with the record." if check else "Rebuilt.")
