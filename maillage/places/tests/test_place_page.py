import json
import re

import pytest
from django.urls import reverse

from maillage.places.tests.factories import EquipmentFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def furnished_place(place, membership):
    place.description = "Un **tiers-lieu** à Douai."
    place.phone = "03 27 00 00 00"
    place.opening_hours = {"mo": "09:00-12:30,14:00-18:00", "sa": "10:00-13:00"}
    place.save()
    SpaceFactory(place=place, name="Grande salle", price_member_cents=1250, price_public_cents=3000)
    EquipmentFactory(place=place, name="Découpeuse laser", deposit_cents=15000)
    return place


def jsonld_of(response):
    match = re.search(
        r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "no JSON-LD block with a nonce"
    return json.loads(match.group(1))


def test_the_page_describes_the_place_for_search_engines(client, furnished_place):
    data = jsonld_of(client.get(furnished_place.get_absolute_url()))

    assert data["@type"] == "Place"
    assert data["name"] == "La Bobine"
    assert data["url"] == "http://testserver/lieux/la-bobine/"
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "FR",
        "streetAddress": "1 rue de la Mairie",
        "postalCode": "59500",
        "addressLocality": "Douai",
        "addressRegion": "Hauts-de-France",
    }
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 50.3714, "longitude": 3.08}
    assert data["telephone"] == "03 27 00 00 00"
    assert {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "14:00",
        "closes": "18:00",
    } in data["openingHoursSpecification"]
    assert len(data["openingHoursSpecification"]) == 3
    names = [feature["name"] for feature in data["amenityFeature"]]
    assert "Grande salle (Salle de réunion)" in names
    assert any(name.startswith("Découpeuse laser") for name in names)


def test_json_ld_cannot_close_its_script_element(client, place):
    place.description = "</script><script>alert(1)</script>"
    place.save()

    html = client.get(place.get_absolute_url()).content.decode()

    assert "</script><script>alert(1)" not in html
    assert jsonld_of(client.get(place.get_absolute_url()))["description"] == place.description


def test_the_page_shows_spaces_prices_equipment_networks_and_hours(client, furnished_place):
    html = client.get(furnished_place.get_absolute_url()).content.decode()

    assert "<h1>La Bobine</h1>" in html
    assert "<strong>tiers-lieu</strong>" in html
    assert "12,50\u00a0€" in html and "30\u00a0€" in html
    assert "150\u00a0€" in html
    assert "Découpeuse laser" in html
    assert 'href="/reseaux/reseau-a/"' in html
    assert "09:00–12:30, 14:00–18:00" in html
    assert 'id="place-map"' in html


def test_edit_links_are_shown_to_managers_only(client, alice, bob, place):
    edit_url = reverse("places:place-edit", args=[place.slug])

    client.force_login(bob)
    assert edit_url not in client.get(place.get_absolute_url()).content.decode()
    client.force_login(alice)
    assert edit_url in client.get(place.get_absolute_url()).content.decode()


def test_an_unpublished_place_is_hidden_from_the_public_but_not_from_its_managers(
    client, alice, place
):
    place.is_published = False
    place.save()

    assert client.get(place.get_absolute_url()).status_code == 404
    client.force_login(alice)
    assert client.get(place.get_absolute_url()).status_code == 200


def test_the_place_page_runs_a_bounded_number_of_queries(
    client, furnished_place, django_assert_max_num_queries
):
    for n in range(5):
        SpaceFactory(place=furnished_place, name=f"Bureau {n}")
        EquipmentFactory(place=furnished_place, name=f"Outil {n}")

    with django_assert_max_num_queries(10):
        client.get(furnished_place.get_absolute_url())
