"""Saving a source with a URL registers its link (and enqueues the first check on commit)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from sources import services
from sources.models import Source


@receiver(post_save, sender=Source, dispatch_uid="sources.register_source_link")
def register_source_link(sender, instance: Source, raw: bool = False, **kwargs) -> None:
    if raw:  # loading fixtures: rows arrive as they are
        return
    services.source_link_sync(source=instance)
