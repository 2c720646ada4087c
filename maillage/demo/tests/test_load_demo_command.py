from io import StringIO

import pytest
from django.core.management import call_command

from maillage.demo.selectors import REGIONAL_SLUG
from maillage.networks.models import Network
from maillage.places.models import Place
from maillage.territory.models import Commune

# Many seconds each: skipped by `make test-fast`, run by `make test` and CI.
pytestmark = pytest.mark.slow


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def small_census(census_csv):
    return ["--census", str(census_csv)]


def test_the_command_prints_the_demo_logins_with_their_password(small_census, demo_communes):
    output = run(*small_census)

    assert "admin@demo.maillage.fr" in output
    assert "coordination@demo.maillage.fr" in output
    assert "maillage-demo" in output
    assert "1482 L'Hermitage" in output  # the skipped row is reported


def test_the_second_run_says_the_demo_is_already_there(small_census, demo_communes):
    run(*small_census)

    output = run(*small_census)

    assert "déjà chargée" in output
    assert Network.objects.filter(slug=REGIONAL_SLUG).count() == 1


def test_a_dry_run_saves_nothing(small_census, demo_communes):
    output = run(*small_census, "--dry-run")

    assert "rien n'a été enregistré" in output
    assert not Place.objects.exists()
    assert not Network.objects.exists()


@pytest.mark.django_db
def test_the_real_census_builds_the_hauts_de_france_demo_loading_communes_first():
    assert not Commune.objects.exists()

    run()

    assert Commune.objects.count() > 30000
    # 76 census rows in the region, one without any commune information.
    assert Place.objects.filter(source="CGET 2019").count() == 75
    assert Place.objects.filter(commune__name="Jeumont").exists()  # its INSEECOM is "0"
    assert Network.objects.filter(level=Network.Level.LOCAL).count() == 4
    # The census flags closed places in their name.
    assert Place.objects.get(name__contains="Actuellement fermé").status == "closed"
    # "Qui parle pour qui" has delegates in office on the real census too.
    from maillage.governance.elections import current_delegates

    assert current_delegates().exists()
