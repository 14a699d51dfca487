from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Claimtrack"

    def ready(self) -> None:
        from django.contrib import admin

        from tracker import (
            checks,  # noqa: F401  (registers the deployment checks)
            metrics,  # noqa: F401  (metrics, task signals)
            outbox,  # noqa: F401  (its task, and marking messages done)
        )
        from tracker.admin_input import check_every_admin

        # django.contrib.admin, first in INSTALLED_APPS, has filled the registry by now.
        check_every_admin(admin.site)  # other packages' admins parse their input like ours
