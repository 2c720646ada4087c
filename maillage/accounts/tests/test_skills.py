"""Adding, changing and removing one's skills; one name per person, in French when refused."""

import pytest
from django.urls import reverse

from maillage.accounts.models import Skill, Visibility
from maillage.accounts.services import (
    DuplicateSkillError,
    InvalidSkillError,
    add_skill,
    delete_skill,
    update_skill,
)
from maillage.accounts.tests.factories import SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_add_skill_tidies_the_name_and_keeps_the_visibility():
    user = UserFactory()
    skill = add_skill(
        user=user, name="  Comptabilité   associative ", visibility=Visibility.PRIVATE
    )
    assert skill.name == "Comptabilité associative"
    assert skill.visibility == Visibility.PRIVATE
    assert skill.user == user


def test_a_second_skill_with_the_same_name_in_another_case_is_refused_in_french():
    user = UserFactory()
    add_skill(user=user, name="Soudure", visibility=Visibility.PUBLIC)

    with pytest.raises(DuplicateSkillError) as exc:
        add_skill(user=user, name="soudure", visibility=Visibility.NETWORK)

    assert str(exc.value) == "Vous avez déjà une compétence « soudure »."
    assert exc.value.field == "name"
    assert Skill.objects.filter(user=user).count() == 1


def test_two_people_may_have_a_skill_of_the_same_name():
    add_skill(user=UserFactory(), name="Soudure", visibility=Visibility.PUBLIC)
    add_skill(user=UserFactory(), name="Soudure", visibility=Visibility.PUBLIC)
    assert Skill.objects.filter(name="Soudure").count() == 2


@pytest.mark.parametrize(
    ("name", "visibility", "message"),
    [
        ("   ", Visibility.PUBLIC, "Donnez un nom à cette compétence."),
        ("x" * 101, Visibility.PUBLIC, "Ce nom de compétence est trop long."),
        ("Soudure", "everyone", "Choisissez qui peut voir cette compétence."),
    ],
)
def test_bad_skill_input_is_refused_in_french_and_saves_nothing(name, visibility, message):
    user = UserFactory()
    with pytest.raises(InvalidSkillError) as exc:
        add_skill(user=user, name=name, visibility=visibility)
    assert str(exc.value) == message
    assert not Skill.objects.filter(user=user).exists()


def test_update_skill_to_the_name_of_another_of_ones_skills_changes_nothing():
    user = UserFactory()
    add_skill(user=user, name="Soudure", visibility=Visibility.PUBLIC)
    skill = add_skill(user=user, name="Couture", visibility=Visibility.PUBLIC)

    with pytest.raises(DuplicateSkillError):
        update_skill(skill=skill, name="SOUDURE", visibility=Visibility.PRIVATE)

    skill.refresh_from_db()
    assert (skill.name, skill.visibility) == ("Couture", Visibility.PUBLIC)


def test_update_skill_may_keep_its_own_name_and_change_visibility():
    skill = SkillFactory(name="Soudure", visibility=Visibility.PUBLIC)
    update_skill(skill=skill, name="soudure", description="TIG et MIG", visibility="private")
    skill.refresh_from_db()
    assert (skill.name, skill.description, skill.visibility) == ("soudure", "TIG et MIG", "private")


def test_delete_skill_removes_it():
    skill = SkillFactory()
    delete_skill(skill=skill)
    assert not Skill.objects.filter(pk=skill.pk).exists()


def test_adding_a_skill_through_the_page(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:skill-add"),
        {"name": "Animation de réunions", "description": "", "visibility": "network"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert user.skills.get().name == "Animation de réunions"
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Animation de réunions" in profile
    assert "Membres de mes réseaux" in profile


def test_a_duplicate_skill_through_the_page_shows_the_error_next_to_the_name(client):
    user = UserFactory()
    SkillFactory(user=user, name="Soudure")
    client.force_login(user)

    response = client.post(
        reverse("accounts:skill-add"), {"name": "soudure", "visibility": "public"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vous avez déjà une compétence « soudure »." in html
    assert 'id="id_name_error"' in html
    assert user.skills.count() == 1


def test_a_skill_without_visibility_is_refused_in_french(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("accounts:skill-add"), {"name": "Soudure"})

    assert "Choisissez qui peut voir cette compétence." in response.content.decode()
    assert not user.skills.exists()


def test_editing_a_skill_through_the_page(client):
    skill = SkillFactory(name="Soudure", visibility=Visibility.PUBLIC)
    client.force_login(skill.user)

    page = client.get(reverse("accounts:skill-edit", args=[skill.pk]))
    assert 'value="Soudure"' in page.content.decode()
    response = client.post(
        reverse("accounts:skill-edit", args=[skill.pk]),
        {"name": "Soudure TIG", "description": "Sur rendez-vous", "visibility": "private"},
    )

    assert response.status_code == 302
    skill.refresh_from_db()
    assert (skill.name, skill.visibility) == ("Soudure TIG", "private")


def test_deleting_a_skill_through_the_page_needs_a_post(client):
    skill = SkillFactory()
    client.force_login(skill.user)
    url = reverse("accounts:skill-delete", args=[skill.pk])

    assert client.get(url).status_code == 405
    assert Skill.objects.filter(pk=skill.pk).exists()
    assert client.post(url).status_code == 302
    assert not Skill.objects.filter(pk=skill.pk).exists()
