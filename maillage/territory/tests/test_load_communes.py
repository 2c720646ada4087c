import pytest

from maillage.territory.models import Commune, FormerCommuneCode
from maillage.territory.services import load_communes

# Many seconds each: skipped by `make test-fast`, run by `make test` and CI.
pytestmark = pytest.mark.slow


@pytest.mark.django_db
def test_the_gazetteer_loads_every_commune_once_even_when_run_twice():
    first = load_communes()
    second = load_communes()
    assert first == second
    assert Commune.objects.count() == 35014
    douai = Commune.objects.get(code_insee="59178")
    assert douai.name == "Douai"
    assert douai.postal_code_list == ["59500"]
    assert douai.department == "Nord"
    assert douai.region == "Hauts-de-France"
    assert douai.latitude == pytest.approx(50.37, abs=0.05)
    noumea = Commune.objects.get(code_insee="98818")
    assert noumea.zone == Commune.Zone.COM


@pytest.mark.django_db
def test_former_codes_of_merged_communes_point_to_todays_commune():
    load_communes()
    former = FormerCommuneCode.objects.filter(old_code="16206").select_related("commune").first()
    assert former is not None
    assert former.commune.name == "Mansle-les-Fontaines"
