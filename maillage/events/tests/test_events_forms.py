"""Creating and editing events through the pages: local times, picker, bad input saves nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from maillage.events.models import Event, Occurrence, Registration
from maillage.events.services import EventData, create_event

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime.datetime(2026, 2, 1, 8, 0, tzinfo=datetime.UTC), tick=False):
        yield


def form_data(**overrides):
    data = {
        "owner": "",
        "kind": "cafe",
        "title": "Café virtuel mensuel",
        "description": "On parle **coworking**.",
        "starts_at": "2026-03-03T09:00",
        "ends_at": "2026-03-03T10:00",
        "repeat": "monthly",
        "interval": "1",
        "nth": "1",
        "weekday": "TU",
        "until": "",
        "count": "",
        "rrule": "",
        "online_url": "https://visio.example.org/cafe",
        "venue": "",
        "address": "",
        "capacity": "20",
        "audience": "public",
        "price": "0",
        "organiser_emails": "",
        "tags": "coworking, visio",
        "status": "published",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_coordinator_creates_a_monthly_virtual_cafe_with_the_picker(client, dora, network_a):
    client.force_login(dora)
    response = client.post(
        reverse("events:event-create"), form_data(owner=f"network:{network_a.pk}")
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:event-detail", args=[event.slug])
    assert event.rrule == "FREQ=MONTHLY;BYDAY=1TU"
    assert event.network == network_a
    assert event.tags == ["coworking", "visio"]
    assert list(event.organisers.all()) == [dora]
    # 09:00 typed in Paris time is 08:00 UTC in March (winter time).
    assert event.starts_at == datetime.datetime(2026, 3, 3, 8, 0, tzinfo=datetime.UTC)
    first_three = event.occurrences.order_by("starts_at")[:3]
    assert [o.starts_at.astimezone(PARIS).strftime("%d/%m %H:%M") for o in first_three] == [
        "03/03 09:00",
        "07/04 09:00",
        "05/05 09:00",
    ]


@pytest.mark.django_db
def test_price_in_euros_becomes_cents(client, alice, place):
    client.force_login(alice)
    client.post(
        reverse("events:event-create"),
        form_data(owner=f"place:{place.pk}", repeat="", price="12,50", venue=place.slug),
    )
    assert Event.objects.get().price_cents == 1250


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2026-03-03T08:00"}, "ends_at", "La fin doit être après le début."),
        ({"repeat": "custom", "rrule": "TOUS LES MARDIS"}, "rrule", "n'est pas valide"),
        ({"repeat": "custom", "rrule": "FREQ=HOURLY"}, "rrule", "au plus une fois par jour"),
        ({"price": "douze"}, "price", "Indiquez un montant en euros"),
        ({"online_url": "", "repeat": ""}, "online_url", "Indiquez un lien de visio"),
        ({"organiser_emails": "inconnu@example.org"}, "organiser_emails", "Aucun compte"),
        ({"audience": "circle"}, "audience", "Seule une animation d'un cercle"),
        ({"until": "2026-12-31", "count": "3"}, "count", "pas les deux"),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_refused_in_french_and_saves_nothing(
    client, dora, network_a, overrides, field, message
):
    client.force_login(dora)
    response = client.post(
        reverse("events:event-create"), form_data(owner=f"network:{network_a.pk}", **overrides)
    )
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert message in errors
    assert not Event.objects.exists()
    assert not Occurrence.objects.exists()


@pytest.mark.django_db
def test_a_person_cannot_create_for_an_owner_they_do_not_run(client, erin, network_a):
    client.force_login(erin)
    response = client.post(
        reverse("events:event-create"), form_data(owner=f"network:{network_a.pk}")
    )
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_capacity_below_confirmed_registrations_is_refused(client, dora, network_a, bob, alice):
    event = create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind="cafe",
            title="Café",
            starts_at=datetime.datetime(2026, 3, 3, 9, tzinfo=PARIS),
            ends_at=datetime.datetime(2026, 3, 3, 10, tzinfo=PARIS),
            online_url="https://visio.example.org/x",
            capacity=10,
        ),
    )
    occurrence = event.occurrences.get()
    for person in (bob, alice):
        Registration.objects.create(occurrence=occurrence, user=person, status="confirmed")
    client.force_login(dora)
    data = form_data(repeat="", capacity="1")
    del data["owner"]
    response = client.post(reverse("events:event-edit", args=[event.slug]), data)
    assert response.status_code == 200
    assert "déjà inscrites" in str(response.context["form"].errors["capacity"])
    event.refresh_from_db()
    assert event.capacity == 10
    assert event.title == "Café"


@pytest.mark.django_db
def test_editing_the_time_of_a_series_keeps_registrations_on_their_sessions(
    client, dora, network_a, bob
):
    event = create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind="cafe",
            title="Café",
            starts_at=datetime.datetime(2026, 3, 3, 9, tzinfo=PARIS),
            ends_at=datetime.datetime(2026, 3, 3, 10, tzinfo=PARIS),
            rrule="FREQ=WEEKLY;COUNT=4",
            online_url="https://visio.example.org/x",
        ),
    )
    second = event.occurrences.order_by("starts_at")[1]
    Registration.objects.create(occurrence=second, user=bob, status="confirmed")
    client.force_login(dora)
    data = form_data(
        repeat="custom",
        rrule="FREQ=WEEKLY;COUNT=4",
        starts_at="2026-03-03T10:00",
        ends_at="2026-03-03T11:00",
    )
    del data["owner"]
    response = client.post(reverse("events:event-edit", args=[event.slug]), data)
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.starts_at.astimezone(PARIS).strftime("%d/%m %H:%M") == "10/03 10:00"
    assert second.registrations.get().user == bob
    assert event.occurrences.count() == 4
