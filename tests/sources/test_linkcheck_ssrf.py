"""The SSRF battery: with the default settings (no allowed private networks) the link checker
never connects to a non-public address, whatever the spelling, DNS answer or redirect."""

import asyncio
import ipaddress
import socket
import time

import aiohttp
import pytest

from sources.linkcheck.guard import (
    GuardedResolver,
    Refused,
    check_ip,
    check_url,
    guarded_connector,
)
from tests.linkcheck_web import TestWeb

NO_NETWORKS: tuple = ()
LOCAL = [ipaddress.ip_network("127.0.0.0/8")]


@pytest.fixture(scope="module")
def web():
    server = TestWeb().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def forget_requests(web):
    web.seen.clear()
    yield
    web.seen.clear()


# Every way to write the loopback address the test server listens on.
LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "127.0.0.1.",
    "127.1",
    "127.0.1",
    "2130706433",
    "0x7f000001",
    "0x7F000001",
    "0x7f.0.0.1",
    "0x7f.1",
    "0177.0.0.1",
    "0177.0.0.01",
    "017700000001",
    "0x7f.0x0.0x0.0x1",
    "%31%32%37.0.0.1",
    "１２７.０.０.１",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:7f00:1]",
    "[::127.0.0.1]",
    "[64:ff9b::7f00:1]",
    "[64:ff9b::127.0.0.1]",
    "[2002:7f00:1::1]",
    "0",
    "0.0.0.0",
    "[::]",
]

# One or more addresses in every private, reserved and special-purpose range.
NON_PUBLIC_HOSTS = [
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.0.1",
    "169.254.169.254",
    "2852039166",  # 169.254.169.254 in decimal
    "0xa9fea9fe",  # 169.254.169.254 in hex
    "0251.0376.0251.0376",  # 169.254.169.254 in octal
    "169.254.43518",  # 169.254.169.254, short form
    "100.64.0.1",
    "100.127.255.254",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.0.8",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.1",
    "203.0.113.1",
    "0.1.2.3",
    "[fc00::1]",
    "[fd12:3456:789a::1]",
    "[fe80::1]",
    "[fe80::1%25eth0]",
    "[ff02::1]",
    "[ff05::2]",
    "[2001:db8::1]",
    "[::ffff:169.254.169.254]",
    "[::ffff:a9fe:a9fe]",
    "[::ffff:10.0.0.1]",
    "[::ffff:8.8.8.8]",  # mapped public address: still refused, it goes through a translator
    "[64:ff9b::10.0.0.1]",
    "[64:ff9b::808:808]",
    "[2002:a00:1::1]",
    "[2002:808:808::1]",
    "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",  # Teredo
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS + NON_PUBLIC_HOSTS)
def test_it_refuses_every_spelling_of_a_non_public_address(host):
    with pytest.raises(Refused) as refused:
        check_url(f"http://{host}/", NO_NETWORKS)
    assert refused.value.reason


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.org/file.txt",
        "gopher://example.org:70/",
        "dict://example.org:2628/",
        "javascript:alert(1)",
        "data:text/html,<p>hello</p>",
        "ws://example.org/socket",
        "//example.org/no-scheme",
        "example.org/no-scheme",
    ],
)
def test_it_refuses_schemes_other_than_http_and_https(url):
    with pytest.raises(Refused, match="only http and https"):
        check_url(url, NO_NETWORKS)


@pytest.mark.parametrize(
    "url",
    [
        "http://user:secret@example.org/",
        "https://user@example.org/",
        "http://:secret@example.org/",
        "http://example.org@127.0.0.1/",
    ],
)
def test_it_refuses_credentials_in_the_url(url):
    with pytest.raises(Refused, match="user name or password"):
        check_url(url, NO_NETWORKS)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/",
        "https://www.example.org:8443/path?q=1",
        "http://8.8.8.8/",
        "http://[2606:4700:4700::1111]/",
        "https://xn--bcher-kva.example/",
    ],
)
def test_it_lets_public_urls_through(url):
    check_url(url, NO_NETWORKS)


def test_it_allows_a_private_network_only_when_configured():
    with pytest.raises(Refused):
        check_url("http://127.0.0.1:8080/", NO_NETWORKS)
    check_url("http://127.0.0.1:8080/", LOCAL)
    check_ip("127.0.0.5", LOCAL)
    with pytest.raises(Refused):
        check_ip("10.0.0.1", LOCAL)
    # An allowed IPv4 range does not open its IPv4-mapped IPv6 twin.
    with pytest.raises(Refused):
        check_url("http://[::ffff:127.0.0.1]/", LOCAL)


def test_it_refuses_unusual_spellings_even_inside_an_allowed_network():
    with pytest.raises(Refused, match="unusual spelling"):
        check_url("http://2130706433/", LOCAL)


def test_the_refusal_says_what_kind_of_address_it_was():
    with pytest.raises(Refused, match="link-local"):
        check_ip("169.254.169.254")
    with pytest.raises(Refused, match="loopback"):
        check_ip("::1")
    with pytest.raises(Refused, match="carrier-grade NAT"):
        check_ip("100.64.1.1")


# Connection level: the connector itself never opens a socket to a refused address, even when
# a caller forgets check_url().


async def _get_through_guarded_connector(url: str, networks=NO_NETWORKS) -> int:
    async with (
        aiohttp.ClientSession(
            connector=guarded_connector(networks), timeout=aiohttp.ClientTimeout(total=3)
        ) as session,
        session.get(url, allow_redirects=False) as response,
    ):
        return response.status


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "0x7f.1",
        "0177.0.0.1",
        "127.1",
        "2130706433",
        "[::ffff:127.0.0.1]",
        "[::1]",
        "localhost.",
    ],
)
def test_the_connector_never_reaches_the_local_server(web, host):
    url = f"http://{host}:{web.port}/ok"
    with pytest.raises((Refused, aiohttp.ClientError)):
        asyncio.run(_get_through_guarded_connector(url))
    assert web.seen == []


def test_the_connector_reaches_the_local_server_when_its_network_is_allowed(web):
    assert asyncio.run(_get_through_guarded_connector(web.url("/ok"), LOCAL)) == 200
    assert [s.path for s in web.seen] == ["/ok"]


class FixedDNS(aiohttp.abc.AbstractResolver):
    """A DNS stand-in that answers every name with the given addresses."""

    def __init__(self, *addresses: str):
        self.addresses = addresses

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
            for address in self.addresses
        ]

    async def close(self):
        pass


@pytest.mark.parametrize(
    "answers",
    [
        ("10.0.0.7",),
        ("127.0.0.1",),
        ("169.254.169.254",),
        ("::1",),
        ("::ffff:127.0.0.1",),
        ("93.184.215.14", "127.0.0.1"),  # a public answer cannot launder a private one
    ],
)
def test_it_refuses_a_host_name_that_resolves_to_a_non_public_address(web, answers):
    resolver = GuardedResolver(NO_NETWORKS, resolver=FixedDNS(*answers))
    with pytest.raises(Refused, match="resolves to"):
        asyncio.run(resolver.resolve("news.example.org", web.port))

    async def fetch():
        connector = guarded_connector(NO_NETWORKS, resolver=resolver)
        async with aiohttp.ClientSession(connector=connector) as session:
            await session.get(f"http://news.example.org:{web.port}/ok")

    with pytest.raises(Refused):
        asyncio.run(fetch())
    assert web.seen == []


def test_the_resolver_passes_public_answers_through():
    resolver = GuardedResolver(NO_NETWORKS, resolver=FixedDNS("93.184.215.14"))
    [answer] = asyncio.run(resolver.resolve("news.example.org", 80))
    assert answer["host"] == "93.184.215.14"


# End to end: registered links with the default settings, and redirects that point inside.


@pytest.fixture(scope="module")
def inside():
    """A second server standing for an internal service the checker must never reach."""
    server = TestWeb("127.0.0.2").start()
    yield server
    server.stop()


def _check(url: str, networks):
    from sources.linkcheck.fetch import FetchConfig, Target, fetch_all

    [result] = fetch_all([Target(url)], FetchConfig(allowed_networks=tuple(networks)))
    return result


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2:{port}/ok/secret",
        "http://127.0.0.2.:{port}/ok/secret",
        "http://0x7f000002:{port}/ok/secret",
        "http://2130706434:{port}/ok/secret",
        "http://[::ffff:127.0.0.2]:{port}/ok/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/admin",
        "file:///etc/passwd",
        "http://user:pw@127.0.0.2:{port}/ok/secret",
    ],
)
def test_a_public_looking_url_that_redirects_inside_is_blocked_at_the_hop(web, inside, target):
    """The first server plays the public site (its address alone is allowed); it redirects to
    an internal address, which must be refused before any connection."""
    public_site = [ipaddress.ip_network("127.0.0.1/32")]
    location = target.format(port=inside.port)
    result = _check(web.url(f"/redirect/302?to={location}"), public_site)
    assert result.error_kind == "blocked"
    assert [hop.status for hop in result.hops] == [302]
    assert inside.seen == []


def test_with_default_settings_nothing_local_is_fetched(web):
    for host in ("127.0.0.1", "localhost", "0x7f.1", "[::ffff:127.0.0.1]"):
        result = _check(f"http://{host}:{web.port}/ok", NO_NETWORKS)
        assert result.error_kind == "blocked", host
        assert result.error
    assert web.seen == []


def test_a_source_citing_a_private_address_is_saved_quickly_and_marked_blocked(
    db, settings, web, eager_tasks, django_capture_on_commit_callbacks
):
    from sources.models import Link, Source

    assert settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS == []
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        # Written around the services (whose URL validator refuses it): a row stored before
        # that validator existed, or by a bulk load, must still never be fetched.
        source = Source.objects.create(
            title="Internal report",
            language="en",
            url=f"http://127.0.0.1:{web.port}/ok/internal-report",
        )
    assert time.monotonic() - started < 2
    source.refresh_from_db()
    assert source.link.status == Link.Status.BLOCKED
    assert "loopback" in source.link.status_reason
    assert source.link.checks.get().error_kind == "blocked"
    assert web.seen == []
