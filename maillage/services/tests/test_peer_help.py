"""After a peer's help: its time declared as volunteer hours with the peer's consent, and its
payment proposed to a circle, which decides and pays through the ledger as for any expense."""

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.circles import budget_services as circle_budget
from maillage.circles.models import Action, CircleMember, CircleRole
from maillage.circles.models import Proposal as CircleProposal
from maillage.circles.tests.factories import ActionFactory, CircleFactory, CircleMemberFactory
from maillage.governance.models import VolunteerEntry
from maillage.ledger.models import Transfer
from maillage.networks.models import Membership, MembershipStatus
from maillage.notifications.models import Notification
from maillage.services import peer_help
from maillage.services import requests as support
from maillage.services.models import Proposal
from maillage.services.services import Conflict, NotAllowed, ServicesError

pytestmark = pytest.mark.django_db


@pytest.fixture
def helped(proposed, charlie, gaelle, network_a, other_place, dora):
    """Le Hangar (Charlie's, a member place of network A) took the request on and said it gave
    3 hours; the guide closed the request."""
    Membership.objects.create(
        network=network_a,
        place=other_place,
        status=MembershipStatus.ACCEPTED,
        applied_by=charlie,
        charter_accepted_at=timezone.now(),
    )
    peer = proposed.proposals.get(kind="peer_place")
    support.answer(proposal=peer, status="taken", volunteer_minutes=180)
    support.close(
        by=gaelle, request=proposed, outcome="solved", note="Tarifs revus.", time_spent_minutes=240
    )
    peer.refresh_from_db()
    return peer


@pytest.fixture
def circle(network_a, gaelle, other_place):
    """Network A's circle, where the guide sits and Le Hangar is a member place."""
    circle = CircleFactory(network=network_a, name="Cercle du Douaisis")
    circle.places.add(other_place)
    CircleMemberFactory(circle=circle, user=gaelle, role=CircleRole.PARTICIPANT)
    return circle


@pytest.fixture
def action(circle):
    return ActionFactory(circle=circle, title="Entraide entre lieux", status=Action.Status.ADOPTED)


def test_closing_tells_the_peer_they_may_declare_their_time(helped, charlie):
    note = Notification.objects.get(user=charlie, topic="services.volunteering")
    assert note.url == reverse("services:volunteering", args=[helped.request_id, helped.pk])
    assert not VolunteerEntry.objects.exists()  # nothing logged without their consent


def test_the_peer_declares_their_help_as_volunteer_hours_to_be_validated(helped, charlie):
    peer_help.log_peer_volunteering(by=charlie, proposal=helped, minutes=180)

    entry = VolunteerEntry.objects.get()
    assert (entry.person, entry.network, entry.activity) == (
        charlie,
        helped.request.network,
        "peer",
    )
    assert entry.minutes == 180
    assert entry.status == VolunteerEntry.Status.PENDING
    assert entry.day == timezone.localdate(helped.request.closed_at)
    assert "La Bobine" in entry.label
    helped.refresh_from_db()
    assert helped.volunteer_logged_at is not None


def test_the_time_is_declared_once_and_only_by_the_peer(helped, charlie, alice, gaelle):
    for someone in (alice, gaelle):
        with pytest.raises(NotAllowed):
            peer_help.log_peer_volunteering(by=someone, proposal=helped, minutes=60)
    peer_help.log_peer_volunteering(by=charlie, proposal=helped, minutes=180)
    with pytest.raises(Conflict):
        peer_help.log_peer_volunteering(by=charlie, proposal=helped, minutes=180)
    assert VolunteerEntry.objects.count() == 1


def test_an_open_request_has_no_time_to_declare(proposed, charlie):
    peer = proposed.proposals.get(kind="peer_place")
    support.answer(proposal=peer, status="taken")
    with pytest.raises(NotAllowed):
        peer_help.log_peer_volunteering(by=charlie, proposal=peer, minutes=60)


def test_the_volunteering_page_suggests_the_time_and_asks_before_declaring(client, helped, charlie):
    client.force_login(charlie)
    url = reverse("services:volunteering", args=[helped.request_id, helped.pk])
    assert 'value="180"' in client.get(url).content.decode()

    asked = client.post(url, {"minutes": "180"})
    assert "Soutien à un pair" in asked.content.decode()
    assert not VolunteerEntry.objects.exists()

    client.post(url, {"minutes": "0"})
    assert not VolunteerEntry.objects.exists()

    done = client.post(url, {"minutes": "180", "confirm": "oui"})
    assert done.status_code == 302
    assert VolunteerEntry.objects.get().minutes == 180
    page = client.get(helped.request.get_absolute_url()).content.decode()
    assert "déclarées comme bénévolat" in page
    assert url not in page


def test_bad_minutes_are_refused_beside_the_field(client, helped, charlie):
    client.force_login(charlie)
    url = reverse("services:volunteering", args=[helped.request_id, helped.pk])
    page = client.post(url, {"minutes": "-5", "confirm": "oui"}).content.decode()
    assert "errorlist" in page
    assert not VolunteerEntry.objects.exists()


def test_the_team_proposes_to_pay_the_peer_from_the_circle_budget(helped, gaelle, circle, action):
    data = peer_help.PaymentData(
        circle=circle, action=action, amount_cents=150_00, justification="Trois heures d'aide."
    )
    payment = peer_help.propose_payment(by=gaelle, proposal=helped, data=data)

    filed = CircleProposal.objects.get()
    assert payment.proposal.pk == filed.pk
    assert (filed.circle, filed.action, filed.amount_cents) == (circle, action, 150_00)
    assert (filed.payee_kind, filed.payee_place) == ("place", helped.place)
    assert filed.status == CircleProposal.Status.SUBMITTED
    assert not Transfer.objects.exists()  # the circle decides; nothing is paid yet
    helped.refresh_from_db()
    assert (helped.payment_circle_id, helped.payment_proposal_id) == (circle.pk, filed.pk)
    with pytest.raises(Conflict):
        peer_help.propose_payment(by=gaelle, proposal=helped, data=data)


def test_a_refused_payment_may_be_proposed_again(helped, gaelle, circle, action):
    data = peer_help.PaymentData(
        circle=circle, action=action, amount_cents=150_00, justification="Trois heures d'aide."
    )
    first = peer_help.propose_payment(by=gaelle, proposal=helped, data=data)
    circle_budget.withdraw_proposal(proposal=first.proposal, by=gaelle)
    helped.refresh_from_db()

    second = peer_help.propose_payment(by=gaelle, proposal=helped, data=data)

    assert second.proposal.pk != first.proposal.pk
    assert CircleProposal.objects.count() == 2


def test_a_peer_outside_the_circle_is_paid_as_a_provider(helped, gaelle, circle, action):
    circle.places.clear()
    data = peer_help.PaymentData(
        circle=circle, action=action, amount_cents=80_00, justification="Deux heures."
    )
    peer_help.propose_payment(by=gaelle, proposal=helped, data=data)
    filed = CircleProposal.objects.get()
    assert (filed.payee_kind, filed.payee_name) == ("provider", "Le Hangar")


def test_only_a_team_member_sitting_in_the_circle_proposes_a_payment(
    helped, gaelle, dora, alice, circle, action
):
    data = peer_help.PaymentData(
        circle=circle, action=action, amount_cents=150_00, justification="Aide."
    )
    for someone in (dora, alice):  # the coordinator sits in no circle; Alice is no team
        with pytest.raises(NotAllowed):
            peer_help.propose_payment(by=someone, proposal=helped, data=data)
    CircleMember.objects.filter(user=gaelle).update(ended_at=timezone.now())
    with pytest.raises(NotAllowed):
        peer_help.propose_payment(by=gaelle, proposal=helped, data=data)
    assert not CircleProposal.objects.exists()


def test_a_done_action_or_another_networks_circle_is_refused(
    helped, gaelle, circle, action, network_b
):
    action.status = Action.Status.DONE
    action.save()
    data = peer_help.PaymentData(circle=circle, action=action, amount_cents=1, justification="x")
    with pytest.raises(ServicesError) as refused:
        peer_help.propose_payment(by=gaelle, proposal=helped, data=data)
    assert refused.value.field == "action"
    elsewhere = CircleFactory(network=network_b)
    CircleMemberFactory(circle=elsewhere, user=gaelle)
    other = ActionFactory(circle=elsewhere)
    data = peer_help.PaymentData(circle=elsewhere, action=other, amount_cents=1, justification="x")
    with pytest.raises(ServicesError) as refused:
        peer_help.propose_payment(by=gaelle, proposal=helped, data=data)
    assert refused.value.field == "circle"
    assert not CircleProposal.objects.exists()


def test_a_professional_help_is_not_paid_through_this_path(
    proposed, gaelle, circle, action, mathieu
):
    pro = proposed.proposals.get(kind="professional")
    support.answer(proposal=pro, status="taken")
    support.close(by=gaelle, request=proposed, outcome="solved", note="Ok", time_spent_minutes=60)
    pro.refresh_from_db()
    data = peer_help.PaymentData(circle=circle, action=action, amount_cents=1, justification="x")
    with pytest.raises(Conflict):
        peer_help.propose_payment(by=gaelle, proposal=pro, data=data)


def test_the_request_page_offers_the_payment_and_asks_before_filing(
    client, helped, gaelle, circle, action
):
    client.force_login(gaelle)
    request_url = helped.request.get_absolute_url()
    url = reverse("services:peer-payment", args=[helped.request_id, helped.pk])
    assert url in client.get(request_url).content.decode()

    form = client.get(url).content.decode()
    assert "Cercle du Douaisis — Entraide entre lieux" in form
    assert "Tarifs revus." in form  # the justification is prefilled from the closure

    bad = client.post(url, {"action": str(action.pk), "amount_cents": "abc", "justification": "x"})
    assert "Montant illisible" in bad.content.decode()

    asked = client.post(
        url, {"action": str(action.pk), "amount_cents": "150", "justification": "Trois heures."}
    )
    assert "150\u00a0€" in asked.content.decode()
    assert not CircleProposal.objects.exists()

    client.post(
        url,
        {
            "action": str(action.pk),
            "amount_cents": "150",
            "justification": "Trois heures.",
            "confirm": "oui",
        },
    )
    assert CircleProposal.objects.get().amount_cents == 150_00
    page = client.get(request_url).content.decode()
    assert "Rémunération proposée au cercle" in page
    assert "Cercle du Douaisis : Déposée" in page
    assert url not in page
    assert client.get(url).status_code == 403


def test_the_payment_page_is_closed_to_who_cannot_file(client, helped, alice, charlie, circle):
    url = reverse("services:peer-payment", args=[helped.request_id, helped.pk])
    for someone in (alice, charlie):
        client.force_login(someone)
        assert client.get(url).status_code == 403


def test_a_granted_and_paid_payment_shows_on_the_request(helped, gaelle, circle, action):
    from maillage.circles.tests.test_budget_services import grant

    data = peer_help.PaymentData(
        circle=circle, action=action, amount_cents=150_00, justification="Aide."
    )
    payment = peer_help.propose_payment(by=gaelle, proposal=helped, data=data)
    grant(payment.proposal, 120_00)
    helped.refresh_from_db()

    shown = peer_help.payment_of(helped)

    assert shown is not None and shown.granted_cents == 120_00
    assert "accordé 120\u00a0€" in peer_help.describe(shown)


def test_proposal_follow_ups_are_only_for_peers_who_helped(helped, proposed, gaelle, circle):
    proposals = list(Proposal.objects.filter(request=proposed).select_related("place", "person"))
    follow = peer_help.follow_ups(user=gaelle, request=helped.request, proposals=proposals)
    assert set(follow) == {helped.pk}
    assert follow[helped.pk].may_pay and not follow[helped.pk].may_log
