"""allauth's pages are ours: our layout, one h1, French by default, labelled fields."""

import re

import pytest
from django.urls import reverse

PAGES = ["account_login", "account_signup", "account_reset_password"]


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[ >]", html))


@pytest.mark.parametrize("name", PAGES)
def test_entrance_pages_use_our_layout_with_a_single_h1(client, db, name):
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    assert h1_count(html) == 1
    assert "style=" not in html


def test_login_page_is_in_french_by_default(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert '<html lang="fr">' in html
    assert "Connexion" in html
    assert "Mot de passe" in html


def test_signup_page_is_in_french_by_default_and_asks_a_display_name(client, db):
    html = client.get(reverse("account_signup")).content.decode()
    assert "Création de compte" in html
    assert 'for="id_display_name"' in html
    assert "Nom affiché" in html
    assert 'aria-describedby="id_display_name_helptext"' in html


def test_signup_page_asks_for_english_still_renders(client, db):
    response = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_every_visible_signup_field_has_a_label(client, db):
    html = client.get(reverse("account_signup")).content.decode()
    ids = re.findall(r'<input[^>]*type="(?:email|password|text)"[^>]*id="([^"]+)"', html)
    assert ids
    for field_id in ids:
        assert f'for="{field_id}"' in html


LOGGED_IN_PAGES = [
    "account_change_password",
    "account_email",
    "account_logout",
    "accounts:profile",
    "accounts:profile-edit",
    "accounts:skill-add",
]
ANONYMOUS_PAGES = [
    *PAGES,
    "account_reset_password_done",
    "account_email_verification_sent",
]


def assert_page_follows_house_rules(html: str) -> None:
    assert h1_count(html) == 1
    assert " style=" not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag, tag
    for control_id in re.findall(
        r'<(?:input|textarea|select)\b(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', html
    ):
        assert f'for="{control_id}"' in html, control_id


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_anonymous_account_pages_follow_house_rules(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_page_follows_house_rules(response.content.decode())


@pytest.mark.parametrize("name", LOGGED_IN_PAGES)
def test_logged_in_account_pages_follow_house_rules(client, db, name):
    from maillage.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_page_follows_house_rules(response.content.decode())
