"""A NUL character anywhere in what a client sends is refused clearly before any view runs
(PostgreSQL text cannot hold it, and it would end as a server error deep in a query)."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_an_api_filter_with_a_nul_is_a_french_422_naming_the_parameter(client):
    response = client.get("/api/v1/places", {"near": "Bre\x00st"})

    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [
        {"location": "query", "field": "near", "message": body["errors"][0]["message"]}
    ]
    assert "caractère nul" in body["errors"][0]["message"]


def test_an_api_body_with_a_nul_is_a_422_naming_the_field(client):
    payload = {"place": "la-\u0000bobine", "pass_id": 1, "date": "2027-01-04"}
    response = client.post(
        "/api/v1/mobility/bookings", json.dumps(payload), content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "place"


def test_a_nul_in_a_json_key_is_refused_too(client):
    response = client.post(
        "/api/v1/mobility/bookings",
        '{"\\u0000x": [], "place": "a"}',
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "x"


def test_an_escaped_backslash_before_u0000_is_ordinary_text(client):
    response = client.get("/api/v1/places", {"q": "\\u0000"})

    assert response.status_code == 200


def test_a_search_page_with_a_nul_answers_a_french_400_page(client):
    response = client.get("/recherche/", {"near": "Brest\x00"})

    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()
    assert "<html" in response.content.decode()


def test_a_posted_form_with_a_nul_is_refused_before_the_view(client):
    from django.urls import reverse

    response = client.post(
        reverse("account_login"),
        "login=a%00%40b.fr&password=x",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
