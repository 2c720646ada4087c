"""Deleting accounts keeps every session's counters true, whatever happened before.

Hypothesis draws random histories — people registering to small sessions (some full, with a
waiting list), some cancelling — then deletes some of the accounts. After the deletion the
session's confirmed count equals its confirmed registrations, never exceeds its capacity, and
nobody waits while a seat is free (the first in line took the freed seat).
"""

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.accounts import personal_data
from maillage.accounts.tests.factories import UserFactory
from maillage.events import registration as services
from maillage.events.models import Occurrence, Registration
from maillage.events.tests.factories import EventFactory, OccurrenceFactory

Status = Registration.Status

steps = st.lists(
    st.tuples(st.sampled_from(["register", "cancel"]), st.integers(min_value=0, max_value=4)),
    min_size=1,
    max_size=14,
)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    capacity=st.integers(min_value=1, max_value=3),
    history=steps,
    deleted=st.sets(st.integers(min_value=0, max_value=4), min_size=1),
)
def test_deleting_accounts_keeps_the_session_counts_true(capacity, history, deleted):
    occurrence = OccurrenceFactory(event=EventFactory(capacity=capacity))
    people = [UserFactory() for _ in range(5)]
    for action, who in history:
        person = people[who]
        mine = Registration.objects.filter(occurrence=occurrence, user=person).first()
        if action == "register":
            # Already registered: refused, nothing written.
            with contextlib.suppress(services.RegistrationError):
                services.register(occurrence=occurrence, user=person)
        elif mine is not None:
            services.cancel_registration(registration=mine)

    for who in deleted:
        personal_data.erase_account(user=people[who])

    occurrence = Occurrence.objects.get(pk=occurrence.pk)
    registrations = Registration.objects.filter(occurrence=occurrence)
    confirmed = registrations.filter(status=Status.CONFIRMED).count()
    assert occurrence.confirmed_count == confirmed <= capacity
    if registrations.filter(status=Status.WAITLISTED).exists():
        assert confirmed == capacity
    assert not registrations.filter(
        user__in=[people[who] for who in deleted],
        status__in=[Status.CONFIRMED, Status.WAITLISTED, Status.PENDING],
    ).exists()
