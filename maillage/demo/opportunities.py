"""The demo's board of opportunities: real past calls of the field (public information: names,
funders, years, amounts as announced), a few open calls so the board has work to offer, answers
in every state, and one consortium of several demo places preparing an answer together.

The past calls are closed; their waves' dates are given to the month as the funders announced
them (see their links). The open calls carry "(démo)" in their title.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.demo.selectors import NATIONAL_SLUG, REGIONAL_SLUG, demo_places
from maillage.networks.models import Network, NetworkRole
from maillage.opportunities import services
from maillage.opportunities.models import (
    Answer,
    Call,
    Feed,
    Follow,
    ImportRun,
    Partner,
    SavedSearch,
    Track,
)
from maillage.places.models import Place, PlaceRole

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
EUR = 100


@dataclass(frozen=True)
class PastCall:
    title: str
    kind: str
    funder: str
    deadline: datetime.date
    amount_max: int | None
    territory: str
    themes: tuple[str, ...]
    mode: str
    url: str
    summary: str
    eligible: tuple[str, ...] = ("association", "scic", "scop", "entreprise", "collectivite")
    rate: int | None = None
    network: str = NATIONAL_SLUG
    pieces: tuple[str, ...] = field(default=())


PAST = [
    PastCall(
        "AMI Fabriques de territoire (2019)",
        "ami",
        "Agence nationale de la cohésion des territoires (ANCT) — programme Nouveaux lieux, "
        "nouveaux liens",
        datetime.date(2019, 10, 31),
        150_000,
        "national",
        ("ruralite", "ess", "communs", "numerique"),
        "cooperative",
        "https://agence-cohesion-territoires.gouv.fr/nouveaux-lieux-nouveaux-liens-62",
        "Premier appel à manifestation d'intérêt du programme « Nouveaux lieux, nouveaux liens » "
        "(juillet 2019) : identifier des tiers-lieux existants, hors grandes métropoles, pour "
        "devenir des Fabriques de territoire. Soutien de l'État jusqu'à 50 000 € par an pendant "
        "trois ans. Première vague de sélection à l'automne 2019.",
        pieces=("Dossier de candidature", "Budget prévisionnel sur 3 ans", "Statuts"),
    ),
    PastCall(
        "AMI Fabriques de territoire (2021)",
        "ami",
        "Agence nationale de la cohésion des territoires (ANCT)",
        datetime.date(2021, 6, 30),
        150_000,
        "national",
        ("ruralite", "ess", "communs"),
        "cooperative",
        "https://agence-cohesion-territoires.gouv.fr/nouveaux-lieux-nouveaux-liens-62",
        "Nouvelle session de l'AMI Fabriques de territoire, avec des Fabriques numériques de "
        "territoire financées par France Relance. Jusqu'à 150 000 € sur trois ans.",
    ),
    PastCall(
        "AMI Manufactures de proximité (2022)",
        "ami",
        "Agence nationale de la cohésion des territoires (ANCT)",
        datetime.date(2022, 5, 31),
        250_000,
        "national",
        ("fabrication", "emploi", "ess"),
        "competitive",
        "https://agence-cohesion-territoires.gouv.fr/manufactures-de-proximite-700",
        "Soutenir des lieux de production partagés (ateliers, fablabs, manufactures) qui "
        "mutualisent machines et savoir-faire au service des artisans et entreprises locales. "
        "Lancé en février 2022 ; subvention d'investissement et de fonctionnement.",
    ),
    PastCall(
        "Appel à projets « Alimentation locale et solidaire » — France Relance (2021)",
        "aap",
        "Ministère de l'Agriculture et de l'Alimentation (DRAAF) — France Relance",
        datetime.date(2021, 3, 15),
        None,
        "national",
        ("alimentation", "sante", "ess"),
        "competitive",
        "https://agriculture.gouv.fr/france-relance",
        "Volet national et régional de France Relance pour l'accès de tous à une alimentation "
        "locale et de qualité : épiceries solidaires, cuisines partagées, circuits courts.",
        eligible=("association", "collectivite"),
    ),
    PastCall(
        "Appel à projets Tiers-lieux — Région Nouvelle-Aquitaine",
        "aap",
        "Région Nouvelle-Aquitaine",
        datetime.date(2022, 9, 30),
        200_000,
        "R75",
        ("ruralite", "emploi", "numerique"),
        "competitive",
        "https://les-aides.nouvelle-aquitaine.fr/",
        "Le dispositif régional qui accompagne la création et le développement des tiers-lieux "
        "(investissement et fonctionnement), sur le territoire de la région.",
        rate=50,
        network=REGIONAL_SLUG,
    ),
]


@dataclass(frozen=True)
class OpenCall:
    title: str
    kind: str
    funder: str
    days: int | None  # None: au fil de l'eau
    amount_min: int | None
    amount_max: int | None
    territory: str
    themes: tuple[str, ...]
    mode: str
    summary: str
    pieces: tuple[str, ...] = ()
    consortium: bool = True


OPEN = [
    OpenCall(
        "Appel à communs « Outils libres des tiers-lieux » (démo)",
        "communs",
        "France Tiers-Lieux (démo)",
        45,
        5_000,
        40_000,
        "national",
        ("communs", "numerique"),
        "cooperative",
        "Financer à plusieurs lieux la documentation et l'amélioration d'outils libres "
        "partagés ; les projets se construisent avec les autres candidats.",
        pieces=("Note d'intention", "Budget par partenaire", "Lettres d'engagement"),
    ),
    OpenCall(
        "Tiers-lieux nourriciers des Hauts-de-France (démo)",
        "aap",
        "Région Hauts-de-France (démo)",
        20,
        10_000,
        60_000,
        "R32",
        ("alimentation", "transition"),
        "competitive",
        "Cuisines partagées, jardins, épiceries : des tiers-lieux qui nourrissent leur "
        "territoire. Réponse en groupement possible.",
        pieces=(
            "Dossier de candidature",
            "Budget prévisionnel",
            "Lettres d'engagement des partenaires",
            "Statuts et dernier bilan",
        ),
    ),
    OpenCall(
        "Fonds d'amorçage fabrication numérique (démo)",
        "subvention",
        "Fondation pour les ateliers partagés (démo)",
        None,
        2_000,
        15_000,
        "national",
        ("fabrication", "jeunesse"),
        "competitive",
        "Équiper un atelier partagé (découpe laser, impression 3D) ; dossiers instruits au fil "
        "de l'eau dans la limite de l'enveloppe.",
        consortium=False,
    ),
    OpenCall(
        "Animation de la médiation numérique dans le département (démo)",
        "marche",
        "Conseil départemental (démo)",
        12,
        None,
        90_000,
        "DEP",
        ("numerique", "emploi"),
        "competitive",
        "Marché public en procédure adaptée : ateliers de médiation numérique dans les "
        "communes rurales du département.",
        pieces=("DC1", "DC2", "Mémoire technique", "Bordereau des prix"),
    ),
]


def _people() -> tuple[User, list[tuple[User, Place]]] | None:
    regional = Network.objects.filter(slug=REGIONAL_SLUG).first()
    if regional is None:
        return None
    coordinator = (
        User.objects.filter(
            network_roles__network=regional, network_roles__role=NetworkRole.Role.COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        return None
    managers = [
        (role.user, role.place)
        for role in PlaceRole.objects.filter(place__in=demo_places(), role=PlaceRole.Role.MANAGER)
        .select_related("user", "place", "place__commune")
        .order_by("place__external_id", "user_id")
    ]
    return coordinator, managers


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=PARIS)


def load_demo_opportunities(*, now: datetime.datetime | None = None) -> dict[str, str]:
    """Build the board once; return what the coordinator and a place's manager can try."""
    found = _people()
    networks = Network.objects.filter(slug__in=[NATIONAL_SLUG, REGIONAL_SLUG])
    if found is None or Call.objects.filter(network__in=networks).exists():
        return {}
    coordinator, managers = found
    if len(managers) < 4:
        return {}
    now = now or timezone.now()
    by_slug = {n.slug: n for n in networks}
    first = managers[0][1].commune
    department = first.department_code if first else "80"
    with transaction.atomic():
        past = []
        for spec in PAST:
            # Real regions, known even when the gazetteer holds a part of France only.
            scope = "national" if spec.territory == "national" else "local"
            regions = [spec.territory[1:]] if spec.territory.startswith("R") else []
            call = Call(
                title=spec.title,
                kind=spec.kind,
                funder=spec.funder,
                summary=spec.summary,
                amount_max_cents=spec.amount_max * EUR if spec.amount_max else None,
                cofunding_rate=spec.rate,
                deadline=_aware(spec.deadline),
                scope=scope,
                region_codes=regions,
                themes=list(spec.themes),
                eligible=list(spec.eligible),
                mode=spec.mode,
                url=spec.url,
                required_pieces=list(spec.pieces),
                network=by_slug[spec.network],
                created_by=coordinator,
                published_at=_aware(spec.deadline) - datetime.timedelta(days=90),
                created_at=_aware(spec.deadline) - datetime.timedelta(days=90),
            )
            services.check_call(call, new=False)
            call.slug = services._unique_slug(call.title)
            call.save()
            past.append(call)
        open_calls = []
        for open_spec in OPEN:
            data = services.CallData(
                title=open_spec.title,
                kind=open_spec.kind,
                funder=open_spec.funder,
                summary=open_spec.summary,
                amount_min_cents=open_spec.amount_min * EUR if open_spec.amount_min else None,
                amount_max_cents=open_spec.amount_max * EUR if open_spec.amount_max else None,
                deadline=None
                if open_spec.days is None
                else _aware(timezone.localdate(now) + datetime.timedelta(days=open_spec.days)),
                rolling=open_spec.days is None,
                limited_envelope=open_spec.days is None,
                # "DEP": the department of the first demo place, wherever the demo is.
                territory=open_spec.territory.replace("DEP", department),
                themes=list(open_spec.themes),
                eligible=["association", "scic", "scop"],
                consortium_allowed=open_spec.consortium,
                mode=open_spec.mode,
                required_pieces=list(open_spec.pieces),
                network=by_slug[REGIONAL_SLUG],
            )
            open_calls.append(services.create_call(by=coordinator, data=data, now=now))
        # A member's proposal waiting for moderation.
        member, _place = managers[-1]
        services.create_call(
            by=member,
            data=services.CallData(
                title="Prix de l'initiative solidaire locale (démo)",
                kind="prix",
                funder="Fondation régionale (démo)",
                deadline=_aware(timezone.localdate(now) + datetime.timedelta(days=60)),
                territory="R32",
                themes=["ess", "sante"],
                mode="competitive",
                network=by_slug[REGIONAL_SLUG],
            ),
            now=now,
        )
        _answers(past=past, open_calls=open_calls, managers=managers, coordinator=coordinator)
        lead_manager = managers[0][0]
        SavedSearch.objects.create(
            user=lead_manager,
            name="Alimentation dans les Hauts-de-France",
            themes=["alimentation"],
            region_codes=["32"],
            frequency=SavedSearch.Frequency.WEEKLY,
        )
        Follow.objects.get_or_create(user=lead_manager, call=open_calls[1])
    return {
        coordinator.email: "Le tableau des appels (Appels à projets) : modérer la proposition, "
        "importer un flux, suivre le tableau de bord ; enregistrer dans le budget d'un cercle "
        "les 60 000 € obtenus à l'appel Tiers-lieux de la Région (Réponses aux appels).",
        lead_manager.email: "Répondre à « Tiers-lieux nourriciers » en groupement : la réponse "
        "est ouverte, répartissez le budget entre partenaires.",
    }


def _answers(
    *,
    past: list[Call],
    open_calls: list[Call],
    managers: list[tuple[User, Place]],
    coordinator: User,
) -> None:
    """Answers in every state; one consortium of three demo places in preparation."""
    (lead_user, lead), (second_user, second), (third_user, third) = managers[:3]
    fourth_user, fourth = managers[3]
    # The consortium preparing an answer to the open regional call.
    answer = services.open_answer(
        call=open_calls[1],
        by=lead_user,
        lead_place=lead,
        title=f"Cuisine partagée et jardins — {lead.commune.name if lead.commune else lead.name}",
    )
    for user, place, role in (
        (second_user, second, "cocontractor"),
        (third_user, third, "subcontractor"),
    ):
        if place.pk == lead.pk:
            continue
        partner = services.invite_partner(answer=answer, by=lead_user, place=place, role=role)
        services.answer_invitation(partner=partner, by=user, accept=True)
    if fourth.pk not in {lead.pk, second.pk, third.pk}:
        services.invite_partner(answer=answer, by=lead_user, place=fourth, role="subcontractor")
    shares = {}
    for index, partner in enumerate(answer.partners.exclude(status=Partner.Status.DECLINED)):
        shares[partner.pk] = (30_000, 15_000, 5_000, 2_000)[index % 4] * EUR
    services.split_budget(answer=answer, by=lead_user, shares=shares)
    services.add_work_package(
        answer=answer,
        by=lead_user,
        title="Cuisine partagée",
        description="Aménagement, formations hygiène, planning d'usage.",
    )
    services.add_link(
        answer=answer, by=lead_user, label="Dossier partagé", url="https://cloud.example.org/s/demo"
    )
    # History: answers to the past calls, in every state.
    history = [
        (past[0], lead, lead_user, Answer.Status.WON, 150_000 * EUR),
        (past[1], second, second_user, Answer.Status.REFUSED, None),
        (past[2], third, third_user, Answer.Status.SUBMITTED, None),
        (past[3], lead, lead_user, Answer.Status.DROPPED, None),
        # Won on the regional network: its coordinator records the money in a circle's budget.
        (past[4], second, second_user, Answer.Status.WON, 60_000 * EUR),
    ]
    for call, place, user, status, won in history:
        deadline = call.deadline or timezone.now()
        past_answer = Answer.objects.create(
            call=call,
            title=f"{place.name} — {call.title}"[:200],
            network=call.network,
            status=status,
            amount_won_cents=won,
            created_by=user,
            created_at=deadline - datetime.timedelta(days=40),
            submitted_at=deadline - datetime.timedelta(days=1)
            if status != Answer.Status.DROPPED
            else None,
            decided_at=deadline + datetime.timedelta(days=60)
            if status in (Answer.Status.WON, Answer.Status.REFUSED)
            else None,
        )
        Partner.objects.create(
            answer=past_answer,
            place=place,
            role=Partner.Role.LEAD,
            status=Partner.Status.ACCEPTED,
            budget_cents=won or 0,
            invited_by=user,
        )
        steps = [
            ("interested", deadline - datetime.timedelta(days=60)),
            ("preparing", deadline - datetime.timedelta(days=40)),
        ]
        if status != Answer.Status.DROPPED:
            steps.append(("submitted", deadline - datetime.timedelta(days=1)))
        if status == Answer.Status.WON:
            steps += [
                ("won", deadline + datetime.timedelta(days=60)),
                ("paid", deadline + datetime.timedelta(days=120)),
            ]
        if status == Answer.Status.REFUSED:
            steps.append(("refused", deadline + datetime.timedelta(days=60)))
        Track.objects.create(
            place=place,
            call=call,
            step=steps[-1][0],
            history=[[s, d.astimezone(PARIS).date().isoformat()] for s, d in steps],
            amount_won_cents=won,
        )
    # A place looks for partners on the open call for commons.
    services.look_for_partners(
        place=fourth,
        call=open_calls[0],
        by=fourth_user,
        note="Nous cherchons deux lieux qui utilisent un logiciel libre de réservation.",
    )


def delete_demo_opportunities() -> None:
    """Its calls protect the demo networks: delete them (and what hangs on them) first."""
    networks = Network.objects.filter(slug__in=[NATIONAL_SLUG, REGIONAL_SLUG])
    Partner.objects.filter(answer__network__in=networks).delete()
    Answer.objects.filter(network__in=networks).delete()
    Call.objects.filter(network__in=networks).delete()
    Feed.objects.filter(network__in=networks).delete()
    ImportRun.objects.filter(network__in=networks).delete()
