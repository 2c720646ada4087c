"""One refusal: every area's "no" is a `Refusal`, shown next to its field on a form and answered
by one API handler with the same French sentence."""

import json

import pytest
from django import forms
from django.test import RequestFactory

from maillage.accounts.api_tokens import ApiTokenError
from maillage.api import api
from maillage.circles.services import CircleError
from maillage.directory.freshness.tokens import InvalidToken, TokenError
from maillage.events.registration import NotAllowed, NotCancellable, RegistrationError
from maillage.events.services import EventError
from maillage.lib.api import refusal_response
from maillage.lib.forms import show_refusal
from maillage.lib.refusals import Refusal
from maillage.mobility.booking import DayFull, PastDate
from maillage.networks.services import NetworkError
from maillage.places.services import PlaceError


class NameForm(forms.Form):
    name = forms.CharField(required=False)


@pytest.mark.parametrize(
    "base", [ApiTokenError, CircleError, EventError, NetworkError, PlaceError, RegistrationError]
)
def test_every_area_refuses_with_the_one_base(base):
    refusal = base("Ce nom est déjà pris.", field="name")
    assert isinstance(refusal, Refusal)
    assert (refusal.message, refusal.field, str(refusal)) == (
        "Ce nom est déjà pris.",
        "name",
        "Ce nom est déjà pris.",
    )


def test_a_refusal_without_a_message_keeps_its_class_sentence():
    assert InvalidToken().message == InvalidToken.message
    assert TokenError().message == TokenError.message
    assert str(Refusal()) == str(Refusal.message)


def test_a_form_shows_the_refusal_next_to_its_field():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    show_refusal(form, PlaceError("Ce nom est déjà pris.", field="name"))
    assert form.errors == {"name": ["Ce nom est déjà pris."]}


def test_a_form_shows_a_refusal_about_no_field_of_its_own_above_the_form():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    show_refusal(form, PlaceError("Ce lieu est fermé.", field="latitude"))
    assert form.non_field_errors() == ["Ce lieu est fermé."]


def _answer(refusal):
    return refusal_response(api, RequestFactory().post("/api/v1/"), refusal)


def test_the_api_answers_a_refusal_to_correct_with_422_and_its_field():
    response = _answer(PlaceError("Cette capacité est trop grande.", field="capacity"))
    assert response.status_code == 422
    body = json.loads(response.content)
    assert body["errors"] == [
        {"location": "body", "field": "capacity", "message": "Cette capacité est trop grande."}
    ]
    assert body["detail"].startswith("La requête a été refusée")


def test_the_api_names_the_field_as_its_json_does():
    response = _answer(PastDate("Ce jour est passé."))
    assert json.loads(response.content)["errors"][0]["field"] == "date"


@pytest.mark.parametrize(
    ("refusal", "status"),
    [
        (DayFull("Complet ce jour-là."), 409),
        (NotCancellable("Trop tard pour annuler."), 409),
        (NotAllowed("Cette animation est réservée."), 403),
    ],
)
def test_the_api_answers_a_refusal_of_state_or_right_with_its_status_and_sentence(refusal, status):
    response = _answer(refusal)
    assert response.status_code == status
    assert json.loads(response.content) == {"detail": str(refusal.message)}


@pytest.mark.django_db
def test_the_openapi_documents_409_where_a_write_can_meet_a_refusal_of_state(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "409" in paths["/api/v1/mobility/bookings"]["post"]["responses"]
    assert "409" in paths["/api/v1/events/registrations"]["post"]["responses"]
