"""Open now / open on a day, from the places' opening hours; cards show today's hours and the
equipment that matched."""

import datetime
import zoneinfo

import pytest
import time_machine

from maillage.directory.search.filters import SearchFilters
from maillage.directory.search.selectors import search
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A Saturday, 10:30 in Paris.
SATURDAY_MORNING = datetime.datetime(2026, 12, 5, 10, 30, tzinfo=PARIS)


@pytest.fixture
def places(reindex):
    PlaceFactory(name="Ouvert le samedi matin", opening_hours={"sa": "09:00-12:00"})
    PlaceFactory(name="Ouvert le samedi après-midi", opening_hours={"sa": "14:00-18:00"})
    PlaceFactory(name="Fermé le samedi", opening_hours={"mo": "09:00-18:00"})
    PlaceFactory(name="Horaires inconnus")
    reindex()


def names(query: dict[str, str]) -> list[str]:
    filters, _notices = SearchFilters.from_query(query)
    return sorted(result.place.name for result in search(filters).results)


def test_open_on_a_day(places):
    assert names({"open": "sa"}) == ["Ouvert le samedi après-midi", "Ouvert le samedi matin"]
    assert names({"open": "samedi"}) == names({"open": "sa"})
    assert names({"open": "mo"}) == ["Fermé le samedi"]


def test_open_now(places):
    with time_machine.travel(SATURDAY_MORNING, tick=False):
        assert names({"open": "now"}) == ["Ouvert le samedi matin"]


def test_open_on_a_day_read_from_the_words(places):
    filters, notices = SearchFilters.from_query({"q": "ouvert samedi"})
    assert filters.open == "sa" and filters.q == ""
    assert any("ouvert le samedi" in notice for notice in notices)
    with time_machine.travel(SATURDAY_MORNING, tick=False):
        filters, _notices = SearchFilters.from_query({"q": "ouvert maintenant"})
        assert filters.open == "now"
        assert [r.place.name for r in search(filters).results] == ["Ouvert le samedi matin"]


def test_an_unknown_opening_value_is_ignored_and_said(places):
    filters, notices = SearchFilters.from_query({"open": "bientot"})
    assert filters.open == ""
    assert notices


def test_cards_show_todays_hours_and_the_matching_equipment(client, reindex):
    lab = PlaceFactory(name="Le Lab", opening_hours={"sa": "09:00-12:00,14:00-18:00"})
    EquipmentFactory(place=lab, name="Découpeuse laser Trotec")
    EquipmentFactory(place=lab, name="Fraiseuse numérique")
    PlaceFactory(name="Le Local", opening_hours={"mo": "09:00-18:00"})
    reindex()
    with time_machine.travel(SATURDAY_MORNING, tick=False):
        filters, _notices = SearchFilters.from_query({"q": "découpe laser"})
        (result,) = search(filters).results
        assert result.today_hours == "09:00-12:00, 14:00-18:00"
        assert result.equipment == ("Découpeuse laser Trotec",)
        page = client.get("/recherche/", {"q": "découpe laser"}).content.decode()
        assert "Aujourd'hui : 09:00-12:00, 14:00-18:00" in page
        assert "Découpeuse laser Trotec" in page
        assert "Fraiseuse" not in page
        page = client.get("/recherche/", {"q": "local"}).content.decode()
        assert "Fermé aujourd'hui" in page
