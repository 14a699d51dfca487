from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from tracker.text import guard_text_fields

        # The endpoint's own fields only: delivery logs keep what remote servers answered.
        guard_text_fields([self.get_model("Endpoint")])
        from webhooks import metrics, receivers  # noqa: F401  (signal receivers; /metrics collector)
