"""A small census file and just the communes it names (loading all 35,000 takes seconds)."""

import csv
from pathlib import Path

import pytest

from maillage.territory.models import FormerCommuneCode
from maillage.territory.tests.factories import CommuneFactory

COLUMNS = ["ID", "NOM_TL", "ADRESSE", "CP", "COMINIT", "INSEECOM", "NOMCOM", "WEB", "TWITTER",
           "FACEBOOK", "TYPO", "LAT", "LONG", "INSEEREG", "NOMREG", "INSEEDEP"]  # fmt: skip
COWORKING = "Tiers lieux à dominante coworking"
FABLAB = "Tiers lieux à dominante fablab"
MEL = ("200093201", "Métropole Européenne de Lille")
DOUAISIS = ("200044618", "CA Douaisis Agglo")

ROWS = [
    # ID, name, address, CP, COMINIT, INSEECOM, WEB, TYPO, LAT, LONG, INSEEREG
    ("3", "Co-Factory", "677 Avenue de la République", "59800", "Lille", "59350",
     "www.co-factory.fr", COWORKING, "50.65505", "3.08581", "32"),
    ("25", "Weréso", "104 Rue nationale", "59800", "Lille", "59350", "", COWORKING,
     "50.635371", "3.058359", "32"),
    ("40", "Fablab de Douai", "1 place d'Armes", "59500", "Douai", "59178", "pas une adresse",
     FABLAB, "50.37", "3.08", "32"),
    # INSEECOM "0": found through postal code + name.
    ("1219", "La gare numérique", "Rue de la Gare", "59460", "Jeumont", "0",
     "http://www.example.org/gare", FABLAB, "50.29", "4.10", "32"),
    # INSEECOM of a commune merged since: found through the former codes.
    ("50", "L'Ancienne Poste", "2 rue Haute", "59910", "Vieux-Bourg", "59998", "", "",
     "", "", "32"),
    # INSEECOM "0" and the old name of a merged commune.
    ("51", "Le Relais", "3 rue Basse", "59910", "Vieux Bourg", "0", "", COWORKING,
     "50.5", "3.5", "32"),
    # Nothing to find the commune with: skipped and counted.
    ("1482", "L'Hermitage", "", "0", "", "0", "", "", "49.43", "3.12", "32"),
    # Another region: not part of the demo.
    ("1", "ADE Coworking", "9 Rue du Petit Châtelier", "44300", "Nantes", "44109", "", COWORKING,
     "47.24", "-1.50", "52"),
]  # fmt: skip


@pytest.fixture
def demo_communes(db):
    communes = {
        "lille": CommuneFactory(
            code_insee="59350", name="Lille", postal_codes="|59000|59800|",
            epci_code=MEL[0], epci=MEL[1], latitude=50.63, longitude=3.06,
        ),
        "lomme": CommuneFactory(
            code_insee="59360", name="Lomme", postal_codes="|59160|", epci_code=MEL[0], epci=MEL[1],
        ),
        "douai": CommuneFactory(
            code_insee="59178", name="Douai", postal_codes="|59500|",
            epci_code=DOUAISIS[0], epci=DOUAISIS[1],
        ),
        "jeumont": CommuneFactory(
            code_insee="59324", name="Jeumont", postal_codes="|59460|",
            epci_code="200043396", epci="CA Maubeuge Val de Sambre",
        ),
        "val": CommuneFactory(
            code_insee="59999", name="Val-de-Marque", postal_codes="|59910|",
            epci_code=MEL[0], epci=MEL[1], latitude=50.6, longitude=3.2,
        ),
        "nantes": CommuneFactory(
            code_insee="44109", name="Nantes", postal_codes="|44000|44300|", region_code="52",
            region="Pays de la Loire", department_code="44", epci_code="244400404",
            epci="Nantes Métropole",
        ),
    }  # fmt: skip
    FormerCommuneCode.objects.create(
        old_code="59998", old_name="Vieux-Bourg", kind="COMD", commune=communes["val"]
    )
    return communes


@pytest.fixture
def census_csv(tmp_path: Path) -> Path:
    path = tmp_path / "census.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for ident, name, address, cp, cominit, insee, web, typo, lat, lon, region in ROWS:
            writer.writerow(
                [ident, name, address, cp, cominit, insee, cominit, web, "", "", typo, lat, lon,
                 region, "", cp[:2]]
            )  # fmt: skip
    return path
