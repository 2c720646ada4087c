"""The admin lists people by e-mail; createsuperuser works without a username."""

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.urls import reverse

from maillage.accounts.models import Skill, User
from maillage.accounts.tests.factories import SkillFactory

pytestmark = pytest.mark.django_db


def test_createsuperuser_works_with_an_email_and_no_input(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "un mot de passe solide 42")

    call_command("createsuperuser", "--email", "Admin@Example.org", "--noinput", verbosity=0)

    user = User.objects.get(email="admin@example.org")
    assert user.is_superuser and user.is_staff
    assert user.check_password("un mot de passe solide 42")


def test_user_and_skill_are_registered_in_the_admin():
    assert User in site._registry
    assert Skill in site._registry


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_skill_changelist",
    ],
)
def test_admin_pages_open_for_root(persona_client, url_name):
    SkillFactory()
    response = persona_client("root").get(reverse(url_name), {"q": "a"})
    assert response.status_code == 200


def test_admin_user_change_page_opens(persona_client, alice):
    response = persona_client("root").get(reverse("admin:accounts_user_change", args=[alice.pk]))
    assert response.status_code == 200
    assert "alice@example.org" in response.content.decode()


def test_admin_can_add_a_person_by_email(persona_client):
    response = persona_client("root").post(
        reverse("admin:accounts_user_add"),
        {
            "email": "nouveau@example.org",
            "usable_password": "true",
            "password1": "un mot de passe solide 42",
            "password2": "un mot de passe solide 42",
            "skills-TOTAL_FORMS": "0",
            "skills-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="nouveau@example.org").exists()
