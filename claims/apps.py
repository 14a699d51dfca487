from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Claims and fact-checks")

    def ready(self) -> None:
        # Connect the receivers that keep search text and cached public pages up to date.
        from claims import pagecache, search, stats  # noqa: F401
