"""Build a circle's money story through the real services (envelopes, proposals, a regulation
meeting, expenses), for the transparency, API and invariant tests."""

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.circles import budget_services, meeting_services
from maillage.circles.models import Decision, FunderKind, PayeeKind
from maillage.circles.tests.factories import ONE_PAGE_PDF, ActionFactory

_keys = itertools.count(1)
RECEIPT = ONE_PAGE_PDF


def key(prefix: str = "k") -> str:
    return f"{prefix}-{next(_keys)}"


def receipt() -> SimpleUploadedFile:
    return SimpleUploadedFile("recu.pdf", RECEIPT, content_type="application/pdf")


def envelope(circle, *, amount_cents, year=2026, funder="Région Hauts-de-France", kind=None, **kw):
    return budget_services.record_envelope(
        circle=circle,
        year=year,
        funder_kind=kind or FunderKind.REGION,
        funder=funder,
        amount_cents=amount_cents,
        by=None,
        **kw,
    )


def propose(circle, action, *, by, amount_cents, title="Impression du guide", payee=None):
    return budget_services.submit_proposal(
        circle=circle,
        action=action,
        title=title,
        amount_cents=amount_cents,
        payee=payee or budget_services.Payee(kind=PayeeKind.PROVIDER, name="Imprimerie Nord"),
        justification="Pour que chaque lieu ait son exemplaire.",
        idempotency_key=key("proposal"),
        by=by,
    )


def open_meeting(circle, *, by, present, title="Réunion de régulation"):
    meeting = meeting_services.schedule_meeting(
        circle=circle,
        by=by,
        title=title,
        starts_at=datetime.datetime(2026, 3, 12, 18, 0, tzinfo=datetime.UTC),
    )
    meeting_services.set_attendance(meeting=meeting, by=by, present=present)
    return meeting


def decide(meeting, *, by, proposal=None, revises=None, amount_cents=0, envelope=None, vote=None):
    """Put the point on the agenda and decide it (by consent, or by vote with `vote` = voters)."""
    meeting.refresh_from_db()
    item = meeting_services.add_agenda_item(
        meeting=meeting, by=by, proposal=proposal, revises=revises
    )
    if meeting.status == meeting.Status.SCHEDULED:
        meeting_services.open_meeting(meeting=meeting, by=by)
    if vote:
        return meeting_services.record_decision(
            item=item,
            by=by,
            method=Decision.Method.VOTE,
            votes=dict.fromkeys(vote, "for"),
            amount_granted_cents=amount_cents,
            envelope=envelope,
        )
    return meeting_services.record_decision(
        item=item,
        by=by,
        method=Decision.Method.CONSENT,
        amount_granted_cents=amount_cents,
        envelope=envelope,
    )


def spend(proposal, *, by, amount_cents, description="Facture", approve_by=None):
    expense = budget_services.submit_expense(
        proposal=proposal,
        amount_cents=amount_cents,
        description=description,
        receipt=receipt(),
        idempotency_key=key("expense"),
        by=by,
    )
    if approve_by is not None:
        expense = budget_services.approve_expense(expense=expense, by=approve_by)
    return expense


def money_story(circle, action, participant, contributor, steward, place):
    """Envelopes 10 000 € (Région 2026) + 5 000 € (FEDER 2026, earmarked for the guide) + 2 000 €
    (own funds 2025) = 17 000 €. Granted: 2 500 € of 3 000 € asked (Fanny), 1 200 € (printer),
    800 € (La Bobine, festival, 2025) = 4 500 €. Paid: 1 000 € + 1 200 € = 2 200 €; 500 € waits."""
    festival = ActionFactory(circle=circle, title="Festival des communs", expected_cost_cents=0)
    region = envelope(circle, amount_cents=1_000_000)
    feder = envelope(
        circle,
        amount_cents=500_000,
        funder="FEDER",
        kind=FunderKind.FEDER,
        earmark_action=action,
    )
    own = envelope(
        circle, amount_cents=200_000, year=2025, funder="Réseau A", kind=FunderKind.NETWORK
    )
    fanny_pays = propose(
        circle,
        action,
        by=participant,
        amount_cents=300_000,
        title="Rédaction du guide",
        payee=budget_services.Payee(kind=PayeeKind.PERSON, user=contributor),
    )
    printer = propose(circle, action, by=participant, amount_cents=120_000)
    bobine = propose(
        circle,
        festival,
        by=participant,
        amount_cents=80_000,
        title="Accueil du festival",
        payee=budget_services.Payee(kind=PayeeKind.PLACE, place=place),
    )
    meeting = open_meeting(circle, by=steward, present=[steward, contributor, participant])
    d1 = decide(meeting, by=steward, proposal=fanny_pays, amount_cents=250_000, envelope=region)
    d2 = decide(
        meeting,
        by=steward,
        proposal=printer,
        amount_cents=120_000,
        envelope=feder,
        vote=[steward, contributor, participant],
    )
    d3 = decide(meeting, by=steward, proposal=bobine, amount_cents=80_000, envelope=own)
    spend(fanny_pays, by=contributor, amount_cents=100_000, approve_by=steward)
    spend(
        printer,
        by=participant,
        amount_cents=120_000,
        description="Facture imprimerie",
        approve_by=steward,
    )
    spend(fanny_pays, by=contributor, amount_cents=50_000, description="En attente")
    return {"decisions": [d1, d2, d3], "proposals": [fanny_pays, printer, bobine]}
