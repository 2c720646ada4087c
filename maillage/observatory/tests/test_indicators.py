"""The indicator registry and the indicators: each app declares its own; people are never
shown below 5; the monthly snapshots and their back-fill from history."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from maillage.accounts.tests.factories import UserFactory
from maillage.networks.models import Membership, MembershipEvent, MembershipStatus
from maillage.observatory import registry, selectors
from maillage.observatory.models import Snapshot
from maillage.observatory.registry import Period, Scope, resolve_scope
from maillage.places.models import PlaceRole, PlaceStatus, PlaceType

pytestmark = pytest.mark.django_db


def test_each_app_declares_its_indicators_in_its_own_module():
    by_source = {}
    for indicator in registry.indicators():
        by_source.setdefault(indicator.source, set()).add(indicator.key)
    assert {"places.by_type", "members.places", "directory.freshness"} <= by_source["observatory"]
    assert {"mobility.visits", "mobility.flows", "mobility.money"} <= by_source["mobility"]
    assert {"circles.budget"} <= by_source["circles"]
    assert {"events.sessions", "events.attendance"} <= by_source["events"]
    assert {"commons.orientations", "commons.follow_through"} <= by_source["commons"]
    # The circles app registers its kind of scope too.
    assert "circle" in registry.scope_kinds()


def test_a_key_cannot_be_registered_twice_by_two_functions():
    def one(scope, period):
        return []

    with pytest.raises(ValueError, match="already registered"):
        registry.indicator(key="places.by_type", label="x")(one)


def test_a_new_indicator_is_one_decorated_function(monkeypatch):
    monkeypatch.setattr(registry, "_INDICATORS", dict(registry._INDICATORS))

    @registry.indicator(key="test.answer", label="La réponse", scopes=("department",))
    def answer(scope: Scope, period: Period):
        return [("Réponse", 42)]

    found = registry.get_indicator("test.answer")
    assert found is not None and found.source == "observatory"
    assert [i.key for i in registry.indicators(scope_kind="department") if i.key == "test.answer"]
    assert not [i for i in registry.indicators(scope_kind="network") if i.key == "test.answer"]


def test_audiences_filter_the_coordinators_indicators():
    public = {i.key for i in registry.indicators(scope_kind="network", audience=registry.PUBLIC)}
    everything = {
        i.key for i in registry.indicators(scope_kind="network", audience=registry.COORDINATORS)
    }
    assert "directory.freshness" in everything - public
    assert "mobility.money" in everything - public
    assert "places.by_type" in public


@pytest.mark.parametrize(
    ("value", "shown"), [(0, "0"), (1, "< 5"), (4, "< 5"), (5, "5"), (1234, "1\u202f234")]
)
def test_counts_of_people_under_five_are_masked(value, shown):
    people = registry.get_indicator("members.people")
    assert people is not None and people.people
    assert selectors.display_value(value, indicator=people) == shown
    places = registry.get_indicator("places.by_type")
    assert selectors.display_value(3, indicator=places) == "3"  # places are not people


def test_people_of_a_network_are_masked_everywhere(persona_client, client):
    # network A: La Bobine (Alice manages, Bob is a member): 1 manager, 1 member.
    persona_client("anonymous")
    scope = resolve_scope("network", "reseau-a")
    people = registry.get_indicator("members.people")
    figures = selectors.figures(scope=scope, indicator=people)
    assert [(f.display, f.masked) for f in figures] == [("< 5", True), ("< 5", True)]
    body = client.get(
        "/api/v1/observatory/indicators",
        {"perimetre": "reseau", "cle": "reseau-a", "indicateur": "members.people"},
    ).json()
    (point,) = body["indicators"][0]["series"]
    assert {f["value"] for f in point["figures"]} == {None}
    csv = client.get("/observatoire/reseau/reseau-a/indicateurs/members.people.csv")
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert ",,< 5,count" in text and ",1.0," not in text


def test_places_by_type_and_status(membership, other_place):
    other_place.types = [PlaceType.FABLAB, PlaceType.COWORKING]
    other_place.status = PlaceStatus.PROJECT
    other_place.save()
    Membership.objects.create(
        network=membership.network, place=other_place, status=MembershipStatus.ACCEPTED
    )
    scope = resolve_scope("network", "reseau-a")
    period = selectors.current_period()
    by_type = dict(registry.get_indicator("places.by_type").rows(scope, period))
    assert by_type == {"Coworking": 2.0, "Fablab / atelier de fabrication": 1.0}
    by_status = dict(registry.get_indicator("places.by_status").rows(scope, period))
    assert by_status == {"En projet": 1.0, "Ouvert": 1.0, "Fermé": 0.0}


def _event(membership, status, days_ago):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    event = MembershipEvent.objects.create(membership=membership, to_status=status)
    MembershipEvent.objects.filter(pk=event.pk).update(at=at)


def test_member_places_follow_the_history_of_adhesions(membership, other_place):
    _event(membership, MembershipStatus.ACCEPTED, 200)
    left = Membership.objects.create(
        network=membership.network, place=other_place, status=MembershipStatus.LEFT
    )
    _event(left, MembershipStatus.ACCEPTED, 100)
    _event(left, MembershipStatus.LEFT, 10)
    scope = resolve_scope("network", "reseau-a")
    members = registry.get_indicator("members.places")
    today = timezone.localdate()

    def count(days_ago):
        period = Period.month_of(today - datetime.timedelta(days=days_ago))
        return members.rows(scope, period)[0][1]

    assert count(400) == 0
    assert count(150) == 1  # La Bobine accepted 200 days ago
    assert count(60) == 2  # Le Hangar too, 100 days ago
    assert count(0) == 1  # Le Hangar left 10 days ago
    new = registry.get_indicator("members.new")
    period_of_hangar = Period.month_of(today - datetime.timedelta(days=100))
    assert new.rows(scope, period_of_hangar)[0][1] >= 1


def test_people_count_distinct_persons(membership, alice, bob):
    # Alice also becomes a member (coworker) of her own place: still one person, a manager.
    PlaceRole.objects.create(place=membership.place, user=alice, role=PlaceRole.Role.MEMBER)
    for _n in range(5):
        PlaceRole.objects.create(
            place=membership.place, user=UserFactory(), role=PlaceRole.Role.MEMBER
        )
    scope = resolve_scope("network", "reseau-a")
    rows = dict(registry.get_indicator("members.people").rows(scope, selectors.current_period()))
    assert rows == {"Gestionnaires": 1.0, "Membres (coworkers…)": 6.0}


def test_snapshots_command_records_and_backfills(membership):
    _event(membership, MembershipStatus.ACCEPTED, 120)
    call_command("observatory_snapshots", "--reseau", "reseau-a", "--backfill", "6")
    snaps = Snapshot.objects.filter(scope_kind="network", scope_key="reseau-a")
    last_month = Period.month_of(timezone.localdate()).previous()
    current = snaps.get(indicator="places.by_status", month=last_month.start)
    assert current.backfilled is False
    # Places by status cannot look back: only the month itself.
    assert snaps.filter(indicator="places.by_status").count() == 1
    members = snaps.filter(indicator="members.places").order_by("month")
    assert members.count() == 7
    assert members.filter(backfilled=True).count() == 6
    assert members.first().total == 0 and members.last().total == 1
    # Taken again as a back-fill, the month's own snapshot is kept.
    call_command(
        "observatory_snapshots",
        "--reseau",
        "reseau-a",
        "--month",
        f"{last_month.next().start:%Y-%m}",
        "--backfill",
        "1",
    )
    current.refresh_from_db()
    assert current.backfilled is False


def test_snapshots_dry_run_saves_nothing(membership):
    call_command("observatory_snapshots", "--reseau", "reseau-a", "--dry-run")
    assert not Snapshot.objects.exists()


def test_series_reads_snapshots_and_this_month_live(membership):
    call_command("observatory_snapshots", "--reseau", "reseau-a", "--backfill", "3")
    scope = resolve_scope("network", "reseau-a")
    points = selectors.series(scope=scope, indicator=registry.get_indicator("members.places"))
    assert len(points) == 5 and points[-1].live
    # Accepted today: the back-filled months before say 0, this month 1.
    assert [p.total for p in points] == [0.0, 0.0, 0.0, 0.0, 1.0]


def test_indicator_downloads_in_three_formats(membership, client):
    base = "/observatoire/reseau/reseau-a/indicateurs/places.by_type"
    csv = client.get(f"{base}.csv")
    assert csv["Content-Type"].startswith("text/csv")
    data = client.get(f"{base}.json").json()
    assert data["rows"][0]["indicateur"] == "places.by_type"
    xlsx = client.get(f"{base}.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "perimetre" and sheet["G2"].value == "Coworking"
    assert client.get(f"{base}.pdf").status_code == 404


def test_compare_puts_a_network_beside_the_same_level(membership, client):
    from maillage.networks.tests.factories import NetworkFactory

    NetworkFactory(name="Réseau C", slug="reseau-c")
    page = client.get("/observatoire/reseau/reseau-a/comparer/", {"indicateur": "places.by_type"})
    assert page.status_code == 200
    names = [line.scope.label for line in page.context["table"].lines]
    assert names[0] == "Réseau A" and "Réseau C" in names
    xlsx = client.get(
        "/observatoire/reseau/reseau-a/comparer/",
        {"indicateur": "places.by_type", "format": "xlsx"},
    )
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    wrong = client.get("/observatoire/reseau/reseau-a/comparer/", {"indicateur": "nope"})
    assert wrong.status_code == 422
    assert "existe pas pour ce périmètre" in wrong.content.decode()
