"""Saving a source with a URL registers its link (and enqueues the first check on commit);
a link no source cites any more is forgotten."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sources import services
from sources.models import Source


@receiver(post_save, sender=Source, dispatch_uid="sources.register_source_link")
def register_source_link(sender, instance: Source, raw: bool = False, **kwargs) -> None:
    if raw:  # loading fixtures: rows arrive as they are
        return
    services.source_link_sync(source=instance)


@receiver(post_delete, sender=Source, dispatch_uid="sources.forget_uncited_link")
def forget_uncited_link(sender, instance: Source, **kwargs) -> None:
    if instance.link_id is not None:
        services.link_forget_if_uncited(link_id=instance.link_id)
