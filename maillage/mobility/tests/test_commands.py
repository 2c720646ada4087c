"""Periodic commands: end-of-day no-shows and the monthly pass fees."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from maillage.ledger.models import Transfer
from maillage.mobility import booking as svc
from maillage.mobility.models import Booking, MobilityReason

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS), tick=False) as t:
        yield t


def test_record_no_shows_marks_and_charges_the_day(bob_pass, offer, other_place, frozen, capsys):
    visit = svc.book_visit(
        pass_=bob_pass, place=other_place, day=datetime.date(2026, 3, 3), idempotency_key="k"
    )
    call_command("record_no_shows", "--date", "2026-03-03", "--dry-run")
    assert "1 réservation à traiter" in capsys.readouterr().out
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
    frozen.move_to(datetime.datetime(2026, 3, 3, 22, 0, tzinfo=PARIS))
    call_command("record_no_shows")
    assert "1 absence enregistrée" in capsys.readouterr().out
    visit.refresh_from_db()
    assert visit.status == Booking.Status.NO_SHOW
    assert Transfer.objects.caused_by(visit).filter(reason=MobilityReason.NO_SHOW).count() == 1


def test_record_no_shows_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="Date illisible"):
        call_command("record_no_shows", "--date", "hier")


def test_monthly_fees_are_charged_once_per_month(bob_pass, frozen, capsys):
    assert Transfer.objects.caused_by(bob_pass).count() == 1  # March, at subscription
    call_command("charge_pass_fees", "--month", "2026-04")
    call_command("charge_pass_fees", "--month", "2026-04")
    call_command("charge_pass_fees", "--month", "2026-03")
    fees = Transfer.objects.caused_by(bob_pass).order_by("pk")
    assert [f.idempotency_key for f in fees] == [
        f"pass-fee:{bob_pass.pk}:2026-03",
        f"pass-fee:{bob_pass.pk}:2026-04",
    ]
