"""The SSRF guard: outbound requests reach only public addresses, whatever the URL says.

Three layers, each enough on its own:
- `check_url()` refuses a URL before any request: scheme, credentials, IP literals in every
  spelling (decimal, hex, octal, short IPv4 forms, IPv6 and IPv4-in-IPv6).
- `GuardedResolver` resolves a host name once and refuses it if any address is not public, so
  aiohttp connects only to the addresses that were checked (no DNS rebinding between the check
  and the connection).
- `GuardedConnector` checks every address aiohttp is about to connect to, including IP literals,
  which aiohttp hands straight to the socket without asking the resolver.

No Django here: the allowed private networks are a parameter (settings parse them once).
"""

import functools
import ipaddress
import socket
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import unquote

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from sources.linkcheck.special_purpose import special_purpose_name

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_SCHEMES = {"http", "https"}

# IPv6 ranges that carry an IPv4 address inside (or tunnel to one): a request there can reach
# a private IPv4 host through a translator, so they are refused outright.
EMBEDDED_IPV4_RANGES = [
    ipaddress.ip_network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated)
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64 well-known prefix
    ipaddress.ip_network("64:ff9b:1::/48"),  # NAT64 local-use prefix
    ipaddress.ip_network("2002::/16"),  # 6to4
    ipaddress.ip_network("2001::/32"),  # Teredo
]
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT


class Refused(Exception):
    """The guard refused a destination; `reason` says why, in words an editor understands."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _allowed(ip: IPAddress, allowed_networks: Iterable[Network]) -> bool:
    return any(ip.version == net.version and ip in net for net in allowed_networks)


def _why_not_public(ip: IPAddress) -> str | None:
    """The kind of non-public address `ip` is, or None when it is a public unicast address."""
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.version == 6 and any(ip in net for net in EMBEDDED_IPV4_RANGES):
        return "an IPv6 address carrying an IPv4 address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata lives there)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.version == 4 and ip in SHARED_ADDRESS_SPACE:
        return "a carrier-grade NAT address"
    if ip.is_private:
        return "a private-network address"
    registered = special_purpose_name(ip)
    if registered is not None:
        return f"a special-purpose address ({registered})"
    if ip.is_reserved or not ip.is_global:
        return "a non-public address"
    return None


def check_ip(ip: str | IPAddress, allowed_networks: Iterable[Network] = ()) -> None:
    """Raise Refused unless `ip` is a public address or inside one of `allowed_networks`."""
    if isinstance(ip, str):
        try:
            ip = ipaddress.ip_address(ip.split("%", 1)[0])
        except ValueError:
            raise Refused(f"{ip!r} is not an IP address") from None
    if _allowed(ip, allowed_networks):
        return
    why = _why_not_public(ip)
    if why is not None:
        raise Refused(f"{ip} is {why}; the link checker only visits public addresses")


def _parse_ipv4_number(part: str) -> int | None:
    """One part of an IPv4 address as browsers and inet_aton read it: 0x hex, 0 octal, decimal."""
    if not part:
        return None
    try:
        if part[:2].lower() == "0x":
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part[0] == "0":
            return int(part[1:], 8)
        if part.isdigit():
            return int(part, 10)
    except ValueError:
        return None
    return None


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in any spelling inet_aton accepts (127.1, 0x7f.1, 2130706433, 0177.0.0.1),
    or None when `host` does not end in a number (so it is a host name)."""
    parts = host.split(".")
    if not parts or _parse_ipv4_number(parts[-1]) is None:
        return None
    numbers = [n for n in map(_parse_ipv4_number, parts) if n is not None]
    if len(parts) > 4 or len(numbers) < len(parts):
        raise Refused(f"{host!r} looks like an IP address but is not a valid one")
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(parts)):
        raise Refused(f"{host!r} looks like an IP address but is not a valid one")
    value = last
    for index, n in enumerate(head):
        value += n << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


@functools.lru_cache(maxsize=4096)  # every hop asks; a run sees the same hosts again and again
def host_ip(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, in whatever spelling, or None for a host name."""
    host = unicodedata.normalize("NFKC", unquote(host)).strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            raise Refused(f"{host!r} is not a valid IPv6 address") from None
    if host.endswith("."):
        host = host[:-1]
    return _legacy_ipv4(host)


def check_url(url: str | URL, allowed_networks: Iterable[Network] = ()) -> URL:
    """Raise Refused unless `url` is an http(s) URL without credentials whose host, if it is an
    IP address, is public or allowed; return it parsed. Host names are checked after DNS by
    GuardedResolver.

    IPv4 addresses written any way other than the dotted-decimal form (127.1, 0x7f000001,
    0177.0.0.1) are refused even inside allowed networks: no genuine citation spells an
    address like that, and the operating system and aiohttp disagree on how to read them.
    """
    allowed_networks = tuple(allowed_networks)
    try:
        parsed = URL(url)
    except (ValueError, TypeError) as exc:
        raise Refused(f"not a valid URL: {exc}") from None
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise Refused(f"only http and https links are checked, not {parsed.scheme or 'none'!r}")
    if parsed.raw_user or parsed.raw_password is not None or "@" in (parsed.raw_authority or ""):
        raise Refused("URLs with a user name or password are not checked")
    raw_host = parsed.raw_host or ""
    if not raw_host:
        raise Refused("the URL has no host")
    ip = host_ip(raw_host)
    if ip is None:
        if "%" in raw_host:
            raise Refused(f"{raw_host!r} is not a valid host name")
        return parsed
    if ip.version == 4:
        canonical = raw_host.rstrip(".")
        if canonical != str(ip):
            raise Refused(f"{raw_host!r} is an unusual spelling of the IP address {ip}")
    check_ip(ip, allowed_networks)
    return parsed


class GuardedResolver(AbstractResolver):
    """Resolve each host once and refuse it when any of its addresses is not public.

    Refusing on any private address (rather than dropping it) defeats round-robin records that
    mix a public address with an internal one.
    """

    def __init__(
        self,
        allowed_networks: Iterable[Network] = (),
        resolver: AbstractResolver | None = None,
    ):
        self.allowed_networks = tuple(allowed_networks)
        self._resolver = resolver

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        ip = host_ip(host)
        if ip is not None:
            check_ip(ip, self.allowed_networks)
            return [
                {
                    "hostname": host,
                    "host": str(ip),
                    "port": port,
                    "family": socket.AF_INET6 if ip.version == 6 else socket.AF_INET,
                    "proto": 0,
                    "flags": 0,
                }
            ]
        if self._resolver is None:
            self._resolver = aiohttp.ThreadedResolver()
        results = await self._resolver.resolve(host, port, family)
        if not results:
            raise OSError(f"{host} has no address")
        for result in results:
            try:
                check_ip(result["host"], self.allowed_networks)
            except Refused as refused:
                raise Refused(f"{host} resolves to {refused.reason}") from None
        return results

    async def close(self) -> None:
        if self._resolver is not None:
            await self._resolver.close()


class GuardedConnector(aiohttp.TCPConnector):
    """A TCPConnector that checks every address before connecting, IP literals included."""

    def __init__(self, allowed_networks: Iterable[Network] = (), **kwargs: Any):
        self.allowed_networks = tuple(allowed_networks)
        kwargs.setdefault("resolver", GuardedResolver(self.allowed_networks))
        super().__init__(**kwargs)

    async def _resolve_host(
        self, host: str, port: int, traces: Sequence[Any] | None = None
    ) -> list[ResolveResult]:
        # aiohttp short-circuits IP literals here without calling the resolver; this private
        # hook is the one place every destination passes through (tests pin the behaviour).
        hosts = await super()._resolve_host(host, port, traces=traces)
        for result in hosts:
            check_ip(result["host"], self.allowed_networks)
        return hosts


def guarded_connector(
    allowed_networks: Iterable[Network] = (), **tcp_kwargs: Any
) -> aiohttp.TCPConnector:
    """A connector for aiohttp.ClientSession that reaches only public (or allowed) addresses.

    Use it with `trust_env=False` (the default) so no proxy setting routes around the guard,
    and check each redirect hop with `check_url()` before following it.
    """
    return GuardedConnector(allowed_networks, **tcp_kwargs)
