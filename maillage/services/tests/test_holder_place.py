"""A project holder links their place once it is in the directory, from their space; the day
the directory shows it "ouvert", the project is marked opened and the holder and team told."""

import pytest
from django.urls import reverse

from maillage.notifications.models import Notification
from maillage.places.models import PlaceStatus
from maillage.places.services import PlaceData, update_place
from maillage.services import programmes
from maillage.services.models import ProjectHolder
from maillage.services.selectors import work_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(network_a, territory, dora, alice, gaelle):
    return programmes.register_holder(
        by=alice,
        data=programmes.HolderData(
            project_name="La Grange",
            stage="works",
            commune=territory,
            needs=["immobilier"],
            description="Une grange à transformer.",
        ),
    )


def test_my_space_asks_the_holder_to_link_their_place(holder, alice):
    url = reverse("services:holder-place", args=[holder.pk])
    assert url in [u for _label, u in work_of(user=alice)]


def test_the_holder_links_their_place_and_its_opening_is_followed(
    client, holder, alice, place, gaelle
):
    place.status = PlaceStatus.PROJECT
    place.save()
    client.force_login(alice)
    url = reverse("services:holder-place", args=[holder.pk])
    assert "La Bobine (En projet)" in client.get(url).content.decode()

    assert client.post(url, {"place": place.pk}).status_code == 302
    holder.refresh_from_db()
    assert (holder.place, holder.status) == (place, ProjectHolder.Status.FOLLOWED)
    assert url not in [u for _label, u in work_of(user=alice)]

    update_place(place=place, by=alice, data=PlaceData(status=PlaceStatus.OPEN))

    holder.refresh_from_db()
    assert holder.status == ProjectHolder.Status.OPENED and holder.opened_at is not None
    told = Notification.objects.filter(topic="services.holder-opened")
    assert {n.user for n in told} >= {alice, gaelle}
    page = client.get(holder.get_absolute_url()).content.decode()
    assert "ouvert le" in page


def test_a_place_the_holder_does_not_manage_cannot_be_linked(client, holder, alice, other_place):
    client.force_login(alice)
    url = reverse("services:holder-place", args=[holder.pk])
    page = client.post(url, {"place": other_place.pk})
    assert page.status_code == 200
    assert "errorlist" in page.content.decode()
    holder.refresh_from_db()
    assert holder.place is None


def test_without_a_place_the_page_offers_to_create_it(client, holder, alice, place):
    place.roles.all().delete()
    client.force_login(alice)
    page = client.get(reverse("services:holder-place", args=[holder.pk])).content.decode()
    assert reverse("places:place-create") in page


def test_someone_else_cannot_link_the_project(client, holder, charlie, gaelle):
    url = reverse("services:holder-place", args=[holder.pk])
    client.force_login(charlie)
    assert client.get(url).status_code in (403, 404)
    client.force_login(gaelle)  # the team may, for the holder
    assert client.get(url).status_code == 200
