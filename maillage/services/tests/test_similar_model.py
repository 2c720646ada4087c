"""Similar places weigh the economic model the directory shows (spaces rented, members' price,
equipment lent for a fee, free or paid access, legal form) and say so."""

import pytest

from maillage.places.tests.factories import PlaceFactory, SpaceFactory
from maillage.services.economic_model import legal_form, model_codes, model_labels
from maillage.services.models import PlaceFeatures
from maillage.services.similar import refresh_features, similar_places
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_the_legal_form_is_read_from_the_columns_that_name_a_status():
    assert legal_form({"Statut juridique": "SCIC SAS"}) == "cooperative"
    assert legal_form({"structure": "Association La Fabrique (loi 1901)"}) == "association"
    assert legal_form({"forme": "Communauté de communes du Pays"}) == "public"
    # A column that names no status says nothing, even when it holds the word.
    assert legal_form({"facebook": "association"}) == ""
    assert legal_form({"statut": "Ouvert"}) == ""


def test_prices_and_access_fees_make_the_model():
    codes = model_codes(
        spaces_priced=True,
        members_price=True,
        equipment_priced=False,
        tags={"frais_a_charge": ["Gratuit sous condition", "Payant"]},
        extra={},
    )
    assert codes == {"rents_spaces", "members_price", "free_access", "paid_services"}


@pytest.fixture
def three_places(db):
    commune = CommuneFactory(code_insee="59010", name="Bourg", population=5000)
    base, renter, free = (
        PlaceFactory(
            name=name,
            slug=name.lower(),
            types=["coworking"],
            commune=commune,
            extra=extra,
            tags=tags,
        )
        for name, extra, tags in (
            ("Base", {"statut": "SCIC"}, {}),
            ("Loueur", {"forme juridique": "Société coopérative (SCOP)"}, {}),
            ("Gratuit", {"statut": "association"}, {"frais_a_charge": ["Gratuit"]}),
        )
    )
    for place in (base, renter):
        SpaceFactory(
            place=place,
            kind="desk",
            surface_m2=50,
            price_public_cents=2000,
            price_member_cents=1500,
        )
    SpaceFactory(place=free, kind="desk", surface_m2=50)
    refresh_features([base.pk, renter.pk, free.pk])
    return base, renter, free


def test_a_place_with_the_same_model_ranks_first_and_the_reason_says_it(three_places):
    base, renter, free = three_places
    features = PlaceFeatures.objects.get(place=base)
    assert model_labels(features.model_mask) == [
        "location d'espaces",
        "tarif adhérent",
        "coopérative",
    ]

    found = similar_places(base)

    assert [s.place_id for s in found] == [renter.pk, free.pk]
    assert "même modèle : location d'espaces, tarif adhérent, coopérative" in found[0].reasons
    assert not any(reason.startswith("même modèle") for reason in found[1].reasons)
