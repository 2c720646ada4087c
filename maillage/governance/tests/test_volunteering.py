"""Volunteer hours: logged, validated, valued, certified; the impossible ones refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.governance import accounting, volunteering
from maillage.governance.models import VolunteerEntry


def _log(user, network, day=None, minutes=120):
    return volunteering.log_hours(
        by=user,
        data=volunteering.EntryData(
            network=network, activity="circle", label="Cercle du Douaisis",
            day=day or timezone.localdate(), minutes=minutes,
        ),
    )  # fmt: skip


def test_hours_in_the_future_are_refused(alice, network_a, membership):
    with pytest.raises(volunteering.VolunteeringError, match="à venir") as refused:
        _log(alice, network_a, day=timezone.localdate() + datetime.timedelta(days=1))
    assert refused.value.field == "day"
    assert not VolunteerEntry.objects.exists()


def test_more_than_24_hours_a_day_is_refused(alice, network_a, membership):
    _log(alice, network_a, minutes=20 * 60)
    with pytest.raises(volunteering.VolunteeringError, match="24 heures"):
        _log(alice, network_a, minutes=5 * 60)
    assert VolunteerEntry.objects.count() == 1


def test_outsiders_cannot_log_for_a_network(charlie, network_a, membership):
    with pytest.raises(volunteering.NotAllowed):
        _log(charlie, network_a)


def test_a_coordinator_validates_never_their_own(alice, dora, network_a, membership):
    entry = _log(alice, network_a)
    with pytest.raises(volunteering.NotAllowed):
        volunteering.review_entry(by=alice, entry=entry, validate=True)
    with pytest.raises(volunteering.VolunteeringError, match="pourquoi"):
        volunteering.review_entry(by=dora, entry=entry, validate=False)
    volunteering.review_entry(by=dora, entry=entry, validate=True)
    entry.refresh_from_db()
    assert entry.status == VolunteerEntry.Status.VALIDATED


def test_validated_hours_are_valued_at_the_rate_of_the_year(alice, dora, network_a, membership):
    year = timezone.localdate().year
    entry = _log(alice, network_a, minutes=90)
    volunteering.review_entry(by=dora, entry=entry, validate=True)
    [total] = volunteering.totals_by_year(network=network_a)
    assert total.value_cents == round(90 * volunteering.DEFAULT_HOURLY_CENTS / 60)
    volunteering.set_rate(by=dora, network=network_a, year=year, hourly_cents=2000)
    [total] = volunteering.totals_by_year(network=network_a)
    assert total.value_cents == 3000
    lines = list(accounting.volunteer_lines(network=network_a))
    assert [(x.account, x.debit_cents, x.credit_cents) for x in lines] == [
        ("864", 3000, 0),
        ("875", 0, 3000),
    ]


def test_the_certificate_is_a_pdf_of_validated_hours(client, alice, dora, network_a, membership):
    entry = _log(alice, network_a)
    url = reverse("governance:certificate-pdf", args=[network_a.slug, entry.day.year])
    client.force_login(alice)
    assert client.get(url).status_code == 403  # nothing validated yet
    volunteering.review_entry(by=dora, entry=entry, validate=True)
    response = client.get(url)
    assert response.content.startswith(b"%PDF")


def test_the_form_shows_the_refusal_next_to_the_day(client, alice, network_a, membership):
    client.force_login(alice)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("governance:my-volunteering"),
        {
            "network": network_a.slug,
            "activity": "event",
            "label": "Fête",
            "day": tomorrow.isoformat(),
            "hours": "2",
        },
    )
    assert response.status_code == 200
    assert "à venir" in response.content.decode()
    assert not VolunteerEntry.objects.exists()


def test_review_page_permission(client, alice, bob, dora, network_a, membership):
    _log(alice, network_a)
    url = reverse("governance:volunteering-review")
    client.force_login(dora)
    assert "Cercle du Douaisis" in client.get(url).content.decode()
    client.force_login(bob)
    assert "Cercle du Douaisis" not in client.get(url).content.decode()
    entry = VolunteerEntry.objects.get()
    client.post(url, {"entry": entry.pk, "decision": "validate"})
    entry.refresh_from_db()
    assert entry.status == VolunteerEntry.Status.PENDING
