"""A coordinator imports a GeoJSON whose properties no reader knows: uploads it, watches the
analysis progress, maps two fields and the type values, reads the paginated report, and
applies it in the background — the page polls a status region and never reloads itself.

The worker is played by the test: tasks are only queued (dummy backend), and the test runs
them while the page is open. Screenshots: var/screenshots/test_import_mapping_flow-*.png.
"""

import json

import pytest
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.directory.transfer.services import dry_run
from maillage.directory.transfer.tasks import apply_task
from maillage.networks.models import NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import ImportProfile, ImportRun, Place
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEATURES = [
    ("La Bobine", "tierslieu", 3.0799, 50.3705, "Association Bobine"),
    ("Le Hangar", "hakerspace", 3.081, 50.372, "SCIC Hangar"),
    ("Café Pixel", "cantine", 3.083, 50.369, ""),
    ("La Fabrique du Rivage", "tierslieu|cantine", 3.085, 50.371, "Collectif Rivage"),
]


@pytest.fixture
def coordinator(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tasks wait in the queue: the test plays the worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )
    NetworkFactory(name="Réseau Nord", slug="reseau-nord")
    network = NetworkFactory(name="Réseau des fablabs", slug="reseau-fablabs")
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    path = tmp_path / "carte-fablabs.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": {
                            "denomination": name,
                            "code_commune": "59178",
                            "genre": kind,
                            "structure": org,
                        },
                    }
                    for name, kind, lon, lat, org in FEATURES
                ],
            }
        ),
        encoding="utf-8",
    )
    return {"dora": dora, "network": network, "file": path}


def the_run() -> ImportRun:
    return ImportRun.objects.get()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_upload_map_watch_and_apply_in_the_background(
    site_page, live_server, coordinator, screenshot, viewport
):
    page = site_page
    log_in_as(page, live_server, coordinator["dora"])
    page.goto("/import/")
    network_select = page.locator("#id_network")
    # Never preselected: the coordinator chooses.
    expect(network_select).to_have_value("")
    network_select.select_option(label="Réseau des fablabs")
    page.locator("#id_file").set_input_files(str(coordinator["file"]))
    page.locator("#id_licence").fill("CC BY 4.0")
    page.get_by_role("button", name="Lancer l'essai à blanc").click()

    # The analysis waits for the worker: a progress region that polls.
    expect(page.get_by_text("En attente du serveur")).to_be_visible()
    page.evaluate("() => { window.stillTheSamePage = true; }")
    screenshot(page, "1-waiting")
    check_accessibility(page)

    dry_run(run=the_run())  # the worker reads the file: unknown names, a mapping is needed
    expect(page.get_by_role("heading", name="Associer les colonnes du fichier")).to_be_visible(
        timeout=10000
    )
    assert page.evaluate("() => window.stillTheSamePage") is True  # swapped in, not reloaded
    check_accessibility(page)
    screenshot(page, "2-mapping")

    # "genre" is no usual name: with the name and the commune, three fields to map.
    page.get_by_label("Colonne denomination").select_option(label="Nom du lieu")
    page.get_by_label("Colonne code_commune").select_option(label="Code INSEE de la commune")
    page.get_by_label("Colonne genre").select_option(label="Types de lieu")
    page.get_by_role("button", name="Relancer l'essai à blanc avec ces colonnes").click()

    # The run waits again; the worker analyses it with the mapping, types still to name.
    dry_run(run=the_run())
    expect(page.get_by_role("heading", name="Essai à blanc")).to_be_visible(timeout=10000)
    page.get_by_role("link", name="Associer les colonnes et les types autrement").click()
    page.get_by_label("tierslieu").select_option(label="Autre")
    page.get_by_label("hakerspace").select_option(label="Fablab / atelier de fabrication")
    page.get_by_label("cantine").select_option(label="Coworking")
    page.locator("#id_profile_name").fill("Carte fablabs")
    screenshot(page, "3-types")
    page.get_by_role("button", name="Relancer l'essai à blanc avec ces colonnes").click()
    expect(page.get_by_text("Profil « Carte fablabs » enregistré pour le réseau.")).to_be_visible()
    page.evaluate("() => { window.stillTheSamePage = true; }")

    dry_run(run=the_run())
    expect(page.get_by_role("heading", name="Rapport ligne par ligne")).to_be_visible(timeout=10000)
    assert page.evaluate("() => window.stillTheSamePage") is True
    expect(page.get_by_role("link", name="4 à créer")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "4-report")

    page.get_by_role("button", name="Appliquer").click()
    expect(page.get_by_text("Application de l'import")).to_be_visible()
    assert the_run().status == ImportRun.Status.APPLYING
    screenshot(page, "5-applying")
    check_accessibility(page)
    page.evaluate("() => { window.stillTheSamePage = true; }")

    apply_task.call(the_run().pk, coordinator["dora"].pk)  # the worker applies it
    expect(page.get_by_role("heading", name="Résultat")).to_be_visible(timeout=10000)
    assert page.evaluate("() => window.stillTheSamePage") is True
    screenshot(page, "6-applied")

    assert the_run().status == ImportRun.Status.APPLIED
    assert ImportProfile.objects.get().types == {
        "tierslieu": "other",
        "hakerspace": "fablab",
        "cantine": "coworking",
    }
    rivage = Place.objects.get(name="La Fabrique du Rivage")
    assert rivage.types == ["other", "coworking"]
    assert Place.objects.get(name="Le Hangar").types == ["fablab"]
    assert rivage.extra == {"structure": "Collectif Rivage"}
    assert rivage.source_licence == "CC BY 4.0" and rivage.source_format == "geojson"
