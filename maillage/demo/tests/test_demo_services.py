"""The accompanist has work on first start: requests proposed to him to answer, in a network whose
catalogue, cercle, peers and programmes are filled; loading twice changes nothing."""

import pytest
from django.urls import reverse

from maillage.accounts.models import User
from maillage.demo.accompaniment import delete_demo_services, load_demo_services
from maillage.demo.services import load_demo, with_notes
from maillage.services.models import (
    Accompanist,
    CodevSession,
    Pairing,
    Proposal,
    Service,
    ServiceSession,
    SupportRequest,
)
from maillage.services.selectors import work_of


@pytest.fixture
def demo(census_csv, demo_communes, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    summary = load_demo(census_path=census_csv, local_networks=2)
    summary.logins = with_notes(summary.logins, load_demo_services())
    return summary


def test_the_accompanist_has_requests_to_answer(demo, client):
    login = next(login for login in demo.logins if login.role == "Accompagnateur")
    accompanist = User.objects.get(email=login.email)
    waiting = Proposal.objects.filter(
        accompanist__user=accompanist, status__in=["proposed", "studying"]
    )

    assert waiting.exists()
    assert any(
        "Demande" in label or "demande" in label for label, _url in work_of(user=accompanist)
    )
    client.force_login(accompanist)
    page = client.get(reverse("services:requests"))
    assert page.status_code == 200
    assert waiting.first().request.get_topic_display() in page.content.decode()
    assert "demandes d'aide" in login.what_to_try


def test_requests_are_in_every_state_and_the_programmes_run(demo):
    states = set(SupportRequest.objects.values_list("status", flat=True))

    assert states == {"new", "proposed", "taken", "closed", "lapsed"}
    assert Service.objects.filter(kind="training").exists()
    assert ServiceSession.objects.exists()
    assert Accompanist.objects.filter(status="applied").count() == 1
    assert CodevSession.objects.count() == 3
    assert Pairing.objects.count() == 2


def test_loading_twice_changes_nothing_and_delete_removes_it(demo):
    before = SupportRequest.objects.count()
    assert load_demo_services() == {}
    assert SupportRequest.objects.count() == before
    delete_demo_services()
    assert not SupportRequest.objects.exists()
    assert not Service.objects.exists()


def test_a_peer_place_that_helped_may_declare_its_time(demo, client):
    from maillage.notifications.models import Notification

    peer = Proposal.objects.get(kind="peer_place", status="done", request__status="closed")
    offer = Notification.objects.filter(topic="services.volunteering").first()
    assert offer is not None and offer.url.endswith(f"/aides/{peer.pk}/benevolat/")
    client.force_login(offer.user)
    page = client.get(peer.request.get_absolute_url()).content.decode()
    assert "Déclarer ce temps comme bénévolat" in page
    assert 'value="150"' in client.get(offer.url).content.decode()
