"""The write inputs: a field left out is UNSET and changes nothing; they cannot be changed after
being built, nor built with fields the write does not know."""

import dataclasses

import pytest

from maillage.lib.inputs import UNSET
from maillage.networks.services import NetworkData
from maillage.places.services import PlaceData, SpaceData


def test_only_the_fields_given_are_set():
    data = PlaceData(summary="Ouvert le samedi", latitude=None)

    assert data.given() == {"summary": "Ouvert le samedi", "latitude": None}
    assert data.name is UNSET


def test_an_input_is_frozen_and_keyword_only():
    data = SpaceData(name="Salle")
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.name = "Autre"  # type: ignore[misc]
    with pytest.raises(TypeError):
        SpaceData("Salle")  # type: ignore[misc]
    with pytest.raises(TypeError):
        SpaceData(colour="bleu")  # type: ignore[call-arg]


def test_from_mapping_leaves_aside_what_is_not_a_field_of_the_write():
    data = NetworkData.from_mapping({"name": "Réseau", "confirm": True})

    assert data.given() == {"name": "Réseau"}


def test_assign_to_sets_the_given_fields_only():
    class Thing:
        name = "avant"
        summary = "garde"

    thing = Thing()
    PlaceData(name="après").assign_to(thing)

    assert (thing.name, thing.summary) == ("après", "garde")
