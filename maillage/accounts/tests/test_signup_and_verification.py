"""Sign-up creates an unverified person; the e-mailed link confirms the address; only then login."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from maillage.accounts.models import User
from maillage.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, email="nina@example.org"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": "Nina",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_creates_an_unverified_person_and_sends_a_verification_email(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nina@example.org")
    assert user.display_name == "Nina"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@example.org"]
    assert mail.outbox[0].subject == "[Maillage] Confirmez votre adresse e-mail"
    assert "/comptes/confirm-email/" in link_in(mail.outbox[0])


def test_verification_sent_page_is_in_french(client):
    sign_up(client)
    response = client.get(reverse("account_email_verification_sent"))
    assert "Vérifiez votre adresse" in response.content.decode()


def test_the_link_in_the_email_confirms_the_address(client):
    sign_up(client)
    link = link_in(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirmer" in page.content.decode()
    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nina@example.org").verified


def test_sign_up_without_a_display_name_is_refused_in_french_and_creates_nobody(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "nina@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 200
    assert "Indiquez le nom que verront les autres membres." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.filter(email="nina@example.org").exists()
    assert mail.outbox == []


def test_sign_up_with_an_address_already_used_creates_no_account_and_reveals_nothing(client):
    sign_up(client)
    client.logout()
    mail.outbox.clear()

    response = sign_up(client)

    # Same answer as a fresh sign-up, so nobody can probe which addresses have an account;
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="nina@example.org").count() == 1


def test_login_is_refused_before_verification(client):
    UserFactory(email="nina@example.org", verified=False)

    response = client.post(
        reverse("account_login"), {"login": "nina@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:profile")).status_code == 302
    # A fresh verification e-mail is sent so the person is not stuck.
    assert len(mail.outbox) == 1


def test_login_works_after_verification(client):
    sign_up(client)
    client.post(link_in(mail.outbox[0]))
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "nina@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert client.get(reverse("accounts:profile")).status_code == 200
