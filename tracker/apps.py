from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Claimtrack"

    def ready(self) -> None:
        from tracker import (
            checks,  # noqa: F401  (registers the deployment checks)
            metrics,  # noqa: F401  (metrics, task signals)
            outbox,  # noqa: F401  (its task, and marking messages done)
        )
