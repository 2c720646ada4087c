"""Property-based: random sequences of subscribe / book / replay / cancel / approve / check in /
no-show / close month / reverse keep every invariant: the ledger balances (sum zero, caches
true), no host day holds more than its desks, no pass exceeds its quota, a replayed key changes
nothing, and a closed month's statements never change afterwards."""

import contextlib
import datetime
import zoneinfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import Count, Q
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from maillage.accounts.tests.factories import UserFactory
from maillage.ledger import selectors as ledger_selectors
from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer
from maillage.mobility import booking as svc
from maillage.mobility import services, settlement
from maillage.mobility.models import HOLDING_STATUSES, Booking, Half, HostDay, Pass, SchemeModel
from maillage.mobility.selectors import period_bounds, used_halves
from maillage.mobility.tests.conftest import make_scheme
from maillage.mobility.tests.factories import HostOfferFactory
from maillage.networks.models import Membership, MembershipStatus
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory

# Many seconds each: skipped by `make test-fast`, run by `make test` and CI.
pytestmark = pytest.mark.slow

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=PARIS)  # a Monday
REFUSALS = (services.MobilityError, ledger.LedgerError)


def snapshot():
    return (
        Booking.objects.count(),
        Transfer.objects.count(),
        list(HostDay.objects.order_by("pk").values_list("am_booked", "pm_booked")),
        list(Booking.objects.order_by("pk").values_list("status", flat=True)),
    )


class World:
    """The fixed cast: 2 home places and 2 hosts in one network, 4 members, 3 schemes."""

    def __init__(self, network):
        self.network = network
        self.homes = [PlaceFactory(), PlaceFactory()]
        self.hosts = [PlaceFactory(), PlaceFactory()]
        for place in self.homes + self.hosts:
            Membership.objects.create(
                network=network, place=place, status=MembershipStatus.ACCEPTED
            )
        # Two desks on weekdays at the first host; one desk every day with approval at the second.
        HostOfferFactory(place=self.hosts[0], desks_monday=2, desks_tuesday=2, desks_wednesday=2,
                         desks_thursday=2, desks_friday=2)  # fmt: skip
        HostOfferFactory(place=self.hosts[1], approval_required=True, approval_hours=30,
                         **{f"desks_{d}": 1 for d in ("monday", "tuesday", "wednesday", "thursday",
                                                      "friday", "saturday", "sunday")})  # fmt: skip
        self.members = []
        for n in range(4):
            user = UserFactory()
            PlaceRole.objects.create(place=self.homes[n % 2], user=user, role=PlaceRole.Role.MEMBER)
            self.members.append((user, self.homes[n % 2]))
        self.schemes = [
            make_scheme(network, SchemeModel.PASS, quota_days=2),
            make_scheme(network, SchemeModel.RETROCESSION, quota_days=3),
            make_scheme(network, SchemeModel.PREFERENTIAL, quota_days=2),
        ]


class BookingMachine(RuleBasedStateMachine):
    world: World
    traveller: "time_machine.Traveller"

    def __init__(self):
        super().__init__()
        # Every example runs in a savepoint rolled back at teardown: each starts from the world.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.traveller.move_to(START)
        self.requests: dict[str, tuple] = {}
        self.frozen: dict[datetime.date, list[tuple[int, int, int]]] = {}

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def today(self):
        return services.today()

    def bookings(self):
        return list(Booking.objects.order_by("pk"))

    @rule(member=st.integers(0, 3), scheme=st.integers(0, 2))
    def subscribe(self, member, scheme):
        user, home = self.world.members[member]
        with contextlib.suppress(*REFUSALS):
            services.subscribe_pass(user=user, scheme=self.world.schemes[scheme], home_place=home)

    @rule(
        pick=st.integers(0, 50),
        host=st.integers(0, 1),
        offset=st.integers(-1, 8),
        half=st.sampled_from(Half.values),
        key=st.integers(0, 15),
    )
    def book(self, pick, host, offset, half, key):
        passes = list(Pass.objects.order_by("pk"))
        if not passes:
            return
        pass_ = passes[pick % len(passes)]
        place = self.world.hosts[host] if pick % 7 else pass_.home_place  # sometimes: own place
        day = self.today() + datetime.timedelta(days=offset)
        request = (pass_.pk, place.pk, day, half)
        key_text = f"key-{key}"
        before = snapshot()
        try:
            visit = svc.book_visit(
                pass_=pass_, place=place, day=day, half=half, idempotency_key=key_text
            )
        except svc.IdempotencyConflict:
            assert self.requests.get(key_text) not in (None, request)
            assert snapshot() == before
            return
        except REFUSALS:
            assert snapshot() == before, "a refused booking changed something"
            return
        if key_text in self.requests:
            assert self.requests[key_text] == request
        self.requests[key_text] = request
        # Replaying the same request returns the same booking and changes nothing.
        after = snapshot()
        again = svc.book_visit(
            pass_=pass_, place=place, day=day, half=half, idempotency_key=key_text
        )
        assert again.pk == visit.pk
        assert snapshot() == after

    @rule(pick=st.integers(0, 50))
    def cancel(self, pick):
        bookings = self.bookings()
        if bookings:
            with contextlib.suppress(*REFUSALS):
                svc.cancel_booking(booking=bookings[pick % len(bookings)])

    @rule(pick=st.integers(0, 50), accept=st.booleans())
    def answer(self, pick, accept):
        bookings = self.bookings()
        if bookings:
            service = svc.approve_booking if accept else svc.refuse_booking
            with contextlib.suppress(*REFUSALS):
                service(booking=bookings[pick % len(bookings)], by=None)

    @rule(pick=st.integers(0, 50))
    def check_in(self, pick):
        bookings = self.bookings()
        if bookings:
            visit = bookings[pick % len(bookings)]
            try:
                svc.check_in(booking=visit, by=None)
            except REFUSALS:
                return
            before = snapshot()
            svc.check_in(booking=visit, by=None)  # a second scan changes nothing
            assert snapshot() == before

    @rule(hours=st.integers(1, 120))
    def time_passes(self, hours):
        self.traveller.shift(datetime.timedelta(hours=hours))
        svc.expire_pending()
        svc.record_no_shows(day=self.today() - datetime.timedelta(days=1))

    def statements(self, month):
        places = self.world.homes + self.world.hosts
        return [
            (s.received_cents, s.paid_cents, len(s.lines))
            for s in (
                settlement.place_statement(place=p, network=self.world.network, month=month)
                for p in places
            )
        ]

    @rule(back=st.integers(1, 2))
    def close_month(self, back):
        month = settlement.first_of(self.today())
        for _ in range(back):
            month = settlement.first_of(month - datetime.timedelta(days=1))
        before = snapshot()
        try:
            settlement.close_month(network=self.world.network, month=month, by=None)
        except settlement.SettlementError:
            # Closing twice (or a month not over) is refused and changes nothing.
            assert month in self.frozen or month >= settlement.first_of(self.today())
            assert snapshot() == before
            return
        self.frozen[month] = self.statements(month)
        event("a month was closed")

    @invariant()
    def closed_months_never_change(self):
        for month, statements in self.frozen.items():
            assert self.statements(month) == statements

    @rule(pick=st.integers(0, 50), key=st.integers(0, 3))
    def reverse(self, pick, key):
        transfers = list(Transfer.objects.order_by("pk"))
        if not transfers:
            return
        transfer = transfers[pick % len(transfers)]
        try:
            reversal = ledger.reverse_transfer(
                transfer=transfer, idempotency_key=f"rev-{transfer.pk}-{key}"
            )
        except REFUSALS:
            return
        before = snapshot()
        again = ledger.reverse_transfer(
            transfer=transfer, idempotency_key=f"rev-{transfer.pk}-{key}"
        )
        assert again.pk == reversal.pk
        assert snapshot() == before

    @invariant()
    def ledger_balances(self):
        report = ledger_selectors.check_ledger()
        assert report.total_cents == 0
        assert report.mismatches == []

    @invariant()
    def no_host_day_beyond_its_desks(self):
        for host_day in HostDay.objects.select_related("offer"):
            holding = Booking.objects.filter(host_day=host_day, status__in=HOLDING_STATUSES)
            counts = holding.aggregate(
                am=Count("pk", filter=Q(half__in=[Half.FULL, Half.AM])),
                pm=Count("pk", filter=Q(half__in=[Half.FULL, Half.PM])),
            )
            assert (host_day.am_booked, host_day.pm_booked) == (counts["am"], counts["pm"])
            assert max(counts["am"], counts["pm"]) <= host_day.offer.desks_on(host_day.day)

    @invariant()
    def no_pass_beyond_its_quota(self):
        for pass_ in Pass.objects.select_related("scheme"):
            version = pass_.scheme.versions.get()
            for day in set(pass_.bookings.values_list("day", flat=True)):
                start, end = period_bounds(day=day, period=version.quota_period)
                assert used_halves(pass_=pass_, start=start, end=end) <= 2 * version.quota_days

    @invariant()
    def a_visit_is_paid_at_most_once(self):
        paid = (
            Transfer.objects.with_cause_of_type(Booking)
            .filter(reverses__isnull=True)
            .values("cause_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert not paid.exists()


@pytest.mark.django_db
def test_random_sequences_keep_the_ledger_capacity_and_quota_invariants(network_a):
    with time_machine.travel(START, tick=False) as traveller:
        BookingMachine.world = World(network_a)
        BookingMachine.traveller = traveller
        run_state_machine_as_test(
            BookingMachine,
            settings=settings(
                max_examples=60,
                stateful_step_count=30,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                database=None,
            ),
        )
