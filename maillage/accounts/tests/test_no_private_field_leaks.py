"""No page shows a person's e-mail or phone to anyone but that person."""

import pytest
from django.urls import reverse

from maillage.accounts.models import Visibility
from maillage.accounts.tests.factories import SkillFactory
from maillage.conftest import PERSONAS

EMAIL = "alice@example.org"
PHONE = "06 11 22 33 44"


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_page_never_shows_email_or_phone(persona_client, alice, persona):
    alice.phone = PHONE
    alice.bio = "Gestionnaire de La Bobine."
    alice.save(update_fields=["phone", "bio"])

    html = persona_client(persona).get(alice.get_absolute_url()).content.decode()

    assert "Gestionnaire de La Bobine." in html
    assert EMAIL not in html
    assert PHONE not in html


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("anonymous", "alice")])
def test_another_persons_profile_pages_never_show_alices_private_fields(
    persona_client, alice, persona
):
    alice.phone = PHONE
    alice.save(update_fields=["phone"])
    SkillFactory(user=alice, name="Secret de fabrication", visibility=Visibility.PRIVATE)
    client = persona_client(persona)

    for name in ("profile", "profile-edit", "skill-add"):
        html = client.get(reverse(f"accounts:{name}")).content.decode()
        assert EMAIL not in html
        assert PHONE not in html
        assert "Secret de fabrication" not in html


def test_person_page_queries_are_bounded(persona_client, bob, django_assert_max_num_queries):
    SkillFactory.create_batch(10, user=bob, visibility=Visibility.NETWORK)
    client = persona_client("dora")
    with django_assert_max_num_queries(11):  # 5 for the menu
        response = client.get(bob.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="skill"') == 10
