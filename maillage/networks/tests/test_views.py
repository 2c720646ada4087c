import json

import pytest
from django.urls import reverse

from maillage.networks.models import Membership, MembershipStatus, Network, NetworkRole
from maillage.networks.tests.conftest import make_membership
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory

DETAIL = reverse("networks:network-detail", args=["reseau-a"])


def map_points(response) -> list[dict]:
    html = response.content.decode()
    start = html.index('id="network-map-data"')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(payload)["features"]


def test_detail_maps_only_accepted_member_places(persona_client, membership, other_place, charlie):
    make_membership(
        place=other_place, network=membership.network, status=MembershipStatus.APPLIED, by=charlie
    )
    response = persona_client("anonymous").get(DETAIL)
    features = map_points(response)
    assert [f["properties"]["name"] for f in features] == ["La Bobine"]
    assert features[0]["properties"]["url"] == "/lieux/la-bobine/"
    assert features[0]["properties"]["commune"] == "Douai"
    assert features[0]["properties"]["types"] == "Coworking"
    assert features[0]["geometry"]["coordinates"] == [3.08, 50.3714]
    assert "Le Hangar" not in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "shown"), [("anonymous", False), ("erin", False), ("dora", True)]
)
def test_the_administer_section_is_for_coordinators(persona_client, persona, shown):
    html = persona_client(persona).get(DETAIL).content.decode()
    assert ("Administrer" in html) is shown
    assert (reverse("networks:membership-list", args=["reseau-a"]) in html) is shown


def test_detail_shows_children_contacts_and_charter(persona_client, network_a):
    NetworkFactory(name="Collectif du Douaisis", parent=network_a, level=Network.Level.LOCAL)
    network_a.email = "contact@reseau-a.org"
    network_a.save()
    html = persona_client("anonymous").get(DETAIL).content.decode()
    assert "Collectif du Douaisis" in html
    assert "mailto:contact@reseau-a.org" in html
    assert "Nous partageons nos espaces et nos savoirs." in html


def test_detail_query_count_is_bounded(persona_client, network_a, django_assert_max_num_queries):
    for n in range(15):
        place = PlaceFactory(commune=CommuneFactory(code_insee=f"{62000 + n}"))
        Membership.objects.create(network=network_a, place=place, status=MembershipStatus.ACCEPTED)
        NetworkFactory(parent=network_a, level=Network.Level.LOCAL)
    client = persona_client("dora")
    # 14 for the page itself, 2 for its upcoming events, 1 for the unread-notifications badge,
    # 6 for the menu (places managed, networks coordinated and their descendants, circles).
    with django_assert_max_num_queries(23):
        response = client.get(DETAIL)
    assert len(map_points(response)) == 16


def test_list_shows_level_parent_and_member_count(persona_client, membership, network_a):
    NetworkFactory(name="Collectif du Douaisis", parent=network_a, level=Network.Level.LOCAL)
    html = persona_client("anonymous").get(reverse("networks:network-list")).content.decode()
    assert "membre de Réseau A" in html
    assert "1 lieu adhérent" in html
    assert "Local" in html


def test_list_query_count_is_bounded(persona_client, network_a, django_assert_max_num_queries):
    for _ in range(20):
        child = NetworkFactory(parent=network_a, level=Network.Level.DEPARTMENTAL)
        Membership.objects.create(
            network=child, place=PlaceFactory(), status=MembershipStatus.ACCEPTED
        )
    client = persona_client("dora")
    with django_assert_max_num_queries(14):  # with the menu's
        response = client.get(reverse("networks:network-list"))
    assert response.content.decode().count('class="card"') == 22


def test_creating_a_network_through_the_form(persona_client):
    client = persona_client("charlie")
    response = client.post(
        reverse("networks:network-create"),
        {"name": "Tiers-Lieux du Hangar", "level": "local", "charter": "Ouvrir nos portes."},
    )
    network = Network.objects.get(name="Tiers-Lieux du Hangar")
    assert response["Location"] == network.get_absolute_url()
    assert network.roles.get().user.email == "charlie@example.org"


def test_a_child_level_error_is_shown_next_to_the_field(persona_client, network_a):
    client = persona_client("dora")
    response = client.post(
        reverse("networks:network-create"),
        {"name": "Trop haut", "level": "national", "parent": network_a.pk},
    )
    assert response.status_code == 200
    assert "l&#x27;échelon doit être plus local" in response.content.decode()
    assert "level" in response.context["form"].errors
    assert not Network.objects.filter(name="Trop haut").exists()


def test_parent_choices_are_networks_the_person_coordinates(persona_client, network_a, network_b):
    form = persona_client("erin").get(reverse("networks:network-create")).context["form"]
    assert list(form.fields["parent"].queryset) == [network_b]


def test_unknown_territory_codes_are_shown_and_nothing_is_saved(persona_client, network_a):
    CommuneFactory(code_insee="59178", name="Douai")
    client = persona_client("dora")
    url = reverse("networks:network-territory", args=["reseau-a"])
    response = client.post(url, {"codes": "59178, 99999"})
    assert response.status_code == 200
    assert response.context["form"].errors["codes"] == [
        "Codes inconnus : 99999. Le territoire n'a pas été modifié."
    ]
    assert 'aria-describedby="id_codes_helptext id_codes_error"' in response.content.decode()
    assert network_a.communes.count() == 0
    response = client.post(url, {"codes": "59178"})
    assert response.status_code == 302
    assert list(network_a.communes.values_list("code_insee", flat=True)) == ["59178"]


def test_adding_a_role_by_email_and_unknown_email_error(persona_client, network_a, bob):
    client = persona_client("dora")
    url = reverse("networks:network-roles", args=["reseau-a"])
    response = client.post(url, {"email": "personne@example.org", "role": "guide"})
    assert "Aucun compte n&#x27;utilise" in response.content.decode()
    assert client.post(url, {"email": "bob@example.org", "role": "guide"}).status_code == 302
    assert network_a.roles.filter(user=bob, role=NetworkRole.Role.GUIDE).exists()


def test_the_last_coordinator_removal_is_explained(persona_client, network_a):
    client = persona_client("dora")
    role = network_a.roles.get()
    response = client.post(reverse("networks:role-remove", args=["reseau-a", role.pk]), follow=True)
    assert "dernière coordinatrice" in response.content.decode()
    assert network_a.roles.filter(pk=role.pk).exists()


def test_apply_page_without_a_place_points_to_place_creation(persona_client):
    response = persona_client("erin").get(reverse("networks:membership-apply", args=["reseau-a"]))
    assert reverse("places:place-create") in response.content.decode()
    assert response.context["has_places"] is False
    assert "Envoyer la candidature" not in response.content.decode()


def test_applying_through_the_form(persona_client, network_a, other_place):
    client = persona_client("charlie")
    url = reverse("networks:membership-apply", args=["reseau-a"])
    page = client.get(url)
    assert "J&#x27;accepte la charte" in page.content.decode()
    response = client.post(url, {"place": other_place.pk, "motivation": "Un atelier vélo."})
    assert response.context["form"].errors["accept_charter"] == [
        "Il faut accepter la charte du réseau pour adhérer."
    ]
    assert not Membership.objects.filter(place=other_place).exists()
    response = client.post(
        url, {"place": other_place.pk, "accept_charter": "on", "motivation": "Un atelier vélo."}
    )
    assert response["Location"] == reverse("networks:my-memberships")
    assert Membership.objects.get(place=other_place).status == MembershipStatus.APPLIED


def test_a_manager_cannot_apply_for_a_place_they_do_not_manage(persona_client, place):
    client = persona_client("charlie")
    response = client.post(
        reverse("networks:membership-apply", args=["reseau-b"]),
        {"place": place.pk, "accept_charter": "on"},
    )
    assert response.status_code == 200
    assert "place" in response.context["form"].errors
    assert not Membership.objects.filter(network__slug="reseau-b").exists()


def test_refusing_without_reason_shows_the_error_and_changes_nothing(
    persona_client, network_a, other_place, charlie
):
    application = make_membership(
        place=other_place, network=network_a, status=MembershipStatus.APPLIED, by=charlie
    )
    client = persona_client("dora")
    url = reverse("networks:membership-transition", args=["reseau-a", application.pk, "refuser"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["reason_form"].errors["reason"]
    assert "Indiquez le motif" in response.content.decode()
    assert Membership.objects.get(pk=application.pk).status == MembershipStatus.APPLIED
    response = client.post(url, {"reason": "Hors territoire."})
    assert Membership.objects.get(pk=application.pk).status == MembershipStatus.REFUSED


def test_dashboard_groups_memberships_by_status(persona_client, membership, other_place, charlie):
    make_membership(
        place=other_place, network=membership.network, status=MembershipStatus.APPLIED, by=charlie
    )
    response = persona_client("dora").get(reverse("networks:membership-list", args=["reseau-a"]))
    groups = {code: [m.place.name for m in rows] for code, _, rows in response.context["groups"]}
    assert groups["applied"] == ["Le Hangar"]
    assert groups["accepted"] == ["La Bobine"]
    assert groups["refused"] == []


def test_an_invalid_transition_is_explained_with_the_current_status(persona_client, membership):
    client = persona_client("dora")
    url = reverse("networks:membership-transition", args=["reseau-a", membership.pk, "accepter"])
    response = client.post(url, follow=True)
    assert "actuellement « Adhérent »" in response.content.decode()


def test_next_never_redirects_off_site(persona_client, membership):
    url = reverse("networks:membership-transition", args=["reseau-a", membership.pk, "quitter"])
    response = persona_client("alice").post(
        url, {"next": "https://evil.example/", "confirm": "oui"}
    )
    assert response["Location"] == reverse(
        "networks:membership-detail", args=["reseau-a", membership.pk]
    )


def test_my_memberships_lists_my_places_and_lets_me_leave(persona_client, membership):
    client = persona_client("alice")
    page = client.get(reverse("networks:my-memberships"))
    assert "Réseau A" in page.content.decode()
    assert "Quitter" in page.content.decode()
    leave = reverse("networks:membership-transition", args=["reseau-a", membership.pk, "quitter"])
    response = client.post(leave, {"next": reverse("networks:my-memberships"), "confirm": "oui"})
    assert response["Location"] == reverse("networks:my-memberships")
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.LEFT


def test_membership_history_shows_every_step(persona_client, network_a, other_place, charlie):
    application = make_membership(
        place=other_place, network=network_a, status=MembershipStatus.SUSPENDED, by=charlie
    )
    url = reverse("networks:membership-detail", args=["reseau-a", application.pk])
    html = persona_client("charlie").get(url).content.decode()
    assert "Candidature déposée" in html
    assert "Impayé." in html
    assert "Suspendue" in html


def test_accepting_shows_what_will_happen_before_accepting(persona_client, application):
    client = persona_client("dora")
    url = reverse("networks:membership-transition", args=["reseau-a", application.pk, "accepter"])

    page = client.get(url + "?next=" + reverse("networks:membership-list", args=["reseau-a"]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Accepter « Le Hangar » dans « Réseau A » ?" in text
    assert "Nous voulons partager notre atelier." in text
    assert 'name="confirm" value="oui"' in text
    assert 'name="next" value="/reseaux/reseau-a/adhesions/"' in text
    assert client.post(url).status_code == 200  # a bare POST only shows the summary again
    assert Membership.objects.get(pk=application.pk).status == MembershipStatus.APPLIED

    response = client.post(url, {"confirm": "oui"})

    assert response.status_code == 302
    assert Membership.objects.get(pk=application.pk).status == MembershipStatus.ACCEPTED


def test_leaving_asks_first(persona_client, membership):
    client = persona_client("alice")
    url = reverse("networks:membership-transition", args=["reseau-a", membership.pk, "quitter"])

    page = client.get(url)

    assert "Pour revenir, il faudra déposer une nouvelle candidature." in page.content.decode()
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.ACCEPTED


def test_a_member_who_cannot_leave_gets_no_confirmation(persona_client, membership):
    url = reverse("networks:membership-transition", args=["reseau-a", membership.pk, "quitter"])
    assert persona_client("bob").get(url).status_code == 403
