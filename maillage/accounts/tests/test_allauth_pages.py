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
