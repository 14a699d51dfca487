from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.data import ACCOUNTS
from demo.loader import demo_password, load_demo


class Command(BaseCommand):
    help = "Load the demo dataset built from the seed article (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-accounts",
            action="store_true",
            help="Give the demo desk accounts known passwords and print them (DEBUG only).",
        )

    def handle(self, *args, with_accounts: bool = False, **options):
        if with_accounts and not settings.DEBUG:
            raise CommandError("--with-accounts is for development only: set DEBUG=1.")
        self.stdout.write("Loading the demo dataset from the seed article…")
        created = load_demo(with_accounts=with_accounts, progress=self.stdout.write)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {created} demo claims."))
        else:
            self.stdout.write("The demo dataset was already loaded; nothing changed.")
        if with_accounts:
            self.stdout.write(f"\nDemo accounts for {settings.SITE_URL}/admin/ (development only):")
            for username, group, _first_name in ACCOUNTS:
                self.stdout.write(
                    f"  {group:<13} user {username:<9} password {demo_password(username)}"
                )
