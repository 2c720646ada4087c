"""The search page's "Personnes et compétences" section: who knows what, as far as one may see."""

import os

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from maillage.accounts.models import Skill, Visibility
from maillage.accounts.services import add_skill, update_skill
from maillage.accounts.tests.factories import SkillFactory, UserFactory
from maillage.directory.search.filters import SearchFilters
from maillage.directory.search.people import search_people
from maillage.lib.french_stem import stem_text
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory

URL = reverse("search:search")

# Bob is a member of La Bobine, accepted in network A. Dora coordinates network A and Alice
# manages La Bobine (both share a network with Bob); Charlie manages a place in no network and
# Erin coordinates network B (strangers); Root is an admin.
EXPECTED = {
    # viewer: (public, network, private)
    "anonymous": (True, False, False),
    "bob": (True, True, True),
    "dora": (True, True, False),
    "alice": (True, True, False),
    "charlie": (True, False, False),
    "erin": (True, False, False),
    "root": (True, True, True),
}


def people_for(query: str, viewer=None, **filters):
    return search_people(SearchFilters(q=query, **filters), user=viewer or AnonymousUser())


def names(found) -> list[str]:
    return [result.person.public_name for result in found.people]


@pytest.mark.django_db
def test_a_query_without_accents_finds_a_public_skill_with_them():
    person = UserFactory(display_name="Zoé Martin")
    SkillFactory(user=person, name="Comptabilité", visibility=Visibility.PUBLIC)

    found = people_for("comptabilite")

    assert names(found) == ["Zoé Martin"]
    assert [skill.name for skill in found.people[0].skills] == ["Comptabilité"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "skill_name"),
    [
        ("COMPTABILITÉS", "Comptabilité"),
        ("compta", "Comptabilité"),
        ("ateliers", "Animation d'atelier"),
        ("animations", "Animation d'atelier"),
        ("soudeuse", "Soudure et soudeur"),
        ("bureaux", "Aménagement de bureau"),
    ],
)
def test_plurals_and_word_forms_find_the_skill(query, skill_name):
    SkillFactory(user=UserFactory(display_name="Yann"), name=skill_name)

    assert names(people_for(query)) == ["Yann"]


@pytest.mark.django_db
def test_the_precision_is_searched_too_and_every_word_must_match():
    SkillFactory(
        user=UserFactory(display_name="Yann"), name="Gestion", description="paie et comptabilité"
    )

    assert names(people_for("comptabilite paie")) == ["Yann"]
    assert names(people_for("comptabilite juridique")) == []


@pytest.mark.django_db
def test_a_word_inside_another_word_does_not_match():
    SkillFactory(user=UserFactory(display_name="Yann"), name="Décomptes")

    assert names(people_for("compte")) == []


@pytest.mark.django_db
def test_stop_words_alone_give_no_people_section():
    SkillFactory(name="Comptabilité")

    assert people_for("de la") is None
    assert people_for("") is None


@pytest.mark.django_db
def test_renaming_a_skill_through_the_service_keeps_it_searchable():
    person = UserFactory(display_name="Yann")
    skill = add_skill(user=person, name="Menuiserie", visibility=Visibility.PUBLIC)

    update_skill(skill=skill, name="Électricité", visibility=Visibility.PUBLIC)

    assert Skill.objects.get(pk=skill.pk).search_text == "electricite"
    assert names(people_for("electricite")) == ["Yann"]
    assert names(people_for("menuiserie")) == []


@pytest.mark.django_db
def test_the_skill_filter_searches_people_instead_of_the_query():
    SkillFactory(user=UserFactory(display_name="Yann"), name="Comptabilité")
    SkillFactory(user=UserFactory(display_name="Xavier"), name="Soudure")

    found = people_for("soudure", skill="comptabilités")

    assert names(found) == ["Yann"]


def test_the_skill_filter_is_read_from_the_url_and_kept_in_shared_links():
    filters, notices = SearchFilters.from_query({"skill": "  comptabilité   analytique "})

    assert filters.skill == "comptabilité analytique"
    assert notices == []
    assert "skill=comptabilit%C3%A9+analytique" in filters.to_query()
    assert filters.is_empty


@pytest.mark.django_db
def test_inactive_people_are_not_listed():
    SkillFactory(user=UserFactory(display_name="Yann", is_active=False), name="Comptabilité")

    assert names(people_for("comptabilite")) == []


@pytest.mark.django_db
def test_each_person_shows_their_published_places_only():
    person = UserFactory(display_name="Yann")
    SkillFactory(user=person, name="Comptabilité")
    shown = PlaceFactory(name="La Fabrique")
    hidden = PlaceFactory(name="Brouillon secret", is_published=False)
    PlaceRole.objects.create(place=shown, user=person, role=PlaceRole.Role.MEMBER)
    PlaceRole.objects.create(place=hidden, user=person, role=PlaceRole.Role.MANAGER)

    found = people_for("comptabilite")

    assert [place.name for place in found.people[0].places] == ["La Fabrique"]


# --- visibility ---------------------------------------------------------------------------


@pytest.mark.parametrize("viewer_name", list(EXPECTED))
@pytest.mark.parametrize(
    ("visibility", "index"),
    [(Visibility.PUBLIC, 0), (Visibility.NETWORK, 1), (Visibility.PRIVATE, 2)],
)
def test_people_search_follows_skill_visibility(
    persona_client, bob, viewer_name, visibility, index
):
    SkillFactory(user=bob, name="Comptabilité", visibility=visibility)

    html = persona_client(viewer_name).get(URL, {"q": "comptabilites"}).content.decode()

    listed = 'href="{}"'.format(reverse("accounts:person-detail", args=[bob.pk])) in html
    assert listed is EXPECTED[viewer_name][index]
    assert "Personnes et compétences" in html


def test_a_network_skill_is_visible_through_a_shared_network_role_only(network_a, dora, erin):
    from maillage.networks.models import NetworkRole

    member = UserFactory(display_name="Yann")
    NetworkRole.objects.create(network=network_a, user=member, role=NetworkRole.Role.MEMBER)
    SkillFactory(user=member, name="Comptabilité", visibility=Visibility.NETWORK)

    assert names(people_for("comptabilite", viewer=dora)) == ["Yann"]
    assert names(people_for("comptabilite", viewer=erin)) == []
    assert names(people_for("comptabilite")) == []


def _user(name: str):
    from maillage.accounts.models import User

    return User.objects.get(email=f"{name}@example.org")


def test_a_suspended_place_does_not_make_people_share_a_network(
    persona_client, membership, bob, dora
):
    from maillage.networks.models import MembershipStatus

    SkillFactory(user=bob, name="Comptabilité", visibility=Visibility.NETWORK)
    membership.status = MembershipStatus.SUSPENDED
    membership.save(update_fields=["status"])

    assert names(people_for("comptabilite", viewer=dora)) == []


def test_a_private_skill_is_never_listed_to_others_but_its_owner_sees_it(
    persona_client, bob, alice, dora, erin, charlie
):
    SkillFactory(user=bob, name="Comptabilité", visibility=Visibility.PRIVATE)

    for viewer in (None, alice, dora, erin, charlie):
        assert names(people_for("comptabilite", viewer=viewer)) == []
    assert names(people_for("comptabilite", viewer=bob)) == ["Bob"]


def test_only_the_visible_matching_skills_of_a_person_are_shown(persona_client, bob, erin):
    SkillFactory(user=bob, name="Comptabilité générale", visibility=Visibility.PUBLIC)
    SkillFactory(user=bob, name="Comptabilité associative", visibility=Visibility.NETWORK)
    SkillFactory(user=bob, name="Soudure", visibility=Visibility.PUBLIC)

    found = people_for("comptabilite", viewer=erin)

    assert [skill.name for skill in found.people[0].skills] == ["Comptabilité générale"]


# --- the page -----------------------------------------------------------------------------


def test_the_page_never_shows_the_email_or_phone_of_a_person(persona_client, bob):
    bob.phone = "06 12 34 56 78"
    bob.save(update_fields=["phone"])
    SkillFactory(user=bob, name="Comptabilité", description="bilans", visibility=Visibility.PUBLIC)

    for viewer in ("anonymous", "dora", "root"):
        html = persona_client(viewer).get(URL, {"q": "comptabilite"}).content.decode()
        assert "Bob" in html
        assert "bilans" in html
        assert "bob@example.org" not in html
        assert "06 12 34 56 78" not in html


def test_the_page_lists_the_person_with_their_skill_and_place(persona_client, bob):
    SkillFactory(user=bob, name="Comptabilité", visibility=Visibility.PUBLIC)

    html = persona_client("anonymous").get(URL, {"q": "comptabilité"}).content.decode()

    assert reverse("accounts:person-detail", args=[bob.pk]) in html
    assert "Comptabilité" in html
    assert 'href="/lieux/la-bobine/"' in html or "La Bobine" in html
    assert "1 personne sait" in html


@pytest.mark.django_db
def test_without_words_the_page_has_no_people_section(client):
    SkillFactory(name="Comptabilité")

    html = client.get(URL).content.decode()

    assert "Personnes et compétences" not in html


@pytest.mark.django_db
def test_the_htmx_partial_carries_the_people_section(client):
    SkillFactory(user=UserFactory(display_name="Yann"), name="Comptabilité")

    response = client.get(URL, {"skill": "comptabilite"}, headers={"HX-Request": "true"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1" not in html
    assert "Personnes et compétences" in html
    assert "Yann" in html
    assert response["HX-Push-Url"] == URL + "?skill=comptabilite"


@pytest.mark.django_db
def test_the_page_has_a_labelled_skill_field(client):
    html = client.get(URL, {"skill": "soudure"}).content.decode()

    assert '<label for="search-skill">' in html
    assert 'id="search-skill" name="skill" value="soudure"' in html


@pytest.mark.django_db
def test_many_people_are_capped_and_say_so(client):
    for n in range(25):
        SkillFactory(user=UserFactory(display_name=f"Personne {n:02d}"), name="Comptabilité")

    found = people_for("comptabilite")
    html = client.get(URL, {"q": "comptabilite"}).content.decode()

    assert found.total == 25
    assert len(found.people) == 20
    assert found.has_more
    assert "25 personnes savent" in html
    assert "Seules les 20 premières personnes" in html


def test_the_number_of_queries_does_not_grow_with_the_people_found(
    persona_client, django_assert_max_num_queries, membership, network_a
):
    from maillage.networks.models import NetworkRole

    for n in range(15):
        person = UserFactory(display_name=f"Personne {n:02d}")
        NetworkRole.objects.create(network=network_a, user=person, role=NetworkRole.Role.MEMBER)
        SkillFactory(user=person, name="Comptabilité", visibility=Visibility.NETWORK)
        SkillFactory(user=person, name="Comptabilités publiques", visibility=Visibility.PUBLIC)
        place = PlaceFactory()
        PlaceRole.objects.create(place=place, user=person, role=PlaceRole.Role.MEMBER)
    dora = _user("dora")

    with django_assert_max_num_queries(5):
        found = people_for("comptabilite", viewer=dora)
        rendered = [(r.person.public_name, r.skills, r.places) for r in found.people]
    assert len(rendered) == 15
    assert all(len(skills) == 2 and len(places) == 1 for _name, skills, places in rendered)

    client = persona_client("dora")
    with django_assert_max_num_queries(25):
        response = client.get(URL, {"q": "comptabilite"})
    assert response.content.decode().count('class="card person-result"') == 15


@pytest.mark.django_db
def test_the_skills_index_follows_bulk_inserts_edits_and_deletions():
    person = UserFactory(display_name="Yann Le Goff")
    created = Skill.objects.bulk_create(
        [
            Skill(
                user=person,
                name="Menuiserie",
                search_text=stem_text("Menuiserie"),
                visibility="public",
            )
        ]
    )
    assert names(people_for("menuiserie")) == ["Yann Le Goff"]

    Skill.objects.filter(pk=created[0].pk).update(search_text=stem_text("Soudure"))
    assert names(people_for("menuiserie")) == []
    assert names(people_for("soudure")) == ["Yann Le Goff"]

    Skill.objects.filter(pk=created[0].pk).delete()
    assert names(people_for("soudure")) == []


@pytest.mark.django_db
def test_every_word_must_start_a_word_of_the_skill_not_its_middle():
    SkillFactory(user=UserFactory(display_name="Ana"), name="Réparation vélo", visibility="public")
    assert names(people_for("repar velo")) == ["Ana"]
    assert names(people_for("paration")) == []
    assert names(people_for("repar cuisine")) == []


@pytest.mark.django_db
def test_optimize_database_gives_the_planner_statistics():
    from django.core.management import call_command
    from django.db import connection

    SkillFactory(name="Couture", visibility="public")
    call_command("optimize_database", full=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'accounts_skill'")
            assert cursor.fetchone()[0] > 0
