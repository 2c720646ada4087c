"""The facilitator finds real work on first start: a rota through member places, visits to log,
one logged with needs, a swap waiting for a place's consent; the demo resets cleanly."""

import pytest

from maillage.accounts.models import User
from maillage.communication.models import Permanence, Rota, Swap, Visit
from maillage.communication.selectors import visits_to_log
from maillage.demo.communication import (
    FACILITATOR_EMAIL,
    delete_demo_communication,
    load_demo_communication,
)
from maillage.demo.services import load_demo


@pytest.fixture
def demo(census_csv, demo_communes):
    summary = load_demo(census_path=census_csv, local_networks=2)
    summary.logins += load_demo_communication()
    return summary


def test_the_facilitator_has_a_rota_visits_to_log_and_a_login(demo):
    rota = Rota.objects.get()
    facilitator = User.objects.get(email=FACILITATOR_EMAIL)
    assert rota.facilitator == facilitator
    assert rota.slots.count() >= 2
    assert Permanence.objects.filter(rota=rota).count() > 20
    assert Visit.objects.get().needs.count() == 2
    assert visits_to_log(user=facilitator)  # past permanences without a log
    assert Swap.objects.filter(status="pending").count() == 1
    assert any(login.email == FACILITATOR_EMAIL for login in demo.logins)


def test_loading_twice_changes_nothing_and_deleting_cleans_up(demo):
    count = Permanence.objects.count()
    assert load_demo_communication() == []
    assert Permanence.objects.count() == count
    delete_demo_communication()
    assert not Rota.objects.exists() and not Permanence.objects.exists()


def test_the_kit_holds_a_pitch_a_poster_a_photo_and_a_case(demo):
    from maillage.communication.models import Resource

    kinds = set(Resource.objects.values_list("kind", flat=True))
    assert {"pitch", "poster", "photo", "case"} <= kinds
    assert Resource.objects.get(kind="case").status == "pending"  # a place's, to review
    assert Resource.objects.get(kind="poster").versions.get().preview


@pytest.fixture
def demo_with_circles(census_csv, demo_communes):
    from maillage.demo.circles import load_demo_circles
    from maillage.demo.events import load_demo_events

    summary = load_demo(census_path=census_csv, local_networks=3)
    summary.logins += load_demo_circles()
    load_demo_events()
    summary.logins += load_demo_communication()
    return summary


def test_the_tour_has_a_logbook_and_the_soucieux_ses_a_coordination(demo_with_circles):
    from maillage.communication import coordination
    from maillage.communication.models import (
        AgendaPoint,
        Agreement,
        CoordinationGroup,
        LogbookEntry,
    )

    entries = LogbookEntry.objects.all()
    assert entries.count() >= 2 and entries.exclude(photo="").count() == 1
    group = CoordinationGroup.objects.get()
    assert group.meeting is not None and coordination.next_sessions(group)
    assert AgendaPoint.objects.filter(status="proposed").count() == 2
    assert AgendaPoint.objects.filter(status="discussed").count() == 1
    agreement = Agreement.objects.get()
    assert agreement.document_type == "application/pdf"
    steward = agreement.person
    assert coordination.steward_circles(user=steward, network=group.network)
    assert sum(row.done for row in coordination.checklist_of(group=group, user=steward)) == 2
    delete_demo_communication()
    assert not CoordinationGroup.objects.exists()
