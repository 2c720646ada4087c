"""The one way the server reads a URL someone gave it (calendars today, feeds and open data next).

A place manager or a coordinator types a URL and the server fetches it: without care, that URL
can point inside our own network (server-side request forgery), directly or by a redirect, or
by a DNS name that answers a public address when checked and a private one when connected to
(DNS rebinding). So `fetch`:
- accepts http and https only;
- resolves the host once and refuses it if any of its addresses is not public;
- connects to that very address (the Host header and TLS certificate still name the host), so
  the address checked is the address used;
- follows at most a few redirects, each checked the same way;
- bounds time and size.
Every later feature that fetches a URL calls this, never urllib or requests directly.
"""

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.utils.translation import gettext_lazy as _

from maillage.lib.refusals import Refusal

Resolver = Callable[..., list[Any]]
REDIRECTS = {301, 302, 303, 307, 308}


class OutboundRefused(Refusal):
    """The URL cannot be read; `message` says why in French."""


@dataclass
class OutboundResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    url: str = ""


def resolve_public(host: str, *, port: int, allow_private: bool, resolver: Resolver) -> str:
    """The one address to connect to; raise OutboundRefused if the host is unknown or private."""
    try:
        infos = resolver(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise OutboundRefused(
            _("Le serveur « %(host)s » est introuvable.") % {"host": host}
        ) from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise OutboundRefused(_("Le serveur « %(host)s » est introuvable.") % {"host": host})
    if not allow_private and any(not address.is_global for address in addresses):
        raise OutboundRefused(_("Cette adresse n'est pas publique : lecture refusée."))
    return str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, **kwargs: Any) -> None:
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate must name the host we were given, not the address we pinned.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
    max_bytes: int = 2 * 1024 * 1024,
    max_redirects: int = 5,
    allow_private: bool = False,
    resolver: Resolver = socket.getaddrinfo,
) -> OutboundResponse:
    """GET `url` safely (see the module); any status is returned, the caller judges it.

    Raise OutboundRefused for a URL we may not or cannot read (scheme, private address,
    unknown host, too many redirects, timeout, too large, connection error).
    """
    for _hop in range(max_redirects + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OutboundRefused(_("Seules les adresses http:// et https:// sont acceptées."))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolve_public(
            parts.hostname, port=port, allow_private=allow_private, resolver=resolver
        )
        connection_class = (
            _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(parts.hostname, address, port=port, timeout=timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            if response.status in REDIRECTS and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location", ""))
                continue
            body = response.read(max_bytes + 1)
            found = {key.lower(): value for key, value in response.getheaders()}
        except TimeoutError as exc:
            raise OutboundRefused(
                _("Le serveur n'a pas répondu dans les %(seconds)s secondes.")
                % {"seconds": int(timeout)}
            ) from exc
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise OutboundRefused(
                _("Impossible de joindre le serveur (%(reason)s).") % {"reason": exc}
            ) from exc
        finally:
            connection.close()
        if len(body) > max_bytes:
            raise OutboundRefused(
                _("Le document est trop volumineux (plus de %(size)s Mo).")
                % {"size": max_bytes // (1024 * 1024)}
            )
        return OutboundResponse(status=response.status, headers=found, body=body, url=url)
    raise OutboundRefused(_("Trop de redirections : lecture abandonnée."))
