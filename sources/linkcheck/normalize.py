"""One spelling per URL, so the same document cited twice is one Link."""

import re
import string
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

TRACKING_PARAMS = {"fbclid", "gclid", "mc_cid", "mc_eid", "igshid", "ref_src"}
DEFAULT_PORTS = {"http": 80, "https": 443}
UNRESERVED = set(string.ascii_letters + string.digits + "-._~")
_ESCAPE = re.compile(r"%([0-9a-fA-F]{2})")


def _tidy_escape(match: re.Match) -> str:
    """Decode an escaped unreserved character (%7E is ~); upper-case every other escape, so
    %2f and %2F are one spelling while an escaped slash stays escaped."""
    char = chr(int(match[1], 16))
    return char if char in UNRESERVED else f"%{match[1].upper()}"


def _is_tracking(item: str) -> bool:
    key = unquote_plus(item.split("=", 1)[0]).lower()
    return key.startswith("utm_") or key in TRACKING_PARAMS


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters,
    and give the path a canonical percent-encoding. Raises ValueError for a URL without host."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not scheme or not host:
        raise ValueError(f"not an absolute URL: {url!r}")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = host.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    if parts.username or parts.password:
        userinfo = parts.username or ""
        if parts.password:
            userinfo += f":{parts.password}"
        netloc = f"{userinfo}@{netloc}"
    path = quote(_ESCAPE.sub(_tidy_escape, parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    # The query keeps its own spelling (servers may read %2F and / differently); only
    # tracking parameters are dropped.
    query = "&".join(item for item in parts.query.split("&") if item and not _is_tracking(item))
    return urlunsplit((scheme, netloc, path, query, ""))
