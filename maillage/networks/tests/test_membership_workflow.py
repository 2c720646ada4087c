import pytest

from maillage.networks import services
from maillage.networks.models import Membership, MembershipEvent, MembershipStatus
from maillage.networks.tests.conftest import make_membership

S = MembershipStatus


def history(membership) -> list[tuple[str, str]]:
    return list(membership.events.values_list("from_status", "to_status"))


def test_a_manager_applies_with_the_charter_accepted(application, charlie, network_a):
    assert application.status == S.APPLIED
    assert application.applied_by == charlie
    assert application.charter_accepted_by == charlie
    assert application.charter_accepted_at is not None
    assert application.charter_text == network_a.charter
    assert application.motivation == "Nous voulons partager notre atelier."
    event = application.events.get()
    assert (event.from_status, event.to_status, event.by) == ("", S.APPLIED, charlie)


def test_the_accepted_charter_is_a_copy(application, network_a, dora):
    services.update_network(
        network=network_a, by=dora, data=services.NetworkData(charter="Nouvelle charte.")
    )
    application.refresh_from_db()
    assert application.charter_text == "Nous partageons nos espaces et nos savoirs."


def test_the_charter_must_be_accepted(other_place, charlie, network_a):
    with pytest.raises(services.CharterNotAccepted, match="accepter la charte"):
        services.apply_for_membership(
            place=other_place, network=network_a, by=charlie, accept_charter=False, motivation=""
        )
    assert not Membership.objects.filter(place=other_place).exists()


@pytest.mark.parametrize("persona", ["bob", "dora", "erin"])
def test_only_a_manager_of_the_place_may_apply(request, other_place, network_a, charlie, persona):
    with pytest.raises(services.NotAllowed, match="gestionnaire"):
        services.apply_for_membership(
            place=other_place,
            network=network_a,
            by=request.getfixturevalue(persona),
            accept_charter=True,
            motivation="",
        )
    assert not Membership.objects.filter(place=other_place).exists()


def test_an_admin_may_apply_for_any_place(other_place, network_a, root):
    membership = services.apply_for_membership(
        place=other_place, network=network_a, by=root, accept_charter=True, motivation=""
    )
    assert membership.status == S.APPLIED


@pytest.mark.parametrize("status", [S.APPLIED, S.IN_REVIEW, S.ACCEPTED, S.SUSPENDED])
def test_a_second_application_while_one_is_open_is_refused(
    other_place, network_a, charlie, dora, status
):
    make_membership(place=other_place, network=network_a, status=status, by=charlie)
    with pytest.raises(services.MembershipAlreadyOpen, match="déjà une adhésion en cours"):
        services.apply_for_membership(
            place=other_place, network=network_a, by=charlie, accept_charter=True, motivation=""
        )
    assert Membership.objects.filter(place=other_place).count() == 1


@pytest.mark.parametrize("status", [S.REFUSED, S.LEFT])
def test_a_place_may_apply_again_after_refusal_or_leaving(
    other_place, network_a, charlie, dora, status
):
    make_membership(place=other_place, network=network_a, status=status, by=charlie)
    again = services.apply_for_membership(
        place=other_place, network=network_a, by=charlie, accept_charter=True, motivation="Bis"
    )
    assert again.status == S.APPLIED
    assert Membership.objects.filter(place=other_place).count() == 2


def test_the_full_path_is_recorded_step_by_step(application, dora, charlie):
    services.start_review(membership=application, by=dora)
    services.accept_membership(membership=application, by=dora, note="Bienvenue !")
    assert application.decided_by == dora
    assert application.decided_at is not None
    services.suspend_membership(membership=application, by=dora, reason="Cotisation impayée.")
    services.reinstate_membership(membership=application, by=dora)
    services.leave_network(membership=application, by=charlie)
    application.refresh_from_db()
    assert application.status == S.LEFT
    assert history(application) == [
        ("", S.APPLIED),
        (S.APPLIED, S.IN_REVIEW),
        (S.IN_REVIEW, S.ACCEPTED),
        (S.ACCEPTED, S.SUSPENDED),
        (S.SUSPENDED, S.ACCEPTED),
        (S.ACCEPTED, S.LEFT),
    ]
    notes = list(application.events.values_list("note", flat=True))
    assert notes[2] == "Bienvenue !"
    assert notes[3] == "Cotisation impayée."
    assert list(application.events.values_list("by", flat=True)) == [
        charlie.pk,
        dora.pk,
        dora.pk,
        dora.pk,
        dora.pk,
        charlie.pk,
    ]


def test_an_application_may_be_accepted_without_review(application, dora):
    services.accept_membership(membership=application, by=dora)
    assert Membership.objects.get(pk=application.pk).status == S.ACCEPTED


def test_a_refusal_records_its_reason(application, dora):
    services.refuse_membership(membership=application, by=dora, reason="Hors du territoire.")
    application.refresh_from_db()
    assert application.status == S.REFUSED
    assert application.reason == "Hors du territoire."
    assert application.decided_by == dora


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_refusal_needs_a_reason(application, dora, reason):
    with pytest.raises(services.ReasonRequired, match="Indiquez le motif"):
        services.refuse_membership(membership=application, by=dora, reason=reason)
    application.refresh_from_db()
    assert application.status == S.APPLIED
    assert application.events.count() == 1


def test_a_suspension_needs_a_reason(membership, dora):
    with pytest.raises(services.ReasonRequired):
        services.suspend_membership(membership=membership, by=dora, reason="")
    assert Membership.objects.get(pk=membership.pk).status == S.ACCEPTED


REASONED = {"refuse_membership", "suspend_membership"}

REFUSED_TRANSITIONS = [
    # (service, statuses it must refuse)
    ("start_review", [S.IN_REVIEW, S.ACCEPTED, S.REFUSED, S.SUSPENDED, S.LEFT]),
    ("accept_membership", [S.ACCEPTED, S.REFUSED, S.SUSPENDED, S.LEFT]),
    ("refuse_membership", [S.ACCEPTED, S.REFUSED, S.SUSPENDED, S.LEFT]),
    ("suspend_membership", [S.APPLIED, S.IN_REVIEW, S.REFUSED, S.SUSPENDED, S.LEFT]),
    ("reinstate_membership", [S.APPLIED, S.IN_REVIEW, S.ACCEPTED, S.REFUSED, S.LEFT]),
    ("leave_network", [S.APPLIED, S.IN_REVIEW, S.REFUSED, S.LEFT]),
]


@pytest.mark.parametrize(
    ("service_name", "status"),
    [(name, status) for name, statuses in REFUSED_TRANSITIONS for status in statuses],
)
def test_transitions_not_allowed_from_the_current_status_are_refused(
    other_place, network_a, charlie, dora, service_name, status
):
    membership = make_membership(place=other_place, network=network_a, status=status, by=charlie)
    events_before = MembershipEvent.objects.count()
    service = getattr(services, service_name)
    kwargs = (
        {"reason": "Un motif."}
        if service_name in {"refuse_membership", "suspend_membership"}
        else {}
    )
    with pytest.raises(services.InvalidTransition) as refusal:
        service(membership=membership, by=dora, **kwargs)
    assert f"actuellement « {S(status).label} »" in refusal.value.message
    assert Membership.objects.get(pk=membership.pk).status == status
    assert MembershipEvent.objects.count() == events_before


@pytest.mark.parametrize(
    "service_name",
    ["start_review", "accept_membership", "refuse_membership", "suspend_membership"],
)
def test_a_coordinator_of_another_network_cannot_decide(application, erin, service_name):
    kwargs = {"reason": "Un motif."} if service_name in REASONED else {}
    with pytest.raises(services.NotAllowed):
        getattr(services, service_name)(membership=application, by=erin, **kwargs)
    assert Membership.objects.get(pk=application.pk).status == S.APPLIED


def test_a_place_manager_cannot_accept_their_own_application(application, charlie):
    with pytest.raises(services.NotAllowed):
        services.accept_membership(membership=application, by=charlie)
    assert Membership.objects.get(pk=application.pk).status == S.APPLIED


def test_leaving_is_for_the_place_managers_or_coordinators(membership, alice, bob, erin):
    with pytest.raises(services.NotAllowed):
        services.leave_network(membership=membership, by=bob)
    with pytest.raises(services.NotAllowed):
        services.leave_network(membership=membership, by=erin)
    services.leave_network(membership=membership, by=alice, note="Le lieu ferme.")
    assert Membership.objects.get(pk=membership.pk).status == S.LEFT


def test_a_coordinator_of_a_parent_network_decides_on_child_memberships(
    other_place, charlie, network_a, dora
):
    from maillage.networks.tests.factories import NetworkFactory

    child = NetworkFactory(parent=network_a, level="local")
    application = services.apply_for_membership(
        place=other_place, network=child, by=charlie, accept_charter=True, motivation=""
    )
    services.accept_membership(membership=application, by=dora)
    assert application.status == S.ACCEPTED
