"""The network's dashboard of support: requests by topic and territory, the share answered by
peers, professionals and services, time to answer, satisfaction, programmes running; as CSV too."""

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from maillage.networks.models import Network
from maillage.services.models import (
    Pairing,
    PeerGroup,
    ProjectHolder,
    Proposal,
    Satisfaction,
    SupportRequest,
    Topic,
)


@dataclass
class Dashboard:
    network: Network
    total: int = 0
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_topic: list[tuple[str, int]] = field(default_factory=list)
    by_territory: list[tuple[str, int]] = field(default_factory=list)
    answered_by: list[tuple[str, int, int]] = field(default_factory=list)
    median_days_to_propose: float | None = None
    median_days_to_take: float | None = None
    satisfaction_answers: int = 0
    contacted_share: int | None = None
    useful_share: int | None = None
    acted_share: int | None = None
    groups_running: int = 0
    pairings_active: int = 0
    holders_followed: int = 0
    holders_opened: int = 0
    volunteer_hours: float = 0
    time_spent_hours: float = 0


def _median_days(deltas: list[Any]) -> float | None:
    days = [d.total_seconds() / 86400 for d in deltas if d is not None]
    return round(statistics.median(days), 1) if days else None


def _share(values: list[str], wanted: str) -> int | None:
    return round(100 * values.count(wanted) / len(values)) if values else None


def build(*, network: Network) -> Dashboard:
    requests = list(
        SupportRequest.objects.filter(network=network)
        .select_related("commune")
        .only(
            "status",
            "topic",
            "commune__department",
            "commune__department_code",
            "created_at",
            "first_proposed_at",
            "first_taken_at",
            "answered_by_kind",
            "time_spent_minutes",
        )
    )
    board = Dashboard(network=network, total=len(requests))
    statuses = Counter(r.status for r in requests)
    board.by_status = [
        (str(label), statuses.get(value, 0)) for value, label in SupportRequest.Status.choices
    ]
    topics = Counter(r.topic for r in requests)
    board.by_topic = [
        (str(label), topics[value]) for value, label in Topic.choices if topics.get(value)
    ]
    territories = Counter(
        f"{r.commune.department} ({r.commune.department_code})" if r.commune else _("Sans commune")
        for r in requests
    )
    board.by_territory = territories.most_common()
    answered = Counter(r.answered_by_kind for r in requests if r.answered_by_kind)
    total_answered = sum(answered.values())
    labels = {
        "peer": _("Pairs"),
        "professional": _("Professionnel·les"),
        "service": _("Services du réseau"),
    }
    board.answered_by = [
        (
            str(label),
            answered.get(kind, 0),
            round(100 * answered.get(kind, 0) / total_answered) if total_answered else 0,
        )
        for kind, label in labels.items()
    ]
    board.median_days_to_propose = _median_days(
        [r.first_proposed_at - r.created_at for r in requests if r.first_proposed_at]
    )
    board.median_days_to_take = _median_days(
        [r.first_taken_at - r.created_at for r in requests if r.first_taken_at]
    )
    answers = list(
        Satisfaction.objects.filter(
            request__network=network, answered_at__isnull=False
        ).values_list("contacted", "useful", "acted")
    )
    board.satisfaction_answers = len(answers)
    board.contacted_share = _share([a[0] for a in answers], "yes")
    board.useful_share = _share([a[1] for a in answers], "yes")
    board.acted_share = _share([a[2] for a in answers], "yes")
    board.groups_running = PeerGroup.objects.filter(
        network=network, status=PeerGroup.Status.RUNNING
    ).count()
    board.pairings_active = Pairing.objects.filter(
        network=network, status=Pairing.Status.ACTIVE
    ).count()
    board.holders_followed = ProjectHolder.objects.filter(
        network=network, status=ProjectHolder.Status.FOLLOWED
    ).count()
    board.holders_opened = ProjectHolder.objects.filter(
        network=network, status=ProjectHolder.Status.OPENED
    ).count()
    minutes = (
        Proposal.objects.filter(request__network=network).aggregate(m=Sum("volunteer_minutes"))["m"]
        or 0
    )
    board.volunteer_hours = round(minutes / 60, 1)
    board.time_spent_hours = round(sum(r.time_spent_minutes or 0 for r in requests) / 60, 1)
    return board


def csv_rows(board: Dashboard) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("indicateur"), _("valeur"), _("part (%)")]]
    rows.append([_("demandes"), board.total, ""])
    rows += [[_("statut : %(s)s") % {"s": label}, count, ""] for label, count in board.by_status]
    rows += [[_("sujet : %(s)s") % {"s": label}, count, ""] for label, count in board.by_topic]
    rows += [
        [_("territoire : %(s)s") % {"s": label}, count, ""] for label, count in board.by_territory
    ]
    rows += [
        [_("prises en charge par : %(s)s") % {"s": label}, count, share]
        for label, count, share in board.answered_by
    ]
    rows.append(
        [_("délai médian avant proposition (jours)"), board.median_days_to_propose or "", ""]
    )
    rows.append(
        [_("délai médian avant prise en charge (jours)"), board.median_days_to_take or "", ""]
    )
    rows.append([_("réponses de satisfaction"), board.satisfaction_answers, ""])
    rows.append(
        [_("contacté·es"), "", board.contacted_share if board.contacted_share is not None else ""]
    )
    rows.append([_("aide utile"), "", board.useful_share if board.useful_share is not None else ""])
    rows.append(
        [_("a fait avancer"), "", board.acted_share if board.acted_share is not None else ""]
    )
    rows.append([_("groupes de codéveloppement en cours"), board.groups_running, ""])
    rows.append([_("compagnonnages en cours"), board.pairings_active, ""])
    rows.append([_("porteurs de projets suivis"), board.holders_followed, ""])
    rows.append([_("porteurs dont le lieu a ouvert"), board.holders_opened, ""])
    rows.append([_("heures bénévoles des pairs"), board.volunteer_hours, ""])
    rows.append([_("heures passées sur les demandes closes"), board.time_spent_hours, ""])
    return rows
