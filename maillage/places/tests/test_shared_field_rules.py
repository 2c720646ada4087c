"""Forms and the API share one validation: what the page refuses, the API refuses, with the
same French message beside the same field (lib/validators.py on the model fields)."""

import json

import pytest
from django.urls import reverse

from maillage.accounts.api_tokens import create_api_token
from maillage.places.models import Place

pytestmark = pytest.mark.django_db

BAD = [
    ("phone", "+1+cmd|A0", "Ce numéro de téléphone n'est pas valide"),
    ("phone", "<b>01 23</b>", "Ce numéro de téléphone n'est pas valide"),
    ("name", "La Bobine\r\nX-Injected: oui", "sur une seule ligne"),
    ("address", "12 rue\tde la Mairie", "sur une seule ligne"),
    ("postal_code", "5950", "Un code postal a cinq chiffres."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD)
def test_the_api_refuses_what_the_form_refuses_with_the_same_message(
    client, place, alice, form_data, field, value, message
):
    client.force_login(alice)
    page = client.post(reverse("places:place-create"), form_data(**{field: value}))
    assert message in page.content.decode().replace("&#x27;", "'")

    _, key = create_api_token(user=alice, name="tests")
    response = client.patch(
        f"/api/v1/places/{place.id}",
        data=json.dumps({field: value}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == field and message in error["message"]
    assert getattr(Place.objects.get(pk=place.pk), field) != value


def test_good_values_pass_both(client, place, alice):
    _, key = create_api_token(user=alice, name="tests")
    response = client.patch(
        f"/api/v1/places/{place.id}",
        data=json.dumps({"phone": "+33 (0)3 27 00.00-00", "name": "La Bobine — Douai"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert response.status_code == 200, response.content
    assert Place.objects.get(pk=place.pk).phone == "+33 (0)3 27 00.00-00"
