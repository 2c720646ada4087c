"""Reads about freshness: the badge, the reminder behind a link, a network's dashboard."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.directory.freshness.score import (
    freshness_score,
    record_is_stale,
    stale_after_days,
)
from maillage.directory.freshness.tokens import TokenAlreadyUsed, WrongPlace, read_token
from maillage.networks.models import MembershipStatus, Network
from maillage.networks.selectors import accepted_memberships_prefetch
from maillage.places.models import FreshnessReminder, Place

# --- Badge ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    is_stale: bool
    text: str
    label: str


def freshness_badge(place: Place, *, now: datetime | None = None) -> Badge:
    """The public badge of a place: "vérifié il y a 3 mois" or "à vérifier", with a long label."""
    now = now or timezone.now()
    days = stale_after_days(place)
    stale = record_is_stale(place.last_confirmed_at, days=days, now=now)
    confirmed = place.last_confirmed_at
    if confirmed is None:
        return Badge(
            is_stale=True,
            text=_("à vérifier"),
            label=_("Ces informations n'ont jamais été confirmées par le lieu."),
        )
    date = timezone.localtime(confirmed).strftime("%d/%m/%Y")
    if stale:
        return Badge(
            is_stale=True,
            text=_("à vérifier"),
            label=_(
                "Informations confirmées pour la dernière fois le %(date)s, il y a plus de "
                "%(days)s jours : elles sont peut-être dépassées."
            )
            % {"date": date, "days": days},
        )
    if now - confirmed < timedelta(days=1):
        text = _("vérifié aujourd'hui")
    else:
        text = _("vérifié il y a %(delta)s") % {"delta": timesince(confirmed, now, depth=1)}
    return Badge(
        is_stale=False,
        text=text,
        label=_("Informations confirmées par le lieu le %(date)s ; fraîcheur %(score)s sur 100.")
        % {"date": date, "score": place.freshness_score},
    )


# --- The reminder behind a "still true" link -------------------------------------------------


def reminder_for_token(*, token: str, slug: str, lock: bool = False) -> FreshnessReminder:
    """Return the reminder a link names, for the place of `slug`.

    Raise Http404 for an unknown place, ExpiredToken / InvalidToken for a bad link, WrongPlace
    when the link was made for another place, TokenAlreadyUsed once the place was confirmed.
    """
    place_id, reminder_id = read_token(token)
    place = get_object_or_404(Place, slug=slug)
    if place.pk != place_id:
        raise WrongPlace
    reminders = FreshnessReminder.objects.select_related("place")
    if lock:
        reminders = reminders.select_for_update()
    reminder = reminders.filter(pk=reminder_id, place_id=place_id).first()
    if reminder is None:
        raise Http404
    if reminder.status == FreshnessReminder.Status.CONFIRMED:
        raise TokenAlreadyUsed(confirmed_at=reminder.confirmed_at)
    return reminder


# --- A coordinator's reminder ----------------------------------------------------------------

# A place's managers get at most one reminder a week from the dashboard (the automatic ones
# count too: they were reminded just as much).
MANUAL_REMINDER_EVERY = timedelta(days=7)


def next_reminder_at(last_sent_at: datetime | None, *, now: datetime) -> datetime | None:
    """When a new reminder may go, if it may not go now (None: now is fine)."""
    if last_sent_at is None:
        return None
    allowed = last_sent_at + MANUAL_REMINDER_EVERY
    return allowed if allowed > now else None


def member_place(*, network: Network, slug: str) -> Place:
    """A member place of the network (accepted membership); Http404 otherwise."""
    return get_object_or_404(
        Place.objects.filter(
            memberships__network=network, memberships__status=MembershipStatus.ACCEPTED
        ).distinct(),
        slug=slug,
    )


# --- Network dashboard ----------------------------------------------------------------------

AGE_BUCKETS = [
    # (key, label, upper bound in days, exclusive; None = no bound)
    ("lt1", gettext_lazy("< 1 mois"), 30),
    ("1to3", gettext_lazy("1 à 3 mois"), 91),
    ("3to6", gettext_lazy("3 à 6 mois"), 182),
    ("6to12", gettext_lazy("6 à 12 mois"), 365),
    ("gt12", gettext_lazy("> 12 mois"), None),
]
NEVER_BUCKET = ("never", gettext_lazy("jamais"))
OLDEST_COUNT = 10


@dataclass(frozen=True)
class Share:
    label: str
    fresh: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.fresh / self.total) if self.total else 0


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class OldRecord:
    kind: str
    name: str
    place: Place
    last_confirmed_at: datetime | None
    is_place: bool = False


@dataclass(frozen=True)
class PlaceRow:
    place: Place
    score: int
    last_confirmed_at: datetime | None
    is_stale: bool
    reminder_status: str
    reminder_status_label: str
    reminder_sent_at: datetime | None
    # When the coordinator may send a reminder again (None: now, if the place is stale).
    next_reminder_at: datetime | None = None


@dataclass(frozen=True)
class NetworkFreshness:
    threshold_days: int
    shares: list[Share]
    buckets: list[Bucket]
    oldest: list[OldRecord]
    rows: list[PlaceRow]


def age_bucket(last_confirmed_at: datetime | None, *, now: datetime) -> str:
    """The key of the age bucket of a record ("never" if it was never confirmed)."""
    if last_confirmed_at is None:
        return NEVER_BUCKET[0]
    age = now - last_confirmed_at
    for key, _label, bound in AGE_BUCKETS:
        if bound is None or age < timedelta(days=bound):
            return key
    return AGE_BUCKETS[-1][0]  # pragma: no cover


def network_places(*, network: Network):  # -> QuerySet[Place]
    """The network's member places with their latest reminder's status and date, by name."""
    latest = FreshnessReminder.objects.filter(place=OuterRef("pk")).order_by("-sent_at", "-pk")
    return (
        Place.objects.filter(
            memberships__network=network, memberships__status=MembershipStatus.ACCEPTED
        )
        .select_related("commune")
        .prefetch_related("spaces", "equipment", "photos", accepted_memberships_prefetch())
        .annotate(
            last_reminder_status=Subquery(latest.values("status")[:1]),
            last_reminder_at=Subquery(latest.values("sent_at")[:1]),
        )
        .order_by("name", "pk")
        .distinct()
    )


def network_freshness(*, network: Network, now: datetime | None = None) -> NetworkFreshness:
    """Freshness of a network's member places, spaces and equipment by the network's threshold.

    A record is fresh when confirmed within the network's own `stale_after_days`. Scores are
    computed as of `now` (the stored ones are refreshed nightly). Six queries whatever the
    number of places.
    """
    now = now or timezone.now()
    days = network.stale_after_days
    places = list(network_places(network=network))
    place_by_id = {place.pk: place for place in places}
    spaces = [(s.name, p.pk, s.last_confirmed_at) for p in places for s in p.spaces.all()]
    equipment = [(e.name, p.pk, e.last_confirmed_at) for p in places for e in p.equipment.all()]

    def fresh(items, index):  # type: ignore[no-untyped-def]
        return sum(not record_is_stale(item[index], days=days, now=now) for item in items)

    shares = [
        Share(
            _("Lieux"),
            sum(not record_is_stale(p.last_confirmed_at, days=days, now=now) for p in places),
            len(places),
        ),
        Share(_("Espaces"), fresh(spaces, 2), len(spaces)),
        Share(_("Équipements"), fresh(equipment, 2), len(equipment)),
    ]

    counts = {key: 0 for key, _label, _bound in AGE_BUCKETS}
    counts[NEVER_BUCKET[0]] = 0
    for place in places:
        counts[age_bucket(place.last_confirmed_at, now=now)] += 1
    buckets = [Bucket(key, str(label), counts[key]) for key, label, _bound in AGE_BUCKETS]
    buckets.append(Bucket(NEVER_BUCKET[0], str(NEVER_BUCKET[1]), counts[NEVER_BUCKET[0]]))

    records = (
        [OldRecord(_("Lieu"), p.name, p, p.last_confirmed_at, is_place=True) for p in places]
        + [OldRecord(_("Espace"), n, place_by_id[pid], at) for n, pid, at in spaces]
        + [OldRecord(_("Équipement"), n, place_by_id[pid], at) for n, pid, at in equipment]
    )
    # Never confirmed first, then the oldest confirmation.
    records.sort(key=lambda r: (r.last_confirmed_at is not None, r.last_confirmed_at or now))
    oldest = [r for r in records if record_is_stale(r.last_confirmed_at, days=days, now=now)]
    oldest = oldest[:OLDEST_COUNT]

    status_labels = dict(FreshnessReminder.Status.choices)
    rows = [
        PlaceRow(
            place=place,
            score=freshness_score(place, now=now),
            last_confirmed_at=place.last_confirmed_at,
            is_stale=record_is_stale(place.last_confirmed_at, days=days, now=now),
            reminder_status=place.last_reminder_status or "",
            reminder_status_label=str(status_labels.get(place.last_reminder_status, ""))
            if place.last_reminder_status
            else "",
            reminder_sent_at=place.last_reminder_at,
            next_reminder_at=next_reminder_at(place.last_reminder_at, now=now),
        )
        for place in places
    ]
    rows.sort(key=lambda row: (row.score, row.place.name))
    return NetworkFreshness(
        threshold_days=days, shares=shares, buckets=buckets, oldest=oldest, rows=rows
    )


# --- Chart ----------------------------------------------------------------------------------

# Horizontal bars, one row per bucket: label | bar | count. Narrow enough that its text stays
# readable once the SVG is scaled down to a phone's width.
CHART_WIDTH = 400
CHART_ROW = 36
CHART_LABEL = 100  # width of the label column
CHART_COUNT = 44  # room for the count after the longest bar
CHART_BAR = 24  # thickness of a bar


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    key: str
    x: float
    y: float
    width: float
    height: float
    text_y: float
    count_x: float


def bar_chart(buckets: list[Bucket]) -> dict:
    """Geometry of a server-rendered SVG bar chart of the buckets (no JavaScript)."""
    plot = CHART_WIDTH - CHART_LABEL - CHART_COUNT
    top = max((b.count for b in buckets), default=0) or 1
    bars = []
    for i, bucket in enumerate(buckets):
        length = plot * bucket.count / top
        y = i * CHART_ROW + (CHART_ROW - CHART_BAR) / 2
        bars.append(
            Bar(
                label=bucket.label,
                count=bucket.count,
                key=bucket.key,
                x=CHART_LABEL,
                y=round(y, 1),
                width=round(length, 1),
                height=CHART_BAR,
                text_y=round(y + CHART_BAR / 2 + 5, 1),
                count_x=round(CHART_LABEL + length + 6, 1),
            )
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_ROW * len(buckets),
        "axis_x": CHART_LABEL,
        "label_x": CHART_LABEL - 8,
    }
