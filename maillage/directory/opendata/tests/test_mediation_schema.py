"""The médiation numérique export against the national schema (v1.0.2), field by field."""

import json
import re

import pytest
from django.urls import reverse

from maillage.directory.opendata.exporters import (
    MEDIATION_COLUMNS,
    osm_opening_hours,
    schema_phone,
)
from maillage.directory.opendata.tests.helpers import content, read_csv
from maillage.lib.shared_data import shared_data_dir
from maillage.places.models import PlaceStatus, PlaceType
from maillage.places.tests.factories import PlaceFactory

SCHEMA_PATH = shared_data_dir() / "schemas" / "lieux-mediation-numerique_schema_v1.0.2.json"


@pytest.fixture(scope="module")
def schema():
    if not SCHEMA_PATH.exists():
        pytest.skip("schema file not available")
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def schema_errors(schema: dict, rows: list[dict[str, str]]) -> list[str]:
    """A small Table Schema validator: columns, required, unique, patterns, maxLength, types."""
    errors = []
    fields = schema["fields"]
    for number, row in enumerate(rows, start=2):
        if list(row) != [f["name"] for f in fields]:
            errors.append(f"line {number}: columns differ from the schema")
        for f in fields:
            value = row.get(f["name"], "")
            constraints = f.get("constraints", {})
            if not value:
                if constraints.get("required"):
                    errors.append(f"line {number}: {f['name']} is required")
                continue
            if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
                errors.append(f"line {number}: {f['name']}={value!r} breaks its pattern")
            if "maxLength" in constraints and len(value) > constraints["maxLength"]:
                errors.append(f"line {number}: {f['name']} too long")
            if f["type"] == "number":
                try:
                    float(value)
                except ValueError:
                    errors.append(f"line {number}: {f['name']} is not a number")
            if f["type"] == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                errors.append(f"line {number}: {f['name']} is not an ISO date")
    for f in fields:
        if f.get("constraints", {}).get("unique"):
            values = [row[f["name"]] for row in rows]
            if len(values) != len(set(values)):
                errors.append(f"{f['name']} is not unique")
    return errors


def mediation_rows(client, slug="reseau-a", **query):
    url = reverse("opendata:download-mediation", args=[slug])
    return read_csv(content(client.get(url, query)), delimiter=query.get("sep", ","))


def test_the_export_has_the_32_columns_of_the_schema_in_order(schema):
    assert [f["name"] for f in schema["fields"]] == MEDIATION_COLUMNS
    assert len(MEDIATION_COLUMNS) == 32


def test_a_complete_place_conforms_to_the_schema(client, schema, rich_place):
    rows = mediation_rows(client)
    assert schema_errors(schema, rows) == []
    [row] = rows
    assert row["id"] == "cget-2019-0042"
    assert row["pivot"] == "00000000000000"
    assert row["typologie"] == "TIERS_LIEUX"
    assert row["code_postal"] == "59500"
    assert row["code_insee"] == "59178"
    assert row["date_maj"] == "2026-03-02"
    assert row["telephone"] == "+33327000000"
    assert row["horaires"] == "Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:30"
    assert row["services"] == "Loisirs et créations numériques"
    assert row["formations_labels"] == "Fabriques de Territoire"
    assert row["modalites_acces"] == "Se présenter|Téléphoner|Contacter par mail"
    assert row["itinerance"] == "Fixe"


def test_many_kinds_of_places_all_conform(client, schema, membership, place, commune):
    from maillage.networks.models import Membership, MembershipStatus, Network

    network = Network.objects.get(slug="reseau-a")
    for index, place_type in enumerate(PlaceType.values):
        other = PlaceFactory(
            commune=commune,
            types=[place_type],
            phone=["03 27 11 22 33", "06.12.34.56.78", "0033 3 27 11 22 33", "n/a", ""][index % 5],
            summary="x" * 280,  # the longest summary the model holds (PostgreSQL enforces it)
            opening_hours={"mo": "9h-12h", "we": "09:00-12:00", "su": "10:00-11:00"},
            status=PlaceStatus.PROJECT if index % 2 else PlaceStatus.OPEN,
        )
        Membership.objects.create(network=network, place=other, status=MembershipStatus.ACCEPTED)
    rows = mediation_rows(client, sep=";")
    assert len(rows) == len(PlaceType.values) + 1
    assert schema_errors(schema, rows) == []


def test_closed_places_and_places_without_an_address_are_left_out(client, membership, place):
    PlaceFactory(name="Fermé", status=PlaceStatus.CLOSED)
    PlaceFactory(name="Sans adresse", address="")
    PlaceFactory(name="Sans commune", commune=None)
    names = [row["nom"] for row in mediation_rows(client, slug="reseau-a")]
    assert names == ["La Bobine"]
    url = reverse("opendata:directory-download-mediation")
    names = [row["nom"] for row in read_csv(content(client.get(url)))]
    assert "La Bobine" in names
    assert not {"Fermé", "Sans adresse", "Sans commune"} & set(names)


def test_a_missing_postal_code_is_taken_from_the_commune(client, membership, place):
    place.postal_code = ""
    place.save()
    [row] = mediation_rows(client)
    assert row["code_postal"] == "59500"


def test_formula_cells_are_neutralised_but_the_schema_phone_is_kept(client, rich_place):
    rich_place.name = '=HYPERLINK("http://evil")'
    rich_place.save()
    [row] = mediation_rows(client)
    assert row["nom"].startswith("'=")
    assert row["telephone"] == "+33327000000"


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ({}, ""),
        ({"mo": "09:00-12:00"}, "Mo 09:00-12:00"),
        ({"mo": "09:00-12:00", "tu": "09:00-12:00"}, "Mo,Tu 09:00-12:00"),
        (
            {"mo": "09:00-18:00", "tu": "09:00-18:00", "we": "09:00-18:00", "sa": "10:00-12:00"},
            "Mo-We 09:00-18:00; Sa 10:00-12:00",
        ),
        ({"fr": "14:00-18:00", "su": "10:00-12:00"}, "Fr 14:00-18:00; Su 10:00-12:00"),
        ({"mo": "not hours"}, ""),
    ],
)
def test_opening_hours_are_written_in_openstreetmap_syntax(hours, expected):
    assert osm_opening_hours(hours) == expected


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("03 27 00 00 00", "+33327000000"),
        ("+33 (0)3 27 00 00 00", ""),
        ("+687 12 34 56", "+687123456"),
        ("0033327000000", "+33327000000"),
        ("appeler la mairie", ""),
        ("", ""),
    ],
)
def test_phones_are_put_in_the_schema_form_or_left_blank(phone, expected):
    assert schema_phone(phone) == expected
