"""Error pages: styled (the site's layout, phone viewport), in French, with their status codes,
saying what to do — and the login throttle answers the same way, with the time to wait."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory, override_settings
from django.views import defaults

from maillage.accounts.tests.factories import UserFactory
from maillage.views import too_many_requests

pytestmark = pytest.mark.django_db

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def test_an_unknown_page_answers_a_styled_french_404(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert VIEWPORT in html
    assert "Page introuvable" in html
    assert "Rechercher un lieu" in html


def test_a_place_manager_on_import_is_told_why_and_whom_to_ask(client, alice):
    client.force_login(alice)
    response = client.get("/import/")
    assert response.status_code == 403
    html = response.content.decode()
    assert VIEWPORT in html
    assert "Accès refusé" in html
    assert "réservé aux personnes qui coordonnent un réseau" in html
    assert "demandez à la coordination de votre réseau" in html
    assert "alice@example.org" in html  # which account is signed in


def test_a_bare_403_still_says_whom_to_ask():
    request = RequestFactory().get("/quelque-part/")
    request.user = AnonymousUser()
    response = defaults.permission_denied(request, Exception())
    html = response.content.decode()
    assert response.status_code == 403
    assert "personnes qui coordonnent votre réseau" in html
    assert "Connectez-vous" in html


def test_a_csrf_failure_is_explained_in_french():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/comptes/login/", {"login": "x@example.org", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulaire expiré" in html
    assert "Rien n'a été enregistré" in html


def test_the_500_page_needs_no_context_and_speaks_french():
    request = RequestFactory().get("/")
    response = defaults.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="fr">' in html
    assert VIEWPORT in html
    assert "Une erreur est survenue" in html
    assert "/static/css/maillage.css" in html


@override_settings(ROOT_URLCONF="maillage.tests.urls_failing")
def test_a_crashing_view_answers_the_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/panne/")
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()


@override_settings(ACCOUNT_RATE_LIMITS={"login": "2/m/ip", "login_failed": False})
def test_the_login_throttle_answers_a_french_429_with_the_time_to_wait(client):
    UserFactory(email="zoe@example.org")
    for _ in range(2):
        client.post("/comptes/login/", {"login": "zoe@example.org", "password": "faux"})
    response = client.post("/comptes/login/", {"login": "zoe@example.org", "password": "faux"})
    assert response.status_code == 429
    html = response.content.decode()
    assert VIEWPORT in html
    assert "Trop de tentatives" in html
    assert "Réessayez dans" in html
    assert "secondes" in html or "1 minute" in html
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too Many Requests" not in html


def test_the_429_page_without_a_known_wait_still_says_when_to_retry():
    request = RequestFactory().get("/ailleurs/")
    request.user = AnonymousUser()
    response = too_many_requests(request)
    assert response.status_code == 429
    assert "Réessayez dans quelques minutes" in response.content.decode()
    assert not response.has_header("Retry-After")
