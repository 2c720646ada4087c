from maillage.demo.census import resolve_commune
from maillage.territory.tests.factories import CommuneFactory


def test_a_row_with_insee_code_zero_is_resolved_by_postal_code_and_name(demo_communes):
    commune = resolve_commune(insee="0", postal_code="59460", name="Jeumont")

    assert commune == demo_communes["jeumont"]


def test_the_name_may_differ_in_case_accents_and_saint_abbreviation(demo_communes):
    saint_omer = CommuneFactory(code_insee="62765", name="Saint-Omer", postal_codes="|62500|")

    assert resolve_commune(insee="0", postal_code="59800", name="LILLE") == demo_communes["lille"]
    assert resolve_commune(insee="0", postal_code="62500", name="St Omer") == saint_omer


def test_the_code_of_a_merged_commune_leads_to_todays_commune(demo_communes):
    commune = resolve_commune(insee="59998", postal_code="59910", name="Vieux-Bourg")

    assert commune == demo_communes["val"]


def test_the_old_name_of_a_merged_commune_with_its_postal_code_leads_to_todays_commune(
    demo_communes,
):
    commune = resolve_commune(insee="0", postal_code="59910", name="Vieux Bourg")

    assert commune == demo_communes["val"]


def test_a_row_without_postal_code_or_name_is_not_guessed(demo_communes):
    assert resolve_commune(insee="0", postal_code="0", name="") is None
    assert resolve_commune(insee="0", postal_code="59460", name="Maubeuge") is None
