"""The coordinator finds series in the demo's observatory on first start: twelve months of the
indicators that can look back, for every demo network."""

import pytest

from maillage.demo.observatory import delete_demo_observatory, load_demo_observatory
from maillage.demo.selectors import REGIONAL_SLUG
from maillage.demo.services import load_demo
from maillage.observatory.models import Snapshot


@pytest.fixture
def demo(census_csv, demo_communes):
    return load_demo(census_path=census_csv, local_networks=1)


def test_demo_networks_have_a_year_of_series(demo, client):
    assert load_demo_observatory() > 0
    members = Snapshot.objects.filter(
        scope_kind="network", scope_key=REGIONAL_SLUG, indicator="members.places"
    )
    # The demo's adhesions are all dated today: the past months honestly say 0.
    assert members.count() == 12
    assert (
        Snapshot.objects.filter(scope_key=REGIONAL_SLUG, indicator="places.by_status").count() == 1
    )
    page = client.get(f"/observatoire/reseau/{REGIONAL_SLUG}/indicateurs/members.places/")
    assert page.status_code == 200 and "Mois par mois" in page.content.decode()
    delete_demo_observatory()
    assert not Snapshot.objects.filter(scope_key=REGIONAL_SLUG).exists()
