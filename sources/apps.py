from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = _("Sources and links")

    def ready(self) -> None:
        from tracker.text import guard_text_fields

        guard_text_fields([self.get_model("Outlet"), self.get_model("Source")])
        from sources import metrics, signals  # noqa: F401  (the receiver; the link-check counter)
