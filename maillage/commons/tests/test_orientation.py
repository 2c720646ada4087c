"""The aiguillage from filing to follow-up: the right network's guides receive the request, one
guide claims it, the ranked suggestions put the fitting commons first, the requester decides,
a person is introduced only once both agreed, and the 30/90-day check-ins go out on time."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from maillage.commons import orientation
from maillage.commons.models import Contact, FollowUp, OrientationRequest, Suggestion, Usage
from maillage.commons.orientation_selectors import dashboard, flag, queue_for, rank_suggestions
from maillage.commons.tests.factories import CommonsFactory
from maillage.networks.models import Network
from maillage.notifications.models import Notification
from maillage.places.tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory(network_a, commune):
    network_a.communes.add(commune)
    return commune


def filed(by, commune, **overrides):
    values = {
        "need": "Nous tenons nos comptes sur un tableur et voulons une vraie comptabilité.",
        "maturity": "young",
        "domain": "comptabilite",
        "commune": commune,
    }
    values.update(overrides)
    return orientation.file_request(by=by, data=orientation.RequestData(**values))


def test_a_member_files_a_request_that_reaches_the_guides_of_her_network(
    bob, gaelle, territory, network_a
):
    request = filed(bob, territory)

    assert request.network == network_a
    assert request.status == OrientationRequest.Status.NEW
    assert Notification.objects.filter(user=gaelle, topic="commons.orientation").exists()


def test_without_an_account_the_address_is_confirmed_first(
    gaelle, territory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = filed(None, territory, email="porteuse@example.net", name="Lina")

    assert request.status == OrientationRequest.Status.UNVERIFIED
    assert not Notification.objects.filter(user=gaelle).exists()
    link = re.search(r"/communs/aiguillage/confirmer/(\S+)/", mail.outbox[0].body)
    assert link is not None
    orientation.confirm_request(token=link.group(1))
    request.refresh_from_db()
    assert request.status == OrientationRequest.Status.NEW
    assert Notification.objects.filter(user=gaelle).count() == 1


def test_a_request_without_a_need_or_an_address_changes_nothing(territory, gaelle):
    with pytest.raises(orientation.InvalidCommons):
        filed(None, territory, email="")
    with pytest.raises(orientation.InvalidCommons):
        filed(None, territory, email="a@b.fr", need="  ")
    assert not OrientationRequest.objects.exists()


def test_the_most_local_network_with_guides_answers(bob, gaelle, territory, network_a):
    national = Network.objects.create(name="National", slug="national", level="national")
    from maillage.networks.models import NetworkRole

    NetworkRole.objects.create(network=national, user=bob, role="guide")

    assert filed(bob, territory).network == network_a


def test_one_guide_claims_and_another_is_told_who_has_it(bob, gaelle, dora, territory):
    request = filed(bob, territory)
    orientation.claim(request=request, by=gaelle)

    with pytest.raises(orientation.AlreadyClaimed, match="Gaëlle"):
        orientation.claim(request=request, by=dora)


def test_a_guide_of_another_network_cannot_act(bob, erin, gaelle, territory):
    request = filed(bob, territory)

    with pytest.raises(orientation.NotAllowed):
        orientation.claim(request=request, by=erin)
    with pytest.raises(orientation.NotAllowed):
        orientation.answer(
            request=request, by=erin, message="x", commons_ids=[1], contact_ids=[], place_ids=[]
        )
    assert OrientationRequest.objects.get().guide is None


def test_suggestions_rank_the_commons_that_fit_first_with_places_near(
    bob, gaelle, territory, paheko, network_a
):
    CommonsFactory(
        name="Mobilizon",
        summary="Publier des événements",
        domains=["evenements"],
        network=network_a,
    )
    Usage.objects.create(
        commons=paheko, place=PlaceFactory(name="Voisin", latitude=50.38, longitude=3.09)
    )

    ranked = rank_suggestions(request=filed(bob, territory))

    assert ranked[0].commons == paheko
    assert [p.name for p, _km in ranked[0].places_near] == ["Voisin"]


def test_answering_sends_the_orientation_and_schedules_two_check_ins(
    bob, gaelle, territory, paheko, django_capture_on_commit_callbacks
):
    request = filed(bob, territory)
    with django_capture_on_commit_callbacks(execute=True):
        orientation.answer(
            request=request, by=gaelle, message="Regardez Paheko.",
            commons_ids=[paheko.pk], contact_ids=[], place_ids=[],
        )  # fmt: skip

    request.refresh_from_db()
    assert request.status == OrientationRequest.Status.ANSWERED
    assert [f.after_days for f in request.follow_ups.all()] == [30, 90]
    assert "Regardez Paheko." in mail.outbox[-1].body
    assert mail.outbox[-1].to == ["bob@example.org"]
    with pytest.raises(orientation.AlreadyClaimed):
        orientation.answer(
            request=request, by=gaelle, message="Encore", commons_ids=[paheko.pk],
            contact_ids=[], place_ids=[],
        )  # fmt: skip


def test_an_empty_orientation_is_refused(bob, gaelle, territory):
    request = filed(bob, territory)

    with pytest.raises(orientation.InvalidCommons):
        orientation.answer(
            request=request, by=gaelle, message="Rien", commons_ids=[], contact_ids=[], place_ids=[]
        )
    assert not Suggestion.objects.exists()


def test_a_person_is_introduced_only_when_both_agreed(
    bob, alice, gaelle, territory, paheko, django_capture_on_commit_callbacks
):
    contact = Contact.objects.create(commons=paheko, user=alice, helps_with="Paramétrer")
    request = filed(bob, territory)
    orientation.answer(
        request=request, by=gaelle, message="Appelez Alice.", commons_ids=[],
        contact_ids=[contact.pk], place_ids=[],
    )  # fmt: skip
    suggestion = Suggestion.objects.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        orientation.decide(suggestion=suggestion, accept=True)
    assert all("bob@example.org" not in message.to for message in mail.outbox)
    assert Notification.objects.filter(user=alice, topic="commons.introduction").exists()
    with pytest.raises(orientation.NotAllowed):
        orientation.contact_decides(suggestion=suggestion, by=bob, accept=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        orientation.contact_decides(suggestion=suggestion, by=alice, accept=True)

    assert sorted(mail.outbox[0].to) == ["alice@example.org", "bob@example.org"]
    suggestion.refresh_from_db()
    assert suggestion.introduced_at is not None


def test_check_ins_go_out_at_30_and_90_days_and_unanswered_ones_remind_the_guide(
    bob, gaelle, territory, paheko, django_capture_on_commit_callbacks
):
    start = timezone.now()
    request = filed(bob, territory)
    orientation.answer(
        request=request, by=gaelle, message="Paheko.", commons_ids=[paheko.pk],
        contact_ids=[], place_ids=[], today=timezone.localdate(start),
    )  # fmt: skip
    mail.outbox.clear()

    with time_machine.travel(start + datetime.timedelta(days=29)):
        assert orientation.send_due_follow_ups() == (0, 0)
    with (
        time_machine.travel(start + datetime.timedelta(days=30)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert orientation.send_due_follow_ups() == (1, 0)
        assert orientation.send_due_follow_ups() == (0, 0)
    assert "30 jours" in mail.outbox[0].subject
    link = re.search(r"/communs/aiguillage/suivi/(\S+)/bilan/(\d+)/yes/", mail.outbox[0].body)
    assert link is not None
    with time_machine.travel(start + datetime.timedelta(days=38)):
        assert orientation.send_due_follow_ups() == (0, 1)
    assert Notification.objects.filter(user=gaelle, topic="commons.follow-up").exists()

    answered = orientation.answer_follow_up(
        token=link.group(1), follow_up_id=int(link.group(2)), answer="yes"
    )
    assert answered is not None and answered.answer == "yes"
    assert (
        orientation.answer_follow_up(token="faux", follow_up_id=int(link.group(2)), answer="yes")
        is None
    )
    board = dashboard(networks=Network.objects.all())
    assert board.rate(30) == 100
    assert board.median_days_to_answer is not None


def test_the_queue_flags_requests_waiting_10_and_30_days(bob, gaelle, territory):
    request = filed(bob, territory)
    now = timezone.now()

    assert flag(request, now + datetime.timedelta(days=9)) == ""
    assert flag(request, now + datetime.timedelta(days=10)) == "à traiter"
    assert flag(request, now + datetime.timedelta(days=31)) == "sans suite"
    assert [r.pk for r in queue_for(user=gaelle)] == [request.pk]
    assert FollowUp.objects.count() == 0
