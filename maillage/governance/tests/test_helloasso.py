"""Import of payments from a HelloAsso export: dry run, then apply once."""

import pytest

from maillage.governance import fees, helloasso
from maillage.governance.models import FeeCall, FeePayment
from maillage.governance.tests.factories import schedule
from maillage.ledger.models import Transfer

EXPORT = (
    "\ufeffRéférence commande;Date de la commande;Statut de la commande;Nom adhérent;"
    "Prénom adhérent;Raison sociale;Email payeur;Tarif;Montant tarif;Moyen de paiement\r\n"
    "12345;05/01/2026 10:12;Validé;Martin;Alice;La Bobine;alice@example.org;Lieu;50,00;Carte bancaire\r\n"
    "12346;06/01/2026 11:00;Validé;Inconnu;Zoé;;zoe@example.org;Lieu;50,00;Carte bancaire\r\n"
    "12347;07/01/2026 09:00;Refusé;Martin;Alice;La Bobine;alice@example.org;Lieu;50,00;Carte bancaire\r\n"
)


@pytest.fixture
def called(dora, network_a, membership):
    s = schedule(by=dora, network=network_a, brackets="*: 50")
    fees.call_fees(by=dora, schedule=s)
    return s


def test_a_dry_run_matches_rows_and_records_nothing(called):
    report = helloasso.read(text=EXPORT, schedule=called)
    assert [r.ok for r in report.rows] == [True, False, False]
    assert "Aucun appel" in report.rows[1].problem
    assert "ignoré" in report.rows[2].problem
    assert not FeePayment.objects.exists()


def test_applying_twice_records_each_payment_once(called, tess):
    assert helloasso.apply(by=tess, text=EXPORT, schedule=called).recorded == 1
    payment = FeePayment.objects.get()
    assert (payment.reference, payment.fee_cents, payment.method) == (
        "helloasso:12345",
        5000,
        "online",
    )
    assert FeeCall.objects.get().status == FeeCall.Status.PAID
    assert helloasso.apply(by=tess, text=EXPORT, schedule=called).recorded == 0
    assert Transfer.objects.count() == 1


def test_a_file_without_the_columns_is_refused(called):
    with pytest.raises(helloasso.ImportRefused, match="Référence commande"):
        helloasso.read(text="a;b\n1;2\n", schedule=called)


def test_the_page_shows_the_report_then_applies(client, called, tess):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(tess)
    url = reverse("governance:helloasso", args=[called.pk])
    upload = SimpleUploadedFile("export.csv", EXPORT.encode("utf-8"), content_type="text/csv")
    page = client.post(url, {"file": upload}).content.decode()
    assert "À enregistrer" in page and not FeePayment.objects.exists()
    client.post(url, {"text": EXPORT, "apply": "1"})
    assert FeePayment.objects.count() == 1
