from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Claimtrack"

    def ready(self) -> None:
        from tracker import (
            checks,  # noqa: F401  (registers the deployment checks)
            outbox,  # noqa: F401  (its task, and marking messages done)
        )
