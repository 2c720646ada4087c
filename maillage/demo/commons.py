"""The demo's commons catalogue: real, publicly documented commons of the field (names, licences
and links as their projects publish them), used by demo places, with people to call — and one
with nobody to call, so the guide sees the gap."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.commons import services as commons_services
from maillage.commons.models import Commons
from maillage.demo.selectors import REGIONAL_SLUG, demo_networks, demo_places
from maillage.networks.models import Network, NetworkRole
from maillage.places.models import Place, PlaceRole


@dataclass(frozen=True)
class Spec:
    name: str
    summary: str
    nature: str
    licence: str
    actions: tuple[str, ...]
    domains: tuple[str, ...]
    website: str
    source: str = ""
    how_to_start: str = ""


COMMONS = [
    Spec(
        "Movilab",
        "Le wiki où les tiers-lieux documentent leurs pratiques, leurs modèles et leurs communs.",
        "community",
        "CC-BY-SA-4.0",
        ("documenter", "animer"),
        ("connaissances",),
        "https://movilab.org",
        how_to_start="Créez un compte, puis une page pour votre lieu ; reprenez la trame d'une "
        "page existante. Comptez une demi-journée pour la première page.",
    ),
    Spec(
        "Fab-manager",
        "Gestion d'un fablab : réservation des machines, formations, abonnements et facturation.",
        "tool",
        "AGPL-3.0",
        ("gerer", "travailler"),
        ("reservation", "fabrication"),
        "https://www.fab-manager.com",
        "https://github.com/sleede/fab-manager",
        how_to_start="Une instance hébergée ou installée sur un serveur (Docker). Comptez deux à "
        "trois semaines pour paramétrer machines, formations et tarifs.",
    ),
    Spec(
        "GoGoCarto",
        "Cartes collaboratives de structures et d'initiatives, avec formulaires et modération.",
        "tool",
        "AGPL-3.0",
        ("documenter", "animer"),
        ("cartographie",),
        "https://gogocarto.fr",
    ),
    Spec(
        "Decidim",
        "Plateforme de participation : assemblées, propositions, débats, budgets participatifs.",
        "tool",
        "AGPL-3.0",
        ("gerer", "animer"),
        ("gouvernance",),
        "https://decidim.org",
        "https://github.com/decidim/decidim",
    ),
    Spec(
        "Cobudget",
        "Budgets contributifs : les membres répartissent ensemble une enveloppe entre projets.",
        "tool",
        "AGPL-3.0",
        ("gerer", "developper"),
        ("gouvernance", "economie"),
        "https://cobudget.com",
        "https://github.com/cobudget/cobudget",
    ),
    Spec(
        "Paheko",
        "Gestion d'association : adhérents, cotisations, comptabilité en partie double.",
        "tool",
        "AGPL-3.0",
        ("gerer",),
        ("comptabilite",),
        "https://paheko.cloud",
        how_to_start="Ouvrez un essai hébergé, importez vos adhérents depuis un tableur, puis "
        "saisissez un mois de comptes avec quelqu'un qui connaît l'outil.",
    ),
    Spec(
        "Dolibarr",
        "Progiciel de gestion : devis, factures, stocks, tiers et comptabilité.",
        "tool",
        "GPL-3.0-or-later",
        ("gerer", "developper"),
        ("comptabilite",),
        "https://www.dolibarr.org",
        "https://github.com/Dolibarr/dolibarr",
    ),
    Spec(
        "Nextcloud",
        "Fichiers, agendas et contacts partagés, hébergés par le lieu ou un chaton.",
        "tool",
        "AGPL-3.0",
        ("travailler", "gerer"),
        ("collaboration",),
        "https://nextcloud.com",
        "https://github.com/nextcloud/server",
    ),
    Spec(
        "Mobilizon",
        "Publier et partager des événements hors des grandes plateformes.",
        "tool",
        "AGPL-3.0",
        ("animer",),
        ("evenements", "communication"),
        "https://joinmobilizon.org",
        "https://framagit.org/framasoft/mobilizon",
    ),
    Spec(
        "Original Prusa i3",
        "Les plans ouverts d'une imprimante 3D répandue dans les fablabs.",
        "hardware",
        "GPL-3.0",
        ("travailler",),
        ("fabrication",),
        "https://www.prusa3d.com",
        "https://github.com/prusa3d/Original-Prusa-i3",
    ),
    Spec(
        "OpenStreetMap",
        "La carte libre du monde : y inscrire son lieu le rend trouvable partout.",
        "community",
        "ODbL-1.0",
        ("documenter",),
        ("cartographie",),
        "https://www.openstreetmap.org",
    ),
    Spec(
        "Sociocratie 3.0",
        "Des patrons pour s'organiser et décider ensemble, à adopter un par un.",
        "method",
        "CC-BY-SA-4.0",
        ("gerer", "animer"),
        ("gouvernance",),
        "https://sociocracy30.org",
    ),
]
# (commons, what they help with) for the first managers of demo places and the guide.
HELPERS = [
    ("Paheko", "Passer d'un tableur à Paheko, paramétrer les cotisations"),
    ("Fab-manager", "Installer et paramétrer l'outil, former l'équipe d'accueil"),
    ("Nextcloud", "Choisir un hébergeur, organiser les dossiers partagés"),
    ("Movilab", "Écrire la première page de votre lieu"),
    ("Decidim", "Lancer une première concertation"),
    ("Sociocratie 3.0", "Animer une première élection sans candidat"),
]
USED_BY = {
    "Nextcloud": 5,
    "Paheko": 4,
    "Movilab": 6,
    "Fab-manager": 2,
    "Original Prusa i3": 3,
    "Mobilizon": 1,
}


def _people() -> tuple[Network, User, list[tuple[User, Place]]] | None:
    network = Network.objects.filter(slug=REGIONAL_SLUG).first()
    if network is None:
        return None
    guide = (
        User.objects.filter(
            network_roles__network=network, network_roles__role=NetworkRole.Role.GUIDE
        )
        .order_by("pk")
        .first()
    )
    if guide is None:
        return None
    managers = [
        (role.user, role.place)
        for role in PlaceRole.objects.filter(place__in=demo_places(), role=PlaceRole.Role.MANAGER)
        .select_related("user", "place")
        .order_by("place__external_id", "user_id")
    ]
    return network, guide, managers


def load_demo_commons(*, now: datetime.datetime | None = None) -> dict[str, str]:
    """Build the demo catalogue once; return what the guide can try, by e-mail."""
    found = _people()
    if found is None or Commons.objects.filter(network__in=demo_networks()).exists():
        return {}
    network, guide, managers = found
    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        entries = {}
        for spec in COMMONS:
            commons = commons_services.create_commons(
                by=guide,
                data=commons_services.CommonsData(
                    name=spec.name,
                    summary=spec.summary,
                    nature=spec.nature,
                    licence=spec.licence,
                    actions=list(spec.actions),
                    domains=list(spec.domains),
                    website=spec.website,
                    how_to_start=spec.how_to_start,
                    network=network,
                ),
            )
            if spec.source:
                commons_services.add_link(commons=commons, by=guide, kind="source", url=spec.source)
            entries[spec.name] = commons
        for index, (name, helps_with) in enumerate(HELPERS):
            person = managers[index % len(managers)][0] if managers else guide
            commons_services.offer_help(commons=entries[name], by=person, helps_with=helps_with)
        commons_services.offer_help(
            commons=entries["Movilab"], by=guide, helps_with="Vous orienter vers les bonnes pages"
        )
        cursor = 0
        for name, count in USED_BY.items():
            for manager, place in managers[cursor : cursor + count]:
                commons_services.declare_usage(
                    commons=entries[name],
                    place=place,
                    by=manager,
                    since=today.replace(day=1) - datetime.timedelta(days=365 + 30 * cursor),
                    testimonial=""
                    if cursor % 2
                    else "Adopté en quelques semaines, avec l'aide "
                    "d'un lieu voisin qui l'utilisait déjà.",
                )
            cursor += count
        if managers:
            manager, place = managers[0]
            commons_services.log_contribution(
                commons=entries["Movilab"],
                by=manager,
                kind="documentation",
                summary="Page du lieu et retour d'expérience sur l'accueil des coworkers",
                happened_on=today - datetime.timedelta(days=40),
                place=place,
            )
            commons_services.log_contribution(
                commons=entries["Paheko"],
                by=manager,
                kind="feedback",
                summary="Modèle de plan comptable pour un tiers-lieu associatif",
                happened_on=today - datetime.timedelta(days=12),
            )
        _requests(network=network, guide=guide, entries=entries, managers=managers, today=today)
        _grids_and_questions(network=network, guide=guide, entries=entries, managers=managers)
        _priority_needs(network=network, managers=managers)
    return {
        guide.email: "Traiter la file d'aiguillage (Communs → File d'aiguillage) et enrichir le "
        "catalogue : GoGoCarto n'a encore personne à appeler."
    }


# (need, maturity, domain, requester e-mail or None for a member, days ago, state)
REQUESTS = [
    ("Nous ouvrons un café associatif et cherchons comment tenir nos comptes et nos adhésions "
     "sans y passer nos soirées.", "project", "comptabilite", "lina.porteuse@example.net", 3, "new"),
    ("Notre fablab veut ouvrir la réservation des machines en ligne, avec les formations "
     "obligatoires avant la découpeuse laser.", "young", "reservation", None, 12, "new"),
    ("Comment décider à trente bénévoles sans réunions interminables ?", "young", "gouvernance",
     "collectif.grange@example.net", 35, "new"),
    ("Mettre nos événements en ligne ailleurs que sur les réseaux sociaux.", "established",
     "evenements", None, 5, "claimed"),
    ("Partager nos documents entre trois lieux du même collectif.", "established",
     "collaboration", "coop.trois.lieux@example.net", 45, "answered"),
    ("Nous voulons une comptabilité propre avant notre première subvention.", "young",
     "comptabilite", None, 100, "answered-late"),
]  # fmt: skip


def _requests(
    *,
    network: Network,
    guide: User,
    entries: dict[str, Commons],
    managers: list[tuple[User, Place]],
    today: datetime.date,
) -> None:
    """Requests in every state: new (one waiting 12 days, one 35), claimed, answered with a
    check-in answered and another not, and an introduction waiting for a person's consent."""
    from maillage.commons import orientation
    from maillage.commons.models import Contact, FollowUp, OrientationRequest, Suggestion

    members = list(
        PlaceRole.objects.filter(place__in=demo_places(), role=PlaceRole.Role.MEMBER)
        .select_related("user", "place")
        .order_by("user_id")
    )
    now = timezone.now()
    for index, (need, maturity, domain, address, days_ago, state) in enumerate(REQUESTS):
        member = members[index % len(members)] if members else None
        commune = member.place.commune if member else None
        requester = None if address or member is None else member.user
        email = address or ("" if requester else "porteur.de.projet@example.net")
        request = orientation.file_request(
            by=requester,
            data=orientation.RequestData(
                need=need,
                maturity=maturity,
                domain=domain,
                commune=commune,
                email=email or "",
                name="" if requester else email.split("@")[0].replace(".", " ").title(),
            ),
        )
        if request.status == OrientationRequest.Status.UNVERIFIED:
            orientation.confirm_request(token=request.token)
        # The demo's history: these requests were filed days ago.
        created = now - datetime.timedelta(days=days_ago)
        OrientationRequest.objects.filter(pk=request.pk).update(network=network, created_at=created)
        request.refresh_from_db()
        if state == "claimed":
            orientation.claim(request=request, by=guide)
        elif state.startswith("answered"):
            ranked_commons = [entries[name] for name in ("Nextcloud", "Paheko") if name in entries]
            chosen = ranked_commons[:1] if state == "answered" else ranked_commons[1:]
            contacts = list(Contact.objects.filter(commons__in=chosen)[:1])
            answered_on = today - datetime.timedelta(days=days_ago - 2)
            orientation.answer(
                request=request,
                by=guide,
                message="Voici des pistes, et quelqu'un qui s'en sert près de chez vous.",
                commons_ids=[c.pk for c in chosen],
                contact_ids=[c.pk for c in contacts],
                place_ids=[],
                today=answered_on,
            )
            OrientationRequest.objects.filter(pk=request.pk).update(
                answered_at=now - datetime.timedelta(days=days_ago - 2)
            )
            suggestions = list(Suggestion.objects.filter(request=request))
            for suggestion in suggestions:
                # The requester said yes to everything: a person's consent is what waits.
                orientation.decide(suggestion=suggestion, accept=True)
            for follow_up in FollowUp.objects.filter(request=request, due_on__lte=today):
                answered = state == "answered-late" and follow_up.after_days == 30
                FollowUp.objects.filter(pk=follow_up.pk).update(
                    sent_at=now - datetime.timedelta(days=(today - follow_up.due_on).days),
                    answer=FollowUp.Answer.PARTLY if answered else "",
                    answered_at=now if answered else None,
                )


GRIDS = {
    "tool": """Temps d'appropriation : moins d'un jour | une semaine | un mois | plus
Complexité : à la portée de tous | un·e référent·e à l'aise | un·e informaticien·ne
Accompagnement disponible : près de chez vous | à distance | aucun
Coût : gratuit | abonnement modeste | onéreux
Documentation : complète en français | partielle | rare ou en anglais
Gouvernance : ouverte aux contributions | éditeur à l'écoute | fermée""",
    "community": """Temps d'appropriation : une heure | une journée | plusieurs semaines
Accueil des nouveaux : guide et parrainage | page d'accueil | rien
Activité : quotidienne | mensuelle | rare""",
}
QUALIFIED = {"Paheko": (1, 0, 0, 1, 0, 1), "Nextcloud": (1, 1, 1, 0, 1, 0), "Decidim": (2, 2, 1, 0, 1, 0), "Movilab": (0, 1, 0)}  # fmt: skip
QUESTIONS = [
    (
        "comptabilite",
        "Faut-il un logiciel pour tenir les comptes d'un tiers-lieu associatif ?",
        "Un tableur suffit la première année. Au-delà d'une cinquantaine d'adhérents ou dès une "
        "subvention à justifier, un logiciel de comptabilité associative fait gagner des soirées "
        "et rassure les financeurs.",
        ["Paheko", "Dolibarr"],
    ),
    (
        "gouvernance",
        "Comment décider à beaucoup sans réunions interminables ?",
        "Commencez par clarifier qui décide de quoi, puis essayez la décision par consentement "
        "sur un sujet réel. Un outil en ligne aide quand le collectif dépasse la salle.",
        ["Sociocratie 3.0", "Decidim", "Cobudget"],
    ),
    (
        "collaboration",
        "Où ranger les documents partagés entre plusieurs lieux ?",
        "Un espace de fichiers partagé hébergé par un chaton ou un lieu du réseau évite de "
        "dépendre d'un compte personnel ; décidez d'abord de l'arborescence ensemble.",
        ["Nextcloud"],
    ),
]


def _grids_and_questions(
    *,
    network: Network,
    guide: User,
    entries: dict[str, Commons],
    managers: list[tuple[User, Place]],
) -> None:
    from maillage.commons import qualification
    from maillage.commons.models import Contact

    coordinator = (
        User.objects.filter(network_roles__network=network, network_roles__role="coordinator")
        .order_by("pk")
        .first()
    )
    grids = {
        nature: qualification.create_grid(
            network=network, by=guide, nature=nature, criteria_text=text
        )
        for nature, text in GRIDS.items()
    }
    for name, levels in QUALIFIED.items():
        commons = entries[name]
        grid = grids[commons.nature]
        answers = {c.pk: level for c, level in zip(grid.criteria.all(), levels, strict=True)}
        qualification.qualify(commons=commons, by=guide, answers=answers, note="")
        if coordinator is not None and name == "Paheko":
            # A second reading, side by side: the coordinator finds it a little harder.
            harder = {pk: min(level + 1, 2) for pk, level in answers.items()}
            qualification.qualify(
                commons=commons,
                by=coordinator,
                answers=harder,
                note="Prévoir une demi-journée avec quelqu'un qui connaît la comptabilité.",
            )
    for domain, question, answer, names in QUESTIONS:
        chosen = [entries[name] for name in names]
        qualification.save_question(
            by=guide,
            data=qualification.QuestionData(
                network=network,
                domain=domain,
                question=question,
                answer=answer,
                commons=chosen,
                contacts=list(Contact.objects.filter(commons__in=chosen)[:2]),
                places=[place for _manager, place in managers[:1]],
            ),
        )


# (need, domain, how many other places support it): what the next call for commons should hear.
PRIORITY_NEEDS = [
    ("Suivre adhésions et cotisations sans tableur partagé", "comptabilite", 3),
    ("Un modèle de convention d'occupation temporaire avec la commune", "gouvernance", 2),
    ("Réserver les machines avec les habilitations de chaque personne", "reservation", 1),
    ("Mesurer ce que le lieu apporte au territoire, pour les financeurs", "economie", 0),
]


def _priority_needs(*, network: Network, managers: list[tuple[User, Place]]) -> None:
    """Places of the network post their priority needs; other member places support them.
    The first manager (the demo login) is left without a need, to post one herself."""
    from maillage.commons import needs
    from maillage.commons.need_selectors import networks_of_place

    members = [
        (manager, place)
        for manager, place in managers[1:]
        if network.pk in {n.pk for n in networks_of_place(place=place)}
    ]
    if len(members) < 2:
        return
    for index, (title, domain, supports) in enumerate(PRIORITY_NEEDS):
        manager, place = members[index % len(members)]
        need = needs.post_need(
            place=place,
            network=network,
            data=needs.NeedData(title=title, domain=domain),
            by=manager,
        )
        others = [(m, p) for m, p in members if p.pk != place.pk]
        for supporter, supporting in others[:supports]:
            needs.support_need(need=need, place=supporting, by=supporter)


def delete_demo_commons() -> None:
    """The catalogue's entries and requests protect their network: delete them first."""
    from maillage.commons.models import (
        Grid,
        OrientationRequest,
        PriorityNeed,
        Qualification,
        Question,
    )

    networks = demo_networks()
    PriorityNeed.objects.filter(network__in=networks).delete()
    OrientationRequest.objects.filter(network__in=networks).delete()
    Question.objects.filter(network__in=networks).delete()
    Qualification.objects.filter(grid__network__in=networks).delete()
    Grid.objects.filter(network__in=networks).delete()
    Commons.objects.filter(network__in=networks).delete()
