"""Registering, the waiting list, approval, guests by e-mail, cancelling and attendance."""

import datetime

import pytest
import time_machine
from django.core import mail

from maillage.accounts.tests.factories import UserFactory
from maillage.events import registration as svc
from maillage.events.models import Audience, Event, Occurrence, Registration
from maillage.events.tests.factories import EventFactory, OccurrenceFactory
from maillage.notifications.models import Notification

Status = Registration.Status
# Before the default session of the factories (1 December 2026, 9:00 UTC = 10:00 in Paris).
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
SESSION_DAY = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)


def make_occurrence(*, capacity: int | None = None, **event_fields: object) -> Occurrence:
    """A session of a one-off event (public, of a new network unless told otherwise)."""
    event = EventFactory(capacity=capacity, **event_fields)
    return OccurrenceFactory(event=event)


def fresh(occurrence: Occurrence) -> Occurrence:
    return Occurrence.objects.select_related("event").get(pk=occurrence.pk)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(db):
    return [UserFactory(display_name=f"Personne {n}") for n in range(4)]


def test_registering_takes_a_seat_and_counts_it(people):
    occurrence = make_occurrence(capacity=2)

    registration = svc.register(occurrence=occurrence, user=people[0], share_contact=True)

    assert registration.status == Status.CONFIRMED
    assert registration.share_contact is True
    assert registration.confirmed_at == NOW
    assert fresh(occurrence).confirmed_count == 1
    assert svc.seats_left(fresh(occurrence)) == 1


def test_a_full_session_puts_the_next_people_on_the_waiting_list_in_order(people):
    occurrence = make_occurrence(capacity=1)
    svc.register(occurrence=occurrence, user=people[0])

    second = svc.register(occurrence=occurrence, user=people[1])
    third = svc.register(occurrence=occurrence, user=people[2])

    assert (second.status, third.status) == (Status.WAITLISTED, Status.WAITLISTED)
    assert (svc.waitlist_position(second), svc.waitlist_position(third)) == (1, 2)
    assert fresh(occurrence).confirmed_count == 1


def test_a_session_without_capacity_never_fills(people):
    occurrence = make_occurrence(capacity=None)
    statuses = {svc.register(occurrence=occurrence, user=p).status for p in people}
    assert statuses == {Status.CONFIRMED}
    assert fresh(occurrence).confirmed_count == len(people)


def test_the_session_capacity_overrides_the_event_capacity(people):
    occurrence = make_occurrence(capacity=10)
    Occurrence.objects.filter(pk=occurrence.pk).update(capacity=1)
    svc.register(occurrence=fresh(occurrence), user=people[0])
    assert svc.register(occurrence=fresh(occurrence), user=people[1]).status == Status.WAITLISTED


def test_registering_twice_registers_once_and_shows_the_same_registration(people):
    occurrence = make_occurrence(capacity=5)
    first = svc.register(occurrence=occurrence, user=people[0])

    with pytest.raises(svc.AlreadyRegistered, match="déjà inscrit") as error:
        svc.register(occurrence=occurrence, user=people[0])

    assert error.value.registration.pk == first.pk
    assert Registration.objects.filter(occurrence=occurrence).count() == 1
    assert fresh(occurrence).confirmed_count == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_at": NOW - datetime.timedelta(hours=1)}, "déjà eu lieu"),
        ({"cancelled": True}, "annulée"),
    ],
)
def test_a_past_or_cancelled_session_refuses_and_changes_nothing(people, change, message):
    occurrence = make_occurrence(capacity=5)
    if "starts_at" in change:
        change["ends_at"] = change["starts_at"] + datetime.timedelta(minutes=30)
    Occurrence.objects.filter(pk=occurrence.pk).update(**change)

    with pytest.raises(svc.RegistrationClosed, match=message):
        svc.register(occurrence=fresh(occurrence), user=people[0])

    assert not Registration.objects.exists()
    assert fresh(occurrence).confirmed_count == 0


def test_a_cancelled_event_refuses_registrations(people):
    occurrence = make_occurrence(status=Event.Status.CANCELLED)
    with pytest.raises(svc.RegistrationClosed):
        svc.register(occurrence=occurrence, user=people[0])
    assert not Registration.objects.exists()


def test_a_network_event_refuses_people_outside_the_network(network_a, membership, bob, charlie):
    occurrence = make_occurrence(network=network_a, audience=Audience.NETWORK)

    with pytest.raises(svc.NotAllowed, match="réservée"):
        svc.register(occurrence=occurrence, user=charlie)

    assert not Registration.objects.exists()
    assert svc.register(occurrence=occurrence, user=bob).status == Status.CONFIRMED


def test_cancelling_frees_the_seat_for_the_first_person_waiting_who_is_told(
    people, django_capture_on_commit_callbacks
):
    occurrence = make_occurrence(capacity=1)
    first = svc.register(occurrence=occurrence, user=people[0])
    waiting = svc.register(occurrence=occurrence, user=people[1])
    later = svc.register(occurrence=occurrence, user=people[2])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        svc.cancel_registration(registration=first)

    waiting.refresh_from_db()
    later.refresh_from_db()
    first.refresh_from_db()
    assert first.status == Status.CANCELLED and first.cancelled_at == NOW
    assert waiting.status == Status.CONFIRMED
    assert later.status == Status.WAITLISTED
    assert svc.waitlist_position(later) == 1
    assert fresh(occurrence).confirmed_count == 1
    note = Notification.objects.get(user=people[1])
    assert note.topic == "events.waitlist"
    assert "Une place s'est libérée" in note.title
    assert [m.to for m in mail.outbox] == [[people[1].email]]


def test_cancelling_a_waitlisted_registration_promotes_nobody(people):
    occurrence = make_occurrence(capacity=1)
    svc.register(occurrence=occurrence, user=people[0])
    waiting = svc.register(occurrence=occurrence, user=people[1])
    later = svc.register(occurrence=occurrence, user=people[2])

    svc.cancel_registration(registration=waiting)

    later.refresh_from_db()
    assert later.status == Status.WAITLISTED
    assert fresh(occurrence).confirmed_count == 1
    assert not Notification.objects.filter(topic="events.waitlist").exists()


def test_cancelling_twice_changes_nothing(people):
    occurrence = make_occurrence(capacity=1)
    first = svc.register(occurrence=occurrence, user=people[0])
    svc.cancel_registration(registration=first)
    svc.cancel_registration(registration=first)
    assert fresh(occurrence).confirmed_count == 0


def test_cancelling_after_the_start_is_refused(people):
    occurrence = make_occurrence(capacity=1)
    registration = svc.register(occurrence=occurrence, user=people[0])
    with (
        time_machine.travel(SESSION_DAY + datetime.timedelta(hours=2)),
        pytest.raises(svc.NotCancellable, match="a commencé"),
    ):
        svc.cancel_registration(registration=registration)
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_registering_again_after_cancelling_goes_to_the_back_of_the_queue(people):
    occurrence = make_occurrence(capacity=1)
    first = svc.register(occurrence=occurrence, user=people[0])
    svc.register(occurrence=occurrence, user=people[1])
    svc.cancel_registration(registration=first)

    again = svc.register(occurrence=occurrence, user=people[0])

    assert again.pk == first.pk
    assert again.status == Status.WAITLISTED
    assert again.cancelled_at is None


def test_a_larger_capacity_promotes_the_people_waiting(people):
    occurrence = make_occurrence(capacity=1)
    for person in people:
        svc.register(occurrence=occurrence, user=person)
    Event.objects.filter(pk=occurrence.event_id).update(capacity=3)

    promoted = svc.promote_waitlisted(occurrence=fresh(occurrence))

    assert [r.user for r in promoted] == people[1:3]
    assert fresh(occurrence).confirmed_count == 3
    statuses = Registration.objects.order_by("created_at", "pk").values_list("status", flat=True)
    assert list(statuses) == [Status.CONFIRMED] * 3 + [Status.WAITLISTED]


# --- approval ---------------------------------------------------------------------------------


@pytest.fixture
def approval_session(network_a, dora):
    return make_occurrence(capacity=1, network=network_a, requires_approval=True)


def test_an_event_with_approval_keeps_registrations_pending_and_tells_the_organisers(
    approval_session, people, dora
):
    approval_session.event.organisers.add(dora)

    registration = svc.register(occurrence=approval_session, user=people[0])

    assert registration.status == Status.PENDING
    assert fresh(approval_session).confirmed_count == 0
    assert Notification.objects.filter(user=dora, topic="events.registration").exists()


def test_without_named_organisers_the_network_coordinators_hear_of_pending_registrations(
    approval_session, people, dora
):
    svc.register(occurrence=approval_session, user=people[0])
    note = Notification.objects.get(user=dora, topic="events.registration")
    assert note.title.startswith("Inscription à valider")
    assert "/inscrits/" in note.url


def test_approving_gives_a_seat_then_the_waiting_list_once_full(approval_session, people, dora):
    first = svc.register(occurrence=approval_session, user=people[0])
    second = svc.register(occurrence=approval_session, user=people[1])

    first = svc.decide_registration(registration=first, by=dora, approve=True)
    second = svc.decide_registration(registration=second, by=dora, approve=True)

    assert (first.status, second.status) == (Status.CONFIRMED, Status.WAITLISTED)
    assert fresh(approval_session).confirmed_count == 1
    titles = list(
        Notification.objects.filter(topic="events.registration")
        .exclude(user=dora)
        .order_by("pk")
        .values_list("user_id", "title")
    )
    assert titles[0][0] == people[0].pk and titles[0][1].startswith("Inscription validée")
    assert "liste d'attente" in titles[1][1]


def test_refusing_tells_the_person_and_they_cannot_register_again(approval_session, people, dora):
    registration = svc.register(occurrence=approval_session, user=people[0])

    svc.decide_registration(registration=registration, by=dora, approve=False)

    registration.refresh_from_db()
    assert registration.status == Status.REFUSED
    assert Notification.objects.get(user=people[0]).title.startswith("Inscription refusée")
    with pytest.raises(svc.RegistrationRefused, match="refusé"):
        svc.register(occurrence=approval_session, user=people[0])


def test_deciding_twice_or_without_being_organiser_is_refused(approval_session, people, dora):
    registration = svc.register(occurrence=approval_session, user=people[0])
    with pytest.raises(svc.NotAllowed, match="Seule l'organisation"):
        svc.decide_registration(registration=registration, by=people[1], approve=True)
    svc.decide_registration(registration=registration, by=dora, approve=True)
    with pytest.raises(svc.NotPending, match="n'attend plus"):
        svc.decide_registration(registration=registration, by=dora, approve=False)
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


# --- guests -----------------------------------------------------------------------------------


def test_a_guest_gets_a_confirmation_link_and_holds_no_seat_until_confirming(
    db, django_capture_on_commit_callbacks
):
    occurrence = make_occurrence(capacity=1)

    with django_capture_on_commit_callbacks(execute=True):
        registration = svc.register_guest(
            occurrence=occurrence, name=" Zoé ", email=" Zoe@Example.org ", share_contact=True
        )

    assert registration.status == Status.UNCONFIRMED
    assert (registration.guest_name, registration.guest_email) == ("Zoé", "zoe@example.org")
    assert fresh(occurrence).confirmed_count == 0
    (message,) = mail.outbox
    assert message.to == ["zoe@example.org"]
    assert f"/agenda/inscription/{registration.token}/confirmer/" in message.body

    confirmed = svc.confirm_guest(registration=registration)
    assert confirmed.status == Status.CONFIRMED
    assert fresh(occurrence).confirmed_count == 1
    # The link clicked again changes nothing.
    assert svc.confirm_guest(registration=registration).status == Status.CONFIRMED
    assert fresh(occurrence).confirmed_count == 1


def test_a_guest_confirming_a_full_session_joins_the_waiting_list(people):
    occurrence = make_occurrence(capacity=1)
    guest = svc.register_guest(occurrence=occurrence, name="Zoé", email="zoe@example.org")
    svc.register(occurrence=occurrence, user=people[0])

    assert svc.confirm_guest(registration=guest).status == Status.WAITLISTED


def test_a_guest_link_expires_after_24_hours(db):
    occurrence = make_occurrence(capacity=1)
    guest = svc.register_guest(occurrence=occurrence, name="Zoé", email="zoe@example.org")

    with time_machine.travel(NOW + datetime.timedelta(hours=25), tick=False):
        with pytest.raises(svc.LinkExpired, match="expiré"):
            svc.confirm_guest(registration=guest)
        assert svc.expire_unconfirmed_guests() == 1

    guest.refresh_from_db()
    assert guest.status == Status.CANCELLED
    assert fresh(occurrence).confirmed_count == 0


def test_guests_may_register_only_to_public_events(network_a):
    occurrence = make_occurrence(network=network_a, audience=Audience.NETWORK)
    with pytest.raises(svc.GuestsNotAllowed, match="connectez-vous"):
        svc.register_guest(occurrence=occurrence, name="Zoé", email="zoe@example.org")
    assert not Registration.objects.exists()
    assert not mail.outbox


def test_the_same_guest_address_registers_once(db):
    occurrence = make_occurrence(capacity=3)
    first = svc.register_guest(occurrence=occurrence, name="Zoé", email="zoe@example.org")
    with pytest.raises(svc.AlreadyRegistered) as error:
        svc.register_guest(occurrence=occurrence, name="Zoé", email="ZOE@example.org")
    assert error.value.registration.pk == first.pk
    assert Registration.objects.count() == 1


def test_a_guest_cancelling_by_link_promotes_the_waiting_list_and_emails_a_waiting_guest(
    people, django_capture_on_commit_callbacks
):
    occurrence = make_occurrence(capacity=1)
    guest = svc.register_guest(occurrence=occurrence, name="Zoé", email="zoe@example.org")
    svc.confirm_guest(registration=guest)
    other = svc.register_guest(occurrence=occurrence, name="Yan", email="yan@example.org")
    svc.confirm_guest(registration=other)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        svc.cancel_registration(registration=guest)

    other.refresh_from_db()
    assert other.status == Status.CONFIRMED
    (message,) = mail.outbox
    assert message.to == ["yan@example.org"]
    assert "Une place s'est libérée" in message.subject
    assert f"/agenda/inscription/{other.token}/annuler/" in message.body


# --- attendance and export --------------------------------------------------------------------


def test_attendance_is_taken_on_the_day_by_the_organisers(network_a, dora, people):
    occurrence = make_occurrence(capacity=5, network=network_a)
    here, away = (svc.register(occurrence=occurrence, user=p) for p in people[:2])
    waiting = svc.register(occurrence=occurrence, user=people[2])
    Registration.objects.filter(pk=waiting.pk).update(status=Status.WAITLISTED)

    with pytest.raises(svc.AttendanceTooEarly, match="le jour de la séance"):
        svc.record_attendance(occurrence=occurrence, by=dora, present_ids=[here.pk])
    with time_machine.travel(SESSION_DAY, tick=False):
        with pytest.raises(svc.NotAllowed):
            svc.record_attendance(occurrence=occurrence, by=people[3], present_ids=[here.pk])
        result = svc.record_attendance(occurrence=occurrence, by=dora, present_ids=[here.pk])

    assert (result.present, result.absent) == (1, 1)
    attended = dict(Registration.objects.values_list("pk", "attended"))
    assert attended == {here.pk: True, away.pk: False, waiting.pk: None}


def test_the_export_gives_contact_details_only_with_consent(people):
    occurrence = make_occurrence(capacity=5)
    svc.register(occurrence=occurrence, user=people[0], share_contact=True)
    svc.register(occurrence=occurrence, user=people[1], share_contact=False)
    cancelled = svc.register(occurrence=occurrence, user=people[2], share_contact=True)
    svc.cancel_registration(registration=cancelled)

    rows = list(svc.export_rows(occurrence=occurrence))

    assert [row[:3] for row in rows] == [
        ["Personne 0", people[0].email, "Inscrit·e"],
        ["Personne 1", "", "Inscrit·e"],
    ]
