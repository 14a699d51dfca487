"""Link health writes, one module per job: `config` (settings into checker configuration),
`registration` (cited URLs into Links), `checking` (leases and checks), `records` (bulk writes
of results), `archives` (archived copies of failing links).

The network side lives in sources/linkcheck/ (plain Python); these modules turn settings into
its configuration and its results into rows. The names below are what other apps call.
"""

from sources.services.archives import FAILING, archive_due, find_archives, links_find_archives
from sources.services.checking import (
    REPORTED,
    check_links,
    links_check,
    links_claim,
    links_release,
)
from sources.services.config import (
    classify_rules,
    fetch_config,
    politeness_factory,
    politeness_shared,
)
from sources.services.registration import (
    link_accept_content,
    link_forget_if_uncited,
    link_recheck_now,
    link_register,
    source_link_sync,
)

__all__ = [
    "FAILING",
    "REPORTED",
    "archive_due",
    "check_links",
    "find_archives",
    "classify_rules",
    "fetch_config",
    "link_accept_content",
    "link_forget_if_uncited",
    "link_recheck_now",
    "link_register",
    "links_check",
    "links_claim",
    "links_find_archives",
    "links_release",
    "politeness_factory",
    "politeness_shared",
    "source_link_sync",
]
