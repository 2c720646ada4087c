"""Reads of the commons catalogue: who may curate, the faceted search, the public page."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString

from maillage.accounts.models import User
from maillage.commons import licences
from maillage.commons.models import Action, Commons, Contact, Domain, Nature, Usage
from maillage.lib.french_stem import tokens
from maillage.lib.geo import distance_km
from maillage.lib.jsonld import script_json
from maillage.networks.selectors import networks_guided_by
from maillage.places.selectors import places_managed_by
from maillage.territory.models import Commune
from maillage.territory.selectors import search_communes

AnyUser = User | AnonymousUser

RADIUS_CHOICES = (10, 30, 50, 100)
DEFAULT_RADIUS_KM = 30


def can_curate(*, user: AnyUser, commons: Commons) -> bool:
    """Guides and coordinators of the network that lists the commons edit its entry."""
    return networks_guided_by(user=user).filter(pk=commons.network_id).exists()


def get_commons_for_curator(*, user: AnyUser, slug: str) -> Commons:
    commons = get_object_or_404(Commons, slug=slug)
    if not can_curate(user=user, commons=commons):
        raise PermissionDenied
    return commons


def get_public_commons(*, slug: str, user: AnyUser) -> Commons:
    """A published commons with everything its page shows; its curators also see it unpublished."""
    commons = get_object_or_404(
        Commons.objects.select_related("network").prefetch_related(
            "links",
            Prefetch("contacts", queryset=Contact.objects.select_related("user")),
            Prefetch(
                "usages",
                queryset=Usage.objects.select_related("place", "place__commune").filter(
                    place__is_published=True
                ),
            ),
            "maintainers__place",
            "maintainers__user",
            "contributions__place",
            "contributions__by",
        ),
        slug=slug,
    )
    if not commons.is_published and not can_curate(user=user, commons=commons):
        raise Http404
    return commons


# --- Search ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CommonsFilters:
    q: str = ""
    nature: str = ""
    action: str = ""
    domain: str = ""
    licence: str = ""
    near: str = ""
    radius_km: int = DEFAULT_RADIUS_KM

    @classmethod
    def from_query(cls, query: Any) -> tuple["CommonsFilters", list[str]]:
        """Filters from a query string; a value we do not know is dropped with a notice."""
        notices: list[str] = []

        def known(name: str, allowed: set[str]) -> str:
            value = (query.get(name) or "").strip()
            if value and value not in allowed:
                notices.append(name)
                return ""
            return value

        radius = query.get("radius_km") or ""
        radius_km = int(radius) if radius.isdigit() and int(radius) in RADIUS_CHOICES else 30
        return (
            cls(
                q=(query.get("q") or "").strip()[:200],
                nature=known("nature", set(Nature.values)),
                action=known("action", set(Action.values)),
                domain=known("domain", set(Domain.values)),
                licence=known("licence", set(licences.LICENCES)),
                near=(query.get("near") or "").strip()[:100],
                radius_km=radius_km,
            ),
            notices,
        )

    @property
    def active(self) -> int:
        return sum(
            bool(v)
            for v in (self.q, self.nature, self.action, self.domain, self.licence, self.near)
        )


def resolve_near(text: str) -> Commune | None:
    """A commune by INSEE code, postal code or name (the biggest of that name)."""
    if not text:
        return None
    found = search_communes(query=text, limit=1)
    return found[0] if found else None


@dataclass
class SearchResult:
    commons: list[Commons]
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    near: Commune | None = None
    near_unknown: bool = False
    used_near: dict[int, list[tuple[str, float]]] = field(default_factory=dict)


def published_commons() -> QuerySet[Commons]:
    return (
        Commons.objects.filter(is_published=True)
        .select_related("network")
        .annotate(
            usage_count=Count("usages", distinct=True),
            contact_count=Count("contacts", distinct=True),
        )
        .order_by("name")
    )


def _usages_near(commune: Commune, radius_km: float) -> dict[int, list[tuple[str, float]]]:
    """Per commons: the published places using it within the radius, nearest first."""
    found: dict[int, list[tuple[str, float]]] = {}
    rows = Usage.objects.filter(
        place__is_published=True, place__latitude__isnull=False, place__longitude__isnull=False
    ).values_list("commons_id", "place__name", "place__latitude", "place__longitude")
    if commune.latitude is None or commune.longitude is None:
        return found
    for commons_id, name, lat, lon in rows:
        if lat is None or lon is None:
            continue
        km = distance_km(commune.latitude, commune.longitude, lat, lon)
        if km <= radius_km:
            found.setdefault(commons_id, []).append((name, km))
    for places in found.values():
        places.sort(key=lambda item: item[1])
    return found


def search_commons(filters: CommonsFilters) -> SearchResult:
    """The published commons matching every filter, with facet counts over those results."""
    query = published_commons()
    for name in ("nature", "licence"):
        value = getattr(filters, name)
        if value:
            query = query.filter(**{name: value})
    # The stored stems (" stem … a:action d:domain ", models.stems_of) answer words, actions and
    # domains in the database: each query stem must start a word.
    markers = [f" {stem}" for stem in dict.fromkeys(tokens(filters.q))]
    if filters.action:
        markers.append(f" a:{filters.action} ")
    if filters.domain:
        markers.append(f" d:{filters.domain} ")
    for marker in markers:
        query = query.filter(search_stems__contains=marker)
    found = list(query)
    result = SearchResult(commons=found)
    if filters.near:
        commune = resolve_near(filters.near)
        if commune is None or commune.latitude is None or commune.longitude is None:
            result.near_unknown = True
        else:
            result.near = commune
            result.used_near = _usages_near(commune, filters.radius_km)
            found = [c for c in found if c.pk in result.used_near]
            found.sort(key=lambda c: result.used_near[c.pk][0][1])
            result.commons = found
    result.facets = _facets(found)
    return result


def _facets(found: list[Commons]) -> dict[str, list[tuple[str, str, int]]]:
    natures = Counter(c.nature for c in found)
    actions = Counter(a for c in found for a in c.actions)
    domains = Counter(d for c in found for d in c.domains)
    licence_counts = Counter(c.licence for c in found)
    return {
        "nature": [(v, str(label), natures[v]) for v, label in Nature.choices if natures[v]],
        "action": [(v, str(label), actions[v]) for v, label in Action.choices if actions[v]],
        "domain": [(v, str(label), domains[v]) for v, label in Domain.choices if domains[v]],
        "licence": [(v, v, n) for v, n in sorted(licence_counts.items())],
    }


def commons_of_curator(*, user: AnyUser) -> QuerySet[Commons]:
    """Every entry, published or not, of the networks this person curates."""
    return Commons.objects.filter(network__in=networks_guided_by(user=user)).order_by("name")


def usable_places(*, user: AnyUser, commons: Commons) -> list:
    """The places this person manages that have not yet declared using the commons."""
    declared = set(commons.usages.values_list("place_id", flat=True))
    return [p for p in places_managed_by(user=user) if p.pk not in declared]


# --- schema.org ----------------------------------------------------------------------------


def commons_jsonld(*, commons: Commons, request: HttpRequest) -> SafeString:
    """schema.org description of a commons: software is a SoftwareApplication, the rest a
    CreativeWork; its licence, links and maintainers included."""
    kind = "SoftwareApplication" if commons.nature == Nature.TOOL else "CreativeWork"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": kind,
        "name": commons.name,
        "description": commons.summary,
        "url": request.build_absolute_uri(commons.get_absolute_url()),
        "license": licences.spdx_url(commons.licence),
        "keywords": [str(Domain(d).label) for d in commons.domains if d in Domain.values],
    }
    same_as = [commons.website] if commons.website else []
    same_as += [link.url for link in commons.links.all()]
    if same_as:
        data["sameAs"] = same_as
    for link in commons.links.all():
        if link.kind == "source":
            data["codeRepository" if kind == "SoftwareApplication" else "isBasedOn"] = link.url
            break
    maintainers = []
    for maintainer in commons.maintainers.all():
        if maintainer.place is not None:
            maintainers.append({"@type": "Organization", "name": maintainer.place.name})
        elif maintainer.name:
            maintainers.append({"@type": "Organization", "name": maintainer.name})
        elif maintainer.user is not None:
            maintainers.append({"@type": "Person", "name": maintainer.user.public_name})
    if maintainers:
        data["maintainer"] = maintainers
    return script_json(data)
