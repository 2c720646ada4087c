"""The demo's governance and economy, on the regional demo network, built through the
governance services so the ledger is real: a treasurer; this year's fee schedule, its calls
and payments (paid by transfer, cheque, cash or online, one with a gift, one refunded, some
late, a couple lapsed — their memberships suspended); a year of volunteer hours (most
validated, some waiting for the coordinator); a debate space with a debate (comments, one
hidden with its reason), a proposal that crossed its threshold, was adopted by a governance
meeting and carried to the Région, another one gathering supports, and a consultation.

Idempotent: nothing happens if the demo debate space exists. `delete_demo_governance`
removes everything (ledger rows included) before a `load_demo --reset`.
"""

import datetime

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from maillage.accounts.models import User
from maillage.demo.selectors import DEMO_DOMAIN, NATIONAL_SLUG, REGIONAL_SLUG
from maillage.demo.services import DEMO_PASSWORD, DemoLogin
from maillage.governance import debates, elections, fees, volunteering
from maillage.governance.models import (
    Activity,
    DebateSpace,
    FeeBasis,
    FeeCall,
    FeeSchedule,
    GovernanceRole,
    PaymentMethod,
    Proposal,
    VolunteerEntry,
)
from maillage.ledger.models import Account, Transfer, content_type_for
from maillage.ledger.selectors import balance
from maillage.networks.models import Network, NetworkRole
from maillage.networks.selectors import member_places
from maillage.places.models import Place, PlaceRole

TREASURER_EMAIL = f"tresorerie@{DEMO_DOMAIN}"
SPACE_SLUG = "plaidoyer-regional-demo"
CHARTER_ECONOMY = (
    "6. **Rendre compte** : le réseau publie chaque année ses ressources (cotisations, "
    "subventions, bénévolat valorisé) et leurs usages."
)
CHARTER_ACCESS = (
    "7. **Dire l'accessibilité** : chaque lieu dit ce qui est accessible et ce qui ne l'est pas "
    "encore, et s'engage sur un pas par an."
)
METHODS = [PaymentMethod.TRANSFER, PaymentMethod.CHEQUE, PaymentMethod.ONLINE, PaymentMethod.CASH]


def _treasurer(network: Network) -> User:
    user, _created = User.objects.get_or_create(
        email=TREASURER_EMAIL,
        defaults={
            "first_name": "Dominique",
            "last_name": "Trésorière",
            "display_name": "Dominique, trésorière",
            "password": make_password(DEMO_PASSWORD),
        },
    )
    GovernanceRole.objects.get_or_create(
        network=network, user=user, role=GovernanceRole.Role.TREASURER
    )
    return user


def _managed(network: Network) -> list[tuple[Place, User]]:
    """The network's member places with a manager, with their first manager."""
    roles = {
        role.place_id: role.user
        for role in PlaceRole.objects.filter(role=PlaceRole.Role.MANAGER)
        .select_related("user")
        .order_by("-user_id")
    }
    return [
        (place, roles[place.pk]) for place in member_places(network=network) if place.pk in roles
    ]


def load_demo_governance(*, now: datetime.datetime | None = None) -> list[DemoLogin]:
    network = Network.objects.filter(slug=REGIONAL_SLUG).first()
    if network is None or DebateSpace.objects.filter(slug=SPACE_SLUG).exists():
        return []
    coordinator = (
        User.objects.filter(
            network_roles__network=network, network_roles__role=NetworkRole.Role.COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    managed = _managed(network)
    if coordinator is None or len(managed) < 2:
        return []
    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        treasurer = _treasurer(network)
        _debates(network=network, coordinator=coordinator, managed=managed, today=today)
        _elections(network=network, coordinator=coordinator, managed=managed)
        _national_election()
        _volunteering(network=network, coordinator=coordinator, managed=managed, today=today)
        _fees(
            network=network,
            coordinator=coordinator,
            treasurer=treasurer,
            managed=managed,
            today=today,
        )
    return [
        DemoLogin(
            "Trésorerie",
            TREASURER_EMAIL,
            f"Les cotisations {today.year} de « {network.name} » : appels, paiements, retards, "
            "remboursement, import HelloAsso, écritures comptables et bénévolat valorisé "
            "(Mon espace → Trésorerie).",
        )
    ]


def _fees(*, network, coordinator, treasurer, managed, today) -> None:  # type: ignore[no-untyped-def]
    year = today.year
    schedule = fees.create_schedule(
        by=treasurer,
        network=network,
        data=fees.ScheduleData(
            year=year,
            basis=FeeBasis.FLAT,
            year_kind="calendar",
            individual_cents=1500,
            due_days=30,
            grace_days=60,
            tax_receipts=True,
            legal_name=network.name,
            legal_address="2 rue de la Démonstration, 59000 Lille",
            legal_object="Animer le réseau des tiers-lieux de la région",
            legal_status="Association d'intérêt général (art. 200 et 238 bis du CGI)",
        ),
        brackets=fees.parse_brackets("fablab: 120\ncoworking: 80\nrural_hub: 40\n*: 60"),
    )
    fees.call_fees(by=treasurer, schedule=schedule, today=datetime.date(year, 1, 6))
    calls = list(schedule.calls.select_related("place").order_by("place__name"))
    shown = {place.pk for place, _user in managed[:3]}
    count = len(calls)
    # About two thirds paid; then some late, one still called, the last two lapsed.
    lapsed = [c for c in calls if c.place_id not in shown][-2:] if count >= 6 else []
    rest = [c for c in calls if c not in lapsed]
    paid = rest[: max(1, (2 * count) // 3)]
    late = rest[len(paid) :]
    for index, call in enumerate(paid):
        day = datetime.date(year, 1, 10) + datetime.timedelta(days=(index * 3) % 150)
        extra = 2000 if index == 0 else 0
        payment = fees.record_payment(
            by=treasurer,
            call=call,
            data=fees.PaymentData(
                amount_cents=call.amount_cents + extra,
                method=METHODS[index % len(METHODS)],
                reference=f"DEMO-{year}-{index + 1:03d}" if index % 4 != 3 else "",
                paid_on=min(day, today),
                payer_name=call.payer_name,
            ),
        )
        if index == 1:
            fees.refund_payment(
                by=treasurer, payment=payment, reason="Payé deux fois : le virement est revenu."
            )
            fees.record_payment(
                by=treasurer,
                call=call,
                data=fees.PaymentData(
                    amount_cents=call.amount_cents, method=PaymentMethod.TRANSFER,
                    reference=f"DEMO-{year}-bis", paid_on=min(day + datetime.timedelta(days=2), today),
                ),
            )  # fmt: skip
    # The shown managers' places have work: their calls are late or still due.
    for index, call in enumerate(late):
        due = (
            today - datetime.timedelta(days=20)
            if index % 3
            else today + datetime.timedelta(days=10)
        )
        FeeCall.objects.filter(pk=call.pk).update(due_on=due)
    fees.fees_tick(today=today)
    fees.call_individual_fee(by=treasurer, schedule=schedule, person=coordinator)


def _volunteering(*, network, coordinator, managed, today) -> None:  # type: ignore[no-untyped-def]
    year = today.year
    volunteering.set_rate(
        by=coordinator, network=network, year=year, hourly_cents=volunteering.DEFAULT_HOURLY_CENTS,
        basis="SMIC horaire brut au 1er janvier et charges patronales (42 %)",
    )  # fmt: skip
    activities = [
        (Activity.CIRCLE, "Cercle territorial : réunion de régulation"),
        (Activity.EVENT, "Fête des tiers-lieux : accueil et logistique"),
        (Activity.COMMONS, "Documentation Movilab du réseau"),
        (Activity.PEER, "Soutien à un lieu voisin : montage d'un dossier"),
        (Activity.GOVERNANCE, "Conseil d'administration"),
    ]
    people = [user for _place, user in managed[:6]]
    entries = []
    for month in range(1, today.month + 1):
        for index, person in enumerate(people):
            day = datetime.date(year, month, min(3 + index * 4, 28))
            if day > today:
                continue
            kind, label = activities[(month + index) % len(activities)]
            entries.append(
                volunteering.log_hours(
                    by=person,
                    data=volunteering.EntryData(
                        network=network,
                        activity=kind,
                        label=label,
                        day=day,
                        minutes=60 * (1 + (month + index) % 4) + 30 * (index % 2),
                        note="",
                    ),
                )
            )
    for entry in entries[:-4]:
        if entry.person_id != coordinator.pk:
            volunteering.review_entry(by=coordinator, entry=entry, validate=True)


def _debates(*, network, coordinator, managed, today) -> None:  # type: ignore[no-untyped-def]
    supporters = managed[:10]
    space = debates.create_space(
        by=coordinator,
        network=network,
        title="Plaidoyer régional",
        description="Les positions et demandes que le réseau porte auprès de la Région, de "
        "l'État et des collectivités.",
        threshold_value=max(1, min(10, len(supporters))),
    )
    DebateSpace.objects.filter(pk=space.pk).update(slug=SPACE_SLUG)
    space.refresh_from_db()
    author_place, author = supporters[0]
    debate = debates.open_proposal(
        by=author,
        space=space,
        kind=Proposal.Kind.DEBATE,
        title="Quelle place pour les tiers-lieux dans le prochain contrat de plan ?",
        body="Le prochain contrat de plan État-Région se prépare. Qu'y demandons-nous : du "
        "fonctionnement, de l'investissement, de l'ingénierie ? Partagez vos besoins.",
    )
    first = debates.comment(
        by=supporters[1][1], proposal=debate,
        body="Du fonctionnement avant tout : nos postes d'animation tiennent à des appels à projets d'un an.",
    )  # fmt: skip
    debates.comment(
        by=author, proposal=debate, parent=first,
        body="D'accord, et une ingénierie mutualisée pour les lieux ruraux.",
    )  # fmt: skip
    rude = debates.comment(
        by=supporters[-1][1], proposal=debate, body="Ceux qui ne pensent pas comme moi sont des idiots."
    )  # fmt: skip
    debates.report_comment(by=author, comment=rude, reason="Propos insultants")
    debates.hide_comment(
        by=coordinator, comment=rude, reason="Propos insultants envers d'autres membres"
    )
    for _place, user in supporters[1:4]:
        debates.support(by=user, proposal=debate)

    proposal = debates.open_proposal(
        by=author,
        space=space,
        kind=Proposal.Kind.REQUEST,
        title="Un fonds régional de fonctionnement pour les tiers-lieux ruraux",
        body="Nous demandons à la Région un fonds pluriannuel (trois ans) de fonctionnement "
        "pour les tiers-lieux des communes rurales, ouvert aux lieux du réseau à jour de leur "
        "adhésion, pour financer l'animation plutôt que des projets.",
        place=author_place,
    )
    debates.comment(
        by=supporters[2][1], proposal=proposal, amendment=True,
        body="Amendement : préciser « au moins 30 000 € par lieu et par an ».",
    )  # fmt: skip
    for place, user in supporters[1:]:
        debates.support(by=user, proposal=proposal, place=place)
    proposal.refresh_from_db()
    transparency = debates.open_proposal(
        by=supporters[3][1],
        space=space,
        kind=Proposal.Kind.CHARTER,
        title="Publier chaque année l'économie du réseau",
        body="Proposition de modification de la charte : le réseau publie chaque année ses "
        "ressources (cotisations, subventions, bénévolat valorisé) et leurs usages.",
        place=supporters[3][0],
        charter_text=network.charter.rstrip() + "\n" + CHARTER_ECONOMY,
    )
    for place, user in supporters:
        if place.pk != supporters[3][0].pk:
            debates.support(by=user, proposal=transparency, place=place)
    transparency.refresh_from_db()
    if proposal.status == Proposal.Status.ON_AGENDA:
        meeting = proposal.agenda_item.meeting
        voters, needed = debates.quorum_needed(network=network)
        present = max(needed, min(voters, len(supporters)))
        if transparency.status == Proposal.Status.ON_AGENDA:
            debates.decide(
                by=coordinator,
                meeting=meeting,
                proposal=transparency,
                data=debates.DecisionInput(
                    method="consent",
                    outcome="adopted",
                    present_places=present,
                    answer="Adoptée par consentement : la charte passe à sa version 2.",
                ),
            )
        debates.decide(
            by=coordinator,
            meeting=meeting,
            proposal=proposal,
            data=debates.DecisionInput(
                method="vote",
                outcome="adopted",
                present_places=present,
                votes_for=present - 1 if present > 1 else 1,
                votes_against=0,
                votes_abstain=1 if present > 1 else 0,
                answer="Le réseau adopte la demande, amendée : au moins 30 000 € par lieu et par "
                "an sur trois ans. La coordination la porte au vice-président de la Région.",
            ),
        )
        debates.close_meeting(
            by=coordinator, meeting=meeting,
            minutes="Présents et représentés : voir la décision. Un point : la demande de fonds "
            "régional, adoptée avec l'amendement sur le montant.",
        )  # fmt: skip
        debates.add_step(
            by=coordinator, proposal=proposal, day=today - datetime.timedelta(days=3),
            text="Courrier au vice-président de la Région chargé de l'économie sociale et solidaire",
        )  # fmt: skip
        debates.add_step(
            by=coordinator, proposal=proposal, day=today,
            text="Rendez-vous demandé avec les services de la Région",
        )  # fmt: skip
    second = debates.open_proposal(
        by=supporters[1][1],
        space=space,
        kind=Proposal.Kind.CHARTER,
        title="Ajouter l'accessibilité à la charte du réseau",
        body="Proposition de modification de la charte : « Chaque lieu dit ce qui est accessible "
        "et ce qui ne l'est pas encore, et s'engage sur un pas par an. »",
        charter_text=Network.objects.get(pk=network.pk).charter.rstrip() + "\n" + CHARTER_ACCESS,
    )
    debates.support(by=author, proposal=second)
    consultation = debates.create_consultation(
        by=coordinator,
        space=space,
        title="Nos priorités pour l'an prochain",
        closes_at=timezone.now() + datetime.timedelta(days=21),
        intro="Trois minutes pour orienter le programme du réseau.",
        questions=[
            ("Quelle priorité pour le réseau ?", ["Formation des équipes", "Accès au foncier", "Financement du fonctionnement", "Numérique"]),
            ("Viendriez-vous à une rencontre régionale au printemps ?", ["Oui", "Peut-être", "Non"]),
        ],
    )  # fmt: skip
    questions = list(consultation.questions.all())
    for index, (_place, user) in enumerate(supporters):
        debates.answer_consultation(
            by=user,
            consultation=consultation,
            choices={
                questions[0].pk: (index * 7) % 4,
                questions[1].pk: index % 3 if index % 4 else 0,
            },
        )


def _elections(*, network, coordinator, managed) -> None:  # type: ignore[no-untyped-def]
    """A closed election whose delegates speak for the network, and one whose vote is open
    (the coordinator closes it; place managers still vote)."""
    people = list(dict.fromkeys(user for _place, user in managed))  # one manager may run two
    closed = elections.create_election(
        by=coordinator, network=network, seats=2, term_months=24,
        mandate="Délégué·es auprès de France Tiers-Lieux",
        description="Porter les positions adoptées par le réseau à l'assemblée nationale des "
        "tiers-lieux et en rendre compte à chaque réunion de gouvernance.",
    )  # fmt: skip
    statements = [
        "Je porterai la voix des lieux ruraux et rendrai compte à chaque réunion.",
        "Animatrice d'un lieu depuis six ans, je veux relier nos lieux aux autres régions.",
        "Je propose un compte rendu écrit après chaque rencontre nationale.",
    ]
    for person, statement in zip(people[:3], statements, strict=False):
        elections.stand(by=person, election=closed, statement=statement)
    elections.open_voting(by=coordinator, election=closed)
    standing = list(elections.standing(closed))
    for index, (place, user) in enumerate(managed):
        if index % 5 == 4:  # some places do not vote
            continue
        # The first two candidates lead: no tie for the second seat.
        second = standing[2] if index % 3 == 2 else standing[1]
        picks = [standing[0], second] if len(standing) > 2 else standing[:1]
        if place.pk in {p.pk for p in elections.places_that_may_vote(user=user, election=closed)}:
            elections.cast_ballot(by=user, election=closed, place=place, candidacies=picks)
    elections.close_election(by=coordinator, election=closed)

    current = elections.create_election(
        by=coordinator, network=network, seats=1, term_months=12,
        mandate="Délégué·e au comité régional de l'économie sociale et solidaire",
    )  # fmt: skip
    for person, statement in zip(people[-2:], statements[1:], strict=False):
        elections.stand(by=person, election=current, statement=statement)
    if elections.standing(current).exists():
        elections.open_voting(by=coordinator, election=current)
        first = list(elections.standing(current))[:1]
        for place, user in managed[: max(1, len(managed) // 4)]:
            if place.pk in {
                p.pk for p in elections.places_that_may_vote(user=user, election=current)
            }:
                elections.cast_ballot(by=user, election=current, place=place, candidacies=first)


def _national_election() -> None:
    """The national network's closed election, whose quorum is met: "Qui parle pour qui" has
    delegates in office. (The regional one misses its quorum on the real census: few of its
    member places have a manager's account, which shows that rule too.)"""
    network = Network.objects.filter(slug=NATIONAL_SLUG).first()
    coordinator = (
        User.objects.filter(
            network_roles__network=network, network_roles__role=NetworkRole.Role.COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    managed = _managed(network) if network is not None else []
    if network is None or coordinator is None or len(managed) < 2:
        return
    election = elections.create_election(
        by=coordinator, network=network, seats=1, term_months=24,
        mandate="Délégué·e auprès du ministère chargé de la cohésion des territoires",
        description="Porter les propositions adoptées par le réseau national au comité de suivi "
        "du programme Nouveaux lieux, nouveaux liens, et en rendre compte aux lieux.",
    )  # fmt: skip
    statements = [
        "Je rendrai compte par écrit de chaque comité, sous quinze jours, à tous les lieux.",
        "Je veux que les petits lieux ruraux soient entendus autant que les grands.",
    ]
    people = list(dict.fromkeys(user for _place, user in managed))
    for person, statement in zip(people[:2], statements, strict=False):
        elections.stand(by=person, election=election, statement=statement)
    elections.open_voting(by=coordinator, election=election)
    first = list(elections.standing(election))[:1]
    for place, user in managed:
        if place.pk in {p.pk for p in elections.places_that_may_vote(user=user, election=election)}:
            elections.cast_ballot(by=user, election=election, place=place, candidacies=first)
    elections.close_election(by=coordinator, election=election)


def delete_demo_governance() -> None:
    """The demo's governance rows and their ledger rows (demo only: real transfers are never
    deleted)."""
    from maillage.governance import models as m

    network = Network.objects.filter(slug=REGIONAL_SLUG).first()
    if network is None:
        return
    with transaction.atomic():
        payments = m.FeePayment.objects.filter(call__schedule__network=network)
        transfers = Transfer.objects.filter(
            cause_type=content_type_for(m.FeePayment), cause_id__in=payments.values("pk")
        )
        models.QuerySet.delete(transfers.filter(reverses__isnull=False))
        models.QuerySet.delete(transfers)
        used = set(Transfer.objects.values_list("debit_id", flat=True).order_by()) | set(
            Transfer.objects.values_list("credit_id", flat=True).order_by()
        )
        Account.objects.filter(network=network).exclude(pk__in=list(used)).delete()
        # The pool is shared with other demo money: its cached balance follows what is left.
        for account in Account.objects.filter(network=network):
            Account.objects.filter(pk=account.pk).update(balance_cents=balance(account))
        payments.delete()
        m.FeeCall.objects.filter(schedule__network=network).delete()
        FeeSchedule.objects.filter(network=network).delete()
        VolunteerEntry.objects.filter(network=network).delete()
        m.VolunteerRate.objects.filter(network=network).delete()
        spaces = DebateSpace.objects.filter(network=network)
        m.ConsultationAnswer.objects.filter(question__consultation__space__in=spaces).delete()
        m.Consultation.objects.filter(space__in=spaces).delete()
        proposals = Proposal.objects.filter(space__in=spaces)
        m.CharterVersion.objects.filter(network=network).delete()
        elections_ = m.Election.objects.filter(network__slug__in=[REGIONAL_SLUG, NATIONAL_SLUG])
        m.Ballot.objects.filter(election__in=elections_).delete()
        m.Candidacy.objects.filter(election__in=elections_).delete()
        elections_.delete()
        m.GovernanceDecision.objects.filter(proposal__in=proposals).delete()
        m.AgendaItem.objects.filter(proposal__in=proposals).delete()
        m.GovernanceMeeting.objects.filter(network=network).delete()
        comments = m.Comment.objects.filter(proposal__in=proposals)
        comments.filter(~Q(replies=None)).update(parent=None)
        m.Comment.objects.filter(proposal__in=proposals).update(parent=None)
        comments.delete()
        proposals.delete()
        spaces.delete()
        GovernanceRole.objects.filter(network=network).delete()
