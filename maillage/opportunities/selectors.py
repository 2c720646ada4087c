"""Reads of opportunities: who may do what, the board with its facets, matching, one's answers.

Every object is reached through these functions, so permissions live here: 404 when invisible,
403 when seen but not allowed.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.models import User
from maillage.networks.selectors import is_coordinator, networks_coordinated_by, networks_of
from maillage.opportunities.models import (
    Answer,
    Call,
    CallDocument,
    Follow,
    Kind,
    Partner,
    SavedSearch,
    Scope,
    Theme,
    Track,
)
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place, places_managed_by
from maillage.territory.models import Commune

AnyUser = User | AnonymousUser

DEADLINE_WINDOWS = {"7": 7, "30": 30, "90": 90}
AMOUNT_STEPS = (10_000_00, 50_000_00, 100_000_00)  # cents
PAGE_SIZE = 30


# --- Calls ------------------------------------------------------------------------------------


def may_enter_calls(*, user: AnyUser) -> bool:
    """Coordinators enter calls directly and moderate the proposals of their networks."""
    return networks_coordinated_by(user=user).exists()


def may_moderate(*, user: AnyUser, call: Call) -> bool:
    return is_coordinator(user=user, network=call.network)


def may_edit_call(*, user: AnyUser, call: Call) -> bool:
    """Coordinators of the call's network; who proposed it, while it waits for moderation."""
    if not user.is_authenticated:
        return False
    if call.status == Call.Status.PROPOSED and call.created_by_id == user.pk:
        return True
    return may_moderate(user=user, call=call)


def get_call_for_editor(*, user: AnyUser, slug: str) -> Call:
    call = get_call(user=user, slug=slug)
    if not may_edit_call(user=user, call=call):
        raise PermissionDenied
    return call


def get_call_document(*, user: AnyUser, slug: str, pk: int) -> CallDocument:
    """A document of a call one may see (404 otherwise)."""
    call = get_call(user=user, slug=slug)
    return get_object_or_404(CallDocument.objects.select_related("call"), call=call, pk=pk)


def visible_calls(*, user: AnyUser) -> QuerySet[Call]:
    """Published calls; a proposal is visible to who proposed it and to its moderators."""
    q = Q(status=Call.Status.PUBLISHED)
    if user.is_authenticated:
        q |= Q(created_by=user) | Q(network__in=networks_coordinated_by(user=user))
    return Call.objects.filter(q)


def get_call(*, user: AnyUser, slug: str) -> Call:
    call = get_object_or_404(Call.objects.select_related("network"), slug=slug)
    if call.status == Call.Status.PUBLISHED:
        return call
    if user.is_authenticated and (
        call.created_by_id == user.pk or may_moderate(user=user, call=call)
    ):
        return call
    raise Http404


def get_call_for_moderator(*, user: AnyUser, slug: str) -> Call:
    call = get_object_or_404(Call.objects.select_related("network"), slug=slug)
    if not may_moderate(user=user, call=call):
        raise PermissionDenied
    return call


def moderation_queue(*, user: AnyUser) -> QuerySet[Call]:
    return Call.objects.filter(
        status=Call.Status.PROPOSED, network__in=networks_coordinated_by(user=user)
    ).select_related("network", "created_by")


def open_calls(*, now: datetime.datetime | None = None) -> QuerySet[Call]:
    now = now or timezone.now()
    return Call.objects.filter(status=Call.Status.PUBLISHED).filter(
        Q(rolling=True) | Q(deadline__isnull=True) | Q(deadline__gt=now)
    )


def territory_matches(call: Any, *, region: str, department: str, commune: str = "") -> bool:
    """Whether a call (a Call or a row of values) is open to this place of the territory."""
    if call.scope == Scope.NATIONAL:
        return True
    return (
        region in call.region_codes
        or department in call.department_codes
        or (bool(commune) and commune in call.commune_codes)
    )


@dataclass(frozen=True, kw_only=True)
class BoardFilters:
    q: str = ""
    kind: str = ""
    theme: str = ""
    department: str = ""
    within: str = ""  # days before the deadline: "7", "30", "90"
    amount: str = ""  # at least this many euros (ceiling)
    include_closed: bool = False

    @classmethod
    def from_query(cls, query: Any) -> tuple["BoardFilters", list[str]]:
        notices: list[str] = []

        def known(name: str, allowed: set[str]) -> str:
            value = (query.get(name) or "").strip()
            if value and value not in allowed:
                notices.append(name)
                return ""
            return value

        department = (query.get("department") or "").strip().upper()[:3]
        if department and not Commune.objects.filter(department_code=department).exists():
            notices.append("department")
            department = ""
        amount = (query.get("amount") or "").strip()
        if amount and not amount.isdigit():
            notices.append("amount")
            amount = ""
        return (
            cls(
                q=(query.get("q") or "").strip()[:200],
                kind=known("kind", set(Kind.values)),
                theme=known("theme", set(Theme.values)),
                department=department,
                within=known("within", set(DEADLINE_WINDOWS)),
                amount=amount,
                include_closed=query.get("closed") == "1",
            ),
            notices,
        )

    @property
    def active(self) -> int:
        return sum(
            bool(v)
            for v in (self.q, self.kind, self.theme, self.department, self.within, self.amount)
        )


@dataclass
class Board:
    calls: list[Call]
    total: int
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)


def _territory_q(department: str) -> Q:
    commune = Commune.objects.filter(department_code=department).only("region_code").first()
    region = commune.region_code if commune else ""
    return (
        Q(scope=Scope.NATIONAL)
        | Q(department_codes__contains=[department])
        | Q(region_codes__contains=[region])
    )


def board(filters: BoardFilters, *, user: AnyUser, now: datetime.datetime | None = None) -> Board:
    """The board: calls matching the filters (soonest deadline first), with facet counts."""
    now = now or timezone.now()
    qs = visible_calls(user=user).filter(status=Call.Status.PUBLISHED)
    if not filters.include_closed:
        qs = qs.filter(Q(rolling=True) | Q(deadline__isnull=True) | Q(deadline__gt=now))
    if filters.q:
        for word in filters.q.split()[:8]:
            qs = qs.filter(
                Q(title__icontains=word) | Q(funder__icontains=word) | Q(summary__icontains=word)
            )
    calls = list(qs.order_by("rolling", "deadline", "title"))
    # JSON containment differs between databases: filter lists and territory in Python, which
    # also gives the facet counts in one pass.
    region_of = ""
    if filters.department:
        commune = (
            Commune.objects.filter(department_code=filters.department).only("region_code").first()
        )
        region_of = commune.region_code if commune else ""

    def keep(call: Call, *, skip: str = "") -> bool:
        if skip != "kind" and filters.kind and call.kind != filters.kind:
            return False
        if skip != "theme" and filters.theme and filters.theme not in call.themes:
            return False
        if (
            skip != "department"
            and filters.department
            and not territory_matches(call, region=region_of, department=filters.department)
        ):
            return False
        if skip != "within" and filters.within:
            limit = now + datetime.timedelta(days=DEADLINE_WINDOWS[filters.within])
            if call.rolling or call.deadline is None or call.deadline > limit:
                return False
        if skip != "amount" and filters.amount:
            ceiling = call.amount_max_cents or call.amount_min_cents
            if ceiling is None or ceiling < int(filters.amount) * 100:
                return False
        return True

    kept = [c for c in calls if keep(c)]
    kinds = Counter(c.kind for c in calls if keep(c, skip="kind"))
    themes: Counter[str] = Counter()
    for c in calls:
        if keep(c, skip="theme"):
            themes.update(set(c.themes))
    facets = {
        "kind": [(k.value, str(k.label), kinds[k.value]) for k in Kind if kinds[k.value]],
        "theme": [(t.value, str(t.label), themes[t.value]) for t in Theme if themes[t.value]],
    }
    return Board(calls=kept, total=len(kept), facets=facets)


def departments() -> list[tuple[str, str]]:
    return list(
        Commune.objects.order_by("department_code")
        .values_list("department_code", "department")
        .distinct()
    )


def _gazetteer_names(code: str, name: str, codes: list[str]) -> dict[str, str]:
    """{code: name} for these codes, read from the communes' `code` and `name` columns."""
    if not codes:
        return {}
    rows = Commune.objects.filter(**{f"{code}__in": codes}).values_list(code, name).distinct()
    return dict(rows)


def territory_names(*, call: Call) -> list[str]:
    """Where a call is open, by name: ["National"], or its regions, départements ("Somme (80)")
    and communes ("Amiens (80)") from the gazetteer (a code it no longer knows shows as is)."""
    if call.scope == Scope.NATIONAL:
        return [_("National")]
    regions = _gazetteer_names("region_code", "region", call.region_codes)
    departments = _gazetteer_names("department_code", "department", call.department_codes)
    communes = {
        code: f"{name} ({department})"
        for code, name, department in Commune.objects.filter(
            code_insee__in=call.commune_codes
        ).values_list("code_insee", "name", "department_code")
    }
    return (
        [regions.get(code, code) for code in call.region_codes]
        + [f"{departments[c]} ({c})" if c in departments else c for c in call.department_codes]
        + [communes.get(code, code) for code in call.commune_codes]
    )


def follows(*, user: AnyUser, call: Call) -> bool:
    return user.is_authenticated and Follow.objects.filter(user=user, call=call).exists()


def followed_calls(*, user: AnyUser) -> QuerySet[Call]:
    if not user.is_authenticated:
        return Call.objects.none()
    return Call.objects.filter(follows__user=user).order_by("deadline")


# --- Alerts -----------------------------------------------------------------------------------


def alerts_of(*, user: AnyUser) -> QuerySet[SavedSearch]:
    if not user.is_authenticated:
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(user=user)


def get_alert(*, user: AnyUser, pk: int) -> SavedSearch:
    return get_object_or_404(alerts_of(user=user), pk=pk)


# --- Places and calls -------------------------------------------------------------------------

# What a kind of place brings to a theme (types and equipment categories of the directory).
TYPE_THEMES = {
    "fablab": {"fabrication", "numerique", "jeunesse"},
    "coworking": {"emploi", "ess", "ruralite"},
    "cafe": {"sante", "culture", "ess"},
    "repair": {"fabrication", "transition", "mobilite"},
    "ressourcerie": {"fabrication", "transition", "emploi"},
    "rural_hub": {"ruralite", "ess", "emploi"},
    "fabrique": {"ruralite", "ess", "communs", "emploi"},
    "numerique": {"numerique", "emploi", "jeunesse"},
    "culture": {"culture", "jeunesse"},
    "food": {"alimentation", "transition", "sante"},
    "living_lab": {"communs", "numerique", "transition"},
}
EQUIPMENT_THEMES = {
    "digital_fab": {"fabrication", "numerique"},
    "woodwork": {"fabrication"},
    "metalwork": {"fabrication"},
    "textile": {"fabrication"},
    "audiovisual": {"culture", "numerique"},
    "computing": {"numerique"},
    "kitchen": {"alimentation"},
    "garden": {"alimentation", "transition"},
    "mobility": {"mobilite"},
    "repair": {"fabrication", "transition"},
}


@dataclass(frozen=True)
class Fit:
    obj: Any
    score: int
    reasons: list[str]


def place_themes(place: Place) -> set[str]:
    themes: set[str] = set()
    for t in place.types or []:
        themes |= TYPE_THEMES.get(t, set())
    for category in {e.category for e in place.equipment.all()}:
        themes |= EQUIPMENT_THEMES.get(category, set())
    return themes


def _fit(
    call: Call, place: Place, themes: set[str], record: Counter[str]
) -> tuple[int, list[str]] | None:
    commune = place.commune
    if commune is None or not territory_matches(
        call,
        region=commune.region_code,
        department=commune.department_code,
        commune=commune.code_insee,
    ):
        return None
    reasons = []
    common = themes & set(call.themes)
    score = 0
    if call.scope != Scope.NATIONAL:
        score += 2
        reasons.append(_("territoire : %(department)s") % {"department": commune.department})
    if common:
        score += 3 * len(common)
        labels = ", ".join(str(Theme(t).label) for t in sorted(common))
        reasons.append(_("thèmes : %(themes)s") % {"themes": labels})
    if record["won"] + record["submitted"]:
        score += record["won"] * 2 + record["submitted"]
        won = ngettext("%(n)s réponse retenue", "%(n)s réponses retenues", record["won"]) % {
            "n": record["won"]
        }
        submitted = ngettext("%(n)s déposée", "%(n)s déposées", record["submitted"]) % {
            "n": record["submitted"]
        }
        reasons.append(f"{won}, {submitted}")
    if not common and call.themes:
        return None
    return score, reasons


def _records(place_ids: list[int]) -> dict[int, Counter[str]]:
    records: dict[int, Counter[str]] = {pk: Counter() for pk in place_ids}
    for place_id, step in Track.objects.filter(place_id__in=place_ids).values_list(
        "place_id", "step"
    ):
        if step in ("won", "paid"):
            records[place_id]["won"] += 1
        elif step in ("submitted", "refused"):
            records[place_id]["submitted"] += 1
    return records


def places_for_call(*, call: Call, limit: int = 20) -> list[Fit]:
    """The published places that fit a call: its territory, their types and equipment, their
    past answers — best first (suggested to coordinators)."""
    places = list(
        Place.objects.filter(is_published=True, commune__isnull=False)
        .select_related("commune")
        .prefetch_related("equipment")
    )
    records = _records([p.pk for p in places])
    fits = []
    for place in places:
        fit = _fit(call, place, place_themes(place), records[place.pk])
        if fit is not None:
            fits.append(Fit(obj=place, score=fit[0], reasons=fit[1]))
    fits.sort(key=lambda f: (-f.score, f.obj.name))
    return fits[:limit]


def calls_for_place(*, place: Place, limit: int = 10) -> list[Fit]:
    """The open calls that fit a place, best first (on its page and its manager's hub)."""
    if place.commune is None:
        return []
    themes = place_themes(place)
    record = _records([place.pk])[place.pk]
    fits = []
    for call in open_calls().select_related("network"):
        fit = _fit(call, place, themes, record)
        if fit is not None:
            fits.append(Fit(obj=call, score=fit[0], reasons=fit[1]))
    fits.sort(key=lambda f: (-f.score, f.obj.deadline or timezone.now()))
    return fits[:limit]


def tracks_of_place(*, place: Place) -> QuerySet[Track]:
    return Track.objects.filter(place=place).select_related("call").order_by("-updated_at")


def looking_for_partners(*, call: Call) -> QuerySet[Track]:
    return (
        Track.objects.filter(call=call, looking_for_partners=True)
        .select_related("place")
        .prefetch_related("offers__place")
    )


def managed_places(*, user: AnyUser) -> QuerySet[Place]:
    return places_managed_by(user=user)


# --- Answers ----------------------------------------------------------------------------------


def is_partner(*, user: AnyUser, answer: Answer, accepted_only: bool = False) -> bool:
    if not user.is_authenticated:
        return False
    partners = answer.partners.exclude(status=Partner.Status.DECLINED)
    if accepted_only:
        partners = partners.filter(status=Partner.Status.ACCEPTED)
    managed = places_managed_by(user=user).values("pk")
    return partners.filter(Q(user=user) | Q(place__in=managed)).exists()


def may_see_answer(*, user: AnyUser, answer: Answer) -> bool:
    """Private to its partners (invited ones see it to decide) and the network's coordinators."""
    return is_partner(user=user, answer=answer) or is_coordinator(user=user, network=answer.network)


def may_edit_answer(*, user: AnyUser, answer: Answer) -> bool:
    """The partners who accepted write in the workspace; coordinators help."""
    return is_partner(user=user, answer=answer, accepted_only=True) or is_coordinator(
        user=user, network=answer.network
    )


def may_lead(*, user: AnyUser, answer: Answer) -> bool:
    """Inviting, splitting the budget and changing the status: the lead partner, coordinators."""
    lead = answer.partners.filter(role=Partner.Role.LEAD).first()
    if lead is not None and user.is_authenticated:
        if lead.user_id == user.pk:
            return True
        if lead.place is not None and can_edit_place(user=user, place=lead.place):
            return True
    return is_coordinator(user=user, network=answer.network)


def get_answer(*, user: AnyUser, pk: int) -> Answer:
    answer = get_object_or_404(Answer.objects.select_related("call", "network"), pk=pk)
    if not may_see_answer(user=user, answer=answer):
        raise Http404
    return answer


def answers_visible_to(*, user: AnyUser) -> QuerySet[Answer]:
    if not user.is_authenticated:
        return Answer.objects.none()
    managed = places_managed_by(user=user).values("pk")
    mine = Partner.objects.exclude(status=Partner.Status.DECLINED).filter(
        Q(user=user) | Q(place__in=managed)
    )
    return (
        Answer.objects.filter(
            Q(pk__in=mine.values("answer_id")) | Q(network__in=networks_coordinated_by(user=user))
        )
        .select_related("call", "network")
        .distinct()
    )


def invitations_for(*, user: AnyUser) -> QuerySet[Partner]:
    if not user.is_authenticated:
        return Partner.objects.none()
    managed = places_managed_by(user=user).values("pk")
    return (
        Partner.objects.filter(status=Partner.Status.INVITED)
        .filter(Q(user=user) | Q(place__in=managed))
        .select_related("answer", "answer__call", "place")
    )


def budget_total(*, answer: Answer) -> int:
    return sum(p.budget_cents for p in answer.partners.all() if p.status != Partner.Status.DECLINED)


def member_networks(*, user: AnyUser) -> Any:
    return networks_of(user=user)


# --- Dashboard --------------------------------------------------------------------------------


@dataclass
class Dashboard:
    open_by_territory: list[tuple[str, int]]
    answers_by_status: list[tuple[str, int]]
    in_progress: int
    decided: int
    won: int
    success_rate: int | None  # percent of decided answers that were won
    amount_won_cents: int
    cooperative: int
    competitive: int


def dashboard(*, user: AnyUser, now: datetime.datetime | None = None) -> Dashboard:
    """Figures of the networks one coordinates: calls open (national, then per region or
    department), answers by status, success rate, amounts won, cooperative vs competitive."""
    networks = networks_coordinated_by(user=user)
    calls = list(open_calls(now=now).filter(network__in=networks))
    territory: Counter[str] = Counter()
    region_names = _gazetteer_names(
        "region_code", "region", sorted({code for call in calls for code in call.region_codes})
    )
    department_names = _gazetteer_names(
        "department_code",
        "department",
        sorted({code for call in calls for code in call.department_codes}),
    )
    for call in calls:
        if call.scope == Scope.NATIONAL:
            territory[_("National")] += 1
        for code in call.region_codes:
            territory[region_names.get(code, code)] += 1
        for code in call.department_codes:
            territory[f"{code} – {department_names.get(code, code)}"] += 1
    answers = list(Answer.objects.filter(network__in=networks))
    by_status = Counter(a.status for a in answers)
    won = by_status[Answer.Status.WON]
    decided = won + by_status[Answer.Status.REFUSED]
    return Dashboard(
        open_by_territory=sorted(territory.items(), key=lambda kv: (-kv[1], kv[0])),
        answers_by_status=[(str(s.label), by_status[s.value]) for s in Answer.Status],
        in_progress=by_status[Answer.Status.PREPARING] + by_status[Answer.Status.SUBMITTED],
        decided=decided,
        won=won,
        success_rate=round(100 * won / decided) if decided else None,
        amount_won_cents=sum(a.amount_won_cents or 0 for a in answers if a.status == "won"),
        cooperative=sum(1 for c in calls if c.mode == "cooperative"),
        competitive=sum(1 for c in calls if c.mode == "competitive"),
    )


def dashboard_rows(*, user: AnyUser) -> list[list[Any]]:
    """The answers of the networks one coordinates, one line each (the dashboard's CSV)."""
    rows: list[list[Any]] = [
        [
            "appel",
            "financeur",
            "nature",
            "logique",
            "date_limite",
            "reponse",
            "etat",
            "partenaires",
            "budget_demande_euros",
            "montant_obtenu_euros",
            "deposee_le",
        ]
    ]
    answers = (
        Answer.objects.filter(network__in=networks_coordinated_by(user=user))
        .select_related("call")
        .prefetch_related("partners__place", "partners__user")
        .order_by("call__deadline", "pk")
    )
    for a in answers:
        partners = [p for p in a.partners.all() if p.status != Partner.Status.DECLINED]
        rows.append(
            [
                a.call.title,
                a.call.funder,
                a.call.get_kind_display(),
                a.call.get_mode_display(),
                a.call.deadline.astimezone(datetime.UTC).date().isoformat()
                if a.call.deadline
                else "",
                a.title,
                a.get_status_display(),
                " | ".join(str(p) for p in partners),
                f"{sum(p.budget_cents for p in partners) / 100:.2f}",
                f"{(a.amount_won_cents or 0) / 100:.2f}",
                a.submitted_at.date().isoformat() if a.submitted_at else "",
            ]
        )
    return rows


def import_runs(*, user: AnyUser) -> Any:
    from maillage.opportunities.models import Feed, ImportRun

    networks = networks_coordinated_by(user=user)
    return (
        ImportRun.objects.filter(network__in=networks).defer("content")[:20],
        Feed.objects.filter(network__in=networks),
    )


def get_run(*, user: AnyUser, pk: int) -> Any:
    from maillage.opportunities.models import ImportRun

    run = get_object_or_404(ImportRun, pk=pk)
    if not is_coordinator(user=user, network=run.network):
        raise PermissionDenied
    return run


# --- The money won ----------------------------------------------------------------------------


def network_circles(*, answer: Answer) -> list[Any]:
    """All the circles of the answer's network, by name."""
    from maillage.circles.selectors import network_circles as circles_of_network

    return circles_of_network(network=answer.network)


def may_see_circle_budget(*, user: AnyUser, circle: Any) -> bool:
    """Whether the person may see the circle's budget (its members today, the coordinators of
    its network): the circles' own rule, which also says where the money won may go."""
    from maillage.circles.selectors import can_see_circle_workspace

    return can_see_circle_workspace(user=user, circle=circle)


def envelope_circles(*, user: AnyUser, answer: Answer) -> list[Any]:
    """The circles of the answer's network whose budget may receive the money won from this
    person: those whose budget they may see. Nobody credits a budget they cannot follow."""
    return [
        circle
        for circle in network_circles(answer=answer)
        if may_see_circle_budget(user=user, circle=circle)
    ]


def envelope_link(*, user: AnyUser, answer: Answer) -> tuple[str, str] | None:
    """Where the recorded money shows: the circle's budget for who may open it (its members,
    coordinators), else the circle's public page."""
    from django.urls import reverse

    from maillage.circles.selectors import circle_url

    envelope = answer.envelope
    if envelope is None:
        return None
    circle = envelope.circle
    if may_see_circle_budget(user=user, circle=circle):
        return reverse("circles:budget", args=[circle.slug]), _("Voir le budget du cercle")
    return circle_url(circle), _("Voir la page du cercle")


def funder_kinds() -> dict[str, str]:
    """The kinds of funder an envelope knows (read from the field, whose model is the circles')."""
    envelope_model = Answer._meta.get_field("envelope").related_model
    field = envelope_model._meta.get_field("funder_kind")  # type: ignore[union-attr]
    return {str(value): str(label) for value, label in getattr(field, "choices", None) or []}


def may_record_envelope(*, user: AnyUser, answer: Answer) -> bool:
    """A won answer whose money is not recorded yet, for the lead and coordinators."""
    if answer.status != Answer.Status.WON or not answer.amount_won_cents:
        return False
    if answer.envelope_id is not None and answer.envelope.cancelled_at is None:  # type: ignore[union-attr]
        return False
    return may_lead(user=user, answer=answer)


def invitation_tasks(*, user: AnyUser) -> list[tuple[str, str]]:
    """For Mon espace: the invitations to answer a call together, to accept or decline."""

    return [
        (
            _("Invitation à répondre ensemble — %(t)s") % {"t": partner.answer.call.title},
            partner.answer.get_absolute_url(),
        )
        for partner in invitations_for(user=user)
    ]
