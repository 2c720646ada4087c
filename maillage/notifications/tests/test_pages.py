import pytest
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.notifications.models import Notification
from maillage.notifications.services import notify


@pytest.fixture
def bobs_notes(bob):
    return notify(
        users=[bob],
        topic="circles.proposal",
        title="Nouvelle proposition",
        url="/cercles/x/",
        email=False,
    ) + notify(users=[bob], topic="circles.decision", title="Décision prise", email=False)


def test_the_list_shows_only_my_notifications_with_the_unread_count(client, bob, alice, bobs_notes):
    notify(users=[alice], topic="t", title="Pour Alice seulement", email=False)
    client.force_login(bob)
    response = client.get(reverse("notifications:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nouvelle proposition" in body and "Décision prise" in body
    assert "Pour Alice seulement" not in body
    assert response.context["unread_notifications"] == 2


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", PERSONAS)
def test_every_persona_reads_their_own_list_and_anonymous_logs_in(persona_client, name):
    response = persona_client(name).get(reverse("notifications:list"))
    assert response.status_code == (302 if name == "anonymous" else 200)


def test_marking_one_read_only_marks_that_one(client, bob, bobs_notes):
    client.force_login(bob)
    response = client.post(reverse("notifications:read", args=[bobs_notes[0].pk]))
    assert response.status_code == 302
    assert Notification.objects.get(pk=bobs_notes[0].pk).read_at is not None
    assert Notification.objects.get(pk=bobs_notes[1].pk).read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, bob, bobs_notes):
    client.force_login(bob)
    response = client.post(reverse("notifications:read", args=[bobs_notes[0].pk]), {"open": "1"})
    assert response["Location"] == "/cercles/x/"
    assert Notification.objects.get(pk=bobs_notes[0].pk).read_at is not None


def test_opening_never_redirects_to_another_site(client, bob):
    (note,) = notify(
        users=[bob], topic="t", title="Piège", url="https://evil.example/", email=False
    )
    client.force_login(bob)
    response = client.post(reverse("notifications:read", args=[note.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read_marks_mine_only(client, bob, alice, bobs_notes):
    (alices,) = notify(users=[alice], topic="t", title="Pour Alice", email=False)
    client.force_login(bob)
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(user=bob, read_at__isnull=True).exists()
    alices.refresh_from_db()
    assert alices.read_at is None


def test_nobody_can_read_or_mark_another_persons_notification(client, bob, alice, bobs_notes):
    client.force_login(alice)
    response = client.post(reverse("notifications:read", args=[bobs_notes[0].pk]), {"open": "1"})
    assert response.status_code == 404
    assert Notification.objects.get(pk=bobs_notes[0].pk).read_at is None
    assert "Nouvelle proposition" not in client.get(reverse("notifications:list")).content.decode()


@pytest.mark.parametrize("url_name", ["notifications:read", "notifications:read-all"])
def test_marking_read_is_post_only(client, bob, bobs_notes, url_name):
    client.force_login(bob)
    args = [bobs_notes[0].pk] if url_name == "notifications:read" else []
    assert client.get(reverse(url_name, args=args)).status_code == 405
    assert Notification.objects.filter(user=bob, read_at__isnull=True).count() == 2


def test_the_header_shows_the_unread_count_with_one_query(
    client, bob, bobs_notes, django_assert_max_num_queries
):
    client.force_login(bob)
    with django_assert_max_num_queries(8):  # 3 for the menu
        body = client.get(reverse("notifications:list")).content.decode()
    assert '<span class="badge">2<span class="visually-hidden"> non lues</span></span>' in body


def test_the_list_is_bounded_in_queries(client, bob, django_assert_max_num_queries):
    for n in range(40):
        notify(users=[bob], topic="t", title=f"Note {n}", email=False)
    client.force_login(bob)
    with django_assert_max_num_queries(8):  # 3 for the menu
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 30
