"""Forgotten password: the e-mailed link lets the person choose a new one. Change and logout too."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from maillage.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un autre mot de passe solide 43"


def test_password_reset_sends_an_email_with_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="nina@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "nina@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    done = client.get(response["Location"]).content.decode()
    assert "Nous vous avons envoyé un e-mail" in done
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/comptes/password/reset/key/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    # allauth swaps the key in the URL for a session token, then shows the form.
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    assert 'name="password1"' in form_page.content.decode()
    response = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_with_mismatching_passwords_changes_nothing(client):
    user = UserFactory(email="nina@example.org")
    client.post(reverse("account_reset_password"), {"email": "nina@example.org"})
    link = re.search(r"https?://[^/\s]+(/comptes/password/reset/key/\S+)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    action = form_page.redirect_chain[-1][0]

    response = client.post(action, {"password1": NEW_PASSWORD, "password2": "autre chose 99"})

    assert response.status_code == 200
    assert "Vous devez saisir deux fois le même mot de passe." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_the_old_password(client):
    user = UserFactory(email="nina@example.org")
    client.force_login(user)

    refused = client.post(
        reverse("account_change_password"),
        {"oldpassword": "pas le bon", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert refused.status_code == 200
    assert "mot de passe actuel" in refused.content.decode().lower()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    accepted = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert accepted.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_page_uses_our_layout_in_french(client):
    client.force_login(UserFactory())
    html = client.get(reverse("account_change_password")).content.decode()
    assert 'class="site-header"' in html
    assert "Modifier le mot de passe" in html
    assert 'for="id_oldpassword"' in html


def test_logout_asks_for_confirmation_then_logs_out(client):
    client.force_login(UserFactory())

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "de vouloir vous déconnecter" in page.content.decode()
    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_new_password_revokes_the_api_tokens_and_ends_the_other_sessions(client):
    from django.test import Client

    from maillage.accounts.api_tokens import create_api_token, user_for_key

    user = UserFactory(email="nina@example.org")
    _, key = create_api_token(user=user, name="script")
    other_device = Client()
    other_device.force_login(user)
    client.force_login(user)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert user_for_key(key) is None
    assert other_device.get(reverse("accounts:profile")).status_code == 302  # signed out
    assert client.get(reverse("accounts:profile")).status_code == 200  # this device stays in
