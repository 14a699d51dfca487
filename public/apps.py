from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("Public site and API")

    def ready(self):
        from claims import readmodel
        from public.api import payloads

        # Every row of the read model is written with the claim's API payload.
        readmodel.keep_payloads(payloads.make)
