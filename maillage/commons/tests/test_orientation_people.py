"""People of the skills directory among an orientation's suggestions: matched by the words of
the need, only through skills both the guide and the requester may see (the person's own
choice of visibility), and introduced only once both agreed, like a commons' contact."""

import pytest
from django.core import mail
from django.urls import reverse

from maillage.accounts.models import Skill, Visibility
from maillage.commons import orientation
from maillage.commons.models import Suggestion
from maillage.commons.orientation_selectors import rank_people
from maillage.notifications.models import Notification

pytestmark = pytest.mark.django_db

NEED = "Nous tenons nos comptes sur un tableur et voulons une vraie comptabilité."


@pytest.fixture
def request_of_bob(bob, membership, network_a, commune, gaelle):
    network_a.communes.add(commune)
    return orientation.file_request(
        by=bob,
        data=orientation.RequestData(need=NEED, maturity="young", commune=commune),
    )


@pytest.fixture
def skills(alice, charlie, erin, dora):
    return {
        "network": Skill.objects.create(
            user=alice, name="Comptabilité associative", visibility=Visibility.NETWORK
        ),
        "public": Skill.objects.create(
            user=charlie,
            name="Comptabilité",
            description="Paheko, Dolibarr",
            visibility=Visibility.PUBLIC,
        ),
        "other_network": Skill.objects.create(
            user=erin, name="Comptabilité", visibility=Visibility.NETWORK
        ),
        "private": Skill.objects.create(
            user=dora, name="Comptabilité", visibility=Visibility.PRIVATE
        ),
        "unrelated": Skill.objects.create(
            user=alice, name="Jardinage", visibility=Visibility.PUBLIC
        ),
    }


def test_people_whose_visible_skills_match_the_need_are_suggested(
    request_of_bob, gaelle, skills, alice, charlie
):
    people = rank_people(request=request_of_bob, guide=gaelle)

    assert {m.person for m in people} == {alice, charlie}
    by_person = {m.person: m.skills for m in people}
    assert by_person[alice] == [skills["network"]]
    assert all(m.score >= 1 for m in people)


def test_a_network_skill_is_not_shown_to_a_requester_outside_the_network(
    network_a, commune, gaelle, skills, charlie
):
    network_a.communes.add(commune)
    anonymous = orientation.file_request(
        by=None,
        data=orientation.RequestData(
            need=NEED, maturity="idea", commune=commune, email="lina@example.net"
        ),
    )

    people = rank_people(request=anonymous, guide=gaelle)

    assert [m.person for m in people] == [charlie]


def test_the_requester_is_never_suggested_to_themself(request_of_bob, gaelle, bob):
    Skill.objects.create(user=bob, name="Comptabilité", visibility=Visibility.PUBLIC)

    assert bob not in {m.person for m in rank_people(request=request_of_bob, guide=gaelle)}


def test_a_skill_the_requester_may_not_see_is_dropped_from_the_answer(
    request_of_bob, gaelle, skills
):
    orientation.answer(
        request=request_of_bob,
        by=gaelle,
        message="Deux personnes peuvent vous aider.",
        commons_ids=[],
        contact_ids=[],
        place_ids=[],
        skill_ids=[skills["public"].pk, skills["private"].pk, skills["other_network"].pk],
    )

    assert [s.skill for s in request_of_bob.suggestions.all()] == [skills["public"]]


def test_a_directory_person_is_introduced_once_both_agreed(
    client, request_of_bob, gaelle, skills, charlie, django_capture_on_commit_callbacks
):
    client.force_login(gaelle)
    url = reverse("commons:request-detail", args=[request_of_bob.pk])
    page = client.get(url).content.decode()
    assert "annuaire des compétences" in page
    assert "Comptabilité : Paheko, Dolibarr" in page
    client.post(
        url,
        {
            "people": str(skills["public"].pk),
            "message": "Charlie connaît Paheko.",
            "confirm": "oui",
        },
    )
    suggestion = Suggestion.objects.get(request=request_of_bob)
    assert suggestion.skill == skills["public"]

    client.logout()
    client.post(
        reverse("commons:orientation", args=[request_of_bob.token]),
        {"suggestion": suggestion.pk, "decision": "accept"},
    )
    assert Notification.objects.filter(user=charlie, topic="commons.introduction").exists()

    client.force_login(charlie)
    intro = reverse("commons:introduction", args=[suggestion.pk])
    assert "Comptabilité" in client.get(intro).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(intro, {"decision": "accept"})

    suggestion.refresh_from_db()
    assert suggestion.introduced_at is not None
    assert set(mail.outbox[-1].to) == {"bob@example.org", charlie.email}


def test_someone_else_cannot_answer_for_the_directory_person(
    client, request_of_bob, gaelle, skills, alice
):
    orientation.answer(
        request=request_of_bob,
        by=gaelle,
        message="Voici.",
        commons_ids=[],
        contact_ids=[],
        place_ids=[],
        skill_ids=[skills["public"].pk],
    )
    suggestion = Suggestion.objects.get()
    client.force_login(alice)

    assert client.get(reverse("commons:introduction", args=[suggestion.pk])).status_code == 403
