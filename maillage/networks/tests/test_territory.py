import pytest

from maillage.networks import selectors, services
from maillage.territory.models import FormerCommuneCode
from maillage.territory.tests.factories import CommuneFactory


@pytest.fixture
def communes(db):
    """Three communes of the Nord (two in the Douaisis EPCI), two of the Pas-de-Calais."""
    return {
        "douai": CommuneFactory(
            code_insee="59178", name="Douai", population=39000, epci_code="245900758"
        ),
        "sin": CommuneFactory(
            code_insee="59569", name="Sin-le-Noble", population=16000, epci_code="245900758"
        ),
        "lille": CommuneFactory(
            code_insee="59350", name="Lille", population=236000, epci_code="200093201"
        ),
        "arras": CommuneFactory(
            code_insee="62041",
            name="Arras",
            department_code="62",
            department="Pas-de-Calais",
            population=41000,
        ),
        "lens": CommuneFactory(
            code_insee="62498",
            name="Lens",
            department_code="62",
            department="Pas-de-Calais",
            population=31000,
        ),
    }


def codes_of(network) -> set[str]:
    return set(network.communes.values_list("code_insee", flat=True))


def test_insee_codes_become_the_territory(network_a, dora, communes):
    change = services.set_territory(network=network_a, by=dora, codes_text="59178\n62041")
    assert change.commune_count == 2
    assert codes_of(network_a) == {"59178", "62041"}


def test_a_department_code_brings_all_its_communes(network_a, dora, communes):
    services.set_territory(network=network_a, by=dora, codes_text="62")
    assert codes_of(network_a) == {"62041", "62498"}


def test_an_epci_siren_brings_its_member_communes(network_a, dora, communes):
    services.set_territory(network=network_a, by=dora, codes_text="245900758")
    assert codes_of(network_a) == {"59178", "59569"}


def test_codes_mix_and_separators_are_forgiving(network_a, dora, communes):
    services.set_territory(network=network_a, by=dora, codes_text=" 62 ; 245900758,59350  59178 ")
    assert codes_of(network_a) == {"62041", "62498", "59178", "59569", "59350"}


def test_an_old_insee_code_from_before_a_merger_still_counts(network_a, dora, communes):
    FormerCommuneCode.objects.create(old_code="59999", kind="fusion", commune=communes["douai"])
    services.set_territory(network=network_a, by=dora, codes_text="59999")
    assert codes_of(network_a) == {"59178"}


def test_unknown_codes_are_all_reported_and_nothing_is_saved(network_a, dora, communes):
    services.set_territory(network=network_a, by=dora, codes_text="59178")
    with pytest.raises(services.UnknownTerritoryCodes) as refusal:
        services.set_territory(
            network=network_a, by=dora, codes_text="62, 00000, 99, 123456789, Douai"
        )
    assert refusal.value.codes == ["00000", "99", "123456789", "DOUAI"]
    assert "Codes inconnus : 00000, 99, 123456789, DOUAI" in refusal.value.message
    assert codes_of(network_a) == {"59178"}


def test_an_empty_text_empties_the_territory(network_a, dora, communes):
    services.set_territory(network=network_a, by=dora, codes_text="59")
    services.set_territory(network=network_a, by=dora, codes_text="  ")
    assert codes_of(network_a) == set()


def test_only_coordinators_set_the_territory(network_a, erin, communes):
    with pytest.raises(services.NotAllowed):
        services.set_territory(network=network_a, by=erin, codes_text="59")
    assert codes_of(network_a) == set()


def test_summary_counts_communes_departments_and_population(network_a, dora, communes):
    services.set_territory(network=network_a, by=dora, codes_text="59178, 62")
    summary = selectors.territory_summary(network=network_a)
    assert summary.commune_count == 3
    assert summary.department_count == 2
    assert summary.population == 39000 + 41000 + 31000
    assert summary.departments == ["59", "62"]


def test_the_territory_is_written_back_with_whole_departments_compressed(network_a, dora, communes):
    services.set_territory(network=network_a, by=dora, codes_text="59178, 62")
    assert selectors.territory_codes_text(network=network_a) == "62, 59178"
