"""Qualification grids and qualifications, and the questions (FAQ) by domain.

A network's guides write a grid per nature of commons: criteria, each with its levels. A new
grid for the same nature is a new version. A qualification (grid version + answers + author +
date) is never edited: qualifying again supersedes it. The health figures that can be counted
(places using it, contributions and last activity) are counted, not asked."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.commons.models import (
    Commons,
    Contact,
    Contribution,
    Criterion,
    Grid,
    Nature,
    Qualification,
    Question,
    Usage,
)
from maillage.commons.services import InvalidCommons, NotAllowed
from maillage.networks.models import Network
from maillage.networks.selectors import networks_guided_by
from maillage.places.models import Place

MAX_LEVELS = 7
DEFAULT_STALE_DAYS = 365


def parse_criteria(text: str) -> list[tuple[str, list[str]]]:
    """One criterion a line, "Temps d'appropriation : moins d'un jour | une semaine | un mois"."""
    criteria = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        label, sep, rest = line.partition(":")
        levels = [level.strip() for level in rest.split("|") if level.strip()]
        if not sep or not label.strip() or not 2 <= len(levels) <= MAX_LEVELS:
            raise InvalidCommons(
                _(
                    "Ligne %(n)s : écrivez « Critère : niveau 1 | niveau 2 | … » "
                    "(de 2 à %(max)s niveaux)."
                )
                % {"n": number, "max": MAX_LEVELS},
                field="criteria",
            )
        criteria.append((label.strip()[:150], [level[:100] for level in levels]))
    if not criteria:
        raise InvalidCommons(_("Écrivez au moins un critère."), field="criteria")
    return criteria


def create_grid(*, network: Network, by: User, nature: str, criteria_text: str) -> Grid:
    """A new version of the network's grid for this nature of commons."""
    if not networks_guided_by(user=by).filter(pk=network.pk).exists():
        raise NotAllowed(
            _("Seul·es les aiguilleur·ses et coordinateur·rices du réseau écrivent ses grilles.")
        )
    if nature not in Nature.values:
        raise InvalidCommons(_("Choisissez la nature de commun."), field="nature")
    criteria = parse_criteria(criteria_text)
    with transaction.atomic():
        # Lock the network's row: two guides saving at once must not take the same version.
        Network.objects.select_for_update().filter(pk=network.pk).first()
        last = Grid.objects.filter(network=network, nature=nature).aggregate(v=Max("version"))["v"]
        grid = Grid.objects.create(
            network=network, nature=nature, version=(last or 0) + 1, created_by=by
        )
        Criterion.objects.bulk_create(
            Criterion(grid=grid, position=index, label=label, levels=levels)
            for index, (label, levels) in enumerate(criteria)
        )
    return grid


def current_grid(*, network: Network, nature: str) -> Grid | None:
    return (
        Grid.objects.filter(network=network, nature=nature)
        .prefetch_related("criteria")
        .order_by("-version")
        .first()
    )


def qualify(
    *, commons: Commons, by: User, answers: dict[int, int], note: str = ""
) -> Qualification:
    """Qualify the commons with the current grid of its network for its nature; the author's
    previous qualification of it is superseded, never changed."""
    if not networks_guided_by(user=by).filter(pk=commons.network_id).exists():
        raise NotAllowed(_("Seul·es les aiguilleur·ses du réseau qualifient ses communs."))
    grid = current_grid(network=commons.network, nature=commons.nature)
    if grid is None:
        raise InvalidCommons(
            _(
                "Le réseau n'a pas encore de grille pour cette nature de commun : écrivez-la d'abord."
            )
        )
    chosen: dict[str, int] = {}
    for criterion in grid.criteria.all():
        level = answers.get(criterion.pk)
        if level is None or not 0 <= level < len(criterion.levels):
            raise InvalidCommons(
                _("Choisissez un niveau pour « %(label)s ».") % {"label": criterion.label},
                field=f"criterion_{criterion.pk}",
            )
        chosen[str(criterion.pk)] = level
    with transaction.atomic():
        previous = (
            Qualification.objects.select_for_update(of=("self",))
            .filter(commons=commons, author=by, superseded_by__isnull=True)
            .first()
        )
        return Qualification.objects.create(
            commons=commons,
            grid=grid,
            author=by,
            answers=chosen,
            note=note.strip(),
            supersedes=previous,
        )


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class Reading:
    """One guide's current qualification, its levels in the grid's order, and whether it is old."""

    qualification: Qualification
    levels: list[tuple[str, str, int, int]]  # (criterion, level chosen, index, number of levels)
    stale: bool


@dataclass
class Health:
    places: int
    contributions_12_months: int
    last_activity: datetime.date | None


def readings(*, commons: Commons, now: datetime.datetime | None = None) -> list[Reading]:
    """The current qualification of each guide, side by side, newest first."""
    now = now or timezone.now()
    stale_days = getattr(commons.network, "stale_after_days", None) or DEFAULT_STALE_DAYS
    current = (
        Qualification.objects.filter(commons=commons, superseded_by__isnull=True)
        .select_related("author", "grid")
        .prefetch_related("grid__criteria")
    )
    out = []
    for qualification in current:
        levels = []
        for criterion in qualification.grid.criteria.all():
            index = qualification.answers.get(str(criterion.pk))
            if index is None or not 0 <= index < len(criterion.levels):
                continue
            levels.append((criterion.label, criterion.levels[index], index, len(criterion.levels)))
        stale = now - qualification.created_at > datetime.timedelta(days=stale_days)
        out.append(Reading(qualification, levels, stale))
    return out


def health(*, commons: Commons, today: datetime.date | None = None) -> Health:
    today = today or timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    contributions = Contribution.objects.filter(commons=commons)
    last = contributions.aggregate(last=Max("happened_on"))["last"]
    usage_last = Usage.objects.filter(commons=commons).aggregate(last=Max("declared_at"))["last"]
    candidates = [d for d in (last, usage_last.date() if usage_last else None) if d is not None]
    return Health(
        places=Usage.objects.filter(commons=commons, place__is_published=True).count(),
        contributions_12_months=contributions.filter(happened_on__gte=year_ago).count(),
        last_activity=max(candidates) if candidates else None,
    )


# --- Questions (FAQ) ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class QuestionData:
    network: Network
    domain: str
    question: str
    answer: str
    commons: list[Commons]
    contacts: list[Contact]
    places: list[Place]


def save_question(*, by: User, data: QuestionData, question: Question | None = None) -> Question:
    if not networks_guided_by(user=by).filter(pk=data.network.pk).exists():
        raise NotAllowed(
            _(
                "Seul·es les aiguilleur·ses et coordinateur·rices du réseau écrivent sa foire aux questions."
            )
        )
    if not data.question.strip() or not data.answer.strip():
        raise InvalidCommons(_("Écrivez la question et sa réponse."), field="question")
    with transaction.atomic():
        question = question or Question()
        question.network = data.network
        question.domain = data.domain
        question.question = data.question.strip()
        question.answer = data.answer.strip()
        question.save()
        question.commons.set(data.commons)
        question.contacts.set(data.contacts)
        question.places.set(data.places)
    return question
