"""Fixtures of the invitation tests: an event "sur invitation" of network A (Dora coordinates it,
so she organises it), Inès invited by her verified address, Rémi invited then revoked, and a
guest address without an account."""

import datetime
import zoneinfo

import pytest

from maillage.accounts.tests.factories import UserFactory
from maillage.events import invitations
from maillage.events.models import Audience, Invitation
from maillage.events.recurrence import sync_occurrences
from maillage.events.tests.factories import EventFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SECRET_LINK = "https://visio.example.org/salle-privee"
GUEST = "gaby@example.net"


@pytest.fixture
def invited_event(network_a, membership):
    event = EventFactory(
        network=network_a,
        title="Codev des fondateurs",
        slug="codev-fondateurs",
        audience=Audience.INVITED,
        starts_at=datetime.datetime(2027, 3, 2, 14, 0, tzinfo=PARIS),
        ends_at=datetime.datetime(2027, 3, 2, 16, 0, tzinfo=PARIS),
        online_url=SECRET_LINK,
    )
    sync_occurrences(event)
    return event


@pytest.fixture
def invited_session(invited_event):
    return invited_event.occurrences.get()


@pytest.fixture
def ines(db):
    return UserFactory(email="ines@example.org", display_name="Inès")


@pytest.fixture
def remi(db):
    return UserFactory(email="remi@example.org", display_name="Rémi")


@pytest.fixture
def invitations_sent(invited_event, dora, ines, remi) -> dict[str, Invitation]:
    """Inès and a guest address invited; Rémi invited, then his invitation revoked."""
    invitations.invite(
        event=invited_event, by=dora, addresses=f"ines@example.org\n{GUEST}; remi@example.org"
    )
    rows = {row.email: row for row in Invitation.objects.filter(event=invited_event)}
    invitations.revoke(invitation=rows.pop("remi@example.org"), by=dora)
    return rows
