from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Claims and fact-checks")

    def ready(self) -> None:
        from tracker.text import guard_text_fields

        guard_text_fields(self.get_models())
        # Connect the receivers that keep updated_at, search text and cached pages up to date.
        from claims import dependents, stats  # noqa: F401
