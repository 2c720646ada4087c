from maillage.demo.selectors import demo_counts
from maillage.demo.services import load_demo
from maillage.places.models import Place


def test_running_the_demo_twice_changes_nothing(census_csv, demo_communes):
    first = load_demo(census_path=census_csv, local_networks=2)
    slugs = sorted(Place.objects.values_list("slug", flat=True))

    second = load_demo(census_path=census_csv, local_networks=2)

    assert first.created
    assert not second.created
    assert second.counts == first.counts == demo_counts()
    assert sorted(Place.objects.values_list("slug", flat=True)) == slugs


def test_reset_rebuilds_the_demo_without_duplicates(census_csv, demo_communes):
    first = load_demo(census_path=census_csv, local_networks=2)
    slugs = sorted(Place.objects.values_list("slug", flat=True))

    again = load_demo(census_path=census_csv, local_networks=2, reset=True)

    assert again.created
    assert again.counts == first.counts
    assert sorted(Place.objects.values_list("slug", flat=True)) == slugs
    assert [login.email for login in again.logins] == [login.email for login in first.logins]


def test_reset_leaves_objects_outside_the_demo_alone(census_csv, demo_communes, place, alice):
    load_demo(census_path=census_csv, local_networks=2)

    load_demo(census_path=census_csv, local_networks=2, reset=True)

    place.refresh_from_db()
    alice.refresh_from_db()
    assert place.roles.filter(user=alice).exists()
