from allauth.account.models import EmailAddress

from maillage.accounts.models import Skill, Visibility
from maillage.demo.selectors import DEMO_DOMAIN, REGIONAL_SLUG
from maillage.demo.services import DEMO_PASSWORD, load_demo
from maillage.networks.models import Membership, MembershipStatus, Network
from maillage.places.models import Equipment, Place, PlaceRole, PlaceType, Space


def test_the_demo_holds_the_national_regional_and_local_networks(census_csv, demo_communes):
    load_demo(census_path=census_csv, local_networks=2)

    regional = Network.objects.get(slug=REGIONAL_SLUG)
    assert regional.level == Network.Level.REGIONAL
    assert regional.parent.level == Network.Level.NATIONAL
    assert "s'engage" in regional.charter
    # The region's communes, not the other region's.
    assert set(regional.communes.values_list("code_insee", flat=True)) == {
        "59350", "59360", "59178", "59324", "59999"
    }  # fmt: skip
    circles = Network.objects.filter(parent=regional).order_by("name")
    # The EPCI with the most places first, then the next by name.
    assert [c.name for c in circles] == ["Cercle Douaisis", "Cercle Métropole Européenne de Lille"]
    assert {c.level for c in circles} == {Network.Level.LOCAL}
    lille = circles.get(name="Cercle Métropole Européenne de Lille")
    assert set(lille.communes.values_list("code_insee", flat=True)) == {"59350", "59360", "59999"}


def test_every_resolved_census_place_of_the_region_becomes_an_open_place(census_csv, demo_communes):
    summary = load_demo(census_path=census_csv, local_networks=2)

    places = Place.objects.order_by("external_id")
    assert [p.external_id for p in places] == [
        "cget2019:1219", "cget2019:25", "cget2019:3", "cget2019:40", "cget2019:50", "cget2019:51"
    ]  # fmt: skip
    assert summary.skipped_rows == ["1482 L'Hermitage"]
    co_factory = Place.objects.get(external_id="cget2019:3")
    assert co_factory.source == "CGET 2019"
    assert co_factory.types == [PlaceType.COWORKING]
    assert co_factory.commune == demo_communes["lille"]
    assert co_factory.postal_code == "59800"
    assert co_factory.website == "https://www.co-factory.fr"
    assert co_factory.latitude == 50.65505
    assert "Lille" in co_factory.description
    assert co_factory.email == ""
    # A broken website is dropped, a missing position falls back to the commune's.
    douai = Place.objects.get(external_id="cget2019:40")
    assert douai.website == ""
    assert douai.types == [PlaceType.FABLAB]
    old_post = Place.objects.get(external_id="cget2019:50")
    assert (old_post.latitude, old_post.longitude) == (50.6, 3.2)


def test_each_place_has_spaces_and_equipment_that_fit_its_type(census_csv, demo_communes):
    load_demo(census_path=census_csv, local_networks=2)

    for place in Place.objects.all():
        assert Space.objects.filter(place=place).exists()
    desks = Space.objects.get(place__external_id="cget2019:3", kind="desk")
    assert 8 <= desks.capacity <= 30
    assert desks.price_public_cents > desks.price_network_cents
    fablab_kit = set(
        Equipment.objects.filter(place__external_id="cget2019:40").values_list("name", flat=True)
    )
    assert {"Découpeuse laser", "Imprimantes 3D"} <= fablab_kit
    assert Space.objects.filter(place__external_id="cget2019:40", kind="workshop").exists()


def test_places_are_accepted_members_of_the_region_and_of_their_circle(census_csv, demo_communes):
    load_demo(census_path=census_csv, local_networks=2)

    regional = Network.objects.get(slug=REGIONAL_SLUG)
    accepted = Membership.objects.filter(network=regional, status=MembershipStatus.ACCEPTED)
    # The last two managed places (census order) are still applying.
    assert set(accepted.values_list("place__external_id", flat=True)) == {
        "cget2019:3", "cget2019:25", "cget2019:40", "cget2019:50"
    }  # fmt: skip
    lille = Network.objects.get(name="Cercle Métropole Européenne de Lille")
    assert set(
        lille.memberships.filter(status=MembershipStatus.ACCEPTED).values_list(
            "place__external_id", flat=True
        )
    ) == {"cget2019:3", "cget2019:25", "cget2019:50"}
    for membership in accepted:
        assert membership.charter_accepted_at is not None
        assert membership.charter_text == regional.charter
        assert membership.decided_by is not None
        assert [e.to_status for e in membership.events.all()] == ["applied", "accepted"]
    managed = accepted.exclude(place__roles__isnull=True).first()
    manager = PlaceRole.objects.get(place=managed.place, role="manager").user
    assert managed.charter_accepted_by == manager
    # Other states exist for realism, the refusal with its reason.
    statuses = set(Membership.objects.values_list("status", flat=True))
    assert {"accepted", "applied", "in_review", "refused"} <= statuses
    refused = Membership.objects.get(status=MembershipStatus.REFUSED)
    assert refused.reason
    assert refused.events.last().note == refused.reason


def test_demo_people_have_verified_demo_addresses_and_the_printed_password(
    census_csv, demo_communes
):
    summary = load_demo(census_path=census_csv, local_networks=2)

    people = list(summary.logins)
    assert {login.email.split("@")[1] for login in people} == {DEMO_DOMAIN}
    from maillage.accounts.models import User

    users = User.objects.all()
    assert all(user.email.endswith(f"@{DEMO_DOMAIN}") for user in users)
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == users.count()
    admin = User.objects.get(email=f"admin@{DEMO_DOMAIN}")
    assert admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    roles = {login.role for login in summary.logins}
    assert {"Administration", "Coordination régionale", "Coordination locale", "Aiguilleuse",
            "Accompagnateur", "Membre du réseau", "Gestion de lieu", "Coworker"} <= roles  # fmt: skip


def test_coworkers_share_skills_with_all_three_visibilities(census_csv, demo_communes):
    load_demo(census_path=census_csv, local_networks=2)

    coworker = PlaceRole.objects.filter(role="member").first().user
    assert set(coworker.skills.values_list("visibility", flat=True)) == set(Visibility.values)
    assert Skill.objects.count() == 3 * PlaceRole.objects.filter(role="member").count()


def test_two_places_apply_to_the_region_and_its_coordinator_is_told(census_csv, demo_communes):
    summary = load_demo(census_path=census_csv, local_networks=2)

    regional = Network.objects.get(slug=REGIONAL_SLUG)
    pending = Membership.objects.filter(
        network=regional, status__in=[MembershipStatus.APPLIED, MembershipStatus.IN_REVIEW]
    ).order_by("status")
    assert [(m.place.external_id, m.status) for m in pending] == [
        ("cget2019:51", MembershipStatus.APPLIED),
        ("cget2019:1219", MembershipStatus.IN_REVIEW),
    ]
    for membership in pending:
        manager = PlaceRole.objects.get(place=membership.place, role="manager").user
        assert membership.applied_by == manager
        assert membership.motivation
        assert membership.charter_text == regional.charter
    coordinator = regional.roles.get(role="coordinator").user
    assert coordinator.notifications.filter(title__contains="Le Relais").exists()
    login = next(login for login in summary.logins if login.email == coordinator.email)
    assert "Le Relais" in login.what_to_try
