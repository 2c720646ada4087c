"""'Mes cercles' on the circles list page: the logged-in person's roles in every circle, current
and past, each with the decision that named them — in a bounded number of queries."""

import datetime

import pytest
from django.urls import reverse

from maillage.accounts.tests.factories import UserFactory
from maillage.circles import selectors, services
from maillage.circles.models import CircleMember, CircleRole, Transparency
from maillage.circles.tests.factories import CircleFactory, CircleMemberFactory
from maillage.circles.tests.test_circles_roles import adopted_decision

pytestmark = pytest.mark.django_db

URL = reverse("circles:circle-list")


@pytest.fixture
def named(circle, participant):
    """Bob, participant of the Douaisis since joining, is named contributor by a decision; he was
    once a participant of the Avesnois circle too (ended)."""
    decision = adopted_decision(circle=circle, user=participant, role=CircleRole.CONTRIBUTOR)
    services.assign_role(
        circle=circle,
        user=participant,
        role=CircleRole.CONTRIBUTOR,
        starts_on=datetime.date(2026, 3, 1),
        decision=decision,
        by=None,
    )
    return decision


def test_a_person_sees_their_current_and_past_roles_with_the_naming_decision(
    client, circle, other_circle, participant, named, dora
):
    old = CircleMemberFactory(circle=other_circle, user=participant, role=CircleRole.PARTICIPANT)
    services.end_role(member=old, reason="Déménagement", by=dora)
    client.force_login(participant)

    body = client.get(URL).content.decode()

    section = body[body.index('id="mes-cercles"') : body.index("</section>")]
    assert "Cercle du Douaisis" in section and "Cercle de l&#x27;Avesnois" in section
    # The circle where a role is in force comes first.
    assert section.index("Douaisis") < section.index("Avesnois")
    decision_url = reverse("circles:decision-detail", args=["douaisis", named.pk])
    assert f'href="{decision_url}"' in section
    assert "Contributeur·rice" in section and "en cours" in section
    assert "Déménagement" in section and "ancien rôle" in section


def test_the_selector_orders_rows_newest_first_and_marks_their_state(circle, participant, named):
    (mine,) = selectors.roles_of_person(user=participant)
    assert [row.member.role for row in mine.rows] == [
        CircleRole.CONTRIBUTOR,
        CircleRole.PARTICIPANT,
    ]
    assert [row.state for row in mine.rows] == ["current", "past"]
    assert mine.current.member.decision == named
    assert mine.rows[1].decision_url == ""  # joining as participant needs no decision


def test_a_future_role_is_coming_not_current(circle, participant):
    later = UserFactory()
    CircleMemberFactory(
        circle=circle,
        user=later,
        role=CircleRole.PARTICIPANT,
        starts_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    (mine,) = selectors.roles_of_person(user=later)
    assert mine.rows[0].state == "coming" and mine.current is None


def test_a_members_only_decision_is_not_linked_for_someone_who_left_the_network(
    network_b, participant, erin
):
    far = CircleFactory(network=network_b, slug="loin", transparency=Transparency.MEMBERS)
    decision = adopted_decision(circle=far, user=participant, role=CircleRole.STEWARD)
    row = CircleMemberFactory(
        circle=far, user=participant, role=CircleRole.STEWARD, decision=decision
    )
    services.end_role(member=row, reason="Fin de mandat", by=erin)
    mine = next(m for m in selectors.roles_of_person(user=participant) if m.circle == far)
    assert mine.rows[0].decision_url == ""
    # Public transparency: the decision page is open to everyone, so it is linked.
    far.transparency = Transparency.PUBLIC
    far.save()
    mine = next(m for m in selectors.roles_of_person(user=participant) if m.circle == far)
    assert mine.rows[0].decision_url == reverse(
        "circles:decision-detail", args=["loin", decision.pk]
    )


def test_no_section_for_anonymous_visitors_or_people_without_a_role(client, circle, participant):
    assert 'id="mes-cercles"' not in client.get(URL).content.decode()
    client.force_login(UserFactory())
    assert 'id="mes-cercles"' not in client.get(URL).content.decode()


def test_only_the_persons_own_roles_show(client, circle, participant, contributor, steward):
    client.force_login(contributor)
    body = client.get(URL).content.decode()
    section = body[body.index('id="mes-cercles"') : body.index("</section>")]
    assert "Contributeur·rice" in section
    assert "Soucieux·se" not in section and "Participant·e" not in section


def test_the_list_page_is_bounded_in_queries_whatever_the_roles(
    client, network_a, participant, dora, django_assert_max_num_queries
):
    for n in range(12):
        other = CircleFactory(network=network_a, slug=f"cercle-{n}")
        row = CircleMemberFactory(circle=other, user=participant, role=CircleRole.PARTICIPANT)
        if n % 2:
            services.end_role(member=row, reason="Fin", by=dora)
    client.force_login(participant)
    with django_assert_max_num_queries(11):  # with the menu
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('class="my-role-') == 13
    assert CircleMember.objects.filter(user=participant).count() == 13
