"""The outbound guard reads only public addresses, and connects to the address it checked."""

import http.server
import socket
import threading

import pytest

from maillage.lib import outbound

PUBLIC = "93.184.216.34"


def _info(address: str) -> list:
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 80))]


def test_a_rebinding_name_is_resolved_once_and_the_checked_address_is_the_one_used(monkeypatch):
    answers = iter([_info(PUBLIC), _info("127.0.0.1")])  # public when checked, then local
    calls: list[str] = []
    connected: list[tuple] = []

    def resolver(host, port, **kwargs):
        calls.append(host)
        return next(answers)

    def create_connection(address, timeout=None, *args, **kwargs):
        connected.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "create_connection", create_connection)

    with pytest.raises(outbound.OutboundRefused, match="Impossible de joindre"):
        outbound.fetch("http://agenda.example/flux.ics", resolver=resolver)

    assert calls == ["agenda.example"]  # resolved once: no second answer to rebind with
    assert connected == [(PUBLIC, 80)]  # connected to the address checked


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.0.0.5", "192.168.1.1", "169.254.169.254", "::1", "fd00::1"]
)
def test_a_name_with_any_private_address_is_refused(address):
    def resolver(host, port, **kwargs):
        return [*_info(PUBLIC), (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, 80))]

    with pytest.raises(outbound.OutboundRefused, match="n'est pas publique"):
        outbound.fetch("http://agenda.example/", resolver=resolver)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://x/"])
def test_only_http_and_https(url):
    with pytest.raises(outbound.OutboundRefused, match="http:// et https://"):
        outbound.fetch(url)


class _Redirecting(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_to_a_private_address_is_refused():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    def resolver(host, port_, **kwargs):
        # The first hop is our local test server, presented as public; the second is checked.
        if host == "agenda.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return socket.getaddrinfo(host, port_, **kwargs)

    real = outbound.resolve_public

    def first_hop_allowed(host, *, port, allow_private, resolver):
        return real(host, port=port, allow_private=host == "agenda.example", resolver=resolver)

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(outbound, "resolve_public", first_hop_allowed)
            with pytest.raises(outbound.OutboundRefused, match="n'est pas publique"):
                outbound.fetch(f"http://agenda.example:{port}/flux.ics", resolver=resolver)
    finally:
        server.shutdown()
