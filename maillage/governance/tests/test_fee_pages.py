"""Who may open each treasury page, and what the pages do with good and bad input."""

import pytest
from django.urls import reverse

from maillage.governance import fees
from maillage.governance.models import FeeCall, FeePayment
from maillage.governance.tests.factories import pay, schedule
from maillage.ledger.models import Transfer

PERSONAS = ["anonymous", "bob", "charlie", "alice", "erin", "dora", "root", "tess"]


@pytest.fixture
def paid(dora, network_a, membership, tess):
    s = schedule(
        by=dora,
        network=network_a,
        brackets="*: 50",
        tax_receipts=True,
        legal_name="Réseau A",
        legal_address="1 place d'Armes, 59500 Douai",
    )
    fees.call_fees(by=dora, schedule=s)
    call = FeeCall.objects.get()
    payment = pay(by=tess, call=call, cents=8000, reference="VIR-42")
    return s, call, payment


@pytest.fixture
def login(client, request):
    def as_(name):
        client.logout()
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return as_


# Expected status per persona: treasury pages for the treasurer, coordinators and admins;
# a call and its receipts also for the place's managers.
TREASURY = dict(zip(PERSONAS, [302, 403, 403, 403, 403, 200, 200, 200], strict=True))
CALL = dict(zip(PERSONAS, [302, 403, 403, 200, 403, 200, 200, 200], strict=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_treasury_pages_permission_matrix(
    login, paid, persona, network_a, bob, charlie, erin, root
):
    s, call, payment = paid
    client = login(persona)
    for url in [
        reverse("governance:treasury", args=[network_a.slug]),
        reverse("governance:schedule-create", args=[network_a.slug]),
        reverse("governance:schedule-detail", args=[s.pk]),
        reverse("governance:helloasso", args=[s.pk]),
        reverse("governance:accounting-export", args=[network_a.slug]),
        reverse("governance:payment-refund", args=[payment.pk]),
        reverse("governance:volunteering-network", args=[network_a.slug]),
    ]:
        assert client.get(url).status_code == TREASURY[persona], url
    for url in [
        reverse("governance:call-detail", args=[call.pk]),
        reverse("governance:receipt-pdf", args=[payment.pk]),
        reverse("governance:tax-receipt-pdf", args=[payment.pk]),
    ]:
        assert client.get(url).status_code == CALL[persona], url


def test_the_treasurer_records_a_payment_from_the_call_page(login, dora, network_a, membership):
    s = schedule(by=dora, network=network_a, brackets="*: 50")
    fees.call_fees(by=dora, schedule=s)
    call = FeeCall.objects.get()
    client = login("tess")
    url = reverse("governance:call-detail", args=[call.pk])
    response = client.post(
        url,
        {
            "action": "pay",
            "amount_cents": "50",
            "method": "cheque",
            "reference": "CHQ 7",
            "paid_on": "2026-01-10",
        },
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == FeeCall.Status.PAID
    page = client.get(url).content.decode()
    assert "Reçu n°" in page


def test_a_bad_amount_is_shown_next_to_the_field_and_nothing_is_recorded(
    login, dora, network_a, membership, tess
):
    s = schedule(by=dora, network=network_a)
    fees.call_fees(by=dora, schedule=s)
    call = FeeCall.objects.get()
    response = login("tess").post(
        reverse("governance:call-detail", args=[call.pk]),
        {"action": "pay", "amount_cents": "-3", "method": "cash", "paid_on": "2026-01-10"},
    )
    assert response.status_code == 200
    assert "montant" in response.content.decode().lower()
    assert not FeePayment.objects.exists() and not Transfer.objects.exists()


def test_a_manager_cannot_record_a_payment(login, dora, network_a, membership):
    s = schedule(by=dora, network=network_a)
    fees.call_fees(by=dora, schedule=s)
    call = FeeCall.objects.get()
    response = login("alice").post(
        reverse("governance:call-detail", args=[call.pk]),
        {"action": "pay", "amount_cents": "50", "method": "cash", "paid_on": "2026-01-10"},
    )
    assert response.status_code == 403
    assert not FeePayment.objects.exists()


def test_a_schedule_with_a_gap_is_refused_next_to_the_brackets(login, network_a, dora):
    response = login("dora").post(
        reverse("governance:schedule-create", args=[network_a.slug]),
        {
            "year": "2026",
            "basis": "size",
            "brackets": "0-3: 40\n5+: 90",
            "year_kind": "calendar",
            "due_days": "30",
            "grace_days": "60",
        },
    )
    assert response.status_code == 200
    assert "sans trou" in response.content.decode()
    assert not network_a.fee_schedules.exists()


def test_the_refund_asks_for_confirmation_then_posts_a_counter_entry(login, paid):
    _s, _call, payment = paid
    client = login("tess")
    url = reverse("governance:payment-refund", args=[payment.pk])
    first = client.post(url, {"reason": "Doublon"})
    assert (
        "Rembourser" in first.content.decode()
        and not Transfer.objects.exclude(reverses=None).exists()
    )
    client.post(url, {"reason": "Doublon", "confirm": "oui"})
    assert Transfer.objects.exclude(reverses=None).count() == 2
    payment.refresh_from_db()
    assert payment.refunded_at is not None and payment.total_cents == 8000


def test_receipts_are_pdfs(login, paid):
    _s, _call, payment = paid
    client = login("alice")
    for name in ("governance:receipt-pdf", "governance:tax-receipt-pdf"):
        response = client.get(reverse(name, args=[payment.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_no_tax_receipt_without_a_donation(login, dora, network_a, membership, tess):
    s = schedule(by=dora, network=network_a, tax_receipts=True, legal_name="A", legal_address="B")
    fees.call_fees(by=dora, schedule=s)
    payment = pay(by=tess, call=FeeCall.objects.get(), cents=5000)
    assert (
        login("tess").get(reverse("governance:tax-receipt-pdf", args=[payment.pk])).status_code
        == 403
    )


def test_my_fees_lists_the_calls_of_my_places(login, paid):
    page = login("alice").get(reverse("governance:my-fees")).content.decode()
    assert "La Bobine" in page
    assert "La Bobine" not in login("charlie").get(reverse("governance:my-fees")).content.decode()
