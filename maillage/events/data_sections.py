"""What events holds about a person, for their download and their account's deletion."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.accounts.personal_data import Rows, Section, register
from maillage.events.models import CalendarToken, DigestSubscription, Registration
from maillage.events.registration import cancel_registration


def _registrations(user: User) -> Rows:
    registrations = Registration.objects.filter(user=user).select_related("occurrence__event")
    return [
        {
            "event": registration.occurrence.event.title,
            "starts_at": registration.occurrence.starts_at,
            "status": registration.get_status_display(),
            "share_contact": registration.share_contact,
            "attended": registration.attended,
            "created_at": registration.created_at,
            "cancelled_at": registration.cancelled_at,
        }
        for registration in registrations.order_by("occurrence__starts_at", "pk")
    ]


def _subscriptions(user: User) -> Rows:
    rows = [
        {"digest_of": subscription.network.name, "since": subscription.created_at}
        for subscription in DigestSubscription.objects.filter(user=user).select_related("network")
    ]
    rows += [
        {"personal_calendar_feed_since": token.created_at}
        for token in CalendarToken.objects.filter(user=user)
    ]
    return rows


def _erase(user: User) -> None:
    """Cancel the registrations to sessions to come (through the service: the seat goes to the
    first person waiting, the session's count stays right); past attendance stays."""
    ahead = Registration.objects.filter(
        user=user,
        occurrence__starts_at__gt=timezone.now(),
        status__in=[
            Registration.Status.PENDING,
            Registration.Status.CONFIRMED,
            Registration.Status.WAITLISTED,
        ],
    )
    for registration in ahead:
        cancel_registration(registration=registration)
    Registration.objects.filter(user=user).update(share_contact=False)
    DigestSubscription.objects.filter(user=user).delete()
    CalendarToken.objects.filter(user=user).delete()


def register_sections() -> None:
    register(Section("inscriptions", _("Inscriptions aux animations"), export=_registrations,
                     erase=_erase))  # fmt: skip
    register(Section("abonnements_agenda", _("Abonnements à l'agenda"), export=_subscriptions))
