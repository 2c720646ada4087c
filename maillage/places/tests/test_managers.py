import pytest
from django.urls import reverse

from maillage.accounts.tests.factories import UserFactory
from maillage.places.models import PlaceRole
from maillage.places.services import (
    AlreadyManager,
    LastManager,
    UnknownUser,
    add_manager,
    remove_manager,
)

pytestmark = pytest.mark.django_db


def managers_of(place):
    return set(
        PlaceRole.objects.filter(place=place, role="manager").values_list("user__email", flat=True)
    )


def test_a_manager_adds_another_person_by_email(alice, place):
    UserFactory(email="gaelle@example.org")

    add_manager(place=place, by=alice, email="  Gaelle@Example.org ")

    assert managers_of(place) == {"alice@example.org", "gaelle@example.org"}


def test_an_unknown_email_gets_a_clear_french_error(alice, place):
    with pytest.raises(UnknownUser) as caught:
        add_manager(place=place, by=alice, email="personne@example.org")

    assert "Aucun compte n'utilise l'adresse personne@example.org" in str(caught.value)
    assert managers_of(place) == {"alice@example.org"}


def test_adding_someone_twice_is_refused(alice, place):
    with pytest.raises(AlreadyManager):
        add_manager(place=place, by=alice, email="alice@example.org")


def test_the_last_manager_cannot_be_removed(alice, place):
    with pytest.raises(LastManager) as caught:
        remove_manager(place=place, by=alice, user=alice)

    assert "dernière personne" in str(caught.value)
    assert managers_of(place) == {"alice@example.org"}


def test_a_manager_can_be_removed_while_another_remains(alice, place):
    gaelle = UserFactory(email="gaelle@example.org")
    add_manager(place=place, by=alice, email=gaelle.email)

    remove_manager(place=place, by=alice, user=gaelle)

    assert managers_of(place) == {"alice@example.org"}


def test_the_managers_page_adds_a_manager_and_shows_errors_next_to_the_field(client, alice, place):
    client.force_login(alice)
    url = reverse("places:place-managers", args=[place.slug])

    response = client.post(url, {"email": "inconnu@example.org"})
    assert 'id="id_email_error"' in response.content.decode()
    assert "Aucun compte" in response.content.decode()

    UserFactory(email="gaelle@example.org", display_name="Gaëlle")
    response = client.post(url, {"email": "gaelle@example.org"}, follow=True)
    assert "Gaëlle gère maintenant ce lieu." in response.content.decode()
    assert managers_of(place) == {"alice@example.org", "gaelle@example.org"}


def test_removing_the_last_manager_through_the_page_says_why_and_changes_nothing(
    client, alice, place
):
    client.force_login(alice)

    response = client.post(
        reverse("places:manager-remove", args=[place.slug, alice.pk]), follow=True
    )

    assert "dernière personne" in response.content.decode()
    assert managers_of(place) == {"alice@example.org"}


def test_a_member_of_the_place_cannot_be_removed_as_manager_through_the_url(
    client, alice, bob, place
):
    client.force_login(alice)

    response = client.post(reverse("places:manager-remove", args=[place.slug, bob.pk]), follow=True)

    assert "ne gère pas ce lieu" in response.content.decode()
    assert PlaceRole.objects.filter(user=bob, role="member").exists()
