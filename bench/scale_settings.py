"""Production settings plus one bare template view (/bench/bare/), the benchmark's baseline."""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.scale_urls"
