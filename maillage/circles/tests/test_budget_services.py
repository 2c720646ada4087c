"""Envelopes, proposals and expenses move money through the ledger, and the ledger agrees."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from maillage.circles import budget
from maillage.circles import budget_services as svc
from maillage.circles.budget_services import circle_account, documents
from maillage.circles.models import (
    AgendaItem,
    CircleReason,
    Decision,
    Expense,
    FunderKind,
    Meeting,
    PayeeKind,
    Proposal,
)
from maillage.circles.tests.factories import ONE_PAGE_PDF, EnvelopeFactory, MeetingFactory
from maillage.ledger import selectors as ledger_selectors
from maillage.ledger import services as ledger
from maillage.ledger.models import Account, AccountKind, Transfer, TransferReason
from maillage.lib.uploads import sniff_document
from maillage.notifications.models import Notification


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name: str = "facture.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ONE_PAGE_PDF)


def docx(name: str = "devis.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def grant(proposal: Proposal, amount_cents: int, *, envelope=None) -> Decision:
    """A decision adopted by a closed meeting, written directly (the meetings area decides)."""
    meeting = MeetingFactory(circle=proposal.circle, status=Meeting.Status.CLOSED)
    item = AgendaItem.objects.create(meeting=meeting, proposal=proposal)
    return Decision.objects.create(
        meeting=meeting,
        item=item,
        proposal=proposal,
        method=Decision.Method.CONSENT,
        outcome=Decision.Outcome.ADOPTED,
        amount_granted_cents=amount_cents,
        envelope=envelope,
    )


def record(circle, amount_cents=1_000_000, funder="Région Hauts-de-France", **kwargs):
    return svc.record_envelope(
        circle=circle,
        year=2026,
        funder_kind=FunderKind.REGION,
        funder=funder,
        amount_cents=amount_cents,
        by=None,
        **kwargs,
    )


def propose(circle, action, author, *, amount_cents=200_000, payee=None, key="k1", **kwargs):
    return svc.submit_proposal(
        circle=circle,
        action=action,
        title="Impression du guide",
        amount_cents=amount_cents,
        payee=payee or svc.Payee(kind=PayeeKind.PROVIDER, name="Imprimerie du Douaisis"),
        justification="Mille exemplaires du **guide**.",
        idempotency_key=key,
        by=author,
        **kwargs,
    )


def expense(proposal, by, *, amount_cents=50_000, key="e1", **kwargs):
    kwargs.setdefault("receipt", pdf())
    return svc.submit_expense(
        proposal=proposal,
        amount_cents=amount_cents,
        description="Facture de l'imprimeur",
        idempotency_key=key,
        by=by,
        **kwargs,
    )


def assert_ledger_sound():
    report = ledger_selectors.check_ledger()
    assert report.ok, report
    assert sum(Account.objects.values_list("balance_cents", flat=True)) == 0
    assert svc.circle_ledger_issues() == []


# --- envelopes --------------------------------------------------------------------------------


def test_recording_an_envelope_moves_its_amount_from_the_funder_to_the_circle_account(circle):
    envelope = record(circle, 1_000_000)

    transfer = Transfer.objects.caused_by(envelope).get()
    assert transfer.reason == CircleReason.ENVELOPE
    assert transfer.idempotency_key == f"circle-envelope-{envelope.pk}"
    assert transfer.debit.kind == AccountKind.FUNDER
    assert transfer.debit.label == "Région Hauts-de-France"
    assert transfer.credit == circle_account(circle=circle)
    assert circle_account(circle=circle).balance_cents == 1_000_000
    assert budget.budget_total(circle=circle) == 1_000_000
    assert_ledger_sound()


def test_one_funder_account_per_network_and_funder_name(circle, other_circle):
    record(circle, 100_000)
    record(other_circle, 200_000)
    record(circle, 50_000, funder="FEDER")

    funders = Account.objects.filter(kind=AccountKind.FUNDER)
    assert funders.count() == 2
    # Région paid 1 000 € + 2 000 €: its account is 3 000 € in debit.
    assert funders.get(label="Région Hauts-de-France").balance_cents == -300_000
    assert_ledger_sound()


def test_an_unused_envelope_is_cancelled_by_a_reversing_transfer(circle):
    envelope = record(circle, 400_000)

    svc.cancel_envelope(envelope=envelope, by=None)

    envelope.refresh_from_db()
    assert envelope.cancelled_at is not None
    reversal = Transfer.objects.caused_by(envelope).get(reverses__isnull=False)
    assert reversal.reason == TransferReason.REVERSAL
    assert reversal.cause == envelope
    assert circle_account(circle=circle).balance_cents == 0
    assert budget.budget_total(circle=circle) == 0
    assert_ledger_sound()


def test_an_envelope_something_was_granted_from_cannot_be_cancelled(circle, action, participant):
    envelope = record(circle, 400_000)
    proposal = propose(circle, action, participant)
    grant(proposal, 100_000, envelope=envelope)

    with pytest.raises(svc.EnvelopeInUse, match="accordées sur cette enveloppe"):
        svc.cancel_envelope(envelope=envelope, by=None)

    envelope.refresh_from_db()
    assert envelope.cancelled_at is None
    assert Transfer.objects.filter(reason=TransferReason.REVERSAL).count() == 0


def test_cancelling_twice_is_refused(circle):
    envelope = record(circle, 400_000)
    svc.cancel_envelope(envelope=envelope, by=None)

    with pytest.raises(svc.EnvelopeInUse, match="déjà annulée"):
        svc.cancel_envelope(envelope=envelope, by=None)
    assert Transfer.objects.count() == 2


def test_an_earmark_must_be_an_action_of_the_circle(circle, other_circle):
    from maillage.circles.tests.factories import ActionFactory

    foreign = ActionFactory(circle=other_circle)
    with pytest.raises(svc.WrongCircle):
        record(circle, 100_000, earmark_action=foreign)
    assert Transfer.objects.count() == 0


# --- proposals --------------------------------------------------------------------------------


def test_a_replayed_proposal_key_returns_the_first_proposal(circle, action, participant):
    first = propose(circle, action, participant, key="same")
    again = propose(circle, action, participant, key="same")

    assert again.pk == first.pk
    assert Proposal.objects.count() == 1


def test_a_new_proposal_notifies_the_circle_but_not_its_author(
    circle, action, participant, contributor, steward, other_circle_member
):
    proposal = propose(circle, action, participant)

    notified = set(
        Notification.objects.filter(topic="circles.proposal").values_list("user", flat=True)
    )
    assert notified == {contributor.pk, steward.pk}
    note = Notification.objects.filter(topic="circles.proposal").first()
    assert note.url == f"/cercles/douaisis/propositions/{proposal.pk}/"


def test_documents_are_kept_when_their_content_is_a_pdf_or_an_office_file(
    circle, action, participant
):
    proposal = propose(circle, action, participant, documents=[pdf("devis.pdf"), docx()])

    names = sorted(d.name for d in proposal.documents.all())
    assert names == ["devis.docx", "devis.pdf"]
    stored = sorted(d.file.name.rsplit(".", 1)[-1] for d in proposal.documents.all())
    assert stored == ["docx", "pdf"]


def test_a_program_named_like_a_pdf_is_refused(circle, action, participant):
    fake = SimpleUploadedFile("devis.pdf", b"MZ\x90\x00 this is a windows program")

    with pytest.raises(svc.InvalidDocument, match="ni un PDF"):
        propose(circle, action, participant, documents=[fake])
    assert Proposal.objects.count() == 0


def test_a_too_large_document_is_refused(circle, action, participant, monkeypatch):
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 10)

    with pytest.raises(svc.InvalidDocument, match="taille maximale"):
        propose(circle, action, participant, documents=[pdf()])
    assert Proposal.objects.count() == 0


def test_the_author_withdraws_a_proposal_no_meeting_decided(circle, action, participant):
    proposal = propose(circle, action, participant)

    svc.withdraw_proposal(proposal=proposal, by=participant)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN


def test_a_decided_proposal_cannot_be_withdrawn(circle, action, participant):
    proposal = propose(circle, action, participant)
    grant(proposal, 100_000)

    with pytest.raises(svc.AlreadyDecided):
        svc.withdraw_proposal(proposal=proposal, by=participant)


def test_only_the_author_withdraws(circle, action, participant, contributor):
    proposal = propose(circle, action, participant)

    with pytest.raises(svc.NotAllowed):
        svc.withdraw_proposal(proposal=proposal, by=contributor)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


# --- expenses ---------------------------------------------------------------------------------


def test_an_approved_expense_pays_the_person_through_the_ledger(
    circle, action, participant, contributor, steward
):
    record(circle, 1_000_000)
    proposal = propose(
        circle, action, participant, payee=svc.Payee(kind=PayeeKind.PERSON, user=contributor)
    )
    decision = grant(proposal, 150_000)
    filed = expense(proposal, participant, amount_cents=60_000)

    paid = svc.approve_expense(expense=filed, by=steward)

    assert paid.status == Expense.Status.PAID
    assert paid.reviewed_by == steward
    transfer = Transfer.objects.caused_by(paid).get()
    assert transfer.reason == CircleReason.CIRCLE_EXPENSE
    assert transfer.authority == decision
    assert transfer.idempotency_key == f"circle-expense-{paid.pk}"
    assert transfer.credit == ledger.member_account(network=circle.network, user=contributor)
    # 10 000 € in, 600 € out.
    assert circle_account(circle=circle).balance_cents == 940_000
    assert budget.spent_for_proposal(proposal=proposal) == 60_000
    notified = set(
        Notification.objects.filter(
            topic="circles.expense", title__startswith="Dépense validée"
        ).values_list("user", flat=True)
    )
    assert notified == {participant.pk, contributor.pk}
    assert_ledger_sound()


def test_a_place_and_a_provider_are_paid_into_their_own_accounts(
    circle, action, participant, steward, place
):
    record(circle, 1_000_000)
    to_place = propose(
        circle, action, participant, payee=svc.Payee(kind=PayeeKind.PLACE, place=place), key="a"
    )
    to_provider = propose(circle, action, participant, key="b")
    grant(to_place, 100_000)
    grant(to_provider, 100_000)

    svc.approve_expense(expense=expense(to_place, participant, key="e1"), by=steward)
    svc.approve_expense(expense=expense(to_provider, participant, key="e2"), by=steward)

    assert ledger.place_account(network=circle.network, place=place).balance_cents == 50_000
    external = Account.objects.get(kind=AccountKind.EXTERNAL)
    assert external.label == "Imprimerie du Douaisis"
    assert external.balance_cents == 50_000
    assert_ledger_sound()


def test_a_rejected_expense_moves_no_money(circle, action, participant, steward):
    record(circle, 1_000_000)
    proposal = propose(circle, action, participant)
    grant(proposal, 100_000)
    filed = expense(proposal, participant)

    svc.reject_expense(expense=filed, by=steward, reason="La facture est illisible.")

    filed.refresh_from_db()
    assert filed.status == Expense.Status.REJECTED
    assert filed.rejection_reason == "La facture est illisible."
    assert not Transfer.objects.filter(reason=CircleReason.CIRCLE_EXPENSE).exists()
    # The refused amount is spendable again.
    assert budget.spendable_for_proposal(proposal=proposal) == 100_000
    assert_ledger_sound()


def test_an_expense_uses_the_revised_decision_in_force(circle, action, participant, steward):
    record(circle, 1_000_000)
    proposal = propose(circle, action, participant)
    first = grant(proposal, 50_000)
    filed = expense(proposal, participant, amount_cents=50_000)
    later = MeetingFactory(circle=circle)
    revised = Decision.objects.create(
        meeting=later,
        item=AgendaItem.objects.create(meeting=later, proposal=proposal, revises=first),
        proposal=proposal,
        method=Decision.Method.VOTE,
        outcome=Decision.Outcome.ADOPTED,
        amount_granted_cents=80_000,
        supersedes=first,
    )

    svc.approve_expense(expense=filed, by=steward)

    assert Transfer.objects.caused_by(filed).get().authority == revised
    assert budget.spendable_for_proposal(proposal=proposal) == 30_000
    assert_ledger_sound()


def test_a_scenario_keeps_the_circle_budget_and_the_ledger_in_agreement(
    circle, other_circle, action, participant, contributor, steward, place
):
    # Two envelopes (10 000 € + 5 000 €), one cancelled 2 000 € mistake: budget 15 000 €.
    region = record(circle, 1_000_000)
    record(circle, 500_000, funder="FEDER")
    svc.cancel_envelope(envelope=record(circle, 200_000, funder="Erreur"), by=None)
    record(other_circle, 300_000)
    a = propose(circle, action, participant, key="a")
    b = propose(
        circle, action, contributor, payee=svc.Payee(kind=PayeeKind.PLACE, place=place), key="b"
    )
    grant(a, 300_000, envelope=region)
    grant(b, 120_000)
    # a: 1 000 € paid, 500 € rejected; b: 1 200 € paid in two expenses.
    svc.approve_expense(expense=expense(a, contributor, amount_cents=100_000, key="1"), by=steward)
    svc.reject_expense(
        expense=expense(a, contributor, amount_cents=50_000, key="2"), by=steward, reason="Doublon"
    )
    svc.approve_expense(expense=expense(b, participant, amount_cents=70_000, key="3"), by=steward)
    svc.approve_expense(expense=expense(b, participant, amount_cents=50_000, key="4"), by=steward)

    assert budget.budget_total(circle=circle) == 1_500_000
    assert budget.granted_total(circle=circle) == 420_000
    assert budget.spent_total(circle=circle) == 220_000
    # 15 000 € - 2 200 € paid = 12 800 € left on the circle account.
    assert circle_account(circle=circle).balance_cents == 1_280_000
    assert budget.spendable_for_proposal(proposal=b) == 0
    assert_ledger_sound()


# --- the check --------------------------------------------------------------------------------


def test_the_check_reports_money_leaving_a_circle_without_a_decision(circle):
    record(circle, 100_000)
    ledger.post_transfer(
        debit=circle_account(circle=circle),
        credit=ledger.external_account(network=circle.network, name="Quelqu'un"),
        amount_cents=10_000,
        reason=TransferReason.ADJUSTMENT,
        idempotency_key="sans-decision",
    )

    issues = svc.circle_ledger_issues()

    assert any("without a decision" in issue for issue in issues)
    assert any("account balance 90000 != envelopes - paid 100000" in i for i in issues)


def test_the_check_reports_an_envelope_the_ledger_never_saw(circle):
    EnvelopeFactory(circle=circle, amount_cents=50_000)

    assert svc.circle_ledger_issues() == [
        "circle douaisis: account balance 0 != envelopes - paid 50000"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "doc"),
        (b"<html><script>", None),
        (b"PK\x03\x04not really a zip", None),
    ],
)
def test_documents_are_recognised_by_their_content(content, expected):
    found = sniff_document(content)
    assert (found[0] if found else None) == expected


def test_an_opendocument_spreadsheet_is_recognised():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")

    assert sniff_document(buffer.getvalue())[0] == "ods"


def test_an_envelope_the_other_grants_rely_on_cannot_be_cancelled(circle, action, participant):
    record(circle, 800_000)
    spare = record(circle, 200_000, funder="FEDER")
    # 9 000 € granted without naming an envelope: without the 2 000 € the budget is 8 000 €.
    grant(propose(circle, action, participant, amount_cents=900_000), 900_000)

    with pytest.raises(svc.EnvelopeInUse, match="plus que son budget"):
        svc.cancel_envelope(envelope=spare, by=None)
    spare.refresh_from_db()
    assert spare.cancelled_at is None


def test_ledger_check_runs_the_circles_check_and_fails_on_what_it_finds(circle, capsys):
    EnvelopeFactory(circle=circle, amount_cents=50_000)

    with pytest.raises(SystemExit) as exit_:
        call_command("ledger_check")

    assert exit_.value.code == 1
    assert "circle douaisis: account balance 0 != envelopes - paid 50000" in capsys.readouterr().err
