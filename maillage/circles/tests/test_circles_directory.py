"""Coordinators create and edit circles; bad input is refused precisely and saves nothing."""

import pytest
from django.urls import reverse

from maillage.circles import services
from maillage.circles.models import Circle, CircleStatus, CircleStatusChange
from maillage.circles.services import CircleData
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lambres(db):
    return CommuneFactory(
        code_insee="59329",
        name="Lambres-lez-Douai",
        postal_codes="|59552|",
        latitude=50.35,
        longitude=3.06,
    )


def form_data(network, **overrides):
    data = {
        "name": "Cercle de l'Ostrevent",
        "slug": "",
        "network": network.pk,
        "status": CircleStatus.PREFIGURATION,
        "status_note": "Premières rencontres à Somain.",
        "summary": "Les lieux de l'Ostrevent.",
        "description": "",
        "commune_codes": "59178, 59552",
        "contact_email": "ostrevent@example.org",
        "contact_phone": "",
        "quorum_minimum": "3",
        "quorum_percent": "20",
        "receipts_required": "on",
        "transparency": "public",
    }
    data.update(overrides)
    return data


def test_a_coordinator_creates_a_circle_with_its_first_status_in_history(
    persona_client, network_a, commune, lambres, place, membership
):
    client = persona_client("dora")

    response = client.post(
        reverse("circles:circle-create"), form_data(network_a, places=[place.pk])
    )

    circle = Circle.objects.get(name="Cercle de l'Ostrevent")
    assert response.status_code == 302
    assert response["Location"] == reverse("circles:circle-detail", kwargs={"slug": circle.slug})
    assert circle.slug == "cercle-de-lostrevent"
    # 59178 is Douai's INSEE code; 59552 is Lambres' postal code.
    assert set(circle.communes.values_list("code_insee", flat=True)) == {"59178", "59329"}
    assert list(circle.places.all()) == [place]
    change = CircleStatusChange.objects.get(circle=circle)
    assert (change.from_status, change.to_status) == ("", CircleStatus.PREFIGURATION)
    assert change.note == "Premières rencontres à Somain."


def test_unknown_commune_codes_are_listed_and_nothing_is_saved(persona_client, network_a, commune):
    client = persona_client("dora")

    response = client.post(
        reverse("circles:circle-create"), form_data(network_a, commune_codes="59178 99999 douai")
    )

    assert response.status_code == 200
    assert "Codes inconnus : 99999, DOUAI. Le périmètre n&#x27;a pas été enregistré." in (
        response.content.decode()
    )
    assert not Circle.objects.exists()


def test_a_place_outside_the_network_is_refused_by_name(dora, network_a, commune):
    outsider = PlaceFactory(name="Le Grand Large", commune=commune)

    with pytest.raises(services.PlaceNotInNetwork, match="Le Grand Large"):
        services.create_circle(
            data=CircleData(network=network_a, name="Cercle X", place_ids=[outsider.pk]), by=dora
        )

    assert not Circle.objects.exists()


def test_a_taken_slug_is_refused(persona_client, circle, network_a):
    client = persona_client("dora")

    response = client.post(reverse("circles:circle-create"), form_data(network_a, slug="douaisis"))

    assert response.status_code == 200
    assert "L&#x27;identifiant d&#x27;adresse « douaisis » est déjà pris." in (
        response.content.decode()
    )
    assert Circle.objects.count() == 1


def test_a_coordinator_cannot_create_a_circle_in_another_network(erin, network_a):
    with pytest.raises(services.NotAllowed):
        services.create_circle(data=CircleData(network=network_a, name="Intrus"), by=erin)

    assert not Circle.objects.exists()


def test_a_new_status_is_recorded_with_its_note(persona_client, circle, network_a, commune):
    client = persona_client("dora")

    response = client.post(
        reverse("circles:circle-edit", kwargs={"slug": "douaisis"}),
        form_data(
            network_a,
            name="Cercle du Douaisis",
            slug="douaisis",
            status=CircleStatus.EMERGING,
            status_note="Le cercle se réunit à nouveau.",
            commune_codes="59178",
        ),
    )

    assert response.status_code == 302
    circle.refresh_from_db()
    assert circle.status == CircleStatus.EMERGING
    change = circle.status_changes.get()
    assert (change.from_status, change.to_status) == (CircleStatus.ACTIVE, CircleStatus.EMERGING)
    assert change.note == "Le cercle se réunit à nouveau."


def test_editing_without_changing_status_adds_no_history(dora, circle, network_a, commune):
    services.update_circle(
        circle=circle,
        data=CircleData(
            network=network_a,
            name="Cercle du Douaisis",
            status=CircleStatus.ACTIVE,
            commune_codes=["59178"],
        ),
        by=dora,
    )

    assert not circle.status_changes.exists()


def test_the_circle_page_shows_the_status_history_and_perimeter(client, circle, dora, network_a):
    services.update_circle(
        circle=circle,
        data=CircleData(
            network=network_a,
            name="Cercle du Douaisis",
            status=CircleStatus.EMERGING,
            status_note="Relance",
            commune_codes=["59178"],
        ),
        by=dora,
    )

    page = client.get(reverse("circles:circle-detail", kwargs={"slug": "douaisis"}))

    html = page.content.decode()
    assert "Relance" in html
    assert "Émergent" in html
    assert 'data-circles-map="circle-map-data"' in html
    assert "Douai" in html
