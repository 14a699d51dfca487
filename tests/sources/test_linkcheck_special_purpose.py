"""The SSRF guard refuses every block of the IANA special-purpose registries (IPv4 and IPv6),
whatever Python's `is_global` says, for cited links and webhook endpoints alike."""

import ipaddress

import pytest

from sources.linkcheck.guard import Refused, check_ip, check_url
from sources.linkcheck.special_purpose import IPV4_SPECIAL_PURPOSE, IPV6_SPECIAL_PURPOSE

# One address inside each registry entry, chosen away from the block's first address where the
# block is wider than one address, so that a shorter or shifted block would miss it.
INSIDE_EACH_ENTRY = {
    "0.0.0.0/8": "0.12.34.56",
    "0.0.0.0/32": "0.0.0.0",
    "10.0.0.0/8": "10.200.3.4",
    "100.64.0.0/10": "100.127.255.254",
    "127.0.0.0/8": "127.1.2.3",
    "169.254.0.0/16": "169.254.169.254",
    "172.16.0.0/12": "172.31.0.1",
    "192.0.0.0/24": "192.0.0.200",
    "192.0.0.0/29": "192.0.0.6",
    "192.0.0.8/32": "192.0.0.8",
    "192.0.0.9/32": "192.0.0.9",
    "192.0.0.10/32": "192.0.0.10",
    "192.0.0.170/32": "192.0.0.170",
    "192.0.0.171/32": "192.0.0.171",
    "192.0.2.0/24": "192.0.2.77",
    "192.31.196.0/24": "192.31.196.1",
    "192.52.193.0/24": "192.52.193.9",
    "192.88.99.0/24": "192.88.99.1",
    "192.168.0.0/16": "192.168.255.1",
    "192.175.48.0/24": "192.175.48.6",
    "198.18.0.0/15": "198.19.255.1",
    "198.51.100.0/24": "198.51.100.23",
    "203.0.113.0/24": "203.0.113.200",
    "240.0.0.0/4": "250.1.2.3",
    "255.255.255.255/32": "255.255.255.255",
    "::1/128": "::1",
    "::/128": "::",
    "::ffff:0:0/96": "::ffff:8.8.8.8",
    "64:ff9b::/96": "64:ff9b::a00:1",
    "64:ff9b:1::/48": "64:ff9b:1:ffff::1",
    "100::/64": "100::beef",
    "100:0:0:1::/64": "100:0:0:1::beef",
    "2001::/23": "2001:1ff::1",
    "2001::/32": "2001:0:4136:e378::1",
    "2001:1::1/128": "2001:1::1",
    "2001:1::2/128": "2001:1::2",
    "2001:1::3/128": "2001:1::3",
    "2001:2::/48": "2001:2:0:ffff::1",
    "2001:3::/32": "2001:3:ffff::1",
    "2001:4:112::/48": "2001:4:112:ffff::1",
    "2001:10::/28": "2001:1f::1",
    "2001:20::/28": "2001:2f::1",
    "2001:30::/28": "2001:3f::1",
    "2001:db8::/32": "2001:db8:ffff::1",
    "2002::/16": "2002:c000:0204::1",
    "2620:4f:8000::/48": "2620:4f:8000:ffff::1",
    "3fff::/20": "3fff:fff::1",
    "5f00::/16": "5f00:1234::1",
    "fc00::/7": "fdff:1234::1",
    "fe80::/10": "febf::1",
    "fec0::/10": "fec0::1",
}


def test_every_registry_entry_has_a_test_address_inside_it():
    listed = [net for net, _ in IPV4_SPECIAL_PURPOSE + IPV6_SPECIAL_PURPOSE]
    assert sorted(listed) == sorted(INSIDE_EACH_ENTRY)
    for net, address in INSIDE_EACH_ENTRY.items():
        assert ipaddress.ip_address(address) in ipaddress.ip_network(net), net


@pytest.mark.parametrize(("block", "address"), sorted(INSIDE_EACH_ENTRY.items()))
def test_each_special_purpose_block_is_refused(block, address):
    with pytest.raises(Refused):
        check_ip(address)
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(Refused):
        check_url(f"http://{host}/page")


def test_site_local_ipv6_is_refused_although_python_counts_it_global():
    assert ipaddress.ip_address("fec0::1").is_global  # why the registry is data in the code
    with pytest.raises(Refused, match="site-local|Site-local"):
        check_ip("fec0::1")


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "192.0.1.1",  # just past 192.0.0.0/24
        "192.0.3.1",  # just past TEST-NET-1
        "198.20.0.1",  # just past the benchmarking /15
        "100.128.0.1",  # just past shared address space
        "2606:4700:4700::1111",
        "2a00:1450:4001::1",
        "2001:200::1",  # just past 2001::/23
    ],
)
def test_public_addresses_stay_reachable(address):
    check_ip(address)


def test_an_allowed_private_network_still_opens_its_block():
    check_ip("fec0::1", [ipaddress.ip_network("fec0::/10")])


@pytest.mark.django_db
def test_a_webhook_endpoint_on_a_site_local_address_is_refused(reporter):
    from tests.api_support import client_for

    response = client_for(reporter).post(
        "/api/v1/webhooks/", {"url": "https://[fec0::5]/hook"}, format="json"
    )
    assert response.status_code == 400
    assert "url" in response.json()["fields"]
