"""Médiation numérique services and publics, kept as tags, are facets and filters."""

import pytest
from django.urls import reverse

from maillage.directory.search.filters import SearchFilters
from maillage.directory.search.selectors import search
from maillage.places.tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db

DEMARCHES = "Aide aux démarches administratives"
OUTILS = "Maîtrise des outils numériques du quotidien"


def counts(results, facet_name):
    facet = next(f for f in results.facets if f.name == facet_name)
    return {option.value: option.count for option in facet.options}


@pytest.fixture
def mediation(reindex, douai, lille):
    PlaceFactory(
        name="France services Douai",
        commune=douai,
        tags={"services": [DEMARCHES, OUTILS], "publics_specifiquement_adresses": ["Seniors"]},
    )
    PlaceFactory(
        name="Médiathèque de Lille",
        commune=lille,
        types=["fablab"],
        # An older file's name for the publics, in one `|` cell.
        tags={"services": [OUTILS], "publics_accueillis": "Jeunes|Seniors"},
    )
    PlaceFactory(name="Le Hangar", commune=lille, types=["fablab"])
    reindex()


def test_services_and_publics_are_counted_as_facets(mediation):
    results = search(SearchFilters.from_query({})[0])
    assert counts(results, "service") == {DEMARCHES: 1, OUTILS: 2}
    assert counts(results, "audience") == {"Jeunes": 1, "Seniors": 2}


def test_a_service_filters_and_other_facets_count_within_it(mediation):
    filters, notices = SearchFilters.from_query({"service": DEMARCHES})
    assert notices == []
    results = search(filters)
    assert [r.place.name for r in results.results] == ["France services Douai"]
    # Its own facet ignores it; the others count within it.
    assert counts(results, "service") == {DEMARCHES: 1, OUTILS: 2}
    assert counts(results, "audience") == {"Jeunes": 0, "Seniors": 1}
    assert counts(results, "type")["fablab"] == 0


def test_a_public_and_a_type_combine(mediation):
    filters, _ = SearchFilters.from_query({"audience": "Seniors", "type": "fablab"})
    assert [r.place.name for r in search(filters).results] == ["Médiathèque de Lille"]
    assert ("audience", "Seniors") in filters.to_pairs()


def test_an_unknown_service_is_ignored_and_said(mediation):
    filters, notices = SearchFilters.from_query({"service": "Cours de cuisine"})
    assert filters.service == ""
    assert len(notices) == 1 and "Cours de cuisine" in notices[0]


def test_the_search_page_offers_the_services_and_the_api_filters_by_them(client, mediation):
    page = client.get(reverse("search:search"), {"audience": "Jeunes"}).content.decode()
    assert "Publics accueillis" in page and 'name="service"' in page
    assert 'name="audience" value="Jeunes" checked' in page
    answer = client.get("/api/v1/places", {"service": DEMARCHES}).json()
    assert [item["name"] for item in answer["items"]] == ["France services Douai"]


def test_a_place_page_links_each_service_and_public_to_the_filtered_search(client, mediation):
    from maillage.places.models import Place

    place = Place.objects.get(name="Médiathèque de Lille")
    page = client.get(place.get_absolute_url()).content.decode()
    assert "Services de médiation numérique" in page and "Publics accueillis" in page
    link = reverse("search:search") + "?audience=Jeunes"
    assert f'href="{link}"' in page
    found = client.get(link).content.decode()
    assert "Médiathèque de Lille" in found and "France services Douai" not in found


def test_the_api_gives_the_service_and_public_counts_of_the_page(client, mediation):
    page = client.get(reverse("search:search"), {"service": DEMARCHES}).context["results"]

    answer = client.get("/api/v1/places", {"service": DEMARCHES, "facets": "1"}).json()

    for name in ("service", "audience"):
        options = answer["facets"][name]["options"]
        assert {o["value"]: o["count"] for o in options} == counts(page, name)
    assert answer["facets"]["audience"]["label"] == "Publics accueillis"
    selected = [o["value"] for o in answer["facets"]["service"]["options"] if o["selected"]]
    assert selected == [DEMARCHES]
