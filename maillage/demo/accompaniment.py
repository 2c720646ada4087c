"""The demo's services and accompaniment (the `services` app): the regional network's catalogue
(a training with its session in the agenda, thematic support with the DLA, bid writing, shared
insurance), its cercle des accompagnements (the accompanist persona and two colleagues accepted,
one application to review), places that share their experience, support requests in every state
— several proposed to the accompanist, so he has work on first start; one closed after a peer
place's help, whose manager may declare it as volunteering —, a codev cycle and two
compagnonnages, one with a project holder."""

import datetime

from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.demo.selectors import DEMO_DOMAIN, REGIONAL_SLUG, demo_networks, demo_places
from maillage.networks.models import Network, NetworkRole
from maillage.places.models import Place, PlaceRole, PlaceStatus
from maillage.services import programmes, requests, services
from maillage.services.models import (
    Accompanist,
    Pairing,
    PeerGroup,
    PlaceFeatures,
    ProjectHolder,
    Proposal,
    Rating,
    Satisfaction,
    Service,
    SupportRequest,
)
from maillage.services.similar import refresh_features

EXPERIENCES = [
    (["modele-economique", "financement"], "Passés d'un modèle tout subvention à 60 % de recettes propres en trois ans."),
    (["gouvernance"], "SCIC depuis 2020 : nous racontons volontiers les statuts et le collège des usagers."),
    (["modele-economique", "immobilier"], "Bail emphytéotique avec la commune, travaux en chantiers participatifs."),
    (["animation", "communication"], "Une programmation tenue par les bénévoles, un café-rencontre chaque mois."),
    (["appels", "financement"], "Lauréat Fabrique de territoire : le dossier et le budget sont à partager."),
    (["numerique", "juridique"], "Conventions de mise à disposition et réservation en ligne."),
    (["modele-economique"], "Tarification solidaire du coworking et des salles, grille à partager."),
    (["gouvernance", "animation"], "Décision par consentement à trente bénévoles."),
]  # fmt: skip

REQUESTS = [
    # (topic, description, days ago, state)
    ("modele-economique", "Nos salles sont vides en semaine et notre café ne couvre pas ses charges : comment construire des recettes propres sans trahir notre projet ?", 2, "new"),
    ("gouvernance", "Nous passons en SCIC l'an prochain : comment organiser les collèges et la première assemblée ?", 4, "proposed"),
    ("modele-economique", "Nous devons présenter un budget prévisionnel à la région pour une demande d'investissement.", 6, "proposed"),
    ("financement", "Quels financements pour rénover la toiture de notre grange ?", 9, "proposed-old"),
    ("modele-economique", "Faut-il une tarification différente pour les associations et les entreprises ?", 20, "taken"),
    ("juridique", "Convention d'occupation avec la mairie : que faut-il vérifier ?", 60, "closed"),
    ("modele-economique", "Notre coworking se remplit mal : comment fixer des tarifs qui tiennent ?", 30, "closed-peer"),
    ("financement", "Trouver un mécène local pour notre fête de quartier : par où commencer ?", 45, "lapsed"),
]  # fmt: skip


# How the closed requests ended: what happened, the time spent (minutes).
CLOSINGS = {
    "closed": ("Convention relue avec la coopérative ; signée avec la mairie.", 240),
    "closed-peer": ("Deux visites du lieu pair et sa grille tarifaire adaptée.", 180),
}


def _network() -> Network | None:
    return Network.objects.filter(slug=REGIONAL_SLUG).first()


def _person(network: Network, role: str) -> User | None:
    return (
        User.objects.filter(network_roles__network=network, network_roles__role=role)
        .order_by("pk")
        .first()
    )


def load_demo_services(*, now: datetime.datetime | None = None) -> dict[str, str]:
    """Build once; return what the personas can try, by e-mail."""
    network = _network()
    if network is None or Service.objects.filter(network__in=demo_networks()).exists():
        return {}
    coordinator = _person(network, NetworkRole.Role.COORDINATOR)
    guide = _person(network, NetworkRole.Role.GUIDE)
    accompanist_user = _person(network, NetworkRole.Role.ACCOMPANIST)
    if coordinator is None or guide is None or accompanist_user is None:
        return {}
    now = now or timezone.now()
    today = timezone.localdate(now)
    managers = list(
        PlaceRole.objects.filter(place__in=demo_places(), role=PlaceRole.Role.MANAGER)
        .select_related("user", "place", "place__commune")
        .order_by("place__external_id", "user_id")
    )
    if len(managers) < 3:
        return {}
    with transaction.atomic():
        refresh_features(demo_places().values_list("pk", flat=True))
        profiles = _cercle(network, coordinator, accompanist_user, managers, now)
        catalogue = _catalogue(network, coordinator, profiles, now)
        _peers(managers, today)
        filed = _requests(network, guide, profiles[0], managers, now)
        _ratings(profiles[0], filed, managers)
        _programmes(network, coordinator, guide, managers, today, now)
        del catalogue
    return {
        accompanist_user.email: "Répondre aux demandes d'aide qui lui sont proposées "
        "(Mon espace → À faire) et tenir sa fiche du cercle.",
        guide.email: "Orienter les demandes d'aide (Menu → Demandes d'aide) : pairs d'abord.",
    }


def _cercle(
    network: Network,
    coordinator: User,
    accompanist_user: User,
    managers: list[PlaceRole],
    now: datetime.datetime,
) -> list[Accompanist]:
    colleagues = [
        User.objects.create_user(email=f"dla.somme@{DEMO_DOMAIN}", password=None, display_name="Inès (DLA Somme)"),
        User.objects.create_user(email=f"coop.juridique@{DEMO_DOMAIN}", password=None, display_name="Coop Statuts & Co"),
        User.objects.create_user(email=f"candidat.cercle@{DEMO_DOMAIN}", password=None, display_name="Hugo Conseil"),
    ]  # fmt: skip
    specs = [
        (accompanist_user, "Mathieu Accompagne", "consultant", ["modele-economique", "gouvernance", "financement"], ["59", "62", "80", "60", "02"], "Ancien gérant de tiers-lieu, j'accompagne les lieux sur leur modèle économique et leur gouvernance.", "Demi-journée 350 €, journée 600 € ; gratuit dans le cadre du DLA", 60000),
        (colleagues[0], "DLA de la Somme", "dla", ["modele-economique", "financement", "appels"], ["80"], "Le Dispositif local d'accompagnement finance un diagnostic et un accompagnement collectif.", "Gratuit pour les structures de l'ESS éligibles", None),
        (colleagues[1], "Coop Statuts & Co", "cooperative", ["juridique", "gouvernance"], ["59", "62"], "Coopérative de juristes : statuts associatifs, SCIC, conventions d'occupation.", "Forfait statuts 900 € ; journée 700 €", 70000),
        (colleagues[2], "Hugo Conseil", "consultant", ["numerique", "communication"], ["59"], "Stratégie numérique des lieux culturels.", "Journée 550 €", 55000),
    ]  # fmt: skip
    profiles = []
    for index, (user, name, kind, specialities, departments, bio, rates, day_rate) in enumerate(
        specs
    ):
        profile = services.apply_to_circle(
            by=user,
            network=network,
            data=services.AccompanistData(
                name=name,
                kind=kind,
                bio=bio,
                specialities=specialities,
                departments=_known_departments(departments, managers),
                formats=["individual", "collective", "on_site", "remote"][: 2 + index % 3],
                rates=rates,
                day_rate_cents=day_rate,
                availability="available" if index != 2 else "limited",
            ),
            ethics_signed=True,
        )
        if index < 3:
            services.decide_application(by=coordinator, profile=profile, accept=True)
        profiles.append(profile)
    for manager in managers[:2]:
        reference = services.add_reference(
            by=accompanist_user,
            profile=profiles[0],
            place=manager.place,
            what="Diagnostic du modèle économique et plan d'action à trois ans",
            year=now.year - 1,
        )
        if manager is managers[0]:
            services.answer_reference(reference=reference, consent=True)
    return profiles


def _known_departments(codes: list[str], managers: list[PlaceRole]) -> list[str]:
    """The codes the gazetteer knows (a small test gazetteer holds a few départements)."""
    from maillage.territory.models import Commune

    known = set(
        Commune.objects.filter(department_code__in=codes).values_list("department_code", flat=True)
    )
    kept = [code for code in codes if code in known]
    place_commune = managers[0].place.commune
    return kept or ([place_commune.department_code] if place_commune else [])


def _catalogue(
    network: Network, coordinator: User, profiles: list[Accompanist], now: datetime.datetime
) -> list[Service]:
    training = services.create_service(
        by=coordinator,
        network=network,
        data=services.ServiceData(
            kind="training",
            title="Construire le modèle économique de son tiers-lieu",
            summary="Deux jours pour poser ses activités, ses coûts et ses recettes, entre pairs.",
            topics=["modele-economique", "financement"],
            audience="members",
            conditions="Prise en charge possible par l'OPCO ; 12 personnes au plus.",
            price_member_cents=18000,
            price_other_cents=42000,
            delivered_by="team",
            capacity=24,
            how_to_ask="Inscrivez-vous à une session dans l'agenda ; écrivez-nous pour un financement.",
            objectives="Identifier les activités qui créent de la valeur ; construire un budget "
            "prévisionnel ; choisir une tarification juste.",
            prerequisites="Aucun ; venir avec les comptes du dernier exercice si le lieu est ouvert.",
            duration_hours=14,
            methods="Apports courts, études de cas de lieux du réseau, travail sur ses propres chiffres.",
            evaluation="Quiz de positionnement au début et à la fin ; plan d'action relu par la formatrice.",
            accessibility="Salle de plain-pied ; adaptations possibles : écrivez-nous avant la session.",
            certification_number="32 59 12345 59",
        ),
    )
    starts = (now + datetime.timedelta(days=21)).replace(hour=9, minute=0, second=0, microsecond=0)
    services.add_training_session(
        by=coordinator,
        service=training,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=8),
        capacity=12,
        online_url="",
    )
    dla = services.create_service(
        by=coordinator,
        network=network,
        data=services.ServiceData(
            kind="support",
            title="Accompagnement DLA : modèle économique",
            summary="Un diagnostic puis un accompagnement collectif, financés par le DLA.",
            topics=["modele-economique", "financement"],
            audience="members",
            price_member_cents=0,
            price_other_cents=0,
            delivered_by="professional",
            accompanist=profiles[1],
            capacity=8,
            how_to_ask="Déposez une demande d'aide sur le modèle économique : nous vous mettons en relation.",
        ),
    )
    bids = services.create_service(
        by=coordinator,
        network=network,
        data=services.ServiceData(
            kind="bids",
            title="Relecture de dossiers d'appels à projets",
            summary="L'équipe relit votre dossier une semaine avant l'échéance.",
            topics=["appels", "financement"],
            audience="anyone",
            price_member_cents=0,
            price_other_cents=15000,
            delivered_by="team",
            how_to_ask="Envoyez le dossier au moins dix jours avant l'échéance.",
        ),
    )
    insurance = services.create_service(
        by=coordinator,
        network=network,
        data=services.ServiceData(
            kind="insurance",
            title="Assurance multirisque mutualisée",
            summary="Un contrat négocié pour les lieux du réseau, activités de fabrication comprises.",
            topics=["juridique"],
            audience="members",
            price_member_cents=48000,
            delivered_by="team",
            how_to_ask="Demandez un devis à l'équipe.",
        ),
    )
    return [training, dla, bids, insurance]


def _peers(managers: list[PlaceRole], today: datetime.date) -> None:
    for index, role in enumerate(managers[: _experienced_count(managers)]):
        topics, note = EXPERIENCES[index]
        services.save_peer_profile(
            by=role.user,
            place=role.place,
            data=services.PeerProfileData(
                experiences=topics,
                experience_note=note,
                welcomes_holders=index % 2 == 0,
                mentor_available=index < 5,
                opened_year=today.year - 2 - index,
            ),
        )


def _experienced_count(managers: list[PlaceRole]) -> int:
    return min(len(EXPERIENCES), max(1, len(managers) // 2))


def _requests(
    network: Network,
    guide: User,
    accompanist: Accompanist,
    managers: list[PlaceRole],
    now: datetime.datetime,
) -> list[SupportRequest]:
    filed = []
    askers = managers[_experienced_count(managers) :] or managers[-1:]
    for index, (topic, description, days_ago, state) in enumerate(REQUESTS):
        asker = askers[index % len(askers)]
        request = requests.file_request(
            by=asker.user,
            data=requests.RequestData(topic=topic, description=description, place=asker.place),
        )
        # The demo's history: filed days ago, in the regional network.
        created = now - datetime.timedelta(days=days_ago)
        SupportRequest.objects.filter(pk=request.pk).update(network=network, created_at=created)
        request.refresh_from_db()
        filed.append(request)
        if state == "new":
            continue
        from maillage.services.ranking import ranked_helpers

        ranked = ranked_helpers(request, viewer=guide)
        keys = [c.key for c in ranked if c.kind in ("peer_place", "peer_person")][:1]
        keys += [
            c.key
            for c in ranked
            if c.accompanist is not None and c.accompanist.pk == accompanist.pk
        ]
        keys += [c.key for c in ranked if c.kind == "professional" and c.key not in keys][:1]
        keys += [c.key for c in ranked if c.kind == "service"][:1] if not keys else []
        if not keys:
            continue
        proposed = requests.propose(
            by=guide, request=request, keys=keys, today=timezone.localdate(created)
        )
        when = created + datetime.timedelta(days=1)
        Proposal.objects.filter(request=request).update(proposed_at=when, changed_at=when)
        SupportRequest.objects.filter(pk=request.pk).update(first_proposed_at=when)
        request.refresh_from_db()
        if state in ("taken", "closed", "closed-peer"):
            helper = next((p for p in proposed if p.accompanist_id == accompanist.pk), proposed[0])
            if state == "closed-peer":
                # A peer place took it on: its manager may declare that time as volunteering.
                helper = next((p for p in proposed if p.kind == "peer_place"), helper)
            helper.refresh_from_db()
            requests.answer(
                proposal=helper,
                status="taken",
                note="Je vous appelle cette semaine.",
                volunteer_minutes=150 if state == "closed-peer" else None,
            )
            Proposal.objects.filter(pk=helper.pk).update(
                changed_at=when + datetime.timedelta(days=2)
            )
            SupportRequest.objects.filter(pk=request.pk).update(
                first_taken_at=when + datetime.timedelta(days=2)
            )
            request.refresh_from_db()
        if state in CLOSINGS:
            note, minutes = CLOSINGS[state]
            requests.close(
                by=guide, request=request, outcome="solved", note=note, time_spent_minutes=minutes
            )
        if state == "closed":
            Satisfaction.objects.filter(request=request, after_days=30).update(
                sent_at=now - datetime.timedelta(days=25),
                contacted="yes",
                useful="yes",
                acted="partly",
                answered_at=now - datetime.timedelta(days=24),
            )
        if state == "lapsed":
            Proposal.objects.filter(request=request).update(
                status=Proposal.Status.LAPSED, changed_at=now - datetime.timedelta(days=5)
            )
            SupportRequest.objects.filter(pk=request.pk).update(
                status=SupportRequest.Status.LAPSED, closed_at=now - datetime.timedelta(days=5)
            )
    return filed


def _ratings(profile: Accompanist, filed: list[SupportRequest], managers: list[PlaceRole]) -> None:
    """Three past opinions, so the team sees the aggregate (never one by one)."""
    answers = [
        ("yes", "yes", "yes", "yes"),
        ("yes", "partly", "yes", "yes"),
        ("partly", "yes", "no", "yes"),
    ]
    for index, (understood, useful, frame_kept, recommend) in enumerate(answers):
        Rating.objects.create(
            accompanist=profile,
            by=managers[index % len(managers)].user,
            understood=understood,
            useful=useful,
            frame_kept=frame_kept,
            recommend=recommend,
            comment="Très à l'écoute." if index == 0 else "",
        )


def _programmes(
    network: Network,
    coordinator: User,
    guide: User,
    managers: list[PlaceRole],
    today: datetime.date,
    now: datetime.datetime,
) -> None:
    group = programmes.create_group(
        by=coordinator,
        network=network,
        name="Codév des gérant·es — printemps",
        audience="all",
        facilitator=guide,
    )
    seats: set[int] = set()
    everyone = managers + list(
        PlaceRole.objects.filter(place__in=demo_places(), role=PlaceRole.Role.MEMBER)
        .select_related("user", "place")
        .order_by("user_id")
    )
    for role in everyone:
        if role.place_id in seats or len(seats) >= 6:
            continue
        if group.members.filter(user=role.user).exists():
            continue
        programmes.add_member(by=coordinator, group=group, user=role.user, place=role.place)
        seats.add(role.place_id)
    if len(seats) >= programmes.GROUP_MIN:
        _codev_sessions(group, coordinator, guide, now)
    _pairings(network, coordinator, managers, today)


def _codev_sessions(
    group: PeerGroup, coordinator: User, guide: User, now: datetime.datetime
) -> None:
    first = (now - datetime.timedelta(days=14)).replace(hour=14, minute=0, second=0, microsecond=0)
    for week in (0, 4, 8):
        start = first + datetime.timedelta(weeks=week)
        programmes.schedule_session(
            by=coordinator,
            group=group,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=3),
        )
    session = group.sessions.get(number=1)
    client = group.members.select_related("user").first()
    programmes.record_session(
        by=guide,
        session=session,
        client=client.user if client else None,
        problem="Mon équipe bénévole s'épuise : comment partager la charge de l'accueil ?",
        steps=["exposition", "clarification", "contrat", "consultation", "plan", "apprentissages"],
        notes="Plan d'action : un planning partagé, un binôme d'accueil, un point mensuel.",
    )


def _pairings(
    network: Network, coordinator: User, managers: list[PlaceRole], today: datetime.date
) -> None:
    holder_user = User.objects.create_user(
        email=f"porteuse.projet@{DEMO_DOMAIN}",
        password=None,
        display_name="Lina (porteuse de projet)",
        commune=managers[0].place.commune,
    )
    holder = programmes.register_holder(
        by=holder_user,
        data=programmes.HolderData(
            project_name="La Grange partagée",
            stage="financing",
            commune=managers[0].place.commune,
            needs=["modele-economique", "immobilier", "financement"],
            description="Transformer une grange communale en atelier partagé et café de village.",
        ),
    )
    ProjectHolder.objects.filter(pk=holder.pk).update(network=network)
    mentors = [role.place for role in managers[:5]]
    mentors += mentors[:1] if len(mentors) < 2 else []
    newcomer: Place | None = (
        Place.objects.filter(pk__in=[r.place_id for r in managers], status=PlaceStatus.OPEN)
        .exclude(pk__in=[m.pk for m in mentors])
        .order_by("pk")
        .last()
    )
    first_pairing = programmes.create_pairing(
        by=coordinator,
        network=network,
        data=programmes.PairingData(
            mentor_place=mentors[0],
            mentee_place=newcomer,
            mentee_holder=None if newcomer else holder,
            goals="Stabiliser l'équipe d'accueil ; construire la grille tarifaire des salles.",
            starts_on=today - datetime.timedelta(days=60),
            ends_on=today + datetime.timedelta(days=120),
        ),
    )
    programmes.check_in(
        by=coordinator,
        pairing=first_pairing,
        happened_on=today - datetime.timedelta(days=30),
        note="Visite croisée des deux lieux ; la grille tarifaire est à relire le mois prochain.",
    )
    second = programmes.create_pairing(
        by=coordinator,
        network=network,
        data=programmes.PairingData(
            mentor_place=mentors[1],
            mentee_place=None,
            mentee_holder=holder,
            goals="Du montage financier à l'ouverture : plan de financement, bail, premiers usagers.",
            starts_on=today - datetime.timedelta(days=20),
            ends_on=today + datetime.timedelta(days=160),
        ),
    )
    programmes.check_in(
        by=coordinator,
        pairing=second,
        happened_on=today - datetime.timedelta(days=6),
        note="Relecture du plan de financement ; rendez-vous pris avec la commune.",
    )


def delete_demo_services() -> None:
    """Its rows protect the demo networks and places: delete them first."""
    networks = demo_networks()
    Pairing.objects.filter(network__in=networks).delete()
    PeerGroup.objects.filter(network__in=networks).delete()
    SupportRequest.objects.filter(network__in=networks).delete()
    ProjectHolder.objects.filter(network__in=networks).delete()
    Service.objects.filter(network__in=networks).delete()
    Accompanist.objects.filter(network__in=networks).delete()
    PlaceFeatures.objects.filter(place__in=demo_places()).delete()
