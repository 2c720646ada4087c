"""The coordination of the soucieux·ses: a network-wide group of the soucieux·ses of its circles.

Its members are not stored: they are the circles' soucieux·ses in office today (circles' roles),
so a person named soucieux·se in a circle joins it at once and leaves it with their role. The
group has a recurring coordination meeting (an event of the network's agenda, with its sessions
and its iCal), fed by agenda points the circles bring; a shared practice space (the network's
cases in the kit) and the codev groups of the network; an onboarding checklist each new
soucieux·se ticks for themself; and the soucieux·ses' agreements with the network
(*conventionnement*: the signed document, the amount, its funding, the period).

Who may do what: anyone reads what the group is for, which circles take part and when it meets;
the soucieux·ses and the network's coordinators read the rest. Coordinators open the group, set
its meeting, its checklist and the agreements, and close agenda points; a soucieux·se brings a
point from their circle, ticks their own checklist and reads their own agreements.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.circles.selectors import network_stewards
from maillage.communication.models import (
    AgendaPoint,
    Agreement,
    CoordinationGroup,
    FundingSource,
    OnboardingCheck,
    OnboardingItem,
)
from maillage.lib.refusals import Refusal
from maillage.lib.uploads import check_document, too_large
from maillage.networks.models import Network
from maillage.networks.selectors import is_coordinator

MAX_AGREEMENT_BYTES = 10 * 1024 * 1024
AGREEMENT_TYPES = {"pdf", "odt", "docx", "doc", "png", "jpg"}

DEFAULT_CHECKLIST = [
    (
        _("Lire la charte des cercles et le rôle de soucieux·se"),
        _("La charte est dans la valise du réseau ; demandez-la à la coordination."),
    ),
    (
        _("Rencontrer la coordination du réseau"),
        _("Un premier échange d'une heure, en visio ou dans un lieu."),
    ),
    (
        _("Recevoir les accès aux outils du cercle"),
        _("Salon de discussion, dossiers partagés : voir « Outils du cercle »."),
    ),
    (
        _("Participer à une première réunion de coordination"),
        _("La prochaine date est en haut de cette page."),
    ),
    (
        _("Signer la convention avec le réseau"),
        _("Elle précise le temps, le montant et son financement."),
    ),
]


class CoordinationError(Refusal):
    """A write on the coordination was refused; nothing changed."""


class NotAllowed(CoordinationError):
    status = 403
    message = _("Seule la coordination du réseau peut faire cela.")


# --- who -----------------------------------------------------------------------------------------


@dataclass
class Steward:
    """A soucieux·se of the network and the circles they look after."""

    user: User
    circles: list[Any] = field(default_factory=list)
    since: datetime.date | None = None


def stewards(*, network: Network) -> list[Steward]:
    """The soucieux·ses in office in the network's circles, one row per person."""
    people: dict[int, Steward] = {}
    for role in network_stewards(network=network):
        row = people.setdefault(role.user_id, Steward(user=role.user))
        row.circles.append(role.circle)
        if row.since is None or role.starts_on < row.since:
            row.since = role.starts_on
    return list(people.values())


def steward_circles(*, user: Any, network: Network, rows: list[Steward] | None = None) -> list:
    """The circles of the network this person looks after today."""
    if not user.is_authenticated:
        return []
    for row in rows if rows is not None else stewards(network=network):
        if row.user.pk == user.pk:
            return row.circles
    return []


def can_manage(*, user: Any, network: Network) -> bool:
    return user.is_authenticated and is_coordinator(user=user, network=network)


@dataclass
class Access:
    """What this person is to the group."""

    manages: bool
    circles: list[Any]

    @property
    def insider(self) -> bool:
        return self.manages or bool(self.circles)


def access(*, user: Any, network: Network, rows: list[Steward]) -> Access:
    return Access(
        manages=can_manage(user=user, network=network),
        circles=steward_circles(user=user, network=network, rows=rows),
    )


# --- reads ---------------------------------------------------------------------------------------


def group_of(network: Network) -> CoordinationGroup | None:
    return CoordinationGroup.objects.select_related("meeting").filter(network=network).first()


def get_network(*, slug: str) -> Network:
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise Http404
    return network


def open_points(group: CoordinationGroup) -> QuerySet[AgendaPoint]:
    return group.points.filter(status=AgendaPoint.Status.PROPOSED).select_related(
        "circle", "proposed_by"
    )


def closed_points(group: CoordinationGroup, *, limit: int = 10) -> list[AgendaPoint]:
    return list(
        group.points.exclude(status=AgendaPoint.Status.PROPOSED)
        .select_related("circle")
        .order_by("-closed_at")[:limit]
    )


@dataclass
class ChecklistRow:
    item: OnboardingItem
    done: bool


def checklist_of(*, group: CoordinationGroup, user: Any) -> list[ChecklistRow]:
    items = list(group.onboarding_items.all())
    done = set(
        OnboardingCheck.objects.filter(item__group=group, person=user).values_list(
            "item_id", flat=True
        )
    )
    return [ChecklistRow(item=item, done=item.pk in done) for item in items]


@dataclass
class Progress:
    steward: Steward
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total


def onboarding_progress(*, group: CoordinationGroup, rows: list[Steward]) -> list[Progress]:
    """Each soucieux·se's progress through the checklist, newest in office first."""
    total = group.onboarding_items.count()
    counts: dict[int, int] = {}
    for person_id in OnboardingCheck.objects.filter(
        item__group=group, person_id__in=[row.user.pk for row in rows]
    ).values_list("person_id", flat=True):
        counts[person_id] = counts.get(person_id, 0) + 1
    progress = [Progress(steward=row, done=counts.get(row.user.pk, 0), total=total) for row in rows]
    return sorted(progress, key=lambda p: p.steward.since or datetime.date.min, reverse=True)


def agreements_for(*, group: CoordinationGroup, user: Any, manages: bool) -> list[Agreement]:
    """All the agreements for the coordination; a soucieux·se's own for them."""
    agreements = group.agreements.select_related("person", "circle")
    if not manages:
        agreements = agreements.filter(person=user)
    return list(agreements)


def get_agreement_for_reader(*, user: Any, pk: int) -> Agreement:
    agreement = (
        Agreement.objects.select_related("group__network", "person", "circle").filter(pk=pk).first()
    )
    if agreement is None or not user.is_authenticated:
        raise Http404
    if agreement.person_id != user.pk and not can_manage(
        user=user, network=agreement.group.network
    ):
        raise Http404
    return agreement


# --- writes --------------------------------------------------------------------------------------


def open_group(*, by: User, network: Network, purpose: str = "") -> CoordinationGroup:
    """Open the network's coordination of the soucieux·ses, with a starting checklist."""
    if not can_manage(user=by, network=network):
        raise NotAllowed
    with transaction.atomic():
        group, created = CoordinationGroup.objects.get_or_create(
            network=network, defaults={"purpose": purpose.strip(), "created_by": by}
        )
        if created:
            OnboardingItem.objects.bulk_create(
                OnboardingItem(group=group, position=i, label=str(label), help_text=str(help_))
                for i, (label, help_) in enumerate(DEFAULT_CHECKLIST)
            )
    return group


class Rhythm:
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"

    choices = [
        (MONTHLY, _("Chaque mois, le même jour de la semaine")),
        (FORTNIGHTLY, _("Toutes les deux semaines")),
        (WEEKLY, _("Chaque semaine")),
    ]


def rrule_for(rhythm: str, starts_at: datetime.datetime) -> str:
    """The RRULE of the meeting: "the 2nd Tuesday" for a monthly meeting (the last one from
    the 5th week on)."""
    if rhythm == Rhythm.WEEKLY:
        return "FREQ=WEEKLY"
    if rhythm == Rhythm.FORTNIGHTLY:
        return "FREQ=WEEKLY;INTERVAL=2"
    local = timezone.localtime(starts_at)
    nth = (local.day - 1) // 7 + 1
    day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][local.weekday()]
    return f"FREQ=MONTHLY;BYDAY={-1 if nth == 5 else nth}{day}"


@dataclass(frozen=True, kw_only=True)
class MeetingData:
    starts_at: datetime.datetime
    minutes: int
    rhythm: str
    online_url: str = ""
    members_only: bool = True


def set_meeting(*, by: User, group: CoordinationGroup, data: MeetingData) -> Any:
    """Create the recurring coordination meeting in the network's agenda (an event through
    events' services, with its sessions), replacing the one it had."""
    from maillage.events import services as events

    network = group.network
    if not can_manage(user=by, network=network):
        raise NotAllowed
    if data.rhythm not in {value for value, _label in Rhythm.choices}:
        raise CoordinationError(_("Choisissez le rythme des réunions."), field="rhythm")
    if not 30 <= data.minutes <= 8 * 60:
        raise CoordinationError(
            _("Une réunion dure entre 30 minutes et 8 heures."), field="minutes"
        )
    if data.starts_at <= timezone.now():
        raise CoordinationError(_("Choisissez une première date à venir."), field="starts_at")
    if data.online_url and not data.online_url.startswith("https://"):
        raise CoordinationError(
            _("L'adresse de la visio doit commencer par https://."), field="online_url"
        )
    description = _g(
        "La réunion régulière des soucieux·ses des cercles du réseau : échanges de pratiques, "
        "points apportés par les cercles, codéveloppement. L'ordre du jour se prépare sur la "
        "page de la coordination."
    )
    with transaction.atomic():
        previous = group.meeting
        meeting = events.create_event(
            by=by,
            owner=network,
            data=events.EventData(
                kind="rencontre",
                title=_g("Coordination des soucieux·ses — %(network)s") % {"network": network.name},
                starts_at=data.starts_at,
                ends_at=data.starts_at + datetime.timedelta(minutes=data.minutes),
                description=description,
                rrule=rrule_for(data.rhythm, data.starts_at),
                online_url=data.online_url,
                audience="network" if data.members_only else "public",
                tags=["coordination", "soucieux·ses"],
            ),
        )
        group.meeting = meeting
        group.save(update_fields=["meeting"])
        if previous is not None and previous.status != "cancelled":
            events.cancel_event(by=by, event=previous)
    return meeting


def next_sessions(group: CoordinationGroup, *, limit: int = 3) -> list:
    """The meeting's next sessions (not cancelled), with their URL keys and French dates."""
    from maillage.events.selectors import upcoming_occurrences, with_labels

    if group.meeting is None or group.meeting.status == "cancelled":
        return []
    sessions = [
        session
        for session in upcoming_occurrences(event=group.meeting, limit=limit + 2)
        if not session.cancelled
    ]
    return with_labels(sessions[:limit])


def propose_point(
    *, by: User, group: CoordinationGroup, circle: Any, title: str, details: str = ""
) -> AgendaPoint:
    """A soucieux·se brings a point from their circle (a coordinator, from any circle)."""
    network = group.network
    if circle is None or circle.network_id != network.pk:
        raise CoordinationError(_("Choisissez le cercle qui apporte ce point."), field="circle")
    mine = steward_circles(user=by, network=network)
    if circle.pk not in {c.pk for c in mine} and not can_manage(user=by, network=network):
        raise CoordinationError(
            _("Seul·es les soucieux·ses du cercle apportent ses points."), field="circle"
        )
    title = title.strip()
    if not title:
        raise CoordinationError(_("Dites en une ligne de quoi il s'agit."), field="title")
    return AgendaPoint.objects.create(
        group=group, circle=circle, title=title[:200], details=details.strip(), proposed_by=by
    )


def close_point(*, by: User, point: AgendaPoint, status: str, outcome: str = "") -> AgendaPoint:
    """The coordination records a point as discussed (with what came out) or set aside."""
    if not can_manage(user=by, network=point.group.network):
        raise NotAllowed
    if status not in {AgendaPoint.Status.DISCUSSED, AgendaPoint.Status.SET_ASIDE}:
        raise CoordinationError(_("Choisissez : traité ou écarté."), field="status")
    if point.status != AgendaPoint.Status.PROPOSED:
        raise CoordinationError(_("Ce point est déjà clos."), field=None)
    outcome = outcome.strip()
    if status == AgendaPoint.Status.DISCUSSED and not outcome:
        raise CoordinationError(
            _("Notez ce qui est sorti de l'échange, pour les cercles absents."), field="outcome"
        )
    with transaction.atomic():
        point.status = status
        point.outcome = outcome
        point.closed_at = timezone.now()
        point.save(update_fields=["status", "outcome", "closed_at"])
    return point


def add_item(*, by: User, group: CoordinationGroup, label: str, help_text: str = "") -> Any:
    if not can_manage(user=by, network=group.network):
        raise NotAllowed
    label = label.strip()
    if not label:
        raise CoordinationError(_("Écrivez l'étape."), field="label")
    with transaction.atomic():
        last = group.onboarding_items.order_by("-position").values_list("position", flat=True)
        position = (last.first() or 0) + 1
        return OnboardingItem.objects.create(
            group=group, position=position, label=label[:200], help_text=help_text.strip()[:400]
        )


def remove_item(*, by: User, item: OnboardingItem) -> None:
    if not can_manage(user=by, network=item.group.network):
        raise NotAllowed
    item.delete()


def tick(*, by: User, item: OnboardingItem, done: bool) -> None:
    """A soucieux·se ticks (or unticks) a step of their own checklist."""
    network = item.group.network
    if not steward_circles(user=by, network=network) and not can_manage(user=by, network=network):
        raise CoordinationError(
            _("La liste d'accueil est celle des soucieux·ses des cercles du réseau.")
        )
    with transaction.atomic():
        if done:
            OnboardingCheck.objects.get_or_create(item=item, person=by)
        else:
            OnboardingCheck.objects.filter(item=item, person=by).delete()


@dataclass(frozen=True, kw_only=True)
class AgreementData:
    person: User
    amount_cents: int
    funding_source: str
    starts_on: datetime.date
    ends_on: datetime.date
    circle: Any = None
    funder: str = ""


def max_agreement_bytes() -> int:
    return getattr(settings, "MAX_AGREEMENT_BYTES", MAX_AGREEMENT_BYTES)


def record_agreement(
    *, by: User, group: CoordinationGroup, data: AgreementData, document: UploadedFile | None
) -> Agreement:
    """Record a soucieux·se's agreement with the network and keep its signed document."""
    network = group.network
    if not can_manage(user=by, network=network):
        raise NotAllowed
    rows = stewards(network=network)
    circles = steward_circles(user=data.person, network=network, rows=rows)
    if not circles:
        raise CoordinationError(
            _("Cette personne n'est soucieux·se d'aucun cercle du réseau."), field="person"
        )
    if data.circle is not None and data.circle.pk not in {c.pk for c in circles}:
        raise CoordinationError(
            _("Cette personne n'est pas soucieux·se de ce cercle."), field="circle"
        )
    if data.amount_cents <= 0:
        raise CoordinationError(_("Indiquez le montant de la convention."), field="amount")
    if data.funding_source not in FundingSource.values:
        raise CoordinationError(_("Choisissez le financement."), field="funding_source")
    if data.ends_on < data.starts_on:
        raise CoordinationError(_("La fin vient après le début."), field="ends_on")
    if document is None:
        raise CoordinationError(_("Joignez la convention signée."), field="document")
    if too_large(document, max_agreement_bytes()):
        raise CoordinationError(
            _("Le document dépasse %(max)s Mo.")
            % {"max": number_format(max_agreement_bytes() / 1024 / 1024, 0)},
            field="document",
        )
    document.seek(0)
    content = document.read()
    found = check_document(content)
    if found is None or found[0] not in AGREEMENT_TYPES:
        raise CoordinationError(
            _("Joignez la convention en PDF, ODT ou DOCX (ou sa photo en JPEG ou PNG)."),
            field="document",
        )
    ext, content_type = found
    agreement = Agreement(
        group=group,
        person=data.person,
        circle=data.circle,
        amount_cents=data.amount_cents,
        funding_source=data.funding_source,
        funder=data.funder.strip()[:150],
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        document_type=content_type,
        created_by=by,
    )
    agreement.document.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            agreement.save()
    except Exception:
        agreement.document.delete(save=False)
        raise
    return agreement


def remove_agreement(*, by: User, agreement: Agreement) -> None:
    """Remove an agreement recorded by mistake, and its document once that is committed."""
    if not can_manage(user=by, network=agreement.group.network):
        raise NotAllowed
    name = agreement.document.name or ""
    storage = agreement.document.storage
    with transaction.atomic():
        agreement.delete()
        transaction.on_commit(lambda: storage.delete(name))
