"""Coordinators hear of each application; the place's managers hear of the decision."""

import pytest
from django.urls import reverse

from maillage.accounts.tests.factories import UserFactory
from maillage.networks import services
from maillage.networks.models import Network, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.notifications.models import Notification
from maillage.places.models import PlaceRole


@pytest.fixture
def second_coordinator(network_a):
    user = UserFactory(email="gael@example.org", display_name="Gaël")
    NetworkRole.objects.create(network=network_a, user=user, role=NetworkRole.Role.COORDINATOR)
    return user


@pytest.fixture
def co_manager(other_place):
    """Another manager of Charlie's place."""
    user = UserFactory(email="jade@example.org", display_name="Jade")
    PlaceRole.objects.create(place=other_place, user=user, role=PlaceRole.Role.MANAGER)
    return user


def apply(place, network, by, motivation="Nous voulons partager notre atelier."):
    return services.apply_for_membership(
        place=place, network=network, by=by, accept_charter=True, motivation=motivation
    )


def application_notes():
    return Notification.objects.filter(title__startswith="Demande d'adhésion")


def test_an_application_notifies_the_network_coordinators(
    other_place, network_a, charlie, dora, second_coordinator, erin
):
    membership = apply(other_place, network_a, charlie)

    notes = application_notes()
    assert set(notes.values_list("user", flat=True)) == {dora.pk, second_coordinator.pk}
    note = notes.get(user=dora)
    assert note.title == ("Demande d'adhésion : « Le Hangar » souhaite rejoindre « Réseau A »")
    assert "Nous voulons partager notre atelier." in note.body
    assert note.url == reverse("networks:membership-detail", args=["reseau-a", membership.pk])
    assert note.read_at is None


def test_a_coordinator_applying_for_their_own_place_is_not_notified(other_place, network_a, dora):
    PlaceRole.objects.create(place=other_place, user=dora, role=PlaceRole.Role.MANAGER)
    apply(other_place, network_a, dora)
    assert not application_notes().exists()


def test_a_network_without_coordinator_notifies_its_parents(other_place, charlie, dora, network_a):
    child = NetworkFactory(
        name="Réseau local", slug="reseau-local", level=Network.Level.LOCAL, parent=network_a
    )
    apply(other_place, child, charlie)
    assert list(application_notes().values_list("user", flat=True)) == [dora.pk]


def test_a_refused_application_notifies_nobody(place, network_a, alice, dora, membership):
    with pytest.raises(services.MembershipAlreadyOpen):
        apply(place, network_a, alice)
    assert not Notification.objects.exists()


def test_acceptance_notifies_the_places_managers_and_reads_the_application(
    other_place, network_a, charlie, co_manager, dora, second_coordinator
):
    membership = apply(other_place, network_a, charlie)

    services.accept_membership(membership=membership, by=dora, note="Bienvenue !")

    decision = Notification.objects.filter(title__startswith="Adhésion acceptée")
    assert set(decision.values_list("user", flat=True)) == {charlie.pk, co_manager.pk}
    note = decision.get(user=charlie)
    assert note.title == "Adhésion acceptée : « Le Hangar » a rejoint « Réseau A »"
    assert note.body == "Bienvenue !"
    assert note.url == reverse("networks:membership-detail", args=["reseau-a", membership.pk])
    # Both coordinators' "application" notifications are read: the decision is taken.
    assert application_notes().count() == 2
    assert not application_notes().filter(read_at__isnull=True).exists()


def test_refusal_notifies_the_managers_with_the_reason(
    other_place, network_a, charlie, co_manager, dora
):
    membership = apply(other_place, network_a, charlie)
    services.start_review(membership=membership, by=dora)
    # Still to decide: a review does not read the application.
    assert application_notes().filter(read_at__isnull=True).count() == 1

    services.refuse_membership(membership=membership, by=dora, reason="Hors de notre territoire.")

    decision = Notification.objects.filter(title__startswith="Adhésion refusée")
    assert set(decision.values_list("user", flat=True)) == {charlie.pk, co_manager.pk}
    note = decision.get(user=co_manager)
    assert note.title == "Adhésion refusée : « Le Hangar » ne rejoint pas « Réseau A »"
    assert note.body == "Motif : Hors de notre territoire."
    assert not application_notes().filter(read_at__isnull=True).exists()


def test_a_coordinator_deciding_for_their_own_place_is_not_notified(
    other_place, network_a, charlie, dora
):
    PlaceRole.objects.create(place=other_place, user=dora, role=PlaceRole.Role.MANAGER)
    membership = apply(other_place, network_a, charlie)
    services.accept_membership(membership=membership, by=dora)
    decision = Notification.objects.filter(title__startswith="Adhésion acceptée")
    assert list(decision.values_list("user", flat=True)) == [charlie.pk]


def test_a_refused_decision_changes_no_notification(other_place, network_a, charlie, dora, erin):
    membership = apply(other_place, network_a, charlie)
    with pytest.raises(services.NotAllowed):
        services.accept_membership(membership=membership, by=erin)
    with pytest.raises(services.ReasonRequired):
        services.refuse_membership(membership=membership, by=dora, reason=" ")
    assert application_notes().filter(read_at__isnull=True).count() == 1
    assert Notification.objects.count() == 1


def test_a_suspension_tells_the_places_managers_why(
    other_place, network_a, charlie, co_manager, dora
):
    membership = apply(other_place, network_a, charlie)
    services.accept_membership(membership=membership, by=dora)

    services.suspend_membership(membership=membership, by=dora, reason="Cotisation impayée.")

    notes = Notification.objects.filter(title__startswith="Adhésion suspendue")
    assert set(notes.values_list("user", flat=True)) == {charlie.pk, co_manager.pk}
    note = notes.get(user=charlie)
    assert note.title == "Adhésion suspendue : « Le Hangar » dans « Réseau A »"
    assert note.body == "Motif : Cotisation impayée."
    assert note.url == reverse("networks:membership-detail", args=["reseau-a", membership.pk])


def test_lifting_a_suspension_tells_the_places_managers(other_place, network_a, charlie, dora):
    membership = apply(other_place, network_a, charlie)
    services.accept_membership(membership=membership, by=dora)
    services.suspend_membership(membership=membership, by=dora, reason="Impayé.")

    services.reinstate_membership(membership=membership, by=dora)

    note = Notification.objects.get(title__startswith="Adhésion rétablie")
    assert note.user == charlie


def test_a_place_leaving_tells_the_coordinators_and_not_who_left(
    other_place, network_a, charlie, co_manager, dora, second_coordinator
):
    membership = apply(other_place, network_a, charlie)
    services.accept_membership(membership=membership, by=dora)

    services.leave_network(membership=membership, by=charlie)

    notes = Notification.objects.filter(title__startswith="Départ")
    assert set(notes.values_list("user", flat=True)) == {
        dora.pk,
        second_coordinator.pk,
        co_manager.pk,
    }
    note = notes.get(user=dora)
    assert note.title == "Départ : « Le Hangar » a quitté « Réseau A »"
    assert note.body == "Enregistré par Charlie."


def test_a_coordinator_marking_a_place_as_gone_tells_its_managers(
    other_place, network_a, charlie, dora, second_coordinator
):
    membership = apply(other_place, network_a, charlie)
    services.accept_membership(membership=membership, by=dora)

    services.leave_network(membership=membership, by=dora)

    notes = Notification.objects.filter(title__startswith="Départ")
    assert set(notes.values_list("user", flat=True)) == {charlie.pk, second_coordinator.pk}
