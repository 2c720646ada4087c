"""A médiation numérique file imported, exported and imported again: every field of the schema
comes back out as it went in, and the second import changes nothing."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.directory.opendata.tests.helpers import content, read_csv
from maillage.directory.transfer import services as transfer
from maillage.places.models import Place

TOWN_HALL = {
    "id": "dora-3d647b3a-a5b6-41f8-8374-ba37c1ff1746-espace-numerique-de-la-mairie-de-douai",
    "pivot": "21590178100016",
    "nom": "Espace numérique de la mairie",
    "commune": "DOUAI",
    "code_postal": "59500",
    "code_insee": "",
    "adresse": "83 rue de la Mairie",
    "complement_adresse": "Rez-de-chaussée",
    "latitude": 50.3705,
    "longitude": 3.0799,
    "typologie": "MUNI",
    "telephone": "+33327000000",
    "courriels": "numerique@douai.example",
    "site_web": "https://www.douai.example/numerique",
    "horaires": "Mo-Fr 09:00-12:00,14:00-17:00",
    "presentation_resume": "Un accès libre et un accompagnement aux démarches.",
    "presentation_detail": "<p>Ateliers <b>collectifs</b> le mardi.</p>",
    "source": "dora",
    "itinerance": "Fixe",
    "structure_parente": "Mairie de Douai",
    "date_maj": "2023-05-11",
    "services": "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien",
    "publics_specifiquement_adresses": "Seniors|Jeunes",
    "prise_en_charge_specifique": "Surdité",
    "frais_a_charge": "Gratuit",
    "dispositif_programmes_nationaux": "Conseillers numériques|France Services",
    "formations_labels": "",
    "autres_formations_labels": "Label maison",
    "modalites_acces": "Se présenter|Téléphoner",
    "modalites_accompagnement": "Accompagnement individuel|Dans un atelier collectif",
    "fiche_acces_libre": "https://acceslibre.beta.gouv.fr/app/59-douai/a/mairie/erp/mairie-1/",
    "prise_rdv": "https://www.rdv-solidarites.fr/",
}
TIERS_LIEU = {
    "id": "ftl-42",
    "pivot": "00000000000000",
    "nom": "La Bobine",
    "commune": "Douai",
    "code_postal": "59500",
    "adresse": "1 place d'Armes",
    "latitude": 50.3720,
    "longitude": 3.0850,
    "typologie": "TIERS_LIEUX|ASSO",
    "source": "france-tiers-lieux",
    "date_maj": "2022-11-30",
    "services": "Loisirs et créations numériques",
    # Older names of the schema: kept as they are.
    "publics_accueillis": "Adultes;Familles/enfants",
    "labels_nationaux": "Fabriques de Territoire",
    "accessibilite": "https://acceslibre.beta.gouv.fr/app/59-douai/a/tiers-lieu/erp/bobine/",
}


def _import(data: bytes, name: str, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    run = transfer.start_import(by=None, upload=SimpleUploadedFile(name, data), network=None)
    return transfer.dry_run(run=run)


def test_a_mediation_file_keeps_every_field_and_comes_back_out_unchanged(
    client, commune, settings, tmp_path
):
    data = json.dumps([TOWN_HALL, TIERS_LIEU], ensure_ascii=False).encode()
    run = _import(data, "lieux.json", settings, tmp_path)
    assert [row["outcome"] for row in run.report] == ["created", "created"], run.report
    assert not any("gardées" in notice for notice in run.summary["notices"][2:3])
    transfer.apply_run(run=run, by=None)

    hall = Place.objects.get(name="Espace numérique de la mairie")
    assert hall.siret == "21590178100016"
    assert hall.last_confirmed_at is not None
    assert hall.last_confirmed_at.date().isoformat() == "2023-05-11"
    assert hall.acceslibre_url == TOWN_HALL["fiche_acces_libre"]
    assert hall.address_complement == "Rez-de-chaussée"
    assert hall.summary == TOWN_HALL["presentation_resume"]
    assert hall.description == "Ateliers collectifs le mardi."
    assert hall.tags["services"] == [
        "Aide aux démarches administratives",
        "Maîtrise des outils numériques du quotidien",
    ]
    assert hall.tags["typologie"] == ["MUNI"]
    assert hall.extra["prise_rdv"] == "https://www.rdv-solidarites.fr/"
    bobine = Place.objects.get(name="La Bobine")
    assert bobine.siret == ""
    assert bobine.acceslibre_url == TIERS_LIEU["accessibilite"]
    assert bobine.tags["publics_accueillis"] == ["Adultes", "Familles/enfants"]
    assert bobine.tags["labels_nationaux"] == ["Fabriques de Territoire"]

    exported = content(client.get(reverse("opendata:directory-download-mediation")))
    rows = {row["nom"]: row for row in read_csv(exported)}
    out = rows["Espace numérique de la mairie"]
    for field, value in TOWN_HALL.items():
        if field in ("commune", "code_insee", "presentation_detail", "latitude", "longitude"):
            continue
        assert out[field] == str(value), field
    assert out["commune"] == "Douai"
    assert out["code_insee"] == "59178"
    # The town hall stays a town hall; a tiers-lieu is said to be one.
    assert rows["La Bobine"]["typologie"] == "TIERS_LIEUX|ASSO"
    assert rows["La Bobine"]["id"] == "ftl-42"
    assert rows["La Bobine"]["pivot"] == "00000000000000"
    assert rows["La Bobine"]["date_maj"] == "2022-11-30"

    again = _import(exported, "export.csv", settings, tmp_path)
    assert [row["outcome"] for row in again.report] == ["unchanged", "unchanged"], again.report
    assert Place.objects.count() == 2
