from django.core import mail

from maillage.accounts.tests.factories import UserFactory
from maillage.notifications.models import Notification
from maillage.notifications.services import mark_handled, mark_read, notify


def test_notify_creates_one_notification_per_person_and_emails_them(
    db, django_capture_on_commit_callbacks
):
    a, b, author = UserFactory(), UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[a, b, a, author],
            topic="circles.proposal",
            title="Nouvelle proposition",
            body="Une proposition attend la réunion.",
            url="/cercles/x/",
            exclude=author,
        )
    assert Notification.objects.filter(topic="circles.proposal").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])
    assert "/cercles/x/" in mail.outbox[0].body


def test_notify_without_email_only_records_in_app(db, django_capture_on_commit_callbacks):
    a = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[a], topic="t", title="Titre", email=False)
    assert Notification.objects.get(user=a).emailed is False
    assert mail.outbox == []


def test_mark_read_only_touches_the_persons_notifications(db):
    a, b = UserFactory(), UserFactory()
    notify(users=[a, b], topic="t", title="Titre", email=False)
    assert mark_read(user=a) == 1
    assert Notification.objects.filter(read_at__isnull=True).get().user == b


def test_mark_handled_reads_the_notifications_of_that_key_for_everybody(db):
    a, b = UserFactory(), UserFactory()
    notify(users=[a, b], topic="t", title="À traiter", email=False, key="thing:1")
    notify(users=[a], topic="t", title="Autre chose", email=False, key="thing:2")
    notify(users=[a], topic="t", title="Sans objet", email=False)

    assert mark_handled(key="thing:1") == 2
    assert mark_handled(key="") == 0
    unread = Notification.objects.filter(read_at__isnull=True)
    assert sorted(unread.values_list("title", flat=True)) == ["Autre chose", "Sans objet"]
