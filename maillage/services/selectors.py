"""Reads of the services app, and who may see what (one place for permissions).

- the network's *team* (its coordinators and guides, directly or through an ancestor network;
  admins) manages the catalogue, reviews the cercle, assigns requests, reads ratings
  aggregated and the dashboard;
- a support request is seen by its requester, its assignee, the team, and the helpers proposed on
  it (the person, the managers of a proposed place, the accompanist); nobody else;
- codev notes are seen by the group's members and facilitator only.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from maillage.accounts.models import User
from maillage.networks.models import Network
from maillage.networks.selectors import networks_guided_by
from maillage.places.models import Place, PlaceRole
from maillage.services.models import (
    Accompanist,
    Answer3,
    Pairing,
    PeerGroup,
    ProjectHolder,
    Proposal,
    Rating,
    Service,
    SupportRequest,
)

MIN_RATINGS = 3


def team_networks(*, user: Any) -> QuerySet[Network]:
    return networks_guided_by(user=user)


def is_team(*, user: Any, network: Network | int) -> bool:
    network_id = network if isinstance(network, int) else network.pk
    return team_networks(user=user).filter(pk=network_id).exists()


def get_team_network(*, user: Any, slug: str) -> Network:
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise Http404
    if not is_team(user=user, network=network):
        raise PermissionDenied
    return network


def managed_place_ids(*, user: Any) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        PlaceRole.objects.filter(user=user, role=PlaceRole.Role.MANAGER).values_list(
            "place_id", flat=True
        )
    )


# --- catalogue ---------------------------------------------------------------------------------


def published_services(
    *, network: Network | None = None, kind: str = "", topic: str = ""
) -> QuerySet[Service]:
    services = Service.objects.filter(is_published=True).select_related(
        "network", "accompanist", "place"
    )
    if network is not None:
        services = services.filter(network=network)
    if kind:
        services = services.filter(kind=kind)
    found = list(services)
    if topic:
        return services.filter(pk__in=[s.pk for s in found if topic in s.topics])
    return services


def get_service(*, slug: str, user: Any) -> Service:
    service = (
        Service.objects.select_related("network", "accompanist", "place").filter(slug=slug).first()
    )
    if service is None or (
        not service.is_published and not is_team(user=user, network=service.network_id)
    ):
        raise Http404
    return service


def get_service_for_team(*, slug: str, user: Any) -> Service:
    service = get_service(slug=slug, user=user)
    if not is_team(user=user, network=service.network_id):
        raise PermissionDenied
    return service


# --- cercle des accompagnements ----------------------------------------------------------------


def accepted_accompanists(*, network: Network | None = None, topic: str = "") -> list[Accompanist]:
    found = Accompanist.objects.filter(status=Accompanist.Status.ACCEPTED).select_related("network")
    if network is not None:
        found = found.filter(network=network)
    return [a for a in found if not topic or topic in a.specialities]


def get_accompanist(*, pk: int, user: Any) -> Accompanist:
    """An accepted accompanist for everyone; an applicant for themself and the team."""
    accompanist = Accompanist.objects.select_related("network", "user").filter(pk=pk).first()
    if accompanist is None:
        raise Http404
    if accompanist.status == Accompanist.Status.ACCEPTED:
        return accompanist
    if user.is_authenticated and (
        accompanist.user_id == user.pk or is_team(user=user, network=accompanist.network_id)
    ):
        return accompanist
    raise Http404


def applications(*, network: Network) -> QuerySet[Accompanist]:
    return Accompanist.objects.filter(network=network).order_by("status", "-applied_at")


def visible_references(accompanist: Accompanist) -> list[Any]:
    return list(accompanist.references.filter(consent="given").select_related("place"))


def ratings_summary(*, accompanist: Accompanist) -> dict[str, Any] | None:
    """The aggregate of the ratings, for the team: None below MIN_RATINGS (one by one, an
    opinion could be traced back to its place)."""
    ratings = Rating.objects.filter(accompanist=accompanist)
    count = ratings.count()
    if count < MIN_RATINGS:
        return {"count": count, "shown": False}
    questions = ["understood", "useful", "frame_kept", "recommend"]
    labels = {name: Rating._meta.get_field(name).verbose_name for name in questions}  # type: ignore[union-attr]
    rows = []
    for question in questions:
        counts = dict(ratings.values_list(question).annotate(n=Count("pk")))
        rows.append(
            {
                "label": labels[question],
                "yes": counts.get(Answer3.YES, 0),
                "partly": counts.get(Answer3.PARTLY, 0),
                "no": counts.get(Answer3.NO, 0),
                "yes_share": round(100 * counts.get(Answer3.YES, 0) / count),
            }
        )
    return {"count": count, "shown": True, "rows": rows}


def accompanist_profiles_of(*, user: Any) -> list[Accompanist]:
    if not user.is_authenticated:
        return []
    return list(Accompanist.objects.filter(user=user).select_related("network"))


# --- support requests --------------------------------------------------------------------------


def _involved_q(user: User) -> Q:
    places = managed_place_ids(user=user)
    return (
        Q(requester=user)
        | Q(assignee=user)
        | Q(network__in=team_networks(user=user))
        | Q(proposals__person=user)
        | Q(proposals__place__in=places)
        | Q(proposals__accompanist__user=user)
    )


def visible_requests(*, user: Any) -> QuerySet[SupportRequest]:
    if not user.is_authenticated:
        return SupportRequest.objects.none()
    if user.is_superuser:
        return SupportRequest.objects.all()
    ids = SupportRequest.objects.filter(_involved_q(user)).values("pk")
    return SupportRequest.objects.filter(pk__in=ids)


def get_request(*, pk: int, user: Any) -> SupportRequest:
    """404 when unknown; 403 when the person is not involved."""
    request = (
        SupportRequest.objects.select_related(
            "network", "requester", "place", "commune", "assignee", "holder"
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    if not visible_requests(user=user).filter(pk=pk).exists():
        raise PermissionDenied
    return request


def requests_for_team(*, user: Any) -> QuerySet[SupportRequest]:
    return SupportRequest.objects.filter(network__in=team_networks(user=user)).select_related(
        "network", "requester", "place", "assignee"
    )


def requests_of(*, user: Any) -> QuerySet[SupportRequest]:
    if not user.is_authenticated:
        return SupportRequest.objects.none()
    return SupportRequest.objects.filter(requester=user).select_related("network", "place")


def proposals_for_helper(*, user: Any) -> QuerySet[Proposal]:
    """The proposals addressed to this person: as a person, a place manager, an accompanist."""
    if not user.is_authenticated:
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(
            Q(person=user) | Q(place__in=managed_place_ids(user=user)) | Q(accompanist__user=user)
        )
        .select_related("request", "request__network", "place", "accompanist", "service")
        .order_by("-proposed_at")
    )


def helper_may_answer(*, user: Any, proposal: Proposal) -> bool:
    return proposals_for_helper(user=user).filter(pk=proposal.pk).exists()


# --- programmes --------------------------------------------------------------------------------


def groups_visible_to(*, user: Any) -> QuerySet[PeerGroup]:
    if not user.is_authenticated:
        return PeerGroup.objects.none()
    if user.is_superuser:
        return PeerGroup.objects.all()
    return PeerGroup.objects.filter(
        Q(members__user=user) | Q(facilitator=user) | Q(network__in=team_networks(user=user))
    ).distinct()


def is_group_insider(*, user: Any, group: PeerGroup) -> bool:
    """Members and the facilitator: the only ones to read the notes."""
    if not user.is_authenticated:
        return False
    return group.facilitator_id == user.pk or group.members.filter(user=user).exists()


def get_group(*, pk: int, user: Any) -> PeerGroup:
    group = PeerGroup.objects.select_related("network", "facilitator").filter(pk=pk).first()
    if group is None:
        raise Http404
    if not groups_visible_to(user=user).filter(pk=pk).exists():
        raise PermissionDenied
    return group


def pairings_visible_to(*, user: Any) -> QuerySet[Pairing]:
    if not user.is_authenticated:
        return Pairing.objects.none()
    if user.is_superuser:
        return Pairing.objects.all()
    places = managed_place_ids(user=user)
    return Pairing.objects.filter(
        Q(mentor_place__in=places)
        | Q(mentee_place__in=places)
        | Q(mentee_holder__user=user)
        | Q(network__in=team_networks(user=user))
    ).distinct()


def get_pairing(*, pk: int, user: Any) -> Pairing:
    pairing = (
        Pairing.objects.select_related("network", "mentor_place", "mentee_place", "mentee_holder")
        .filter(pk=pk)
        .first()
    )
    if pairing is None:
        raise Http404
    if not pairings_visible_to(user=user).filter(pk=pk).exists():
        raise PermissionDenied
    return pairing


def holders_visible_to(*, user: Any) -> QuerySet[ProjectHolder]:
    if not user.is_authenticated:
        return ProjectHolder.objects.none()
    if user.is_superuser:
        return ProjectHolder.objects.all()
    return ProjectHolder.objects.filter(Q(user=user) | Q(network__in=team_networks(user=user)))


def get_holder(*, pk: int, user: Any) -> ProjectHolder:
    holder = (
        ProjectHolder.objects.select_related("network", "commune", "place").filter(pk=pk).first()
    )
    if holder is None:
        raise Http404
    if not holders_visible_to(user=user).filter(pk=pk).exists():
        raise PermissionDenied
    return holder


def places_welcoming_holders() -> QuerySet[Place]:
    from maillage.services.models import PeerProfile

    ids = PeerProfile.objects.filter(welcomes_holders=True).values("place_id")
    return Place.objects.filter(pk__in=ids, is_published=True).select_related("commune")


def peer_experiences(*, place: Place) -> list[str]:
    from maillage.services.models import PeerProfile, Topic

    profile = PeerProfile.objects.filter(place=place).first()
    if profile is None:
        return []
    return [str(Topic(t).label) for t in profile.experiences if t in Topic.values]


def work_of(*, user: Any) -> list[tuple[str, str]]:
    """What Mon espace lists as things to do: proposals waiting for this helper's answer, new
    requests of the networks whose team they are in (label, url)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    if not user.is_authenticated:
        return []
    tasks = []
    waiting = proposals_for_helper(user=user).filter(status__in=["proposed", "studying", "taken"])
    count = waiting.count()
    if count:
        tasks.append(
            (
                ngettext(
                    "%(n)d demande d'aide où l'on vous propose d'aider",
                    "%(n)d demandes d'aide où l'on vous propose d'aider",
                    count,
                )
                % {"n": count},
                reverse("services:requests"),
            )
        )
    new = SupportRequest.objects.filter(
        network__in=team_networks(user=user), status=SupportRequest.Status.NEW
    ).count()
    if new:
        tasks.append(
            (
                ngettext("%(n)d demande d'aide à orienter", "%(n)d demandes d'aide à orienter", new)
                % {"n": new},
                reverse("services:requests"),
            )
        )
    for holder_pk, name in ProjectHolder.objects.filter(
        user=user, status=ProjectHolder.Status.FOLLOWED, place__isnull=True
    ).values_list("pk", "project_name"):
        tasks.append(
            (
                _("« %(name)s » : reliez votre lieu dès qu'il est dans l'annuaire")
                % {"name": name},
                reverse("services:holder-place", args=[holder_pk]),
            )
        )
    if user.is_superuser:
        return tasks
    applied = Accompanist.objects.filter(
        network__in=team_networks(user=user), status=Accompanist.Status.APPLIED
    ).select_related("network")
    for network_slug, name in {(a.network.slug, a.network.name) for a in applied}:
        tasks.append(
            (
                _("Candidatures au cercle des accompagnements — %(network)s") % {"network": name},
                reverse("services:applications", args=[network_slug]),
            )
        )
    return tasks
