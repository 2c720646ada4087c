"""Pages of the permanences: who sees and does what (the permission matrix), and what a place's
public page and the network agenda say."""

import datetime

import icalendar
import pytest
import time_machine
from django.urls import reverse

from maillage.communication import services
from maillage.communication.models import Permanence, Rota, Swap
from maillage.conftest import PERSONAS

D = datetime.date


@pytest.fixture
def planned(rota, place, other_place, dora):
    services.add_slot(by=dora, rota=rota, place=place, weekday=3, half="am", purpose="Accueil")
    services.add_slot(by=dora, rota=rota, place=other_place, weekday=1, half="pm")
    services.generate_permanences(by=dora, rota=rota)
    return rota


# Who gets the rota's management page (coordinators of its network, admins).
ROTA_PAGE = {
    "anonymous": 302,
    "bob": 403,
    "charlie": 403,
    "alice": 403,
    "erin": 403,
    "dora": 200,
    "root": 200,
}
# Who gets a place's permanences page (its managers, admins).
PLACE_PAGE = {
    "anonymous": 302,
    "bob": 403,
    "charlie": 403,
    "alice": 200,
    "erin": 403,
    "dora": 403,
    "root": 200,
}


@time_machine.travel("2027-02-01 10:00 +01:00")
@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_of_the_pages(persona_client, planned, place, persona):
    client = persona_client(persona)
    rota_page = client.get(reverse("communication:rota-detail", args=[planned.pk]))
    assert rota_page.status_code == ROTA_PAGE[persona]
    place_page = client.get(reverse("communication:place-permanences", args=[place.slug]))
    assert place_page.status_code == PLACE_PAGE[persona]
    # The agenda of the network and a planned permanence are public.
    agenda = client.get(reverse("communication:network-permanences", args=["reseau-a"]))
    assert agenda.status_code == 200
    permanence = Permanence.objects.filter(place=place).first()
    detail = client.get(reverse("communication:permanence-detail", args=[permanence.pk]))
    assert detail.status_code == 200
    assert ("Journal de visite" in detail.content.decode()) == (persona in {"dora", "root"})


@time_machine.travel("2027-02-01 10:00 +01:00")
@pytest.mark.django_db
def test_the_place_page_says_when_the_facilitator_comes(client, planned, place):
    page = client.get(place.get_absolute_url()).content.decode()
    assert "Fanny est là jeudi 04/03 (matin)" in page
    assert reverse("communication:place-permanences-ics", args=[place.slug]) in page


@time_machine.travel("2027-02-01 10:00 +01:00")
@pytest.mark.django_db
def test_the_network_page_links_its_permanences(client, planned, network_a):
    page = client.get(network_a.get_absolute_url()).content.decode()
    assert reverse("communication:network-permanences", args=[network_a.slug]) in page


@time_machine.travel("2027-02-01 10:00 +01:00")
@pytest.mark.django_db
def test_the_ical_feed_lists_the_half_days(client, planned, place):
    response = client.get(reverse("communication:place-permanences-ics", args=[place.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert events
    first = events[0]
    assert first.decoded("dtstart").hour == 9
    assert "La Bobine" in str(first["summary"])


@time_machine.travel("2027-02-01 10:00 +01:00")
@pytest.mark.django_db
def test_a_coordinator_builds_a_rota_with_the_forms(client, dora, fanny, membership, place):
    client.force_login(dora)
    response = client.post(
        reverse("communication:rota-create", args=["reseau-a"]),
        {
            "title": "Tournée d'hiver",
            "facilitator": "fanny@example.org",
            "pattern": "weekly",
            "starts_on": "2027-02-01",
            "ends_on": "2027-03-31",
            "cost_cents": "1 200",
            "cost_key": "equal",
        },
    )
    rota = Rota.objects.get(title="Tournée d'hiver")
    assert response.status_code == 302 and rota.cost_cents == 120000
    client.post(
        reverse("communication:rota-detail", args=[rota.pk]),
        {"slot-place": place.pk, "slot-weekday": 3, "slot-half": "am", "slot-purpose": "Accueil"},
    )
    client.post(reverse("communication:rota-generate", args=[rota.pk]))
    assert rota.permanences.count() == 8


@time_machine.travel("2027-02-01 10:00 +01:00")
@pytest.mark.django_db
def test_bad_input_is_refused_next_to_the_field(client, dora, fanny, membership):
    client.force_login(dora)
    response = client.post(
        reverse("communication:rota-create", args=["reseau-a"]),
        {
            "title": "Tournée",
            "facilitator": "personne@example.org",
            "pattern": "weekly",
            "starts_on": "2027-02-01",
            "ends_on": "2027-01-01",
            "cost_key": "equal",
        },
    )
    assert response.status_code == 200
    assert "Aucun compte avec cette adresse" in response.content.decode()
    assert not Rota.objects.exists()


@time_machine.travel("2027-02-01 10:00 +01:00")
@pytest.mark.django_db
def test_a_place_swaps_through_the_pages(client, planned, alice, charlie, place, other_place):
    mine = Permanence.objects.filter(place=place).first()
    theirs = Permanence.objects.filter(place=other_place).first()
    client.force_login(alice)
    client.post(reverse("communication:swap-propose", args=[mine.pk]), {"wanted": theirs.pk})
    swap = Swap.objects.get()
    forbidden = client.post(reverse("communication:swap-answer", args=[swap.pk, "oui"]))
    assert forbidden.status_code == 403
    client.force_login(charlie)
    page = client.get(reverse("communication:place-permanences", args=[other_place.slug]))
    assert "Accepter l'échange" in page.content.decode()
    client.post(reverse("communication:swap-answer", args=[swap.pk, "oui"]))
    mine.refresh_from_db()
    assert mine.place == other_place
