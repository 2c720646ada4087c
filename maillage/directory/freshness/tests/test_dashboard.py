"""The network freshness dashboard: shares, age buckets, oldest records, per place, CSV."""

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from maillage.directory.freshness.selectors import age_bucket, bar_chart, network_freshness
from maillage.networks.models import Membership, MembershipStatus
from maillage.places.models import FreshnessReminder, Place
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(network_a, membership, place):
    """Network A (threshold 180 days): La Bobine fresh, three more places of various ages."""
    Place.objects.filter(pk=place.pk).update(last_confirmed_at=NOW - timedelta(days=10))
    ages = {"Le Vieux Moulin": 400, "La Forge": 100, "Le Jamais": None}
    places = [place]
    for name, days in ages.items():
        p = PlaceFactory(
            name=name, last_confirmed_at=None if days is None else NOW - timedelta(days=days)
        )
        Membership.objects.create(network=network_a, place=p, status=MembershipStatus.ACCEPTED)
        places.append(p)
    # A refused place does not count.
    refused = PlaceFactory(name="Refusé", last_confirmed_at=None)
    Membership.objects.create(network=network_a, place=refused, status=MembershipStatus.REFUSED)
    SpaceFactory(place=place, last_confirmed_at=NOW - timedelta(days=5))
    SpaceFactory(place=places[1], name="Grange", last_confirmed_at=NOW - timedelta(days=500))
    EquipmentFactory(place=place, last_confirmed_at=None, name="Scie")
    FreshnessReminder.objects.create(
        place=places[1], sent_to="x@example.org", sent_at=NOW - timedelta(days=20)
    )
    return places


def test_shares_count_fresh_records_by_the_network_threshold(members, network_a):
    dashboard = network_freshness(network=network_a, now=NOW)
    shares = {s.label: (s.fresh, s.total) for s in dashboard.shares}
    # Places: 10 and 100 days are fresh (< 180); 400 days and never are not.
    assert shares == {"Lieux": (2, 4), "Espaces": (1, 2), "Équipements": (0, 1)}
    assert dashboard.shares[0].percent == 50


def test_a_stricter_network_threshold_changes_the_shares(members, network_a):
    network_a.stale_after_days = 30
    dashboard = network_freshness(network=network_a, now=NOW)
    assert (dashboard.shares[0].fresh, dashboard.shares[0].total) == (1, 4)


def test_places_fall_into_age_buckets(members, network_a):
    dashboard = network_freshness(network=network_a, now=NOW)
    assert {b.key: b.count for b in dashboard.buckets} == {
        "lt1": 1,
        "1to3": 0,
        "3to6": 1,
        "6to12": 0,
        "gt12": 1,
        "never": 1,
    }


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "lt1"),
        (29, "lt1"),
        (30, "1to3"),
        (90, "1to3"),
        (91, "3to6"),
        (364, "6to12"),
        (365, "gt12"),
    ],
)
def test_bucket_bounds(days, bucket):
    assert age_bucket(NOW - timedelta(days=days), now=NOW) == bucket


def test_oldest_records_list_never_confirmed_first_then_the_oldest(members, network_a):
    dashboard = network_freshness(network=network_a, now=NOW)
    assert [(r.kind, r.name) for r in dashboard.oldest] == [
        ("Lieu", "Le Jamais"),
        ("Équipement", "Scie"),
        ("Espace", "Grange"),
        ("Lieu", "Le Vieux Moulin"),
    ]


def test_the_per_place_table_shows_score_and_last_reminder(members, network_a):
    dashboard = network_freshness(network=network_a, now=NOW)
    rows = {row.place.name: row for row in dashboard.rows}
    assert set(rows) == {"La Bobine", "Le Vieux Moulin", "La Forge", "Le Jamais"}
    assert rows["Le Vieux Moulin"].reminder_status_label == "Envoyé"
    assert rows["Le Vieux Moulin"].is_stale
    assert rows["La Bobine"].reminder_status == ""
    # Scores are computed now, not read from the stored (nightly) value.
    assert rows["La Bobine"].score > rows["Le Vieux Moulin"].score > 0
    scores = [row.score for row in dashboard.rows]
    assert scores == sorted(scores)


def test_the_chart_scales_bars_to_the_largest_bucket():
    from maillage.directory.freshness.selectors import Bucket

    chart = bar_chart([Bucket("a", "A", 4), Bucket("b", "B", 2), Bucket("c", "C", 0)])
    lengths = [bar.width for bar in chart["bars"]]
    assert lengths[0] == 2 * lengths[1]
    assert lengths[2] == 0


def test_the_dashboard_page_draws_an_accessible_svg_chart(client, dora, members):
    client.force_login(dora)
    with time_machine.travel(NOW):
        response = client.get(reverse("freshness:network-dashboard", args=["reseau-a"]))
    content = unescape(response.content.decode())
    assert response.status_code == 200
    assert 'role="img"' in content and '<title id="chart-svg-title">' in content
    assert "< 1 mois : 1 ; 1 à 3 mois : 0 ; 3 à 6 mois : 1" in content
    assert "Lieux : 2 fraîches sur 4" in content
    assert content.count("<h1") == 1
    # No inline style: the CSP forbids it.
    assert "style=" not in content
    # Numbers in the SVG are never written with a French decimal comma.
    svg = content.split("<svg")[1].split("</svg>")[0]
    assert re.search(r'width="\d+\.\d"', svg)
    assert not re.search(r'="\d+,\d+"', svg)


def test_the_dashboard_query_count_does_not_grow_with_places(
    client, dora, members, network_a, django_assert_max_num_queries
):
    for i in range(30):
        p = PlaceFactory(name=f"Lieu {i}")
        Membership.objects.create(network=network_a, place=p, status=MembershipStatus.ACCEPTED)
        SpaceFactory(place=p)
    client.force_login(dora)
    with django_assert_max_num_queries(15):  # with the menu
        response = client.get(reverse("freshness:network-dashboard", args=["reseau-a"]))
    assert response.status_code == 200


def test_the_csv_export_opens_in_a_spreadsheet_and_neutralises_formulas(client, dora, members):
    Place.objects.filter(name="La Forge").update(name='=HYPERLINK("http://x")')
    client.force_login(dora)
    response = client.get(
        reverse("freshness:network-dashboard-csv", args=["reseau-a"]), {"sep": "semicolon"}
    )
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["lieu", "commune", "fraîcheur"]
    assert len(rows) == 5
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(name.startswith("=") for name in names)
