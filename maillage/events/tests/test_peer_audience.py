"""Events reserved to peers: the organiser restricts an event to the managers of places (big,
rural, young ones); the page says so, the register button shows only to them, and registering
refuses everyone else in French, saving nothing."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from maillage.accounts.api_tokens import create_api_token
from maillage.accounts.tests.factories import UserFactory
from maillage.events import invitations
from maillage.events import registration as svc
from maillage.events.models import Audience, Event, Occurrence, Registration
from maillage.events.services import EventData, EventError, create_event, update_event
from maillage.events.tests.factories import EventFactory, OccurrenceFactory
from maillage.places.audiences import PeerAudience
from maillage.places.models import Place, PlaceRole
from maillage.places.tests.factories import PlaceFactory, SpaceFactory
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def manager_of(place: Place):
    user = UserFactory()
    PlaceRole.objects.create(place=place, user=user, role=PlaceRole.Role.MANAGER)
    return user


def session(peer_audience: str, **fields: object) -> Occurrence:
    """The session of a public one-off event (1 December 2026) reserved to these peers."""
    return OccurrenceFactory(event=EventFactory(peer_audience=peer_audience, **fields))


@pytest.fixture
def village_place():
    return PlaceFactory(commune=CommuneFactory(population=450))


@pytest.fixture
def city_place():
    return PlaceFactory(commune=CommuneFactory(population=120_000))


@pytest.fixture
def big_place(city_place):
    SpaceFactory(place=city_place, surface_m2=1_200)
    return city_place


@pytest.fixture
def old_place(city_place):
    Place.objects.filter(pk=city_place.pk).update(
        created_at=datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
    )
    return city_place


# --- registration, audience by audience ----------------------------------------------------


def test_an_event_for_managers_of_places_takes_any_manager_and_no_one_else(city_place):
    occurrence = session(PeerAudience.ALL)
    registration = svc.register(occurrence=occurrence, user=manager_of(city_place))
    assert registration.status == Registration.Status.CONFIRMED
    with pytest.raises(svc.NotAPeer) as refused:
        svc.register(occurrence=occurrence, user=UserFactory())
    assert refused.value.message == (
        "Cette animation est réservée aux gérant·es de lieux : vous ne gérez aucun lieu de "
        "l'annuaire."
    )
    assert refused.value.status == 403
    assert Registration.objects.count() == 1


def test_a_member_of_a_place_is_not_one_of_its_managers(city_place):
    member = UserFactory()
    PlaceRole.objects.create(place=city_place, user=member, role=PlaceRole.Role.MEMBER)
    with pytest.raises(svc.NotAPeer):
        svc.register(occurrence=session(PeerAudience.ALL), user=member)
    assert not Registration.objects.exists()


def test_an_event_for_rural_places_refuses_the_manager_of_a_city_place(village_place, city_place):
    occurrence = session(PeerAudience.RURAL)
    assert svc.register(occurrence=occurrence, user=manager_of(village_place))
    with pytest.raises(svc.NotAPeer) as refused:
        svc.register(occurrence=occurrence, user=manager_of(city_place))
    assert refused.value.message == (
        "Cette animation est réservée aux gérant·es de lieux ruraux : aucun des lieux que vous "
        "gérez n'en fait partie."
    )
    assert Registration.objects.filter(occurrence=occurrence).count() == 1
    assert Occurrence.objects.get(pk=occurrence.pk).confirmed_count == 1


@pytest.mark.parametrize(
    ("audience", "peer", "outsider"),
    [
        # Big: by the surface of the spaces; young: opened less than 3 years ago.
        (PeerAudience.BIG, "big_place", "village_place"),
        (PeerAudience.YOUNG, "village_place", "old_place"),
    ],
)
def test_an_event_for_big_or_young_places_takes_their_managers_only(
    request, audience, peer, outsider
):
    peer_place, outsider_place = request.getfixturevalue(peer), request.getfixturevalue(outsider)
    occurrence = session(audience)
    assert svc.register(occurrence=occurrence, user=manager_of(peer_place))
    with pytest.raises(svc.NotAPeer):
        svc.register(occurrence=occurrence, user=manager_of(outsider_place))
    assert Registration.objects.count() == 1


def test_one_managed_place_in_the_audience_is_enough(village_place, city_place):
    both = manager_of(city_place)
    PlaceRole.objects.create(place=village_place, user=both, role=PlaceRole.Role.MANAGER)
    assert svc.register(occurrence=session(PeerAudience.RURAL), user=both)


def test_organisers_and_invited_people_register_without_being_peers(network_a, dora):
    occurrence = session(PeerAudience.RURAL, network=network_a, audience=Audience.INVITED)
    assert svc.register(occurrence=occurrence, user=dora)  # coordinates the owner network
    guest = UserFactory(email="ines@example.org")
    invitations.invite(event=occurrence.event, by=dora, addresses="ines@example.org")
    assert svc.register(occurrence=occurrence, user=guest)


def test_guests_without_an_account_cannot_register_to_a_peer_event():
    occurrence = session(PeerAudience.ALL)
    with pytest.raises(svc.GuestsNotAllowed) as refused:
        svc.register_guest(occurrence=occurrence, name="Gaby", email="gaby@example.net")
    assert "connectez-vous" in refused.value.message
    assert not Registration.objects.exists()


# --- organising ----------------------------------------------------------------------------


def test_an_unknown_reservation_is_refused_on_the_field(network_a, dora):
    data = EventData(
        kind="cafe",
        title="Café",
        starts_at=NOW + datetime.timedelta(days=3),
        ends_at=NOW + datetime.timedelta(days=3, hours=1),
        online_url="https://visio.example.org/cafe",
        peer_audience="géants",
    )
    with pytest.raises(EventError) as refused:
        create_event(by=dora, owner=network_a, data=data)
    assert refused.value.field == "peer_audience"
    assert not Event.objects.exists()


def test_the_organiser_reserves_an_event_through_the_form(client, dora, network_a):
    client.force_login(dora)
    response = client.post(
        reverse("events:event-create"),
        {
            "owner": f"network:{network_a.pk}",
            "kind": "rencontre",
            "title": "Rencontre des lieux ruraux",
            "starts_at": "2026-12-10T14:00",
            "ends_at": "2026-12-10T17:00",
            "online_url": "https://visio.example.org/ruraux",
            "audience": "public",
            "peer_audience": "rural",
            "price": "",
            "status": "published",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    event = Event.objects.get()
    assert event.peer_audience == PeerAudience.RURAL
    edit = client.get(reverse("events:event-edit", args=[event.slug]))
    assert edit.context["form"].initial["peer_audience"] == "rural"
    update_event(by=dora, event=event, data=EventData.from_event(event))
    assert Event.objects.get().peer_audience == PeerAudience.RURAL


# --- the page and the API ------------------------------------------------------------------


def test_the_page_says_who_may_register_and_shows_the_button_to_peers_only(
    client, village_place, city_place
):
    occurrence = session(PeerAudience.RURAL, title="Rencontre rurale", slug="rencontre-rurale")
    url = reverse("events:event-detail", args=["rencontre-rurale"])

    anonymous = client.get(url).content.decode()
    assert "Réservé aux gérant·es de lieux ruraux" in anonymous
    assert "inscrivez-vous sans compte" not in anonymous

    client.force_login(manager_of(city_place))
    outsider = client.get(url).content.decode()
    assert "aucun des lieux que vous gérez n&#x27;en fait partie" in outsider
    assert reverse("events:register", args=[occurrence.event.slug, "2026-12-01T1000"]) not in (
        outsider
    )

    client.force_login(manager_of(village_place))
    peer = client.get(url).content.decode()
    assert "M&#x27;inscrire" in peer or "M'inscrire" in peer
    assert "aucun des lieux" not in peer


def test_the_register_view_refuses_an_outsider_with_the_reason(client, city_place):
    occurrence = session(PeerAudience.RURAL)
    client.force_login(manager_of(city_place))
    response = client.post(
        reverse("events:register", args=[occurrence.event.slug, "2026-12-01T1000"]), follow=True
    )
    assert "réservée aux gérant·es de lieux ruraux" in response.content.decode()
    assert not Registration.objects.exists()


def test_the_api_gives_the_reservation_and_refuses_an_outsider(client, city_place):
    occurrence = session(PeerAudience.RURAL, slug="rencontre-rurale")
    detail = client.get("/api/v1/events/events/rencontre-rurale").json()
    assert detail["peer_audience"] == "rural"
    assert detail["peer_audience_label"] == "Réservé aux gérant·es de lieux ruraux"
    _token, key = create_api_token(user=manager_of(city_place), name="test")
    response = client.post(
        "/api/v1/events/registrations",
        {"occurrence_id": occurrence.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IDEMPOTENCY_KEY="une-cle",
    )
    assert response.status_code == 403
    assert "lieux ruraux" in response.json()["detail"]
    assert not Registration.objects.exists()
