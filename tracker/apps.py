from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Claimtrack"

    def ready(self) -> None:
        from tracker import checks, metrics  # noqa: F401  (deployment checks; metrics, task signals)
