"""A file with unfamiliar column names: the mapping step, profiles, extras, source, worker."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from maillage.directory.opendata.exporters import iter_geojson, iter_json, iter_places_csv
from maillage.directory.transfer import services
from maillage.directory.transfer.rows import AlreadyApplied
from maillage.places.models import ImportProfile, ImportRun, Place, PlaceStatus

# Property names no reader knows for the name and the commune, and a network's own type words.
FEATURES = [
    ("La Bobine", "59178", "tierslieu", 3.0799, 50.3705, "Association Bobine"),
    ("Le Hangar", "59178", "hakerspace|cantine", 3.081, 50.372, "SCIC Hangar"),
    ("Café Pixel", "59178", "cantine", 3.083, 50.369, ""),
]


def geojson(**top) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            **top,
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {
                        "denomination": name,
                        "code_commune": insee,
                        "categorie": kind,
                        "structure": org,
                        "facebook": f"https://facebook.example/{i}",
                    },
                }
                for i, (name, insee, kind, lon, lat, org) in enumerate(FEATURES)
            ],
        }
    ).encode()


def upload(client, network, content=None, **fields):
    return client.post(
        "/import/",
        {
            "file": SimpleUploadedFile("carte.geojson", content or geojson()),
            "network": network.pk,
            **fields,
        },
    )


MAPPING = {
    "col-0": "name",  # denomination
    "col-1": "insee_code",  # code_commune
    "col-2": "types",  # categorie (its usual name)
    "col-3": "",
    "col-4": "",
    "types_column": "categorie",
    "type-0": "other",  # tierslieu
    "type-1": "fablab",  # hakerspace
    "type-2": "coworking",  # cantine
}


@pytest.fixture
def mapped_run(client, communes, dora, network_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(dora)
    upload(client, network_a, producer="Réseau des fablabs", licence="CC BY 4.0")
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.NEEDS_MAPPING
    return run


def test_unknown_names_stop_at_a_mapping_step_with_samples_and_type_values(client, mapped_run):
    html = client.get(f"/import/{mapped_run.pk}/").content.decode()
    assert "Associer les colonnes du fichier" in html
    assert "denomination" in html and "<q>La Bobine</q>" in html
    # The distinct values of the type column, each to be given a type.
    for value in ("tierslieu", "hakerspace", "cantine"):
        assert f"<q>{value}</q>" in html
    assert not Place.objects.exists()


def test_a_mapping_saved_as_profile_imports_types_extras_and_source(client, mapped_run, dora):
    response = client.post(
        f"/import/{mapped_run.pk}/colonnes/", {**MAPPING, "profile_name": "Carte fablabs"}
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED
    assert run.summary["created"] == 3
    profile = ImportProfile.objects.get()
    assert (profile.network, profile.name) == (mapped_run.network, "Carte fablabs")
    assert profile.fields == {
        "name": "denomination",
        "insee_code": "code_commune",
        "types": "categorie",
    }
    assert profile.types == {"tierslieu": "other", "hakerspace": "fablab", "cantine": "coworking"}

    client.post(f"/import/{run.pk}/appliquer/")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED
    hangar = Place.objects.get(name="Le Hangar")
    assert hangar.types == ["fablab", "coworking"]
    assert Place.objects.get(name="La Bobine").types == ["other"]
    # Unknown columns are kept, never thrown away.
    assert hangar.extra == {"structure": "SCIC Hangar", "facebook": "https://facebook.example/1"}
    assert (hangar.source_format, hangar.source_producer, hangar.source_licence) == (
        "geojson",
        "Réseau des fablabs",
        "CC BY 4.0",
    )


def test_bad_mapping_is_refused_next_to_the_field_and_changes_nothing(client, mapped_run):
    no_name = {**MAPPING, "col-0": ""}
    response = client.post(f"/import/{mapped_run.pk}/colonnes/", no_name)
    assert response.status_code == 422
    assert "Choisissez la colonne qui donne le nom du lieu." in response.content.decode()
    twice = {**MAPPING, "col-3": "name"}
    response = client.post(f"/import/{mapped_run.pk}/colonnes/", twice)
    assert response.status_code == 422
    assert "« Nom du lieu » est déjà donné à la colonne « denomination »" in (
        response.content.decode()
    )
    mapped_run.refresh_from_db()
    assert mapped_run.status == ImportRun.Status.NEEDS_MAPPING and mapped_run.mapping == {}
    assert not ImportProfile.objects.exists() and not Place.objects.exists()


def test_a_saved_profile_is_picked_on_the_upload_page_and_in_the_command(
    client, mapped_run, network_a, tmp_path
):
    client.post(f"/import/{mapped_run.pk}/colonnes/", {**MAPPING, "profile_name": "Carte"})
    profile = ImportProfile.objects.get()
    page = client.get("/import/").content.decode()
    assert "Carte" in page and "— choisir un réseau —" in page
    upload(client, network_a, profile=profile.pk)
    run = ImportRun.objects.latest("pk")
    assert run.profile == profile and run.status == ImportRun.Status.CHECKED

    path = tmp_path / "carte.geojson"
    path.write_bytes(geojson())
    out = StringIO()
    call_command(
        "import_places", str(path), "--network", network_a.slug, "--profile", "Carte",
        "--apply", stdout=out, stderr=StringIO(),
    )  # fmt: skip
    assert Place.objects.get(name="Le Hangar").types == ["fablab", "coworking"]
    with pytest.raises(CommandError, match="Profil inconnu"):
        call_command("import_places", str(path), "--network", network_a.slug, "--profile", "X")


def test_a_profile_of_another_network_is_refused(client, mapped_run, network_b):
    other = ImportProfile.objects.create(network=network_b, name="Autre", fields={})
    response = upload(client, mapped_run.network, profile=other.pk)
    # Not among this coordinator's profiles: refused next to the field, no run created.
    assert response.status_code == 200
    assert ImportRun.objects.count() == 1


def test_licence_and_producer_are_prefilled_from_the_file(
    client, communes, dora, network_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(dora)
    upload(client, network_a, geojson(licence="ODbL", producer="Collectif X"))
    run = ImportRun.objects.get()
    assert (run.licence, run.producer) == ("ODbL", "Collectif X")


def test_the_network_is_never_preselected(client, dora, network_a):
    client.force_login(dora)
    page = client.get("/import/").content.decode()
    assert '<option value="" selected>— choisir un réseau —</option>' in page
    response = client.post("/import/", {"file": SimpleUploadedFile("a.geojson", geojson())})
    assert "Choisissez le réseau des lieux importés." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_extras_and_source_are_shown_to_managers_and_exported(client, alice, place):
    place.extra = {"structure": "SCIC Hangar"}
    place.source_producer, place.source_licence = "Réseau des fablabs", "CC BY 4.0"
    place.save()
    public = client.get(place.get_absolute_url()).content.decode()
    assert "Source : Réseau des fablabs — licence CC BY 4.0" in public
    assert "SCIC Hangar" not in public
    client.force_login(alice)
    assert "SCIC Hangar" in client.get(place.get_absolute_url()).content.decode()

    places = list(Place.objects.filter(pk=place.pk))
    feature = json.loads("".join(iter_geojson(places, extras=True)))["features"][0]["properties"]
    assert feature["extra"] == {"structure": "SCIC Hangar"}
    public = json.loads("".join(iter_geojson(places)))["features"][0]["properties"]
    assert public["extra"] == {}
    assert feature["source_licence"] == "CC BY 4.0"
    assert json.loads("".join(iter_json(places)))[0]["source_producer"] == "Réseau des fablabs"
    csv_text = "".join(iter_places_csv(places, extras=True))
    assert '"{""structure"": ""SCIC Hangar""}"' in csv_text and "CC BY 4.0" in csv_text


def test_the_report_is_paginated_and_filtered(client, dora, network_a):
    client.force_login(dora)
    report = [
        {
            "row": n,
            "name": f"Lieu {n}",
            "outcome": "rejected" if n % 2 else "created",
            "messages": [],
        }
        for n in range(1, 121)
    ]
    run = ImportRun.objects.create(
        network=network_a, created_by=dora, original_name="x.csv", format="csv",
        status=ImportRun.Status.CHECKED, report=report, summary={"created": 60, "rejected": 60},
    )  # fmt: skip
    html = client.get(f"/import/{run.pk}/").content.decode()
    assert "Page 1 sur 3" in html and "<td>Lieu 50</td>" in html and "<td>Lieu 51</td>" not in html
    html = client.get(f"/import/{run.pk}/?resultat=rejected&page=2").content.decode()
    assert (
        "Page 2 sur 2" in html and "<td>Lieu 101</td>" in html and "<td>Lieu 100</td>" not in html
    )


def test_a_failed_apply_is_recorded_on_the_run_in_french(
    client, communes, dora, network_a, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(dora)
    upload(client, network_a)
    run = ImportRun.objects.get()
    client.post(f"/import/{run.pk}/colonnes/", MAPPING)

    def broken(**kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr("maillage.directory.transfer.runs.create_places_in_bulk", broken)
    response = client.post(f"/import/{run.pk}/appliquer/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "L'application a échoué et rien n'a été modifié" in run.error
    assert not Place.objects.exists()
    assert "rien n&#x27;a été modifié" in client.get(f"/import/{run.pk}/").content.decode()


def test_a_second_apply_is_refused_while_the_first_runs(communes, dora, network_a, run_file):
    run = run_file("nom,code_insee\nLa Bobine,59178\n", network=network_a, by=dora)
    services.queue_apply(run=run)
    with pytest.raises(AlreadyApplied, match="déjà en cours"):
        services.queue_apply(run=run)


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("erin", 403), ("alice", 403), ("dora", 302)]
)
def test_only_who_may_see_the_run_may_map_its_columns(client, request, who, status, mapped_run):
    client.logout()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.post(f"/import/{mapped_run.pk}/colonnes/", MAPPING)
    assert response.status_code == status
    assert ImportRun.objects.get().status == (
        ImportRun.Status.CHECKED if who == "dora" else ImportRun.Status.NEEDS_MAPPING
    )


def test_unknown_csv_columns_are_kept_as_extras(communes, run_file):
    run = run_file("nom,code_insee,couleur\nLa Bobine,59178,bleu\n")
    services.apply_run(run=run, by=None)
    place = Place.objects.get()
    assert place.extra == {"couleur": "bleu"}
    assert place.status == PlaceStatus.OPEN
