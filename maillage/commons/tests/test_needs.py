"""Places' priority needs: a place's managers post them in one of its networks, other places
support them once, the ranking by supports feeds the dashboard and a CSV without personal
data; every refusal leaves things as they were."""

import pytest
from django.urls import reverse

from maillage.commons import needs
from maillage.commons.models import NeedSupport, PriorityNeed
from maillage.commons.services import NotAllowed
from maillage.conftest import PERSONAS
from maillage.lib.french import de
from maillage.networks.models import Membership, MembershipStatus
from maillage.places.tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def test_a_manager_posts_a_need_of_her_place_in_its_network(need, place, alice):
    assert need.place == place
    assert need.posted_by == alice
    assert need.closed_at is None


def test_a_need_is_posted_only_in_a_network_the_place_belongs_to(place, network_b, alice):
    with pytest.raises(needs.NeedError) as refused:
        needs.post_need(
            place=place, network=network_b, data=needs.NeedData(title="Un besoin"), by=alice
        )

    assert refused.value.field == "network"
    assert not PriorityNeed.objects.exists()


def test_only_the_places_managers_post_its_needs(place, network_a, bob, membership):
    with pytest.raises(NotAllowed):
        needs.post_need(place=place, network=network_a, data=needs.NeedData(title="X"), by=bob)
    assert not PriorityNeed.objects.exists()


def test_a_place_keeps_at_most_three_open_priority_needs(place, network_a, alice, membership):
    for n in range(needs.MAX_OPEN_NEEDS):
        needs.post_need(
            place=place, network=network_a, data=needs.NeedData(title=f"Besoin {n}"), by=alice
        )

    with pytest.raises(needs.NeedError, match="retirez-en un"):
        needs.post_need(
            place=place, network=network_a, data=needs.NeedData(title="Un de trop"), by=alice
        )
    needs.close_need(need=PriorityNeed.objects.first(), by=alice)
    needs.post_need(
        place=place, network=network_a, data=needs.NeedData(title="Maintenant oui"), by=alice
    )
    assert PriorityNeed.objects.filter(closed_at__isnull=True).count() == needs.MAX_OPEN_NEEDS


def test_another_place_supports_once_and_never_its_own_need(
    need, place, other_place, alice, charlie, both_members
):
    needs.support_need(need=need, place=other_place, by=charlie)

    with pytest.raises(needs.AlreadySupported):
        needs.support_need(need=need, place=other_place, by=charlie)
    with pytest.raises(needs.NeedError, match="propre besoin"):
        needs.support_need(need=need, place=place, by=alice)
    with pytest.raises(NotAllowed):
        needs.support_need(need=need, place=other_place, by=alice)
    assert NeedSupport.objects.count() == 1


def test_a_withdrawn_need_takes_no_more_support(need, other_place, alice, charlie):
    needs.close_need(need=need, by=alice)

    with pytest.raises(needs.NeedClosed):
        needs.support_need(need=need, place=other_place, by=charlie)
    with pytest.raises(needs.NeedClosed):
        needs.close_need(need=need, by=alice)


def test_the_ranking_puts_the_most_supported_need_first(
    need, place, other_place, network_a, alice, charlie, both_members
):
    from maillage.commons.need_selectors import ranked_needs

    popular = needs.post_need(
        place=other_place,
        network=network_a,
        data=needs.NeedData(title="Un modèle de convention d'occupation"),
        by=charlie,
    )
    needs.support_need(need=popular, place=place, by=alice)

    ranked = list(ranked_needs())

    assert [n.pk for n in ranked] == [popular.pk, need.pk]
    assert [n.support_count for n in ranked] == [1, 0]


def test_the_ranking_page_lets_a_manager_support_in_her_places_name(
    client, need, other_place, charlie, both_members
):
    client.force_login(charlie)
    url = reverse("commons:needs")
    page = client.get(url).content.decode()
    assert "Suivre les adhésions sans tableur" in page
    assert f"Soutenir au nom {de(other_place.name)}" in page

    client.post(reverse("commons:need-support", args=[need.pk]), {"place": other_place.pk})

    assert NeedSupport.objects.filter(need=need, place=other_place).exists()
    page = client.get(url).content.decode()
    assert "1 lieu soutient" in page
    client.post(reverse("commons:need-unsupport", args=[need.pk]), {"place": other_place.pk})
    assert not NeedSupport.objects.exists()


def test_a_manager_posts_from_her_places_page_and_a_bad_title_is_said_beside_it(
    client, place, alice, network_a, membership
):
    client.force_login(alice)
    url = reverse("commons:place-needs", args=[place.slug])

    page = client.post(url, {"network": network_a.pk, "title": "  "}).content.decode()
    assert "Ce champ est obligatoire" in page
    assert not PriorityNeed.objects.exists()

    client.post(url, {"network": network_a.pk, "title": "Un lieu pour stocker du matériel"})
    assert PriorityNeed.objects.get().title == "Un lieu pour stocker du matériel"


def test_withdrawing_a_need_asks_first(client, need, alice):
    client.force_login(alice)
    url = reverse("commons:need-close", args=[need.pk])

    assert "Avant de confirmer" in client.get(url).content.decode()
    need.refresh_from_db()
    assert need.closed_at is None

    client.post(url, {"confirm": "oui"})
    need.refresh_from_db()
    assert need.closed_at is not None


def test_the_csv_ranks_needs_without_anyone_s_name(client, need, alice):
    body = b"".join(client.get(reverse("commons:needs-csv")).streaming_content).decode("utf-8-sig")

    assert "Suivre les adhésions sans tableur" in body
    assert alice.email not in body
    assert alice.public_name not in body


@pytest.fixture
def need_elsewhere(network_b):
    place = PlaceFactory(name="Le Quai")
    Membership.objects.create(place=place, network=network_b, status=MembershipStatus.ACCEPTED)
    return PriorityNeed.objects.create(network=network_b, place=place, title="Un four à pain")


def _csv(client, query):
    response = client.get(reverse("commons:needs-csv") + query)
    return response, b"".join(response.streaming_content)


def test_the_csv_exports_the_network_the_page_shows(client, need, need_elsewhere, network_a):
    page = client.get(reverse("commons:needs") + f"?reseau={network_a.slug}").content.decode()
    assert f"besoins.csv?reseau={network_a.slug}&amp;sep=%3B" in page

    response, raw = _csv(client, f"?reseau={network_a.slug}&sep=%3B")

    assert response["Content-Disposition"] == (
        f'attachment; filename="besoins-prioritaires-{network_a.slug}.csv"'
    )
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the accents right
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "rang;besoin;action;domaine;lieu;reseau;soutiens;publie_le"
    assert len(lines) == 2
    assert lines[1].startswith("1;Suivre les adhésions sans tableur;")
    assert "Un four à pain" not in raw.decode("utf-8-sig")
    assert client.get(reverse("commons:needs-csv") + "?reseau=inconnu").status_code == 404


def test_the_dashboards_csv_covers_the_networks_it_shows(
    client, need, need_elsewhere, dora, network_a
):
    client.force_login(dora)
    page = client.get(reverse("commons:dashboard")).content.decode()
    link = page.split('href="/communs/besoins.csv?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert f"reseau={network_a.slug}" in link

    body = _csv(client, "?" + link)[1].decode("utf-8-sig")

    assert "Suivre les adhésions sans tableur" in body
    assert "Un four à pain" not in body


def test_the_dashboard_shows_the_priority_needs(client, need, dora):
    client.force_login(dora)

    page = client.get(reverse("commons:dashboard")).content.decode()

    assert "Besoins prioritaires des lieux" in page
    assert "Suivre les adhésions sans tableur" in page


# persona → status of: ranking, CSV, the place's needs page, withdrawing its need
MATRIX = {
    "anonymous": (200, 200, 302, 302),
    "bob": (200, 200, 403, 403),
    "charlie": (200, 200, 403, 403),
    "alice": (200, 200, 200, 200),
    "erin": (200, 200, 403, 403),
    "dora": (200, 200, 403, 403),
    "root": (200, 200, 200, 200),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(persona, persona_client, need, place):
    client = persona_client(persona)
    urls = [
        reverse("commons:needs"),
        reverse("commons:needs-csv"),
        reverse("commons:place-needs", args=[place.slug]),
        reverse("commons:need-close", args=[need.pk]),
    ]

    assert tuple(client.get(url).status_code for url in urls) == MATRIX[persona]
