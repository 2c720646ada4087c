"""Finding commons: words (with their families), facets, and "used near me" by distance."""

import pytest

from maillage.commons.models import Usage
from maillage.commons.selectors import CommonsFilters, search_commons
from maillage.commons.tests.factories import CommonsFactory
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def names(**filters) -> list[str]:
    return [c.name for c in search_commons(CommonsFilters(**filters)).commons]


@pytest.fixture
def catalogue(network_a):
    CommonsFactory(
        name="Paheko",
        summary="Comptabilité associative",
        nature="tool",
        domains=["comptabilite"],
        network=network_a,
    )
    CommonsFactory(
        name="Movilab",
        summary="Documenter les tiers-lieux",
        nature="community",
        licence="CC-BY-SA-4.0",
        actions=["documenter"],
        domains=["connaissances"],
        network=network_a,
    )
    CommonsFactory(name="Caché", summary="Comptabilité", is_published=False, network=network_a)


def test_words_match_their_family_and_ignore_accents(catalogue):
    assert names(q="comptabilités") == ["Paheko"]
    assert names(q="documentation tiers lieu") == ["Movilab"]


def test_an_unpublished_entry_is_never_found(catalogue):
    assert "Caché" not in names()


def test_facets_filter_and_count_what_remains(catalogue):
    result = search_commons(CommonsFilters(licence="CC-BY-SA-4.0"))

    assert [c.name for c in result.commons] == ["Movilab"]
    assert result.facets["nature"] == [("community", "Communauté d'entraide", 1)]
    assert names(action="documenter") == ["Movilab"]
    assert names(domain="comptabilite") == ["Paheko"]


def test_used_near_me_keeps_commons_used_within_the_radius_nearest_first(network_a):
    lille = CommuneFactory(
        name="Lille",
        code_insee="59350",
        postal_codes="|59000|",
        population=230000,
        latitude=50.63,
        longitude=3.06,
    )
    near = CommonsFactory(name="Proche", network=network_a)
    far = CommonsFactory(name="Loin", network=network_a)
    Usage.objects.create(commons=near, place=PlaceFactory(latitude=50.60, longitude=3.10))
    Usage.objects.create(commons=far, place=PlaceFactory(latitude=48.85, longitude=2.35))

    result = search_commons(CommonsFilters(near="Lille", radius_km=30))

    assert result.near == lille
    assert [c.name for c in result.commons] == ["Proche"]
    assert result.used_near[near.pk][0][1] < 5


def test_an_unknown_commune_is_said_not_silently_ignored(catalogue):
    result = search_commons(CommonsFilters(near="Atlantide"))

    assert result.near_unknown
    assert len(result.commons) == 2


def test_an_unknown_facet_value_is_dropped_with_a_notice():
    filters, notices = CommonsFilters.from_query({"nature": "potion", "radius_km": "7"})

    assert filters.nature == ""
    assert filters.radius_km == 30
    assert notices == ["nature"]
