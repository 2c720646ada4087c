"""The guide has a catalogue to work on first start: real commons with their licences and links,
used by demo places, people to call — and one commons with nobody to call."""

import pytest

from maillage.commons.models import Commons, Contact, Usage
from maillage.commons.selectors import CommonsFilters, search_commons
from maillage.demo.commons import COMMONS, delete_demo_commons, load_demo_commons
from maillage.demo.services import load_demo, with_notes


@pytest.fixture
def demo(census_csv, demo_communes):
    summary = load_demo(census_path=census_csv, local_networks=2)
    summary.logins = with_notes(summary.logins, load_demo_commons())
    return summary


def test_the_catalogue_holds_real_commons_with_spdx_licences(demo):
    names = set(Commons.objects.values_list("name", flat=True))

    assert names == {spec.name for spec in COMMONS}
    assert (
        Commons.objects.get(name="Decidim").links.get().url == "https://github.com/decidim/decidim"
    )
    assert Commons.objects.get(name="OpenStreetMap").licence == "ODbL-1.0"


def test_places_use_commons_and_people_are_there_to_call(demo):
    assert Usage.objects.exists()
    assert Contact.objects.filter(commons__name="Paheko").exists()
    gap = search_commons(CommonsFilters(q="GoGoCarto")).commons
    assert [c.contact_count for c in gap] == [0]


def test_the_guide_is_told_what_to_try(demo):
    guide = next(login for login in demo.logins if login.role == "Aiguilleuse")

    assert "File d'aiguillage" in guide.what_to_try


def test_loading_twice_changes_nothing_and_reset_removes_the_catalogue(demo):
    before = Commons.objects.count()

    assert load_demo_commons() == {}
    assert Commons.objects.count() == before
    delete_demo_commons()
    assert not Commons.objects.exists()


def test_the_guide_has_a_queue_in_every_state(demo):
    from maillage.accounts.models import User
    from maillage.commons.models import FollowUp, OrientationRequest, Suggestion
    from maillage.commons.orientation_selectors import queue_for

    guide = User.objects.get(email=next(x.email for x in demo.logins if x.role == "Aiguilleuse"))
    queue = queue_for(user=guide)
    statuses = {r.status for r in queue}

    assert {"new", "claimed", "answered"} <= statuses
    assert {"à traiter", "sans suite"} <= {r.flag for r in queue}
    assert FollowUp.objects.filter(answered_at__isnull=False).exists()
    assert FollowUp.objects.filter(sent_at__isnull=False, answered_at__isnull=True).exists()
    assert Suggestion.objects.filter(contact__isnull=False, contact_consent="pending").exists()
    assert not OrientationRequest.objects.filter(status="unverified").exists()


def test_two_grids_qualifications_side_by_side_and_questions(demo):
    from maillage.commons.models import Commons, Grid, Question
    from maillage.commons.qualification import readings

    assert Grid.objects.count() == 2
    assert len(readings(commons=Commons.objects.get(name="Paheko"))) == 2
    assert Question.objects.count() == 3


def test_places_post_priority_needs_that_others_support(demo):
    from maillage.commons.need_selectors import ranked_needs

    ranked = list(ranked_needs())

    assert len(ranked) >= 2
    assert ranked[0].support_count >= ranked[-1].support_count
    assert ranked[0].support_count > 0
