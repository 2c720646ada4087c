"""Public reads: places, spaces, equipment, networks and communes, paginated, with stable ids,
published places only and never a person's e-mail or phone."""

import pytest

from maillage.conftest import PERSONAS
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(place, other_place, membership, network_b):
    space = SpaceFactory(place=place, name="Salle Scarpe", kind="meeting_room", capacity=20)
    SpaceFactory(place=place, name="Open space", kind="desk", capacity=8)
    SpaceFactory(place=other_place, name="Nef", kind="workshop", capacity=60)
    item = EquipmentFactory(place=place, name="Découpeuse laser", category="digital_fab")
    EquipmentFactory(place=other_place, name="Vélo cargo", category="mobility", sharing_mode="loan")
    hidden = PlaceFactory(name="Lieu caché", slug="lieu-cache", is_published=False)
    SpaceFactory(place=hidden, name="Salle cachée", kind="meeting_room", capacity=99)
    EquipmentFactory(place=hidden, name="Machine cachée", category="digital_fab")
    return {"space": space, "item": item, "hidden": hidden}


def read_urls(o, place, network_a):
    return [
        "/api/v1/places",
        f"/api/v1/places/{place.pk}",
        f"/api/v1/places/{place.slug}",
        "/api/v1/spaces",
        f"/api/v1/spaces/{o['space'].pk}",
        "/api/v1/equipment",
        f"/api/v1/equipment/{o['item'].pk}",
        "/api/v1/networks",
        f"/api/v1/networks/{network_a.slug}",
        f"/api/v1/networks/{network_a.pk}",
        "/api/v1/communes?q=dou",
        "/api/v1/docs",
        "/api/v1/openapi.json",
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_read_is_public_for_every_persona(persona_client, objects, place, network_a, persona):
    client = persona_client(persona)
    for url in read_urls(objects, place, network_a):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", PERSONAS)
def test_unpublished_places_and_their_items_are_404_for_everyone(persona_client, objects, persona):
    client = persona_client(persona)
    hidden = objects["hidden"]
    for url in [
        f"/api/v1/places/{hidden.pk}",
        f"/api/v1/places/{hidden.slug}",
        f"/api/v1/spaces/{hidden.spaces.get().pk}",
        f"/api/v1/equipment/{hidden.equipment.get().pk}",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Introuvable."}


def test_lists_never_show_unpublished_places_or_their_items(client, objects):
    for url in ["/api/v1/places", "/api/v1/spaces", "/api/v1/equipment"]:
        text = client.get(url).content.decode()
        assert "cach" not in text, url


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/places/nulle-part",
        "/api/v1/places/999999",
        "/api/v1/spaces/999999",
        "/api/v1/networks/inconnu",
    ],
)
def test_unknown_objects_are_404_in_french(client, objects, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["detail"] == "Introuvable."


def test_a_place_by_id_and_by_slug_is_the_same_with_its_spaces_and_equipment(
    client, objects, place
):
    by_id = client.get(f"/api/v1/places/{place.pk}").json()
    by_slug = client.get("/api/v1/places/la-bobine").json()

    assert by_id == by_slug
    assert by_id["id"] == place.pk
    assert by_id["url"] == "http://testserver/lieux/la-bobine/"
    assert by_id["commune"] == {"code_insee": "59178", "name": "Douai", "department_code": "59"}
    assert [space["name"] for space in by_id["spaces"]] == ["Open space", "Salle Scarpe"]
    assert [item["name"] for item in by_id["equipment"]] == ["Découpeuse laser"]
    assert by_id["network_ids"] == [objects["space"].place.memberships.get().network_id]


def test_a_place_whose_slug_is_digits_is_found_by_its_slug(client, commune):
    place = PlaceFactory(name="1789", slug="1789", commune=commune)
    assert client.get("/api/v1/places/1789").json()["id"] == place.pk


def test_no_read_shows_a_persons_email_or_phone(client, objects, place, network_a, alice, bob):
    for user in (alice, bob):
        user.phone = "06 12 34 56 78"
        user.save(update_fields=["phone"])
    for url in read_urls(objects, place, network_a):
        text = client.get(url).content.decode()
        for secret in ["alice@example.org", "bob@example.org", "06 12 34 56 78"]:
            assert secret not in text, (url, secret)


def test_a_places_own_public_contact_is_shown(client, place):
    place.email, place.phone = "contact@labobine.fr", "03 27 00 00 00"
    place.save(update_fields=["email", "phone"])
    body = client.get(f"/api/v1/places/{place.slug}").json()
    assert (body["email"], body["phone"]) == ("contact@labobine.fr", "03 27 00 00 00")


# --- Spaces and equipment filters -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["Open space", "Salle Scarpe", "Nef"]),
        ("kind=meeting_room", ["Salle Scarpe"]),
        ("capacity_min=10", ["Salle Scarpe", "Nef"]),
        ("place=la-bobine", ["Open space", "Salle Scarpe"]),
        ("place=la-bobine&capacity_min=10", ["Salle Scarpe"]),
        ("place=lieu-cache", []),
        ("place=inconnu", []),
    ],
)
def test_spaces_filters(client, objects, query, names):
    body = client.get(f"/api/v1/spaces?{query}").json()
    assert [space["name"] for space in body["items"]] == names
    assert body["count"] == len(names)


def test_spaces_filter_by_place_id(client, objects, other_place):
    body = client.get(f"/api/v1/spaces?place={other_place.pk}").json()
    assert [space["place_slug"] for space in body["items"]] == ["le-hangar"]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["Découpeuse laser", "Vélo cargo"]),
        ("category=mobility", ["Vélo cargo"]),
        ("sharing_mode=loan", ["Vélo cargo"]),
        ("sharing_mode=on_site&place=la-bobine", ["Découpeuse laser"]),
        ("category=kitchen", []),
    ],
)
def test_equipment_filters(client, objects, query, names):
    body = client.get(f"/api/v1/equipment?{query}").json()
    assert [item["name"] for item in body["items"]] == names


# --- Pagination -----------------------------------------------------------------------------


def test_lists_are_paginated_with_a_total_count_and_stable_order(client, commune):
    place = PlaceFactory(commune=commune)
    for n in range(45):
        SpaceFactory(place=place, name=f"Salle {n:02d}")

    first = client.get("/api/v1/spaces?page_size=20").json()
    second = client.get("/api/v1/spaces?page_size=20&page=2").json()
    last = client.get("/api/v1/spaces?page_size=20&page=3").json()
    beyond = client.get("/api/v1/spaces?page_size=20&page=4").json()

    assert first["count"] == second["count"] == 45
    assert [len(p["items"]) for p in (first, second, last, beyond)] == [20, 20, 5, 0]
    ids = [s["id"] for p in (first, second, last) for s in p["items"]]
    assert len(set(ids)) == 45
    assert len(client.get("/api/v1/spaces").json()["items"]) == 20  # the default size
    assert len(client.get("/api/v1/spaces?page_size=100").json()["items"]) == 45


def test_places_pagination_follows_the_same_rules(client, commune):
    for n in range(23):
        PlaceFactory(name=f"Lieu {n:02d}", commune=commune)
    first = client.get("/api/v1/places?page_size=10").json()
    third = client.get("/api/v1/places?page_size=10&page=3").json()
    assert first["count"] == 23
    assert (first["page"], first["page_size"], len(first["items"])) == (1, 10, 10)
    assert [item["name"] for item in third["items"]] == ["Lieu 20", "Lieu 21", "Lieu 22"]


@pytest.mark.parametrize(
    "url", ["/api/v1/places", "/api/v1/spaces", "/api/v1/equipment", "/api/v1/networks"]
)
def test_list_queries_are_bounded(client, commune, django_assert_max_num_queries, url):
    for _n in range(30):
        place = PlaceFactory(commune=commune)
        SpaceFactory(place=place)
        EquipmentFactory(place=place)
        NetworkFactory()
    with django_assert_max_num_queries(6):
        response = client.get(f"{url}?page_size=100")
    assert response.json()["count"] == 30


def test_place_detail_queries_are_bounded(client, objects, place, django_assert_max_num_queries):
    for _n in range(10):
        SpaceFactory(place=place)
        EquipmentFactory(place=place)
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/places/{place.slug}")
    assert len(response.json()["spaces"]) == 12


# --- Networks and communes ------------------------------------------------------------------


def test_networks_list_with_member_counts(client, objects, network_a, network_b):
    body = client.get("/api/v1/networks").json()
    counts = {item["slug"]: item["member_count"] for item in body["items"]}
    assert counts == {"reseau-a": 1, "reseau-b": 0}


def test_a_network_lists_its_published_member_places(client, objects, network_a, place):
    from maillage.networks.models import Membership, MembershipStatus

    Membership.objects.create(
        network=network_a, place=objects["hidden"], status=MembershipStatus.ACCEPTED
    )
    child = NetworkFactory(parent=network_a, level="local")

    body = client.get(f"/api/v1/networks/{network_a.pk}").json()

    assert body["place_ids"] == [place.pk]
    assert body["member_count"] == 1
    assert body["child_ids"] == [child.pk]
    assert body["url"].endswith(network_a.get_absolute_url())
    assert "email" not in body and "phone" not in body


def test_communes_search_by_name_or_postal_code(client, commune):
    CommuneFactory(
        code_insee="59350", name="Lille", postal_codes="|59000|59800|", population=236000
    )
    CommuneFactory(code_insee="59360", name="Lillers", postal_codes="|62190|", population=10000)

    by_name = client.get("/api/v1/communes?q=lil").json()
    by_code = client.get("/api/v1/communes?q=59500").json()

    assert [c["name"] for c in by_name] == ["Lille", "Lillers"]
    assert by_name[0]["postal_codes"] == ["59000", "59800"]
    assert [c["code_insee"] for c in by_code] == ["59178"]
    assert client.get("/api/v1/communes?q=l").json() == []
    assert len(client.get("/api/v1/communes?q=lil&limit=1").json()) == 1
    assert client.get("/api/v1/communes?q=lil&limit=500").status_code == 422
