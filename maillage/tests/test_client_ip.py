"""Which address is the client's, with and without trusted proxies (lib/client_ip.py)."""

import pytest
from django.test import RequestFactory

from maillage.lib.client_ip import client_ip


def _ip(settings, *, peer: str, forwarded: str | None = None, **headers: str) -> str:
    meta = {"REMOTE_ADDR": peer, **headers}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@pytest.fixture
def behind_proxies(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = ["10.0.0.5", "10.0.1.0/24"]
    settings.MAILLAGE_CLIENT_IP_HEADER = "X-Forwarded-For"
    return settings


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = []

    assert _ip(settings, peer="203.0.113.5", forwarded="198.51.100.1") == "203.0.113.5"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(behind_proxies):
    assert _ip(behind_proxies, peer="203.0.113.5", forwarded="10.0.0.5, 1.2.3.4") == "203.0.113.5"


def test_behind_the_proxy_the_client_is_the_address_it_appended(behind_proxies):
    assert _ip(behind_proxies, peer="10.0.0.5", forwarded="198.51.100.7") == "198.51.100.7"


def test_what_the_client_wrote_left_of_the_proxys_entry_is_not_believed(behind_proxies):
    spoofed = "1.1.1.1, 198.51.100.7"  # "1.1.1.1" came from the client itself

    assert _ip(behind_proxies, peer="10.0.0.5", forwarded=spoofed) == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(behind_proxies):
    chain = "1.1.1.1, 198.51.100.7, 10.0.1.20"  # a second proxy inside the trusted network

    assert _ip(behind_proxies, peer="10.0.0.5", forwarded=chain) == "198.51.100.7"


def test_a_client_claiming_to_be_a_trusted_proxy_gains_nothing(behind_proxies):
    # The client wrote "10.0.1.9" hoping to be skipped; the proxy appended its real address.
    assert _ip(behind_proxies, peer="10.0.0.5", forwarded="10.0.1.9, 198.51.100.7") == (
        "198.51.100.7"
    )


def test_garbage_in_the_header_stops_at_the_last_good_hop(behind_proxies):
    assert _ip(behind_proxies, peer="10.0.0.5", forwarded="nonsense, 198.51.100.7") == (
        "198.51.100.7"
    )
    assert _ip(behind_proxies, peer="10.0.0.5", forwarded="nonsense") == "10.0.0.5"


def test_another_header_may_be_named(behind_proxies):
    behind_proxies.MAILLAGE_CLIENT_IP_HEADER = "X-Real-IP"

    got = _ip(behind_proxies, peer="10.0.0.5", forwarded="1.1.1.1", HTTP_X_REAL_IP="198.51.100.7")

    assert got == "198.51.100.7"


def test_ipv6_proxies_and_clients(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = ["fd00::/8"]

    assert _ip(settings, peer="fd00::1", forwarded="2001:db8::7") == "2001:db8::7"
    assert _ip(settings, peer="2001:db8::9", forwarded="2001:db8::7") == "2001:db8::9"
