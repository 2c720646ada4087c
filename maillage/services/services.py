"""Writes of the catalogue and of the cercle des accompagnements: services and their training
sessions (events of the agenda, created through `events.services`), professionals' applications
reviewed by the network, references shown with the place's consent, ratings after an
accompaniment, and what a place offers its peers."""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.events import services as events_services
from maillage.lib.inputs import UNSET, Input, _Unset
from maillage.lib.refusals import Refusal
from maillage.lib.urls import absolute_url
from maillage.networks.models import Network
from maillage.notifications.mail import Mail, send_emails
from maillage.notifications.services import mark_handled, notify
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place, place_managers
from maillage.services import selectors
from maillage.services.models import (
    FORMATS,
    Accompanist,
    DeliveredBy,
    PeerProfile,
    PlaceExperience,
    Rating,
    Reference,
    Service,
    ServiceKind,
    ServiceSession,
    SupportRequest,
    Topic,
)
from maillage.services.similar import refresh_features


class ServicesError(Refusal):
    pass


class NotAllowed(ServicesError):
    status = 403


class Conflict(ServicesError):
    status = 409


RESERVED_SLUGS = {"nouveau", "nouvelle"}


def _require_team(by: User, network: Network | int) -> None:
    if not selectors.is_team(user=by, network=network):
        raise NotAllowed(_("Seule l'équipe du réseau peut faire cela."))


def _topics(values: list[str], *, field: str) -> list[str]:
    unknown = [v for v in values if v not in Topic.values]
    if unknown:
        raise ServicesError(_("Thème inconnu : %(v)s.") % {"v": ", ".join(unknown)}, field=field)
    return list(dict.fromkeys(values))


# --- catalogue ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ServiceData(Input):
    kind: str | _Unset = UNSET
    title: str | _Unset = UNSET
    summary: str | _Unset = UNSET
    description: str | _Unset = UNSET
    topics: list[str] | _Unset = UNSET
    audience: str | _Unset = UNSET
    conditions: str | _Unset = UNSET
    price_member_cents: int | _Unset | None = UNSET
    price_other_cents: int | _Unset | None = UNSET
    delivered_by: str | _Unset = UNSET
    accompanist: Accompanist | _Unset | None = UNSET
    place: Place | _Unset | None = UNSET
    capacity: int | _Unset | None = UNSET
    how_to_ask: str | _Unset = UNSET
    objectives: str | _Unset = UNSET
    prerequisites: str | _Unset = UNSET
    duration_hours: int | _Unset | None = UNSET
    methods: str | _Unset = UNSET
    evaluation: str | _Unset = UNSET
    accessibility: str | _Unset = UNSET
    certification_number: str | _Unset = UNSET
    is_published: bool | _Unset = UNSET


TRAINING_FIELDS = {
    "objectives": _("Une formation publie ses objectifs pédagogiques."),
    "prerequisites": _("Une formation publie ses prérequis (« aucun » est une réponse)."),
    "duration_hours": _("Une formation publie sa durée en heures."),
    "methods": _("Une formation publie ses méthodes pédagogiques."),
    "evaluation": _("Une formation publie ses modalités d'évaluation."),
    "accessibility": _("Une formation publie ses conditions d'accessibilité."),
    "certification_number": _("Une formation publie le numéro de déclaration d'activité."),
}


def _check_service(service: Service) -> None:
    if not service.title.strip():
        raise ServicesError(_("Donnez un intitulé au service."), field="title")
    if not service.summary.strip():
        raise ServicesError(_("Résumez le service en une phrase."), field="summary")
    if service.kind not in ServiceKind.values:
        raise ServicesError(_("Choisissez la nature du service."), field="kind")
    if not service.how_to_ask.strip():
        raise ServicesError(_("Dites comment demander ce service."), field="how_to_ask")
    service.topics = _topics(service.topics or [], field="topics")
    if service.kind == ServiceKind.TRAINING:
        for name, message in TRAINING_FIELDS.items():
            value = getattr(service, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise ServicesError(message, field=name)
    if service.delivered_by == DeliveredBy.PROFESSIONAL:
        if service.accompanist is None:
            raise ServicesError(
                _("Choisissez le ou la professionnel·le qui assure ce service."),
                field="accompanist",
            )
        if (
            service.accompanist.status != Accompanist.Status.ACCEPTED
            or service.accompanist.network_id != service.network_id
        ):
            raise ServicesError(
                _("Seul·e un·e membre accepté·e du cercle de ce réseau peut assurer ce service."),
                field="accompanist",
            )
    if service.delivered_by == DeliveredBy.PLACE and service.place is None:
        raise ServicesError(_("Choisissez le lieu qui assure ce service."), field="place")


def _unique_slug(title: str, exclude: int | None = None) -> str:
    base = slugify(title)[:150] or "service"
    if base in RESERVED_SLUGS:
        base += "-1"
    slug, n = base, 2
    others = Service.objects.exclude(pk=exclude) if exclude is not None else Service.objects.all()
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_service(*, by: User, network: Network, data: ServiceData) -> Service:
    _require_team(by, network)
    service = Service(network=network, created_by=by)
    data.assign_to(service)
    _check_service(service)
    service.slug = _unique_slug(service.title)
    service.save()
    return service


def update_service(*, by: User, service: Service, data: ServiceData) -> Service:
    _require_team(by, service.network_id)
    data.assign_to(service)
    _check_service(service)
    service.save()
    return service


def add_training_session(
    *,
    by: User,
    service: Service,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    capacity: int | None,
    venue: Place | None = None,
    online_url: str = "",
) -> ServiceSession:
    """A session of a training: an event of the network in the agenda (registration and waiting
    list are the agenda's)."""
    _require_team(by, service.network_id)
    if service.kind != ServiceKind.TRAINING:
        raise ServicesError(_("Seule une formation a des sessions."))
    with transaction.atomic():
        event = events_services.create_event(
            by=by,
            owner=service.network,
            data=events_services.EventData(
                kind="formation",
                title=service.title,
                starts_at=starts_at,
                ends_at=ends_at,
                description=service.summary,
                capacity=capacity,
                venue=venue,
                online_url=online_url,
                audience="network" if service.audience == "members" else "public",
                price_cents=service.price_other_cents or 0,
            ),
        )
        return ServiceSession.objects.create(service=service, event=event)


# --- cercle des accompagnements ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AccompanistData(Input):
    name: str | _Unset = UNSET
    kind: str | _Unset = UNSET
    bio: str | _Unset = UNSET
    specialities: list[str] | _Unset = UNSET
    departments: list[str] | _Unset = UNSET
    formats: list[str] | _Unset = UNSET
    rates: str | _Unset = UNSET
    day_rate_cents: int | _Unset | None = UNSET
    website: str | _Unset = UNSET
    availability: str | _Unset = UNSET
    availability_note: str | _Unset = UNSET


def _check_accompanist(profile: Accompanist) -> None:
    if not profile.name.strip():
        raise ServicesError(_("Indiquez votre nom ou celui de votre structure."), field="name")
    if not profile.bio.strip():
        raise ServicesError(_("Présentez-vous en quelques lignes."), field="bio")
    if not profile.specialities:
        raise ServicesError(_("Choisissez au moins une spécialité."), field="specialities")
    profile.specialities = _topics(profile.specialities, field="specialities")
    known = {code for code, _label in FORMATS}
    if any(f not in known for f in profile.formats):
        raise ServicesError(_("Format inconnu."), field="formats")
    if not profile.rates.strip():
        raise ServicesError(_("Indiquez vos tarifs, même indicatifs."), field="rates")
    from maillage.territory.models import Commune

    departments = [d.strip().upper() for d in profile.departments if d.strip()]
    known_departments = set(
        Commune.objects.filter(department_code__in=departments).values_list(
            "department_code", flat=True
        )
    )
    unknown = [d for d in departments if d not in known_departments]
    if unknown:
        raise ServicesError(
            _("Département inconnu : %(codes)s.") % {"codes": ", ".join(unknown)},
            field="departments",
        )
    if not departments and not (profile.pk and profile.communes.exists()):
        raise ServicesError(
            _("Indiquez au moins un département où vous intervenez."), field="departments"
        )
    profile.departments = list(dict.fromkeys(departments))


def apply_to_circle(
    *, by: User, network: Network, data: AccompanistData, ethics_signed: bool
) -> Accompanist:
    """A professional applies to the network's cercle; the team reviews it."""
    if not ethics_signed:
        raise ServicesError(
            _("Signez la charte éthique du cercle pour candidater."), field="ethics"
        )
    existing = Accompanist.objects.filter(network=network, user=by).first()
    if existing is not None and existing.status in (
        Accompanist.Status.APPLIED,
        Accompanist.Status.ACCEPTED,
    ):
        raise Conflict(_("Vous avez déjà une candidature ou une place dans ce cercle."))
    profile = existing or Accompanist(network=network, user=by)
    data.assign_to(profile)
    _check_accompanist(profile)
    profile.status = Accompanist.Status.APPLIED
    profile.ethics_signed_at = timezone.now()
    profile.decided_at = None
    profile.decided_by = None
    with transaction.atomic():
        profile.save()
        notify(
            users=_team_of(network),
            topic="services.accompanist-application",
            title=_("Candidature au cercle des accompagnements : %(name)s")
            % {"name": profile.name},
            url=profile.get_absolute_url(),
            key=f"services.accompanist:{profile.pk}",
        )
    return profile


def update_profile(*, by: User, profile: Accompanist, data: AccompanistData) -> Accompanist:
    if profile.user_id != by.pk:
        raise NotAllowed(_("Seule la personne concernée modifie sa fiche."))
    data.assign_to(profile)
    _check_accompanist(profile)
    profile.save()
    return profile


def decide_application(
    *, by: User, profile: Accompanist, accept: bool, note: str = ""
) -> Accompanist:
    _require_team(by, profile.network_id)
    if profile.status != Accompanist.Status.APPLIED:
        raise Conflict(_("Cette candidature a déjà été examinée."))
    if not accept and not note.strip():
        raise ServicesError(_("Dites pourquoi la candidature est refusée."), field="note")
    profile.status = Accompanist.Status.ACCEPTED if accept else Accompanist.Status.REFUSED
    profile.decided_at = timezone.now()
    profile.decided_by = by
    profile.decision_note = note.strip()
    with transaction.atomic():
        profile.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        notify(
            users=[profile.user],
            topic="services.accompanist-decision",
            title=_("Vous rejoignez le cercle des accompagnements")
            if accept
            else _("Votre candidature au cercle n'a pas été retenue"),
            body=note.strip(),
            url=profile.get_absolute_url(),
        )
    mark_handled(key=f"services.accompanist:{profile.pk}")
    return profile


def _team_of(network: Network) -> list[User]:
    from maillage.networks.models import NetworkRole

    return list(
        User.objects.filter(
            network_roles__network=network,
            network_roles__role__in=[NetworkRole.Role.COORDINATOR, NetworkRole.Role.GUIDE],
            is_active=True,
        ).distinct()
    )


REFERENCE_SALT = "services.reference"


def reference_token(reference: Reference) -> str:
    return signing.dumps({"r": reference.pk}, salt=REFERENCE_SALT)


def add_reference(
    *, by: User, profile: Accompanist, place: Place, what: str, year: int
) -> Reference:
    """A place the professional accompanied; its managers are asked whether it may be shown."""
    if profile.user_id != by.pk:
        raise NotAllowed(_("Seule la personne concernée ajoute ses références."))
    if not what.strip():
        raise ServicesError(_("Dites ce qui a été fait avec ce lieu."), field="what")
    if Reference.objects.filter(accompanist=profile, place=place).exists():
        raise Conflict(_("Ce lieu est déjà parmi vos références."), field="place")
    with transaction.atomic():
        reference = Reference.objects.create(
            accompanist=profile, place=place, what=what.strip(), year=year
        )
        link = absolute_url(f"/services/references/{reference_token(reference)}/")
        managers = [m.email for m in place_managers(place=place) if m.email]
        if managers:
            send_emails(
                [
                    Mail(
                        subject=_("%(name)s cite votre lieu en référence") % {"name": profile.name},
                        body=_(
                            "Bonjour,\n\n%(name)s aimerait citer %(place)s parmi les lieux "
                            "accompagnés : « %(what)s » (%(year)s).\nAcceptez-vous ? Répondez ici :"
                            "\n%(link)s\n\nSans réponse, rien n'est affiché."
                        )
                        % {
                            "name": profile.name,
                            "place": place.name,
                            "what": reference.what,
                            "year": year,
                            "link": link,
                        },
                        to=tuple(managers),
                    )
                ]
            )
    return reference


def reference_by_token(token: str) -> Reference | None:
    try:
        data = signing.loads(token, salt=REFERENCE_SALT, max_age=60 * 60 * 24 * 90)
    except signing.BadSignature:
        return None
    return Reference.objects.select_related("accompanist", "place").filter(pk=data.get("r")).first()


def answer_reference(*, reference: Reference, consent: bool) -> Reference:
    reference.consent = Reference.Consent.GIVEN if consent else Reference.Consent.REFUSED
    reference.consent_at = timezone.now()
    reference.save(update_fields=["consent", "consent_at"])
    return reference


@dataclass(frozen=True, kw_only=True)
class RatingData(Input):
    understood: str | _Unset = UNSET
    useful: str | _Unset = UNSET
    frame_kept: str | _Unset = UNSET
    recommend: str | _Unset = UNSET
    comment: str | _Unset = UNSET


def rate(*, by: User, request: SupportRequest, profile: Accompanist, data: RatingData) -> Rating:
    """The requester rates the professional who took the request on, once it is closed."""
    if request.requester_id != by.pk:
        raise NotAllowed(_("Seul·e l'auteur·rice de la demande peut évaluer l'accompagnement."))
    if request.status != SupportRequest.Status.CLOSED:
        raise Conflict(_("L'accompagnement s'évalue une fois la demande clôturée."))
    if not request.proposals.filter(accompanist=profile, status__in=["taken", "done"]).exists():
        raise NotAllowed(_("Ce ou cette professionnel·le n'a pas pris en charge votre demande."))
    if Rating.objects.filter(accompanist=profile, by=by, request=request).exists():
        raise Conflict(_("Vous avez déjà évalué cet accompagnement."))
    rating = Rating(accompanist=profile, by=by, request=request)
    data.assign_to(rating)
    for name in ("understood", "useful", "frame_kept", "recommend"):
        if getattr(rating, name) not in ("yes", "partly", "no"):
            raise ServicesError(_("Répondez à chaque question."), field=name)
    rating.save()
    return rating


# --- what a place offers its peers -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PeerProfileData(Input):
    experiences: list[str] | _Unset = UNSET
    experience_note: str | _Unset = UNSET
    welcomes_holders: bool | _Unset = UNSET
    mentor_available: bool | _Unset = UNSET
    opened_year: int | _Unset | None = UNSET


def save_peer_profile(*, by: User, place: Place, data: PeerProfileData) -> PeerProfile:
    if not can_edit_place(user=by, place=place):
        raise NotAllowed(_("Seul·es les gestionnaires du lieu décrivent ce qu'il peut partager."))
    profile = PeerProfile.objects.filter(place=place).first() or PeerProfile(place=place)
    data.assign_to(profile)
    profile.experiences = _topics(profile.experiences or [], field="experiences")
    this_year = timezone.localdate().year
    if profile.opened_year is not None and not (1900 <= profile.opened_year <= this_year + 1):
        raise ServicesError(
            _("Année d'ouverture invraisemblable : entre 1900 et %(y)s.") % {"y": this_year + 1},
            field="opened_year",
        )
    with transaction.atomic():
        profile.save()
        PlaceExperience.objects.filter(place=place).exclude(topic__in=profile.experiences).delete()
        PlaceExperience.objects.bulk_create(
            [PlaceExperience(place=place, topic=t) for t in profile.experiences],
            ignore_conflicts=True,
        )
        refresh_features([place.pk])
    return profile


def peer_profile_of(place: Place) -> PeerProfile | None:
    return PeerProfile.objects.filter(place=place).first()
