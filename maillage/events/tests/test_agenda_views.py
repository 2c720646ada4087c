"""The agenda: list, week and month views, filters, htmx partial, bounded queries."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from maillage.events.models import Audience, EventKind
from maillage.events.services import EventData, create_event
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def events(dora, erin, alice, network_a, network_b, place):
    lille = CommuneFactory(
        code_insee="59350", name="Lille", department_code="59", latitude=50.63, longitude=3.06
    )
    brest = CommuneFactory(
        code_insee="29019", name="Brest", department_code="29", latitude=48.39, longitude=-4.49
    )
    near = PlaceFactory(
        name="La Fabrique", slug="la-fabrique", commune=lille, latitude=50.63, longitude=3.06
    )
    far = PlaceFactory(
        name="Le Phare", slug="le-phare", commune=brest, latitude=48.39, longitude=-4.49
    )
    online = create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind=EventKind.CAFE,
            title="Café des mardis",
            starts_at=paris(2026, 3, 3, 9, 0),
            ends_at=paris(2026, 3, 3, 10, 0),
            rrule="FREQ=WEEKLY;BYDAY=TU",
            online_url="https://visio.example.org/cafe",
        ),
    )
    meetup = create_event(
        by=erin,
        owner=network_b,
        data=EventData(
            kind=EventKind.MEETUP,
            title="Petit Ramdam breton",
            starts_at=paris(2026, 3, 12, 14, 0),
            ends_at=paris(2026, 3, 12, 18, 0),
            venue=far,
        ),
    )
    training = create_event(
        by=alice,
        owner=place,
        data=EventData(
            kind=EventKind.TRAINING,
            title="Formation lilloise",
            starts_at=paris(2026, 3, 20, 9, 0),
            ends_at=paris(2026, 3, 20, 17, 0),
            venue=near,
        ),
    )
    members_only = create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind=EventKind.VISIO,
            title="Visio des membres",
            starts_at=paris(2026, 3, 5, 18, 0),
            ends_at=paris(2026, 3, 5, 19, 0),
            online_url="https://visio.example.org/membres",
            audience=Audience.NETWORK,
        ),
    )
    draft = create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind=EventKind.OTHER,
            title="Brouillon secret",
            starts_at=paris(2026, 3, 6, 18, 0),
            ends_at=paris(2026, 3, 6, 19, 0),
            address="Douai",
            status="draft",
        ),
    )
    return {
        "online": online,
        "meetup": meetup,
        "training": training,
        "members": members_only,
        "draft": draft,
    }


def titles(response) -> set[str]:
    text = response.content.decode()
    names = [
        "Café des mardis",
        "Petit Ramdam breton",
        "Formation lilloise",
        "Visio des membres",
        "Brouillon secret",
    ]
    return {name for name in names if name in text}


@pytest.mark.django_db
def test_anonymous_list_shows_public_sessions_only(client, events):
    response = client.get(reverse("events:agenda"))
    assert titles(response) == {"Café des mardis", "Petit Ramdam breton", "Formation lilloise"}
    # Never the online link, in the agenda or anywhere public.
    assert "visio.example.org" not in response.content.decode()


@pytest.mark.django_db
def test_network_member_also_sees_the_members_only_event_but_never_drafts(
    client, events, bob, membership
):
    client.force_login(bob)
    response = client.get(reverse("events:agenda"))
    assert "Visio des membres" in titles(response)
    assert "Brouillon secret" not in titles(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"reseau": "reseau-b"}, {"Petit Ramdam breton"}),
        ({"reseau": "reseau-a"}, {"Café des mardis", "Formation lilloise"}),
        ({"type": "formation"}, {"Formation lilloise"}),
        ({"departement": "29"}, {"Petit Ramdam breton"}),
        ({"commune": "59178"}, {"Formation lilloise"}),
        ({"mode": "en-ligne"}, {"Café des mardis"}),
        ({"mode": "sur-place"}, {"Petit Ramdam breton", "Formation lilloise"}),
        ({"type": "nimporte"}, {"Café des mardis", "Petit Ramdam breton", "Formation lilloise"}),
    ],
)
@pytest.mark.django_db
def test_filters(client, events, membership, commune, query, expected):
    # La Bobine (owner of the training) is a member of network A; Douai is 30 km from Lille.
    assert titles(client.get(reverse("events:agenda"), query)) == expected


@pytest.mark.django_db
def test_circle_filter(client, dora, network_a):
    from maillage.circles.tests.factories import CircleFactory

    circle = CircleFactory(network=network_a, slug="douaisis", name="Cercle du Douaisis")
    create_event(
        by=dora,
        owner=circle,
        data=EventData(
            kind=EventKind.CODEV,
            title="Codev du cercle",
            starts_at=paris(2026, 3, 9, 14, 0),
            ends_at=paris(2026, 3, 9, 16, 0),
            address="Douai",
        ),
    )
    response = client.get(reverse("events:agenda"), {"cercle": "douaisis"})
    assert "Codev du cercle" in response.content.decode()
    assert (
        "Codev du cercle"
        not in client.get(reverse("events:agenda"), {"cercle": "autre"}).content.decode()
    )


@pytest.mark.django_db
def test_week_view_is_a_grid_of_seven_days(client, events):
    response = client.get(reverse("events:agenda"), {"vue": "semaine", "date": "2026-03-04"})
    grid = response.context["grid"]
    assert grid.days[0].day.isoformat() == "2026-03-02"
    assert len(grid.days) == 7
    tuesday = grid.days[1]
    assert [o.event.title for o in tuesday.occurrences] == ["Café des mardis"]
    assert "Semaine du 2 mars au 8 mars 2026" in response.content.decode()


@pytest.mark.django_db
def test_month_view_covers_whole_weeks_and_places_sessions_on_their_local_day(client, events):
    response = client.get(reverse("events:agenda"), {"vue": "mois", "date": "2026-03-15"})
    grid = response.context["grid"]
    # March 2026 starts on a Sunday: the grid starts on Monday 23 February, ends Sunday 5 April.
    assert grid.days[0].day == datetime.date(2026, 2, 23)
    assert grid.days[-1].day == datetime.date(2026, 4, 5)
    by_day = {d.day: [o.event.title for o in d.occurrences] for d in grid.days}
    # The café stays on Tuesdays at 09:00 after the clock change of 29 March.
    assert by_day[datetime.date(2026, 3, 31)] == ["Café des mardis"]
    assert by_day[datetime.date(2026, 3, 12)] == ["Petit Ramdam breton"]
    assert "Mars 2026" in response.content.decode()
    assert 'rel="next"' in response.content.decode()


@pytest.mark.django_db
def test_htmx_request_gets_the_results_fragment_and_a_pushed_url(client, events):
    response = client.get(
        reverse("events:agenda"),
        {"type": "formation", "reseau": ""},
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="results"')
    assert "<html" not in text
    assert response["HX-Push-Url"] == "/agenda/?type=formation"
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_list_is_paginated_and_queries_are_bounded(client, events, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:agenda"))
    assert len(response.context["page"].object_list) == 20
    assert response.context["page"].paginator.num_pages > 1
    with django_assert_max_num_queries(12):
        client.get(reverse("events:agenda"), {"vue": "mois", "date": "2026-03-01"})


@pytest.mark.django_db
def test_logged_in_queries_are_bounded(client, events, dora, django_assert_max_num_queries):
    client.force_login(dora)
    # 16, plus the few constant queries that decide whether to offer « Proposer une animation ».
    with django_assert_max_num_queries(21):
        response = client.get(reverse("events:agenda"))
    assert "Brouillon secret" not in titles(response)


@pytest.mark.django_db
def test_the_agenda_offers_to_propose_an_event_only_to_who_may(client, events, dora, bob):
    client.force_login(bob)
    assert (
        reverse("events:event-create") not in client.get(reverse("events:agenda")).content.decode()
    )
    client.force_login(dora)
    assert reverse("events:event-create") in client.get(reverse("events:agenda")).content.decode()
