"""API tokens: only a hash is stored, the key is shown once, revoked tokens stop working,
and the /moi/jetons/ pages follow the permission matrix."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from maillage.accounts import api_tokens
from maillage.accounts.models import ApiToken
from maillage.accounts.tests.factories import UserFactory
from maillage.conftest import PERSONAS

pytestmark = pytest.mark.django_db


def test_creating_a_token_stores_only_its_hash_and_a_short_prefix(alice):
    token, key = api_tokens.create_api_token(user=alice, name="  Script   d'import ")

    assert key.startswith("mlg_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert token.name == "Script d'import"
    rows = list(ApiToken.objects.values())
    assert len(rows) == 1
    assert all(key not in str(value) for value in rows[0].values())


def test_two_tokens_never_share_a_key(alice):
    _, first = api_tokens.create_api_token(user=alice, name="a")
    _, second = api_tokens.create_api_token(user=alice, name="b")
    assert first != second


def test_a_valid_key_gives_its_owner_and_records_the_use(alice):
    token, key = api_tokens.create_api_token(user=alice, name="script")

    assert api_tokens.user_for_key(key) == alice
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(alice):
    token, key = api_tokens.create_api_token(user=alice, name="script")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api_tokens.user_for_key(key)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        api_tokens.user_for_key(key)
        token.refresh_from_db()
        assert token.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        api_tokens.user_for_key(key)
        token.refresh_from_db()
        assert token.last_used_at == start + timedelta(minutes=2)


@pytest.mark.parametrize("key", ["", "mlg_", "mlg_wrong", "not-even-ours", "mlg_" + "x" * 500])
def test_unknown_or_malformed_keys_give_nobody(alice, key):
    api_tokens.create_api_token(user=alice, name="script")
    assert api_tokens.user_for_key(key) is None


def test_a_revoked_token_stops_working_for_good(alice):
    token, key = api_tokens.create_api_token(user=alice, name="script")

    api_tokens.revoke_api_token(token=token, by=alice)

    assert token.revoked_at is not None
    assert api_tokens.user_for_key(key) is None
    with pytest.raises(api_tokens.AlreadyRevoked, match="déjà révoqué"):
        api_tokens.revoke_api_token(token=token, by=alice)


def test_a_deactivated_persons_token_stops_working(alice):
    _, key = api_tokens.create_api_token(user=alice, name="script")
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert api_tokens.user_for_key(key) is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_reasonable_name(alice, name):
    with pytest.raises(api_tokens.InvalidTokenName) as caught:
        api_tokens.create_api_token(user=alice, name=name)
    assert caught.value.field == "name"
    assert "nom" in str(caught.value.message)
    assert not ApiToken.objects.exists()


def test_active_tokens_are_limited_per_person(alice, monkeypatch):
    monkeypatch.setattr(api_tokens, "MAX_ACTIVE_TOKENS", 2)
    first, _ = api_tokens.create_api_token(user=alice, name="a")
    api_tokens.create_api_token(user=alice, name="b")

    with pytest.raises(api_tokens.TooManyTokens, match="révoquez"):
        api_tokens.create_api_token(user=alice, name="c")

    api_tokens.revoke_api_token(token=first, by=alice)
    api_tokens.create_api_token(user=alice, name="c")
    assert ApiToken.objects.filter(user=alice, revoked_at__isnull=True).count() == 2


# --- Pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_token_page_permission_matrix(persona_client, persona):
    response = persona_client(persona).get(reverse("accounts:api-tokens"))
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_owner_may_revoke_a_token(persona_client, persona, alice):
    token, key = api_tokens.create_api_token(user=alice, name="script d'Alice")
    url = reverse("accounts:api-token-revoke", args=[token.pk])

    response = persona_client(persona).post(url)

    expected = {"anonymous": 302, "alice": 302}.get(persona, 404)
    assert response.status_code == expected
    token.refresh_from_db()
    if persona == "alice":
        assert response["Location"] == reverse("accounts:api-tokens")
        assert token.revoked_at is not None
    else:
        assert token.revoked_at is None
        assert api_tokens.user_for_key(key) == alice


def test_revoking_needs_a_post(client, alice):
    token, _ = api_tokens.create_api_token(user=alice, name="script")
    client.force_login(alice)
    response = client.get(reverse("accounts:api-token-revoke", args=[token.pk]))
    assert response.status_code == 405


def test_the_page_shows_a_new_key_once_then_only_its_prefix(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:api-tokens"), {"name": "Synchro GoGoCarto"})

    assert response.status_code == 200
    token = ApiToken.objects.get(user=alice)
    html = response.content.decode()
    key = html.split('<code class="api-token-key">')[1].split("</code>")[0]
    assert api_tokens.hash_key(key) == token.key_hash
    assert "il ne sera plus jamais affiché" in html

    again = client.get(reverse("accounts:api-tokens")).content.decode()
    assert key not in again
    assert f"{token.prefix}…" in again
    assert "Synchro GoGoCarto" in again


def test_a_token_without_a_name_is_refused_with_a_french_message(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:api-tokens"), {"name": "  "})

    assert response.status_code == 200
    assert "Donnez un nom à ce jeton" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_ones_own_tokens(client, alice, charlie):
    api_tokens.create_api_token(user=alice, name="jeton d'Alice")
    api_tokens.create_api_token(user=charlie, name="jeton de Charlie")
    client.force_login(alice)

    html = client.get(reverse("accounts:api-tokens")).content.decode()

    assert "jeton d&#x27;Alice" in html
    assert "jeton de Charlie" not in html


def test_the_profile_page_links_to_the_tokens(client, alice):
    client.force_login(alice)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:api-tokens") in html


def test_token_page_queries_are_bounded(client, django_assert_max_num_queries):
    user = UserFactory()
    for n in range(15):
        api_tokens.create_api_token(user=user, name=f"jeton {n}")
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:api-tokens"))
    assert response.content.decode().count("button-danger") == 15


def test_admins_see_tokens_without_their_keys(client, root, alice):
    token, key = api_tokens.create_api_token(user=alice, name="script d'Alice")
    client.force_login(root)

    listing = client.get(reverse("admin:accounts_apitoken_changelist"), {"q": "alice"})
    change = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))

    assert listing.status_code == change.status_code == 200
    assert token.prefix in listing.content.decode()
    assert key not in change.content.decode()
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
