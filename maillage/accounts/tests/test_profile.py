"""The profile page lists what a person is, and its form saves only good input."""

import pytest
from django.urls import reverse

from maillage.accounts.models import Visibility
from maillage.accounts.services import InvalidProfileError, update_profile
from maillage.accounts.tests.factories import SkillFactory, UserFactory
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "display_name": "Nina Dupont",
    "first_name": "Nina",
    "last_name": "Dupont",
    "bio": "Je répare des **vélos**.",
    "phone": "06 12 34 56 78",
    "commune_search": "",
    "commune": "",
}


def test_profile_shows_roles_with_links_and_private_fields_to_oneself(persona_client, alice, dora):
    html = persona_client("alice").get(reverse("accounts:profile")).content.decode()
    assert "alice@example.org" in html
    assert 'href="/lieux/la-bobine/"' in html
    assert "Gestionnaire" in html

    html = persona_client("dora").get(reverse("accounts:profile")).content.decode()
    assert 'href="/reseaux/reseau-a/"' in html
    assert "Coordinateur·rice" in html


def test_profile_lists_ones_skills_with_their_visibility(client):
    user = UserFactory()
    SkillFactory(user=user, name="Soudure", visibility=Visibility.PRIVATE)
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Soudure" in html
    assert "Privé (moi seul·e)" in html


def test_profile_renders_the_bio_as_sanitised_markdown(client):
    user = UserFactory(bio="Je **soude**. <script>alert(1)</script>")
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "<strong>soude</strong>" in html
    assert "<script>alert(1)" not in html


def test_profile_page_queries_are_bounded(persona_client, alice, django_assert_max_num_queries):
    SkillFactory.create_batch(10, user=alice)
    client = persona_client("alice")
    # With the hub of Mon espace and the sections of the modules landed on 2026-12-04 (the
    # networks the person coordinates are read once for all of them; + invitations to answer a
    # call; services: a project to link).
    with django_assert_max_num_queries(35):
        assert client.get(reverse("accounts:profile")).status_code == 200


def test_editing_the_profile_saves_everything(client, commune):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile-edit"),
        {**GOOD, "commune": commune.code_insee, "commune_search": "Douai (59500)"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Nina Dupont"
    assert user.phone == "06 12 34 56 78"
    assert user.commune == commune


def test_a_commune_typed_as_a_postal_code_is_found_without_the_autocomplete(client, commune):
    user = UserFactory()
    client.force_login(user)

    client.post(reverse("accounts:profile-edit"), {**GOOD, "commune_search": "59500"})

    user.refresh_from_db()
    assert user.commune == commune


def test_emptying_the_commune_field_removes_the_commune(client, commune):
    user = UserFactory(commune=commune)
    client.force_login(user)

    client.post(reverse("accounts:profile-edit"), {**GOOD, "commune": commune.code_insee})

    user.refresh_from_db()
    assert user.commune is None


def test_edit_form_is_prefilled_and_wired_to_the_commune_autocomplete(client, commune):
    user = UserFactory(display_name="Nina", commune=commune)
    client.force_login(user)
    html = client.get(reverse("accounts:profile-edit")).content.decode()
    assert 'value="Nina"' in html
    assert 'value="Douai (59500)"' in html
    assert "data-commune-search" in html
    assert f'data-url="{reverse("territory:commune-search")}"' in html
    assert 'data-commune-target="id_commune"' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"display_name": "  "}, "display_name", "Indiquez le nom que verront les autres membres."),
        (
            {"phone": "appelle-moi"},
            "phone",
            "Ce numéro de téléphone n&#x27;est pas valide",
        ),
        ({"commune_search": "Zzyzx-sur-Mer"}, "commune_search", "Aucune commune ne correspond"),
        ({"first_name": "x" * 151}, "first_name", "150 caractères"),
    ],
)
def test_bad_profile_input_shows_a_french_error_next_to_the_field_and_saves_nothing(
    client, commune, changes, field, message
):
    user = UserFactory(display_name="Avant", phone="", commune=None)
    client.force_login(user)

    response = client.post(reverse("accounts:profile-edit"), {**GOOD, **changes})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}_error"' in html
    user.refresh_from_db()
    assert (user.display_name, user.phone, user.commune) == ("Avant", "", None)


def test_an_ambiguous_commune_name_asks_for_the_postal_code(client):
    CommuneFactory(code_insee="01001", name="Saint-Martin", postal_codes="|01000|")
    CommuneFactory(code_insee="02002", name="Saint-Martin", postal_codes="|02000|")
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile-edit"), {**GOOD, "commune_search": "Saint-Martin"}
    )

    assert "Plusieurs communes correspondent" in response.content.decode()
    user.refresh_from_db()
    assert user.commune is None


def test_update_profile_refuses_a_bad_phone_without_saving():
    user = UserFactory(display_name="Avant")
    with pytest.raises(InvalidProfileError) as exc:
        update_profile(user=user, display_name="Après", phone="12")
    assert exc.value.field == "phone"
    user.refresh_from_db()
    assert user.display_name == "Avant"
