"""The demo's governance: fees paid, late and lapsed through the ledger, hours, a proposal that
crossed its threshold and got its answer — and the ledger check stays green."""

from maillage.demo.circles import load_demo_circles
from maillage.demo.governance import delete_demo_governance, load_demo_governance
from maillage.demo.services import load_demo
from maillage.governance.models import (
    DebateSpace,
    FeeCall,
    FeePayment,
    Proposal,
    VolunteerEntry,
)
from maillage.ledger.selectors import check_ledger


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
    report = check_ledger()
    assert report.ok, report
    assert load_demo_governance() == []  # idempotent
    delete_demo_governance()
    assert not DebateSpace.objects.exists() and not FeePayment.objects.exists()
    assert check_ledger().ok
