"""The address of the person behind a request, even behind reverse proxies.

Behind a TLS proxy every request comes from the proxy's address: login throttling and the rate
limits would count every visitor as one. A forwarding header (`X-Forwarded-For` by default,
`MAILLAGE_CLIENT_IP_HEADER`) is believed only when the direct peer is one of
`MAILLAGE_TRUSTED_PROXIES` (addresses or networks): then the client is the right-most address of
the header that is not itself a trusted proxy. Anything to its left was written by the client
and could be anything, so it is never used; a request straight from an untrusted peer is counted
by that peer's address, whatever headers it sends.
"""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_ip(request: HttpRequest) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy (module doc)."""
    peer_text = request.META.get("REMOTE_ADDR", "")
    peer = _address(peer_text)
    networks = _networks(tuple(getattr(settings, "MAILLAGE_TRUSTED_PROXIES", ())))
    if peer is None:
        return peer_text or "unknown"
    if not networks or not _trusted(peer, networks):
        return str(peer)
    header = getattr(settings, "MAILLAGE_CLIENT_IP_HEADER", "") or "X-Forwarded-For"
    hops = request.META.get(_meta_key(header), "").split(",")
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # garbage from the client's side: stop at the last good hop
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
