"""The map's GeoJSON follows filters and the visible area; the embed is frameable, nothing else."""

import gzip
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.conftest import PERSONAS
from maillage.directory.search.selectors import slug_from_name
from maillage.places.models import Place, Space
from maillage.places.services import unique_slug
from maillage.places.tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db
GEOJSON = reverse("search:map-geojson")


@pytest.fixture
def spread(reindex, douai, lille):
    PlaceFactory(
        name="Au nord", types=["fablab"], commune=lille, latitude=50.63191, longitude=3.057512
    )
    PlaceFactory(name="Au sud", types=["cafe"], commune=douai, latitude=50.3714, longitude=3.08)
    PlaceFactory(name="Inconnu", latitude=None, longitude=None)
    PlaceFactory(name="Masqué", is_published=False)
    reindex()


def names(response):
    return sorted(f["properties"]["name"] for f in response.json()["features"])


def test_the_geojson_holds_published_places_with_a_position(client, spread):
    response = client.get(GEOJSON)
    assert names(response) == ["Au nord", "Au sud"]
    feature = next(f for f in response.json()["features"] if f["properties"]["name"] == "Au nord")
    assert feature["geometry"]["coordinates"] == [3.05751, 50.63191]
    # No URL: the browser builds /lieux/<slug>/, the slug from the name unless it's sent.
    assert "url" not in feature["properties"]
    assert set(feature["properties"]) <= {"id", "name", "slug", "commune", "types"}
    assert feature["properties"]["commune"] == "Lille"


def test_the_geojson_sends_the_slugs_the_browser_cannot_derive_from_the_name(client, spread):
    PlaceFactory(name="Le Phare", slug="le-phare", latitude=50.6, longitude=3.0)
    twin = PlaceFactory(name="Le Phare", slug="le-phare-2", latitude=50.6, longitude=3.1)
    features = client.get(GEOJSON).json()["features"]
    slugs = {f["properties"].get("slug") for f in features if f["properties"]["name"] == "Le Phare"}
    assert slugs == {None, "le-phare-2"}
    assert reverse("places:place-detail", args=[twin.slug]) == f"/lieux/{twin.slug}/"


@pytest.mark.parametrize(
    "name",
    ["La Bobine", "Café-Atelier  de l'Œuvre", "  --Ça_va !! ", "Ærø & co", "東京 tiers-lieu", "?!"],
)
def test_the_browser_slug_is_the_slug_or_not_trusted(name):
    derived = slug_from_name(name)
    assert derived is None or derived == unique_slug(name)


def test_the_geojson_follows_the_filters_and_the_bbox(client, spread):
    assert names(client.get(GEOJSON, {"type": "cafe"})) == ["Au sud"]
    # west,south,east,north around Lille only.
    assert names(client.get(GEOJSON, {"bbox": "2.9,50.5,3.2,50.7"})) == ["Au nord"]
    assert names(client.get(GEOJSON, {"bbox": "nonsense"})) == ["Au nord", "Au sud"]
    assert names(client.get(GEOJSON, {"near": "59350", "radius_km": "10"})) == ["Au nord"]


def test_the_geojson_is_compact_and_gzipped(client, reindex, douai):
    for n in range(500):
        PlaceFactory(name=f"Tiers-lieu numéro {n}", commune=douai, latitude=50 + n / 1000)
    response = client.get(GEOJSON, headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    raw = gzip.decompress(response.content)
    assert len(json.loads(raw)["features"]) == 500
    # About 40 bytes gzipped per place: all of France (10,000) stays well under 400 KB.
    assert len(response.content) / 500 < 40


def test_the_france_geojson_is_revalidated_by_etag_and_follows_every_change(client, spread):
    first = client.get(GEOJSON, headers={"Accept-Encoding": "gzip"})
    assert first["ETag"]
    assert "Accept-Encoding" in first["Vary"]
    again = client.get(GEOJSON, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""

    PlaceFactory(name="Au centre", latitude=48.85, longitude=2.35)
    changed = client.get(GEOJSON, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "Au centre" in names(changed)
    assert "Content-Encoding" not in changed  # the client did not ask for gzip


def test_the_map_and_counts_follow_writes_that_send_no_signal(client, spread):
    """Another worker's writes (queryset updates: no signal here) show on the next request."""
    assert names(client.get(GEOJSON)) == ["Au nord", "Au sud"]
    place = Place.objects.get(name="Au sud")
    Place.objects.filter(pk=place.pk).update(is_published=False, updated_at=timezone.now())
    assert names(client.get(GEOJSON)) == ["Au nord"]
    Place.objects.filter(pk=place.pk).update(is_published=True, updated_at=timezone.now())
    assert names(client.get(GEOJSON, {"space_kind": "meeting_room"})) == []
    Space.objects.bulk_create([Space(place=place, name="Salle", kind="meeting_room")])
    assert names(client.get(GEOJSON, {"space_kind": "meeting_room"})) == ["Au sud"]


def test_the_map_page_has_the_filter_form_and_the_map(client, spread):
    response = client.get(reverse("search:map"), {"type": "cafe"})
    body = response.content.decode()
    assert 'id="search-form"' in body and "data-search-map" in body
    assert "1 lieu correspond" in body
    partial = client.get(reverse("search:map"), {"type": "fablab"}, headers={"HX-Request": "true"})
    assert 'id="map-status"' in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_the_embed_is_frameable_from_anywhere_and_lists_member_places(
    client, membership, other_place
):
    response = client.get(reverse("search:embed", args=["reseau-a"]))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "La Bobine" in body and "Le Hangar" not in body
    assert "site-header" not in body


def test_other_pages_stay_unframeable(client, membership):
    for url in (reverse("search:search"), reverse("search:map"), reverse("home")):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_an_unknown_network_has_no_embed(client, db):
    assert client.get(reverse("search:embed", args=["nulle-part"])).status_code == 404


def test_the_embed_code_page_shows_the_iframe_snippet(persona_client):
    response = persona_client("dora").get(reverse("search:embed-code", args=["reseau-a"]))
    body = response.content.decode()
    assert "&lt;iframe src=&quot;http://testserver/carte/integrer/reseau-a/&quot;" in body


EXPECTED = {
    "anonymous": 302,
    "bob": 403,
    "charlie": 403,
    "alice": 403,
    "erin": 403,
    "dora": 200,
    "root": 200,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_embed_code_permission_matrix(persona_client, persona):
    response = persona_client(persona).get(reverse("search:embed-code", args=["reseau-a"]))
    assert response.status_code == EXPECTED[persona]


PUBLIC_URLS = [
    reverse("search:search"),
    reverse("search:map"),
    reverse("search:map-geojson"),
    reverse("search:embed", args=["reseau-a"]),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_search_pages_answer_everyone(persona_client, persona, url):
    assert persona_client(persona).get(url).status_code == 200
