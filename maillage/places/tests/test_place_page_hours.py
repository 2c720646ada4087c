"""The place page says when opening hours are unknown instead of showing a week of "Fermé"."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_place_without_opening_hours_says_they_are_not_given(client, place):
    place.opening_hours = {}
    place.save()

    page = client.get(place.get_absolute_url()).content.decode()

    assert "Horaires non renseignés." in page
    assert '<table class="hours">' not in page
    assert "Fermé" not in page


def test_a_place_with_opening_hours_lists_every_day_closed_ones_included(client, place):
    place.opening_hours = {"mo": "09:00-18:00"}
    place.save()

    page = client.get(place.get_absolute_url()).content.decode()

    assert '<table class="hours">' in page
    assert "09:00–18:00" in page
    assert page.count("Fermé") == 6
    assert "Horaires non renseignés." not in page
