"""The demo's governance: fees paid, late and lapsed through the ledger, hours, a proposal that
crossed its threshold and got its answer — and the ledger check stays green."""

from maillage.demo.circles import load_demo_circles
from maillage.demo.governance import delete_demo_governance, load_demo_governance
from maillage.demo.selectors import NATIONAL_SLUG, REGIONAL_SLUG
from maillage.demo.services import load_demo
from maillage.governance import elections
from maillage.governance.models import (
    CharterVersion,
    DebateSpace,
    Election,
    FeeCall,
    FeePayment,
    Proposal,
    VolunteerEntry,
)
from maillage.ledger.selectors import check_ledger
from maillage.networks.models import Network


def test_the_demo_gives_the_treasurer_and_coordinator_work(
    census_csv, demo_communes, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(census_path=census_csv, local_networks=2)
    load_demo_circles()
    logins = load_demo_governance()
    assert [login.role for login in logins] == ["Trésorerie"]
    statuses = set(FeeCall.objects.values_list("status", flat=True))
    assert FeeCall.Status.PAID in statuses
    assert FeePayment.objects.exclude(refunded_at=None).exists()
    assert VolunteerEntry.objects.filter(status=VolunteerEntry.Status.VALIDATED).exists()
    assert VolunteerEntry.objects.filter(status=VolunteerEntry.Status.PENDING).exists()
    space = DebateSpace.objects.get()
    assert space.proposals.filter(
        kind=Proposal.Kind.DEBATE, comments__hidden_at__isnull=False
    ).exists()
    assert space.consultations.exists()
    # Legitimacy: the charter amended to its version 2, delegates in office, a vote open.
    amended = CharterVersion.objects.get(number=2)
    assert amended.proposal.status == Proposal.Status.ADOPTED
    assert amended.network.charter == amended.text
    assert space.proposals.filter(kind=Proposal.Kind.CHARTER, status="open").exists()
    regional, national = (Network.objects.get(slug=slug) for slug in (REGIONAL_SLUG, NATIONAL_SLUG))
    assert elections.current_delegates(network=regional).count() == 2
    # The national network's election meets its quorum whatever the census: one delegate.
    assert elections.current_delegates(network=national).count() == 1
    assert Election.objects.filter(status=Election.Status.VOTING).exists()
    report = check_ledger()
    assert report.ok, report
    assert load_demo_governance() == []  # idempotent
    delete_demo_governance()
    assert not DebateSpace.objects.exists() and not FeePayment.objects.exists()
    assert not Election.objects.exists() and not CharterVersion.objects.exists()
    assert check_ledger().ok
