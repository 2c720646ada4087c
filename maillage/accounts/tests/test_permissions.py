"""Every accounts URL for the seven personas: who gets the page, who is sent to login, who is refused.

Alice owns a skill visible to her networks' members: Bob (same place), Dora (network A) and Root
(admin) can see it but not change it (403); Charlie and Erin cannot even see it (404).
"""

import pytest
from django.urls import reverse

from maillage.accounts.models import Skill, Visibility
from maillage.accounts.tests.factories import SkillFactory
from maillage.conftest import PERSONAS

LOGIN = 302

# url name -> expected status per persona, in PERSONAS order:
# anonymous, bob, charlie, alice, erin, dora, root
MATRIX = {
    ("get", "profile"): [LOGIN, 200, 200, 200, 200, 200, 200],
    ("get", "profile-edit"): [LOGIN, 200, 200, 200, 200, 200, 200],
    ("get", "skill-add"): [LOGIN, 200, 200, 200, 200, 200, 200],
    ("get", "skill-edit"): [LOGIN, 403, 404, 200, 404, 403, 403],
    ("post", "skill-edit"): [LOGIN, 403, 404, 302, 404, 403, 403],
    ("post", "skill-delete"): [LOGIN, 403, 404, 302, 404, 403, 403],
    ("get", "person-detail"): [200, 200, 200, 200, 200, 200, 200],
}

CASES = [
    (method, name, persona, statuses[i])
    for (method, name), statuses in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]


@pytest.mark.parametrize(("method", "name", "persona", "expected"), CASES)
def test_permission_matrix(persona_client, alice, method, name, persona, expected):
    skill = SkillFactory(user=alice, name="Soudure", visibility=Visibility.NETWORK)
    args = {"skill-edit": [skill.pk], "skill-delete": [skill.pk], "person-detail": [alice.pk]}
    url = reverse(f"accounts:{name}", args=args.get(name, []))
    client = persona_client(persona)

    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, {"name": "Piraté", "visibility": "public"})

    assert response.status_code == expected
    if expected == LOGIN and persona == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    skill_after = Skill.objects.filter(pk=skill.pk).first()
    if persona != "alice":
        # Nobody but Alice changes or removes Alice's skill.
        assert skill_after is not None
        assert skill_after.name == "Soudure"


def test_a_private_skill_of_someone_else_is_not_found_even_by_people_sharing_a_network(
    persona_client, alice
):
    skill = SkillFactory(user=alice, visibility=Visibility.PRIVATE)
    response = persona_client("dora").get(reverse("accounts:skill-edit", args=[skill.pk]))
    assert response.status_code == 404


def test_a_missing_skill_or_person_is_not_found(persona_client):
    client = persona_client("alice")
    assert client.get(reverse("accounts:skill-edit", args=[999999])).status_code == 404
    assert client.get(reverse("accounts:person-detail", args=[999999])).status_code == 404


def test_an_inactive_persons_page_is_not_found(persona_client, bob):
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert persona_client("anonymous").get(bob.get_absolute_url()).status_code == 404
