"""Similar places with their reasons, the API path, peer programmes and project holders."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.places.models import PlaceStatus
from maillage.places.tests.factories import PlaceFactory, SpaceFactory
from maillage.services import programmes
from maillage.services.models import PeerProfile, ProjectHolder
from maillage.services.services import ServicesError
from maillage.services.similar import refresh_features, similar_places
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def villages(db):
    village = CommuneFactory(
        code_insee="59001", name="Village", population=600, latitude=50.2, longitude=3.1
    )
    city = CommuneFactory(
        code_insee="59002", name="Ville", population=200000, latitude=50.6, longitude=3.0
    )
    base = PlaceFactory(
        name="Base",
        slug="base",
        types=["rural_hub", "cafe"],
        commune=village,
        latitude=50.2,
        longitude=3.1,
    )
    twin = PlaceFactory(
        name="Jumeau",
        slug="jumeau",
        types=["rural_hub", "cafe"],
        commune=village,
        latitude=50.21,
        longitude=3.1,
    )
    urban = PlaceFactory(
        name="Urbain",
        slug="urbain",
        types=["coworking"],
        commune=city,
        latitude=50.6,
        longitude=3.0,
    )
    for place in (base, twin):
        SpaceFactory(place=place, kind="meeting_room", surface_m2=80)
    SpaceFactory(place=urban, kind="desk", surface_m2=900)
    refresh_features([base.pk, twin.pk, urban.pk])
    return base, twin, urban


def test_the_most_similar_place_comes_first_with_its_reasons(villages):
    base, twin, urban = villages

    found = similar_places(base)

    assert [s.place_id for s in found] == [twin.pk, urban.pk]
    reasons = " ; ".join(found[0].reasons)
    assert (
        "même type" in reasons
        and "territoire rural aussi" in reasons
        and "surface comparable" in reasons
    )


def test_the_place_page_links_to_similar_places_and_the_api_answers(client, villages):
    base, _twin, _urban = villages

    assert (
        reverse("services:similar", args=[base.slug])
        in client.get(base.get_absolute_url()).content.decode()
    )
    page = client.get(reverse("services:similar", args=[base.slug])).content.decode()
    assert "Jumeau" in page and "Pourquoi" in page
    answer = client.get(f"/api/v1/places/{base.pk}/similar").json()
    assert answer[0]["name"] == "Jumeau" and answer[0]["reasons"]
    assert client.get("/api/v1/places/999999/similar").status_code == 404


def test_a_codev_group_takes_5_to_8_people_from_different_places(
    network_a, dora, gaelle, alice, bob, place
):
    from maillage.accounts.tests.factories import UserFactory

    group = programmes.create_group(
        by=dora, network=network_a, name="Codév", audience="all", facilitator=gaelle
    )
    programmes.add_member(by=dora, group=group, user=alice, place=place)
    with pytest.raises(ServicesError) as refused:
        programmes.add_member(by=dora, group=group, user=bob, place=place)
    assert "lieux différents" in str(refused.value.message)
    start = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ServicesError):
        programmes.schedule_session(
            by=dora, group=group, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
        )
    for index in range(4):
        programmes.add_member(
            by=dora, group=group, user=UserFactory(), place=PlaceFactory(slug=f"lieu-{index}")
        )
    session = programmes.schedule_session(
        by=dora, group=group, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    assert session.event.kind == "codev" and session.event.audience == "invited"
    group.refresh_from_db()
    assert group.status == "running"


def test_codev_notes_are_private_to_the_group(client, network_a, dora, gaelle, alice, place):
    group = programmes.create_group(
        by=dora, network=network_a, name="Codév", audience="all", facilitator=gaelle
    )
    programmes.add_member(by=dora, group=group, user=alice, place=place)
    from maillage.services.models import CodevSession

    session = CodevSession.objects.create(group=group, number=1, notes="Secret du groupe")
    url = reverse("services:codev-session", args=[group.pk, 1])
    client.force_login(alice)
    assert "Secret du groupe" in client.get(url).content.decode()
    client.force_login(dora)  # the team sees the group, not its notes
    assert client.get(reverse("services:group-detail", args=[group.pk])).status_code == 200
    assert client.get(url).status_code == 403
    assert session.notes == "Secret du groupe"


def test_a_big_places_group_refuses_a_small_place(network_a, dora, gaelle, alice, place):
    group = programmes.create_group(
        by=dora, network=network_a, name="Grands lieux", audience="big", facilitator=gaelle
    )
    with pytest.raises(ServicesError) as refused:
        programmes.add_member(by=dora, group=group, user=alice, place=place)
    assert refused.value.field == "place"


def test_compagnonnage_suggests_similar_nearby_mentors_and_closes_with_a_review(
    villages, network_a, dora, alice
):
    base, twin, urban = villages
    for mentor in (twin, urban):
        PeerProfile.objects.create(place=mentor, mentor_available=True)
    suggestions = programmes.suggest_mentors(mentee=base)
    assert [s.mentor for s in suggestions] == [twin, urban]
    today = timezone.localdate()
    pairing = programmes.create_pairing(
        by=dora,
        network=network_a,
        data=programmes.PairingData(
            mentor_place=twin,
            mentee_place=base,
            mentee_holder=None,
            goals="Grille tarifaire",
            starts_on=today,
            ends_on=today + datetime.timedelta(days=90),
        ),
    )
    with pytest.raises(ServicesError):
        programmes.check_in(by=alice, pairing=pairing, happened_on=today, note="Visite")
    programmes.check_in(by=dora, pairing=pairing, happened_on=today, note="Visite")
    programmes.close_pairing(by=dora, pairing=pairing, goals_met="yes", review="Grille adoptée")
    with pytest.raises(ServicesError):
        programmes.check_in(by=dora, pairing=pairing, happened_on=today, note="Encore")


def test_a_project_holder_is_followed_until_the_place_opens(
    network_a, territory, dora, alice, place
):
    holder = programmes.register_holder(
        by=alice,
        data=programmes.HolderData(
            project_name="La Grange",
            stage="venue",
            commune=territory,
            needs=["immobilier"],
            description="Une grange à transformer.",
        ),
    )
    assert holder.network == network_a
    place.status = PlaceStatus.PROJECT
    place.save()
    programmes.link_place(by=alice, holder=holder, place=place)
    assert programmes.refresh_holders() == 0
    place.status = PlaceStatus.OPEN
    place.save()
    assert programmes.refresh_holders() == 1
    holder.refresh_from_db()
    assert holder.status == ProjectHolder.Status.OPENED
