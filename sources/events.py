"""Signals of the link checker. It writes its results with plain SQL for speed, so model signals
do not fire; whoever shows link health (public pages, API, webhooks) listens here instead."""

from django.dispatch import Signal

# Sent with `link_ids` after links' status or archived copy changed.
link_health_changed = Signal()
