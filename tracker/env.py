"""Typed readers for environment variables: a bad value stops start-up naming the variable."""

import ipaddress
import os
import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def redact(raw: str) -> str:
    """`raw` fit for a log: the password of a URL (or anything after "user:") replaced."""
    return re.sub(r"(^|://)([^:/@\s]*:)[^/\s]*@", r"\1\2***@", raw)


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}")


def envint(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envurl(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    raw = envstr(name, default)
    if not raw:
        return raw
    return _url(name, raw, schemes)


def envurls(name: str, *, schemes: tuple[str, ...]) -> list[str]:
    """Comma-separated URLs, each checked as envurl checks one."""
    return [_url(name, raw, schemes) for raw in envlist(name)]


def _url(name: str, raw: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not (parts.netloc or parts.path):
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with {' or '.join(s + '://' for s in schemes)}, "
            f"not {redact(raw)!r}"
        )
    return raw.rstrip("/") if parts.scheme in ("http", "https") else raw


def envnetworks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for item in envlist(name):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated CIDR networks such as 127.0.0.0/8, "
                f"and {item!r} is not one"
            ) from None
    return networks


RATE_PERIODS = {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}


def envrate(name: str, default: str) -> str:
    """A request rate such as 100/minute (periods: second, minute, hour, day)."""
    raw = envstr(name, default)
    count, _, period = raw.partition("/")
    if not (count.isascii() and count.isdigit() and int(count) > 0 and period in RATE_PERIODS):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 100/minute (second, minute, hour or day), not {raw!r}"
        )
    return raw
