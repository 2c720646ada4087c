"""Demo territorial circles of the regional demo network, built through the circles services so
the ledger is real: envelopes (Région, FEDER, fonds propres), a programme, people who joined and
were named soucieux·se / contributeur·rice by a regulation meeting, proposals decided by consent
and by vote (one partial grant, one revision at a later meeting), expenses filed with a receipt,
approved by the soucieux·se and paid through the ledger.

Three circles on the territories of the first three local demo networks (real Hauts-de-France
communes): one active with a full year of money, one emerging with a first grant, one in
préfiguration with no budget yet. Idempotent: nothing happens if the first circle exists.
`delete_demo_circles` removes them (ledger rows included) before a `load_demo --reset`.
"""

import datetime
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from maillage.accounts.models import User
from maillage.circles import budget_services, meeting_services
from maillage.circles import services as circle_services
from maillage.circles.models import (
    Action,
    Circle,
    CircleRole,
    CircleStatus,
    Decision,
    FunderKind,
    PayeeKind,
    Transparency,
)
from maillage.circles.selectors import current_members
from maillage.demo.selectors import DEMO_DOMAIN, REGIONAL_SLUG
from maillage.demo.services import DemoLogin
from maillage.ledger.models import Account, AccountKind, Transfer, content_type_for
from maillage.networks.models import Membership, MembershipStatus, Network, NetworkRole
from maillage.places.models import Place, PlaceRole

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SLUG_SUFFIX = "-budget-demo"
STATUSES = [CircleStatus.ACTIVE, CircleStatus.EMERGING, CircleStatus.PREFIGURATION]

# A one-page PDF, so a demo receipt opens in any viewer.
RECEIPT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 200]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 62>>stream\nBT /F1 16 Tf 30 100 Td (Justificatif de demonstration) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def demo_circles() -> models.QuerySet[Circle]:
    return Circle.objects.filter(slug__endswith=SLUG_SUFFIX, network__slug=REGIONAL_SLUG)


def _receipt(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", RECEIPT_PDF, content_type="application/pdf")


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=PARIS)


class _Story:
    """One circle's year, told through the services."""

    def __init__(self, circle: Circle, coordinator: User, people: list[User], places: list[Place]):
        self.circle = circle
        self.coordinator = coordinator
        self.people = people
        self.places = places
        self.keys = 0
        self.meetings = 0

    def key(self, what: str) -> str:
        self.keys += 1
        return f"demo-{self.circle.slug}-{what}-{self.keys}"

    def join_everyone(self) -> None:
        for person in self.people:
            circle_services.join_circle(circle=self.circle, user=person)

    def meeting(self, title: str, *, hour: int) -> meeting_services.Meeting:
        """A meeting today (the people joined today: they are members on its day), all present."""
        self.meetings += 1
        meeting = meeting_services.schedule_meeting(
            circle=self.circle,
            by=self.coordinator,
            title=title,
            starts_at=_at(timezone.localdate(), hour),
            location="Tiers-lieu d'accueil du cercle, et en visio",
        )
        meeting_services.set_attendance(meeting=meeting, by=self.coordinator, present=self.people)
        return meeting

    def grant(self, meeting, proposal, cents: int, envelope, *, vote: bool = False) -> Decision:
        item = meeting_services.add_agenda_item(
            meeting=meeting, by=self.coordinator, proposal=proposal
        )
        return self._record(meeting, item, cents, envelope, vote=vote)

    def revise(self, meeting, decision, cents: int, envelope, *, vote: bool = False) -> Decision:
        item = meeting_services.add_agenda_item(
            meeting=meeting, by=self.coordinator, revises=decision
        )
        return self._record(meeting, item, cents, envelope, vote=vote)

    def _record(self, meeting, item, cents, envelope, *, vote: bool) -> Decision:
        meeting.refresh_from_db()
        if meeting.status == meeting.Status.SCHEDULED:
            meeting_services.open_meeting(meeting=meeting, by=self.coordinator)
        votes = None
        if vote:
            choices = ["for", "for", "for", "abstain", "against"]
            votes = dict(zip(self.people, choices, strict=False))
        return meeting_services.record_decision(
            item=item,
            by=self.coordinator,
            method=Decision.Method.VOTE if vote else Decision.Method.CONSENT,
            votes=votes,
            amount_granted_cents=cents,
            envelope=envelope,
            rationale="Conforme au programme du cercle.",
        )

    def name_roles(self, meeting, roles: dict[User, str]) -> None:
        for person, role in roles.items():
            request = circle_services.request_role(
                circle=self.circle,
                user=person,
                role=role,
                motivation="Je porte déjà ce travail pour le cercle.",
            )
            item = meeting_services.add_agenda_item(
                meeting=meeting, by=self.coordinator, role_request=request
            )
            meeting.refresh_from_db()
            if meeting.status == meeting.Status.SCHEDULED:
                meeting_services.open_meeting(meeting=meeting, by=self.coordinator)
            meeting_services.record_decision(
                item=item, by=self.coordinator, method=Decision.Method.CONSENT
            )

    def close(self, meeting) -> None:
        meeting.refresh_from_db()
        meeting_services.close_meeting(meeting=meeting, by=self.coordinator)

    def envelope(self, cents: int, funder: str, kind: str, earmark: Action | None = None):
        return budget_services.record_envelope(
            circle=self.circle,
            year=timezone.localdate().year,
            funder_kind=kind,
            funder=funder,
            amount_cents=cents,
            earmark_action=earmark,
            note="Convention signée avec la tête de réseau.",
            by=self.coordinator,
        )

    def action(self, title: str, cents: int, status: str, owner: User | None, text: str) -> Action:
        action = circle_services.create_action(
            circle=self.circle,
            data=circle_services.ActionData(
                title=title,
                description=text,
                owner_ids=[owner.pk] if owner else [],
                status=Action.Status.ADOPTED,
                expected_cost_cents=cents,
            ),
            by=self.coordinator,
        )
        if status != Action.Status.ADOPTED:
            Action.objects.filter(pk=action.pk).update(status=status)
        return action

    def propose(self, action, *, by, title, cents, payee, why):
        return budget_services.submit_proposal(
            circle=self.circle,
            action=action,
            title=title,
            amount_cents=cents,
            payee=payee,
            justification=why,
            idempotency_key=self.key("proposal"),
            by=by,
        )

    def spend(self, proposal, *, by, cents, what, approver):
        expense = budget_services.submit_expense(
            proposal=proposal,
            amount_cents=cents,
            description=what,
            receipt=_receipt(what),
            idempotency_key=self.key("expense"),
            by=by,
        )
        return budget_services.approve_expense(expense=expense, by=approver)


def _circle_people(local: Network, count: int) -> tuple[list[Place], list[User]]:
    place_ids = Membership.objects.filter(
        network=local, status=MembershipStatus.ACCEPTED
    ).values_list("place_id", flat=True)
    places = list(Place.objects.filter(pk__in=place_ids).order_by("name"))
    roles = (
        PlaceRole.objects.filter(place__in=places, user__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("user")
        .order_by("role", "user__email")
    )
    people: list[User] = []
    for row in roles:
        if row.user not in people:
            people.append(row.user)
    if len(people) < count:
        # A territory whose places have no demo people yet: neighbours of the network join in.
        others = (
            PlaceRole.objects.filter(
                place__memberships__network=local.parent,
                place__memberships__status=MembershipStatus.ACCEPTED,
                user__email__endswith=f"@{DEMO_DOMAIN}",
            )
            .exclude(user__in=people)
            .select_related("user")
            .order_by("-user__email")
        )
        for row in others:
            if len(people) >= count:
                break
            if row.user not in people:
                people.append(row.user)
    return places, people[:count]


def _create_circle(*, network, local, status, coordinator, places, people) -> Circle:
    codes = sorted({p.commune_id for p in places if p.commune_id})
    name = local.name if local.name.startswith("Cercle") else f"Cercle {local.name}"
    circle = circle_services.create_circle(
        data=circle_services.CircleData(
            network=network,
            name=name,
            slug=local.slug.removesuffix("-demo") + SLUG_SUFFIX,
            status=status,
            status_note="Statut fixé par la coordination régionale (démo).",
            summary=f"Le budget contributif des tiers-lieux de « {local.name} ».",
            description=(
                "Cercle territorial de démonstration : son budget est **contributif**, ouvert à "
                "chaque membre, pour les actions que le cercle s'est données, aux montants "
                "décidés en réunion de régulation."
            ),
            commune_codes=codes,
            place_ids=[p.pk for p in places],
            quorum_minimum=3,
            transparency=Transparency.PUBLIC,
        ),
        by=coordinator,
    )
    return circle


def _active_year(story: _Story) -> None:
    """Envelopes 12 000 + 8 000 (FEDER, for the guide) + 3 000 € = 23 000 €; granted 4 000
    (revised from 3 500) + 1 800 + 900 = 6 700 €; paid 2 000 + 1 800 + 900 = 4 700 €."""
    steward, contributor, participant, other = story.people[:4]
    guide = story.action(
        "Guide des tiers-lieux du territoire",
        600_000,
        Action.Status.IN_PROGRESS,
        contributor,
        "Un guide imprimé et en ligne : qui accueille quoi, à quelles conditions.",
    )
    tour = story.action(
        "Tournée des lieux à vélo",
        250_000,
        Action.Status.ADOPTED,
        steward,
        "Une journée pour relier les lieux du cercle, ouverte aux habitant·es.",
    )
    story.action(
        "Permanences numériques",
        150_000,
        Action.Status.PROPOSED,
        None,
        "Aider les habitant·es dans leurs démarches en ligne, une demi-journée par semaine.",
    )
    region = story.envelope(1_200_000, "Région Hauts-de-France", FunderKind.REGION)
    feder = story.envelope(800_000, "FEDER (programme régional)", FunderKind.FEDER, earmark=guide)
    story.envelope(300_000, "Fonds propres de la Compagnie", FunderKind.NETWORK)

    first = story.meeting("Réunion de régulation de printemps", hour=9)
    story.name_roles(first, {steward: CircleRole.STEWARD, contributor: CircleRole.CONTRIBUTOR})
    writing = story.propose(
        guide,
        by=participant,
        title="Rédaction et mise en page du guide",
        cents=400_000,
        payee=budget_services.Payee(kind=PayeeKind.PERSON, user=contributor),
        why="Vingt jours de travail de la contributrice pour enquêter, écrire et mettre en page.",
    )
    printing = story.propose(
        guide,
        by=contributor,
        title="Impression de 500 guides",
        cents=180_000,
        payee=budget_services.Payee(kind=PayeeKind.PROVIDER, name="Imprimerie coopérative du Nord"),
        why="Devis joint au dossier papier : 500 exemplaires, papier recyclé.",
    )
    hosting = story.propose(
        tour,
        by=other,
        title="Accueil et repas de la tournée",
        cents=90_000,
        payee=budget_services.Payee(kind=PayeeKind.PLACE, place=story.places[0]),
        why="Le lieu d'arrivée accueille quarante cyclistes pour le repas du soir.",
    )
    partial = story.grant(first, writing, 350_000, feder)  # partial: 3 500 € of 4 000 € asked
    story.grant(first, printing, 180_000, region, vote=True)
    story.grant(first, hosting, 90_000, region)
    story.close(first)

    later = story.meeting("Réunion de régulation d'été", hour=18)
    story.revise(later, partial, 400_000, feder, vote=True)  # the guide needs the full amount
    story.close(later)

    story.spend(writing, by=contributor, cents=200_000, what="Premiers chapitres", approver=steward)
    story.spend(
        printing, by=participant, cents=180_000, what="Facture imprimerie", approver=steward
    )
    story.spend(hosting, by=other, cents=90_000, what="Repas de la tournée", approver=steward)


def _emerging_year(story: _Story) -> None:
    """One envelope of 5 000 €; one grant of 600 €, paid."""
    steward, contributor, participant = story.people[:3]
    cafe = story.action(
        "Café des tiers-lieux",
        120_000,
        Action.Status.ADOPTED,
        participant,
        "Un café mensuel tournant d'un lieu à l'autre.",
    )
    envelope = story.envelope(500_000, "Région Hauts-de-France", FunderKind.REGION)
    meeting = story.meeting("Première réunion de régulation", hour=10)
    story.name_roles(meeting, {steward: CircleRole.STEWARD, contributor: CircleRole.CONTRIBUTOR})
    proposal = story.propose(
        cafe,
        by=participant,
        title="Animation des trois premiers cafés",
        cents=60_000,
        payee=budget_services.Payee(kind=PayeeKind.PLACE, place=story.places[-1]),
        why="Le lieu fournit la salle, le café et l'animation.",
    )
    story.grant(meeting, proposal, 60_000, envelope)
    story.close(meeting)
    story.spend(proposal, by=participant, cents=60_000, what="Trois cafés", approver=steward)


def _prefiguration(story: _Story) -> None:
    story.action(
        "État des lieux du territoire",
        0,
        Action.Status.PROPOSED,
        None,
        "Recenser les lieux et ce qu'ils attendent d'un cercle avant de chercher un budget.",
    )


def load_demo_circles() -> list[DemoLogin]:
    """Build the demo circles once; return the logins to try them (none if already there)."""
    network = Network.objects.filter(slug=REGIONAL_SLUG).first()
    if network is None or demo_circles().exists():
        return []
    coordinator = (
        User.objects.filter(
            network_roles__network=network, network_roles__role=NetworkRole.Role.COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    locals_ = list(Network.objects.filter(parent=network, level=Network.Level.LOCAL).order_by("pk"))
    if coordinator is None or not locals_:
        return []
    logins: list[DemoLogin] = []
    plan = list(
        zip(STATUSES, [_active_year, _emerging_year, _prefiguration], [4, 3, 2], strict=True)
    )
    with transaction.atomic():
        for local in locals_:
            if not plan:
                break
            status, tell, count = plan[0]
            places, people = _circle_people(local, count)
            if len(people) < count or not places:
                continue  # a territory with too few demo people: try the next one
            plan.pop(0)
            circle = _create_circle(
                network=network,
                local=local,
                status=status,
                coordinator=coordinator,
                places=places,
                people=people,
            )
            story = _Story(circle, coordinator, people, places)
            story.join_everyone()
            tell(story)
            shown: set[str] = set()
            for row in current_members(circle=circle).order_by("user__email"):
                if row.role in shown:
                    continue
                shown.add(row.role)
                logins.append(
                    DemoLogin(
                        f"{row.get_role_display()} ({circle.name})",
                        row.user.email,
                        f"/cercles/{circle.slug}/ : budget, réunions, transparence.",
                    )
                )
    return logins


def delete_demo_circles() -> None:
    """Delete the demo circles and their ledger rows (demo only: real transfers are never deleted)."""
    circles = list(demo_circles())
    if not circles:
        return
    from maillage.circles import models as m

    with transaction.atomic():
        accounts = Account.objects.filter(
            Q(owner_type=content_type_for(Circle), owner_id__in=[c.pk for c in circles])
            | Q(network__slug=REGIONAL_SLUG, kind__in=[AccountKind.FUNDER, AccountKind.EXTERNAL])
        )
        transfers = Transfer.objects.filter(Q(debit__in=accounts) | Q(credit__in=accounts))
        # Transfers refuse deletion through their manager (the ledger is append-only); the demo
        # is the one place allowed to drop its own, reversals first.
        models.QuerySet.delete(transfers.filter(reverses__isnull=False))
        models.QuerySet.delete(transfers)
        used = set(Transfer.objects.values_list("debit_id", flat=True).order_by()) | set(
            Transfer.objects.values_list("credit_id", flat=True).order_by()
        )
        Account.objects.filter(network__slug=REGIONAL_SLUG).exclude(pk__in=list(used)).delete()
        m.Expense.objects.filter(proposal__circle__in=circles).delete()
        decisions = m.Decision.objects.filter(meeting__circle__in=circles)
        m.Vote.objects.filter(decision__in=decisions).delete()
        m.Objection.objects.filter(decision__in=decisions).delete()
        m.CircleMember.objects.filter(circle__in=circles).delete()
        # Newest first: a decision is protected by the one that superseded it (and by the
        # agenda point that revised it, unlinked here).
        m.AgendaItem.objects.filter(meeting__circle__in=circles).update(revises=None)
        while decisions.exists():
            models.QuerySet.delete(decisions.filter(superseded_by__isnull=True))
        m.AgendaItem.objects.filter(meeting__circle__in=circles).delete()
        m.Meeting.objects.filter(circle__in=circles).delete()
        m.Proposal.objects.filter(circle__in=circles).delete()
        m.Envelope.objects.filter(circle__in=circles).delete()
        m.Action.objects.filter(circle__in=circles).delete()
        m.RoleRequest.objects.filter(circle__in=circles).delete()
        Circle.objects.filter(pk__in=[c.pk for c in circles]).delete()
