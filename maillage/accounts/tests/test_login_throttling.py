"""After 5 failed attempts on one address, even the right password is refused for a while."""

import pytest
from django.urls import reverse

from maillage.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

THROTTLED = "Trop de tentatives de connexion échouées"


def attempt(client, password, email="nina@example.org"):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_wrong_password_is_refused_in_french(client):
    UserFactory(email="nina@example.org")

    response = attempt(client, "pas le bon")

    assert response.status_code == 200
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_after_five_failures_the_right_password_is_refused_too(client):
    UserFactory(email="nina@example.org")
    for _ in range(5):
        assert attempt(client, "pas le bon").status_code == 200

    response = attempt(client, PASSWORD)

    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_still_let_the_right_password_in(client):
    UserFactory(email="nina@example.org")
    for _ in range(4):
        attempt(client, "pas le bon")

    response = attempt(client, PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_throttling_one_address_leaves_other_addresses_alone(client):
    UserFactory(email="nina@example.org")
    UserFactory(email="omar@example.org")
    for _ in range(5):
        attempt(client, "pas le bon")

    response = attempt(client, PASSWORD, email="omar@example.org")

    assert response.status_code == 302


def _from(client, visitor: str, email: str, password: str):
    # The proxy (127.0.0.1) appends the address it saw; whatever the client wrote comes first.
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        HTTP_X_FORWARDED_FOR=f"10.9.9.9, {visitor}",
        REMOTE_ADDR="127.0.0.1",
    )


def test_behind_a_trusted_proxy_one_visitor_failing_does_not_block_the_others(client, settings):
    settings.MAILLAGE_TRUSTED_PROXIES = ["127.0.0.1"]
    UserFactory(email="nina@example.org")
    for n in range(21):  # 20 a minute per address: the attacker's address is now blocked
        _from(client, "203.0.113.5", f"inconnu{n}@example.org", "pas le bon")
    blocked = _from(client, "203.0.113.5", "nina@example.org", PASSWORD)
    assert THROTTLED in blocked.content.decode()

    response = _from(client, "198.51.100.7", "nina@example.org", PASSWORD)

    assert response.status_code == 302  # another visitor behind the same proxy logs in


def test_a_forwarding_header_from_an_untrusted_peer_does_not_escape_the_limit(client, settings):
    # The app is reached directly (not through the proxy): each attempt claims another address.
    settings.MAILLAGE_TRUSTED_PROXIES = ["10.0.0.5"]
    UserFactory(email="nina@example.org")
    for n in range(21):
        client.post(
            reverse("account_login"),
            {"login": f"inconnu{n}@example.org", "password": "pas le bon"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            REMOTE_ADDR="203.0.113.5",
        )

    response = client.post(
        reverse("account_login"),
        {"login": "nina@example.org", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.77",
        REMOTE_ADDR="203.0.113.5",
    )

    assert THROTTLED in response.content.decode()  # counted by its real address, now blocked
