from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowsConfig(AppConfig):
    name = "follows"
    verbose_name = _("Follows")

    def ready(self) -> None:
        from follows import receivers  # noqa: F401  (connects the signal receivers)
