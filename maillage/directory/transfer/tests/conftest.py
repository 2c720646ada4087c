"""Import fixtures: a few communes, and helpers to write small files and run them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.directory.transfer import services
from maillage.lib.shared_data import shared_data_dir
from maillage.territory.models import Commune, FormerCommuneCode
from maillage.territory.services import load_communes
from maillage.territory.tests.factories import CommuneFactory

SHARED_DATA = shared_data_dir()
HEADER = "identifiant,nom,types,adresse,code_postal,commune,code_insee,latitude,longitude"


@pytest.fixture
def communes(db):
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )
    digne = CommuneFactory(
        code_insee="04070", name="Digne-les-Bains", postal_codes="|04000|",
        department_code="04", latitude=44.0925, longitude=6.2356,
    )  # fmt: skip
    noumea = CommuneFactory(
        code_insee="98818", name="Nouméa", postal_codes="|98800|", department_code="988",
        zone=Commune.Zone.COM, latitude=None, longitude=None,
    )  # fmt: skip
    val = CommuneFactory(
        code_insee="59999", name="Val-de-Marque", postal_codes="|59910|", latitude=50.6,
        longitude=3.2,
    )  # fmt: skip
    FormerCommuneCode.objects.create(
        old_code="59998", old_name="Vieux-Bourg", kind="commune-deleguee", commune=val
    )
    return {"douai": douai, "digne": digne, "noumea": noumea, "val": val}


def upload(content: str | bytes, name: str = "lieux.csv", encoding: str = "utf-8"):
    data = content.encode(encoding) if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def run_file(db, settings, tmp_path):
    """Return a function (content, name, network=None) -> the dry-run ImportRun."""
    settings.MEDIA_ROOT = tmp_path

    def run(content, name="lieux.csv", *, network=None, by=None, encoding="utf-8", format=""):
        run = services.start_import(
            by=by, upload=upload(content, name, encoding), network=network, format=format
        )
        return services.dry_run(run=run)

    return run


def outcomes(run) -> list[str]:
    return [row["outcome"] for row in run.report]


def messages_of(run, row: int) -> str:
    entry = next(r for r in run.report if r["row"] == row)
    return " ".join(entry["messages"] + entry["repairs"])


@pytest.fixture(scope="module")
def gazetteer(django_db_setup, django_db_blocker):
    """All 35,014 communes, loaded once for a module and removed after it."""
    with django_db_blocker.unblock():
        load_communes()
    yield
    with django_db_blocker.unblock():
        FormerCommuneCode.objects.all().delete()
        Commune.objects.all().delete()
