"""The demo's campaigns: one of each kind, pledges by demo places and people, some received,
one payout paid — equal to the ledger; the coordinator has receipts to record in Mon espace."""

import pytest

from maillage.commons import campaign_selectors as reads
from maillage.commons.models import Campaign, Payout, Pledge
from maillage.demo.campaigns import delete_demo_campaigns, load_demo_campaigns
from maillage.demo.commons import load_demo_commons
from maillage.demo.services import load_demo, with_notes
from maillage.ledger.selectors import check_ledger
from maillage.my_space import my_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(census_csv, demo_communes):
    summary = load_demo(census_path=census_csv, local_networks=2)
    summary.logins = with_notes(summary.logins, load_demo_commons())
    summary.logins = with_notes(summary.logins, load_demo_campaigns())
    return summary


def test_one_campaign_of_each_kind_equal_to_the_ledger(demo):
    call = Campaign.objects.get(kind=Campaign.Kind.ALL_OR_NOTHING)
    keep = Campaign.objects.get(kind=Campaign.Kind.KEEP)
    assert call.commons is None and call.match_funder
    assert call.status == Campaign.Status.OPEN
    assert keep.commons.name == "Paheko"
    assert keep.status == Campaign.Status.SUCCEEDED
    found = reads.figures(call)
    assert found.received_cents > 0 and found.matched_cents > 0
    assert len(found.contributing_places) >= 2
    paheko = reads.figures(keep)
    assert paheko.hours >= 30
    assert paheko.paid_out_cents == 120_000
    assert Payout.objects.get().status == Payout.Status.PAID
    assert Pledge.objects.filter(campaign=keep, status="called").exists()
    report = check_ledger()
    assert report.ok, (report.mismatches, report.client_issues)


def test_the_coordinator_has_receipts_to_record_and_a_manager_is_told_to_pledge(demo):
    call = Campaign.objects.get(kind=Campaign.Kind.ALL_OR_NOTHING)
    coordinator = call.created_by
    tasks = [task.label for task in my_space(user=coordinator).tasks]
    assert any("versement" in label for label in tasks)
    notes = " ".join(login.what_to_try for login in demo.logins)
    assert "Promettre pour votre lieu" in notes


def test_loading_twice_changes_nothing_and_delete_removes_them(demo):
    assert load_demo_campaigns() == {}
    assert Campaign.objects.count() == 2
    delete_demo_campaigns()
    assert not Campaign.objects.exists()
    report = check_ledger()
    assert report.ok, (report.mismatches, report.client_issues)


def test_the_call_plans_seed_budgets_in_the_networks_circles(census_csv, demo_communes):
    from maillage.commons.models import SeedBudget
    from maillage.demo.circles import load_demo_circles

    load_demo(census_path=census_csv, local_networks=2)
    load_demo_circles()
    load_demo_commons()
    load_demo_campaigns()

    call = Campaign.objects.get(commons__isnull=True)
    planned = list(SeedBudget.objects.filter(campaign=call))
    assert [s.amount_cents for s in planned] == [200_000, 200_000]
    assert all(s.circle.network_id == call.network_id for s in planned)
    delete_demo_campaigns()
    assert not SeedBudget.objects.exists()


def test_the_coordinator_has_a_seed_budget_to_grant_on_the_successful_campaign(
    census_csv, demo_communes
):
    from maillage.circles.models import Envelope
    from maillage.commons import seeds
    from maillage.commons.models import SeedBudget
    from maillage.demo.circles import load_demo_circles

    load_demo(census_path=census_csv, local_networks=2)
    load_demo_circles()
    load_demo_commons()
    notes = load_demo_campaigns()

    keep = Campaign.objects.get(kind=Campaign.Kind.KEEP)
    seed = SeedBudget.objects.get(campaign=keep)
    assert seed.granted_at is None
    assert "Verser au cercle" in notes[keep.created_by.email]
    assert reads.figures(keep).balance_cents >= seed.amount_cents
    seeds.grant_seed_budget(seed=seed, by=keep.created_by)
    assert Envelope.objects.filter(circle=seed.circle, amount_cents=seed.amount_cents).exists()
    report = check_ledger()
    assert report.ok, (report.mismatches, report.client_issues)
    # The demo still resets after the coordinator has granted it.
    from maillage.demo.circles import delete_demo_circles

    delete_demo_campaigns()
    delete_demo_circles()
    assert not SeedBudget.objects.exists() and not Campaign.objects.exists()
    assert not Envelope.objects.filter(circle=seed.circle_id).exists()
    report = check_ledger()
    assert report.ok, (report.mismatches, report.client_issues)
