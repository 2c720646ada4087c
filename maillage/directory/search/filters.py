"""The filters of the search page, the map and the API, read from a query string.

Bad values never fail a request: each is ignored and explained by a French notice, so a shared
link with a typo still shows results (and says what it left out).
"""

import math
import threading
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlencode

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from maillage.directory.search.understanding import Understanding, understand
from maillage.lib.french import de
from maillage.lib.money import parse_euros
from maillage.places.models import EquipmentCategory, PlaceStatus, PlaceType, SharingMode, SpaceKind
from maillage.territory.models import Commune
from maillage.territory.selectors import normalize_name


class Sort:
    RELEVANCE = "relevance"
    DISTANCE = "distance"
    FRESHNESS = "freshness"
    NAME = "name"
    ALL = (RELEVANCE, DISTANCE, FRESHNESS, NAME)


RADIUS_CHOICES = (5, 10, 20, 50, 100, 200)
MAX_RADIUS_KM = 2000
MAX_Q_LENGTH = 200
MAX_SKILL_LENGTH = 100
MAX_PAGE = 10_000
# The radius around a commune named among the words ("coworking saint malo").
UNDERSTOOD_RADIUS_KM = 10

# The keys a search URL may carry for places (anything else is ignored silently: utm_*, htmx's
# own…). "skill" is read too, but only the search page's people section uses it, not the API.
QUERY_KEYS = (
    "q",
    "type",
    "space_kind",
    "capacity_min",
    "surface_min",
    "price_max",
    "equipment_category",
    "sharing_mode",
    "accessible",
    "network",
    "status",
    "service",
    "audience",
    "near",
    "lat",
    "lon",
    "radius_km",
    "sort",
    "page",
    "literal",
    "open",
)
OPEN_NOW = "now"
# "open" values: now, or a day code (French day names are read too).
DAY_NAMES = {
    "lundi": "mo",
    "mardi": "tu",
    "mercredi": "we",
    "jeudi": "th",
    "vendredi": "fr",
    "samedi": "sa",
    "dimanche": "su",
}


@dataclass(frozen=True)
class Origin:
    """The point distances are measured from, and how to name it."""

    lat: float
    lon: float
    label: str


@dataclass(frozen=True)
class SearchFilters:
    """What a visitor asked for; every field has an "any" value (empty, None or False)."""

    q: str = ""
    # Words a person's visible skill must match (the people section only; places ignore it).
    skill: str = ""
    types: tuple[str, ...] = ()
    space_kind: str = ""
    capacity_min: int | None = None
    surface_min: int | None = None
    # Compared with each space's public (non-member) price.
    price_max_cents: int | None = None
    equipment_category: str = ""
    sharing_mode: str = ""
    # Step-free entrance, or at least one accessible space.
    accessible: bool = False
    network: str = ""
    status: str = ""
    # A médiation numérique service, a public welcomed (values of the places' tags).
    service: str = ""
    audience: str = ""
    # As typed: INSEE code, postal code or commune name. Resolved into `origin`.
    near: str = ""
    # The browser's position ("près de moi").
    lat: float | None = None
    lon: float | None = None
    radius_km: int | None = None
    sort: str = ""
    page: int = 1
    # Search the words as typed: no type or commune read from them.
    literal: bool = False
    # Open now ("now") or on a day ("mo"…"su"), from the places' opening hours.
    open: str = ""
    origin: Origin | None = field(default=None, compare=False)
    # How the words were read, when some became filters (see `understanding`).
    understood: Understanding | None = field(default=None, compare=False)

    # --- reading ----------------------------------------------------------------------------

    @classmethod
    def from_query(cls, query: Any) -> tuple["SearchFilters", list[str]]:
        """Read the filters from a QueryDict (or a dict); return them and French notices."""
        notices: list[str] = []
        values: dict[str, Any] = {}

        def get(key: str) -> str:
            raw = query.get(key, "")
            return raw.strip() if isinstance(raw, str) else ""

        values["q"] = " ".join(get("q").split())[:MAX_Q_LENGTH]
        values["skill"] = " ".join(get("skill").split())[:MAX_SKILL_LENGTH]

        raw_types = _get_list(query, "type")
        types = []
        for code in raw_types:
            if code in PlaceType.values:
                if code not in types:
                    types.append(code)
            else:
                notices.append(_notice_unknown(_("type de lieu"), code))
        values["types"] = tuple(types)

        for key, label, choices in (
            ("space_kind", _("type d'espace"), SpaceKind.values),
            ("equipment_category", _("catégorie d'équipement"), EquipmentCategory.values),
            ("sharing_mode", _("mode de partage"), SharingMode.values),
            ("status", _("statut"), PlaceStatus.values),
        ):
            raw = get(key)
            if raw and raw not in choices:
                notices.append(_notice_unknown(label, raw))
                raw = ""
            values[key] = raw

        for key, label in (("capacity_min", _("capacité")), ("surface_min", _("surface"))):
            values[key] = _positive_int(get(key), label, notices)

        raw_price = get("price_max")
        values["price_max_cents"] = None
        if raw_price:
            try:
                cents = parse_euros(raw_price)
            except ValueError:
                notices.append(_notice_number(_("prix maximum")))
            else:
                if cents < 0:
                    notices.append(_notice_number(_("prix maximum")))
                else:
                    values["price_max_cents"] = cents

        raw_accessible = get("accessible").lower()
        if raw_accessible in ("", "0", "false", "non", "off"):
            values["accessible"] = False
        elif raw_accessible in ("1", "true", "oui", "on"):
            values["accessible"] = True
        else:
            values["accessible"] = False
            notices.append(_notice_unknown(_("accessibilité"), raw_accessible))

        network = get("network")
        if network:
            from maillage.networks.models import Network

            if not Network.objects.filter(slug=network[:220]).exists():
                notices.append(_notice_unknown(_("réseau"), network))
                network = ""
        values["network"] = network
        for key, label in (("service", _("service")), ("audience", _("public accueilli"))):
            values[key] = _tag_value(key, get(key), label, notices)

        values["literal"] = get("literal").lower() in ("1", "true", "oui", "on")
        values["open"] = _open_value(get("open"), notices)
        values["near"] = get("near")[:100]
        values["lat"], values["lon"] = _position(get("lat"), get("lon"), notices)
        understood = None
        if values["q"] and not values["literal"]:
            reading = understand(
                values["q"],
                find_types=not values["types"],
                find_commune=not values["near"] and values["lat"] is None,
            )
            if reading.changed:
                understood = reading
                values["q"] = reading.words
                if reading.types:
                    values["types"] = reading.types
                if reading.open and not values["open"]:
                    values["open"] = reading.open
        values["understood"] = understood
        origin = None
        if values["lat"] is not None and values["lon"] is not None:
            origin = Origin(values["lat"], values["lon"], _("votre position"))
        elif understood is not None and understood.commune is not None:
            commune = understood.commune
            values["near"] = (
                understood.commune_words if understood.commune_words.isdigit() else commune.name
            )
            origin = Origin(commune.latitude, commune.longitude, commune.name)
        elif values["near"]:
            commune = resolve_commune(values["near"])
            if commune is None:
                notices.append(
                    _("Commune ou code postal « %(near)s » introuvable : distance ignorée.")
                    % {"near": values["near"]}
                )
                values["near"] = ""
            else:
                origin = Origin(commune.latitude, commune.longitude, commune.name)
        values["origin"] = origin

        radius = _positive_int(get("radius_km"), _("rayon"), notices)
        if radius is not None and radius > MAX_RADIUS_KM:
            notices.append(
                _("Le rayon ne peut dépasser %(max)s km : ignoré.") % {"max": MAX_RADIUS_KM}
            )
            radius = None
        if radius is not None and origin is None:
            if not values["near"] and values["lat"] is None:
                notices.append(_("Un rayon demande une commune ou votre position : rayon ignoré."))
            radius = None
        if radius is None and understood is not None and understood.commune is not None:
            radius = UNDERSTOOD_RADIUS_KM
            values["understood"] = replace(understood, radius_km=radius)
        values["radius_km"] = radius
        if values["understood"] is not None:
            notices.append(_describe_understanding(values["understood"], values["q"]))

        sort = get("sort")
        if sort and sort not in Sort.ALL:
            notices.append(_notice_unknown(_("tri"), sort))
            sort = ""
        if sort == Sort.DISTANCE and origin is None:
            notices.append(_("Le tri par distance demande une commune ou votre position."))
            sort = ""
        if sort == Sort.RELEVANCE and not values["q"]:
            sort = ""
        values["sort"] = sort

        page = _positive_int(get("page"), _("page"), notices)
        values["page"] = min(page or 1, MAX_PAGE)
        return cls(**values), notices

    # --- writing ----------------------------------------------------------------------------

    @property
    def effective_sort(self) -> str:
        """The sort in force: the chosen one, else distance with a point, relevance with words, name."""
        if self.sort:
            return self.sort
        if self.origin is not None:
            return Sort.DISTANCE
        if self.q:
            return Sort.RELEVANCE
        return Sort.NAME

    @property
    def is_empty(self) -> bool:
        """Whether nothing narrows the search (sorting and paging aside)."""
        return self.narrowing() == []

    def narrowing(self) -> list[str]:
        """The names of the filters that narrow the results, in the order of the form."""
        names = []
        for name in (
            "q",
            "types",
            "space_kind",
            "capacity_min",
            "surface_min",
            "price_max_cents",
            "equipment_category",
            "sharing_mode",
            "accessible",
            "network",
            "status",
            "service",
            "audience",
            "open",
        ):
            if getattr(self, name) not in ("", (), None, False):
                names.append(name)
        if self.radius_km is not None:
            names.append("radius_km")
        return names

    def without(self, *names: str) -> "SearchFilters":
        """A copy with these filters back to "any" (and the first page)."""
        defaults = {f.name: f.default for f in fields(self) if f.name in names}
        if "near" in names or "lat" in names:
            defaults["origin"] = None
        return replace(self, **defaults, page=1)

    def with_(self, **changes: Any) -> "SearchFilters":
        """A copy with these changes (and the first page unless a page is given)."""
        changes.setdefault("page", 1)
        return replace(self, **changes)

    def to_pairs(self, *, page: bool = True) -> list[tuple[str, str]]:
        """The filters as (key, value) pairs for a URL, "any" values left out."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        if self.skill:
            pairs.append(("skill", self.skill))
        pairs.extend(("type", code) for code in self.types)
        for key in ("space_kind",):
            if getattr(self, key):
                pairs.append((key, getattr(self, key)))
        for key in ("capacity_min", "surface_min"):
            if getattr(self, key) is not None:
                pairs.append((key, str(getattr(self, key))))
        if self.price_max_cents is not None:
            euros, cents = divmod(self.price_max_cents, 100)
            pairs.append(("price_max", f"{euros}.{cents:02d}" if cents else str(euros)))
        for key in ("equipment_category", "sharing_mode"):
            if getattr(self, key):
                pairs.append((key, getattr(self, key)))
        if self.accessible:
            pairs.append(("accessible", "1"))
        for key in ("network", "status", "service", "audience"):
            if getattr(self, key):
                pairs.append((key, getattr(self, key)))
        if self.lat is not None and self.lon is not None:
            pairs.append(("lat", f"{self.lat:.5f}"))
            pairs.append(("lon", f"{self.lon:.5f}"))
        elif self.near:
            pairs.append(("near", self.near))
        if self.radius_km is not None:
            pairs.append(("radius_km", str(self.radius_km)))
        if self.sort:
            pairs.append(("sort", self.sort))
        if page and self.page > 1:
            pairs.append(("page", str(self.page)))
        if self.open:
            pairs.append(("open", self.open))
        if self.literal:
            pairs.append(("literal", "1"))
        return pairs

    def as_typed_query(self) -> str:
        """The query searching the words as typed, when some were read as filters."""
        u = self.understood
        if u is None:
            return self.to_query(page=False)
        changes: dict[str, Any] = {"q": u.typed, "literal": True, "understood": None}
        if u.types:
            changes["types"] = ()
        if u.open:
            changes["open"] = ""
        if u.commune is not None:
            changes.update(near="", origin=None)
            if u.radius_km is not None:
                changes["radius_km"] = None
        return self.with_(**changes).to_query(page=False)

    def to_query(self, *, page: bool = True) -> str:
        """The filters as a query string (without "?"), for shareable URLs."""
        return urlencode(self.to_pairs(page=page))


_postal_lock = threading.Lock()
_postal: tuple[tuple[Any, ...], dict[str, int]] | None = None
_postal_generation = 0


def _communes_changed(**_kwargs: Any) -> None:
    global _postal_generation
    _postal_generation += 1


post_save.connect(_communes_changed, sender=Commune, dispatch_uid="search-postal-codes")
post_delete.connect(_communes_changed, sender=Commune, dispatch_uid="search-postal-codes-d")


def postal_code_index() -> dict[str, int]:
    """Postal code → the most populated located commune holding it (its pk).

    The communes keep their postal codes as one "|59500|59501|" text, which no database index
    can search: this map is built once per process and version of the communes table (one
    small query tells whether it changed).
    """
    global _postal
    from django.db.models import Count, Max

    counts = Commune.objects.aggregate(n=Count("pk"), last=Max("pk"))
    version = (_postal_generation, counts["n"], counts["last"])
    current = _postal
    if current is not None and current[0] == version:
        return current[1]
    with _postal_lock:
        by_code: dict[str, tuple[int, int]] = {}
        for pk, codes, population in Commune.objects.filter(
            latitude__isnull=False, longitude__isnull=False
        ).values_list("pk", "postal_codes", "population"):
            for code in codes.split("|"):
                if code and (code not in by_code or population > by_code[code][0]):
                    by_code[code] = (population, pk)
        _postal = (version, {code: pk for code, (_n, pk) in by_code.items()})
        return _postal[1]


def resolve_commune(text: str) -> Commune | None:
    """The commune meant by an INSEE code, a postal code or a name (the most populated if several)."""
    text = text.strip()
    if not text:
        return None
    communes = Commune.objects.filter(latitude__isnull=False, longitude__isnull=False)
    if len(text) == 5 and (text.isdigit() or text[:2].upper() in ("2A", "2B")):
        by_code = communes.filter(code_insee=text.upper()).first()
        if by_code is not None:
            return by_code
        if text.isdigit():
            pk = postal_code_index().get(text)
            return None if pk is None else communes.filter(pk=pk).first()
        return None
    # "Douai (59)" as the autocomplete shows it: keep the name.
    name = text.split("(")[0]
    wanted = normalize_name(name)
    if not wanted:
        return None
    return communes.filter(search_name=wanted).order_by("-population").first()


def _describe_understanding(u: Understanding, words: str) -> str:
    """ "Recherche comprise ainsi : …" — what became a filter and what is still searched."""
    labels = dict(PlaceType.choices)
    parts = []
    if u.types:
        parts.append(
            _("type « %(types)s »")
            % {"types": _(" ou ").join(str(labels[code]) for code in u.types)}
        )
    if u.commune is not None:
        if u.radius_km is not None:
            parts.append(
                _("à moins de %(km)s km %(de_commune)s")
                % {"km": u.radius_km, "de_commune": de(u.commune.name)}
            )
        else:
            parts.append(_("autour %(de_commune)s") % {"de_commune": de(u.commune.name)})
    if u.open == OPEN_NOW:
        parts.append(_("ouvert maintenant"))
    elif u.open:
        day = {code: name for name, code in DAY_NAMES.items()}[u.open]
        parts.append(_("ouvert le %(day)s") % {"day": _(day)})
    if words:
        parts.append(_("mots « %(words)s »") % {"words": words})
    if u.dropped:
        parts.append(
            _("« %(words)s » ignoré (tous les lieux le sont)") % {"words": ", ".join(u.dropped)}
        )
    return _("Recherche comprise ainsi : %(parts)s.") % {"parts": " ; ".join(parts)}


def _open_value(raw: str, notices: list[str]) -> str:
    value = raw.strip().lower()
    if not value:
        return ""
    if value in (OPEN_NOW, "maintenant"):
        return OPEN_NOW
    code = DAY_NAMES.get(value, value)
    if code in DAY_NAMES.values():
        return code
    notices.append(_notice_unknown(_("ouverture"), raw))
    return ""


def _get_list(query: Any, key: str) -> list[str]:
    if hasattr(query, "getlist"):
        raw = query.getlist(key)
    else:
        value = query.get(key, [])
        raw = value if isinstance(value, list | tuple) else [value]
    out = []
    for item in raw:
        if isinstance(item, str):
            out.extend(part.strip() for part in item.split(",") if part.strip())
    return out


MAX_TAG_LENGTH = 200


def _tag_value(key: str, raw: str, label: str, notices: list[str]) -> str:
    """A service or public as the places' tags say it; unknown to every place: a notice."""
    if not raw:
        return ""
    from maillage.directory.search.index import directory_index

    value = " ".join(raw.split())[:MAX_TAG_LENGTH]
    if value not in directory_index().tag_bits.get(key, {}):
        notices.append(_notice_unknown(label, value))
        return ""
    return value


def _notice_unknown(label: str, value: str) -> str:
    return _("Le filtre « %(label)s » n'accepte pas la valeur « %(value)s » : ignoré.") % {
        "label": label,
        "value": value[:50],
    }


def _notice_number(label: str) -> str:
    return _("Le filtre « %(label)s » doit être un nombre : ignoré.") % {"label": label}


def _positive_int(raw: str, label: str, notices: list[str]) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        try:
            number = float(raw.replace(",", "."))
        except ValueError:
            notices.append(_notice_number(label))
            return None
        if not math.isfinite(number):
            notices.append(_notice_number(label))
            return None
        value = int(number)
    if value < 0 or value > 10**9:
        notices.append(_notice_number(label))
        return None
    return value


def _position(raw_lat: str, raw_lon: str, notices: list[str]) -> tuple[float | None, float | None]:
    if not raw_lat and not raw_lon:
        return None, None
    try:
        lat, lon = float(raw_lat.replace(",", ".")), float(raw_lon.replace(",", "."))
    except ValueError:
        notices.append(_("Position (latitude, longitude) illisible : distance ignorée."))
        return None, None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        notices.append(_("Position (latitude, longitude) impossible : distance ignorée."))
        return None, None
    return lat, lon
