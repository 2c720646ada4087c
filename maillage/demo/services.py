"""Build (or rebuild) the demo installation from the 2019 census of tiers-lieux.

Only the places of Hauts-de-France (region 32, about 75 places) are loaded so the demo builds in a
few seconds; the people, spaces, equipment and prices are invented, deterministically
(`random.Random(2019)`), so two installations show the same demo.
"""

import csv
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import Skill, User, Visibility
from maillage.demo import content
from maillage.networks.models import (
    Membership,
    MembershipEvent,
    MembershipStatus,
    Network,
    NetworkRole,
)
from maillage.places.models import (
    Equipment,
    EquipmentCategory,
    Place,
    PlaceRole,
    PlaceStatus,
    PlaceType,
    PriceUnit,
    SharingMode,
    Space,
    SpaceKind,
)
from maillage.territory.models import Commune, FormerCommuneCode
from maillage.territory.selectors import normalize_name

CENSUS_FILE = (
    Path(__file__).resolve().parent.parent / "places" / "data" / "cget_tiers_lieux_2019.csv"
)
REGION_CODE = "32"
DEMO_DOMAIN = "demo.maillage.fr"
DEMO_PASSWORD = "maillage-demo"  # noqa: S105 (printed to the operator on purpose)
SOURCE = "CGET 2019"
EXTERNAL_PREFIX = "cget2019:"
NATIONAL_SLUG = "france-tiers-lieux-demo"
REGIONAL_SLUG = "compagnie-des-tiers-lieux-demo"
LOCAL_SLUG_PREFIX = "cercle-"
LOCAL_SLUG_SUFFIX = "-demo"
SEED = 2019

TYPES = {
    "Tiers lieux à dominante coworking": PlaceType.COWORKING,
    "Tiers lieux à dominante fablab": PlaceType.FABLAB,
}
# Legal prefixes of EPCI names, dropped to name a circle after its territory.
EPCI_PREFIXES = ["CA du ", "CA de la ", "CA de l'", "CA de ", "CA d'", "CA ", "CC du ", "CC de ",
                 "CC ", "CU de ", "CU d'", "CU "]  # fmt: skip
EPCI_SUFFIXES = [" Agglo", " Agglomération"]

Progress = Callable[[int, int], None]


class DemoError(Exception):
    """The demo cannot be built; the message says what to do."""


class CommunesMissing(DemoError):  # noqa: N818 (named after the situation)
    def __init__(self) -> None:
        super().__init__(
            _("Le référentiel des communes est vide : lancez d'abord « manage.py load_communes ».")
        )


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    what_to_try: str


@dataclass
class DemoSummary:
    created: bool
    counts: dict[str, int]
    skipped_rows: list[str] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


# --- reading the census ---------------------------------------------------------------------


def read_census(
    *, path: Path = CENSUS_FILE, region_code: str = REGION_CODE
) -> list[dict[str, str]]:
    """The census rows of one region, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["INSEEREG"] == region_code]


def _postal_code(raw: str) -> str:
    raw = raw.strip()
    # Spreadsheets ate the leading zero of the Aisne's codes ("2400" for 02400).
    if raw.isdigit() and len(raw) == 4:
        raw = raw.zfill(5)
    return raw if raw.isdigit() and len(raw) == 5 else ""


def _name_key(name: str) -> str:
    key = normalize_name(name)
    for short, full in (("st ", "saint "), ("ste ", "sainte ")):
        if key.startswith(short):
            key = full + key[len(short) :]
        key = key.replace(f" {short}", f" {full}")
    return key


def resolve_commune(*, insee: str, postal_code: str, name: str) -> Commune | None:
    """Today's commune of a census row: by INSEE code, former code, or postal code and name."""
    insee = insee.strip()
    if insee and insee != "0":
        commune = Commune.objects.filter(code_insee=insee.zfill(5)).first()
        if commune is not None:
            return commune
        former = FormerCommuneCode.objects.filter(old_code=insee.zfill(5)).first()
        if former is not None:
            return former.commune
    postal_code = _postal_code(postal_code)
    if not postal_code or not name.strip():
        return None
    wanted = _name_key(name)
    candidates = list(Commune.objects.with_postal_code(postal_code))
    for commune in candidates:
        if _name_key(commune.name) == wanted:
            return commune
    # A commune merged since 2019 answers to its old name through the former codes.
    for former in FormerCommuneCode.objects.filter(commune__in=candidates).select_related(
        "commune"
    ):
        if _name_key(former.old_name) == wanted:
            return former.commune
    return None


def _website(raw: str) -> str:
    raw = raw.strip()
    if not raw:
        return ""
    if "://" not in raw:
        raw = f"https://{raw}"
    try:
        URLValidator()(raw)
    except ValidationError:
        return ""
    return raw[:200]


def _float(raw: str) -> float | None:
    try:
        return float(raw)
    except ValueError:
        return None


def circle_name(epci: str) -> str:
    """ "CA du Douaisis Agglo" → "Cercle Douaisis"."""
    short = epci
    for prefix in EPCI_PREFIXES:
        if short.startswith(prefix):
            short = short[len(prefix) :]
            break
    for suffix in EPCI_SUFFIXES:
        short = short.removesuffix(suffix)
    return f"Cercle {short.strip()}"


# --- what the demo holds --------------------------------------------------------------------


def demo_networks():
    return Network.objects.filter(slug__in=[NATIONAL_SLUG, REGIONAL_SLUG]) | Network.objects.filter(
        slug__startswith=LOCAL_SLUG_PREFIX, slug__endswith=LOCAL_SLUG_SUFFIX
    )


def demo_places():
    return Place.objects.filter(source=SOURCE, external_id__startswith=EXTERNAL_PREFIX)


def demo_users():
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")


def demo_counts() -> dict[str, int]:
    """How many objects of each kind the demo holds now."""
    places = demo_places()
    networks = demo_networks()
    return {
        "networks": networks.count(),
        "places": places.count(),
        "spaces": Space.objects.filter(place__in=places).count(),
        "equipment": Equipment.objects.filter(place__in=places).count(),
        "people": demo_users().count(),
        "memberships": Membership.objects.filter(network__in=networks).count(),
        "membership_events": MembershipEvent.objects.filter(
            membership__network__in=networks
        ).count(),
        "skills": Skill.objects.filter(user__in=demo_users()).count(),
    }


def delete_demo() -> None:
    """Delete every demo object (networks, places, people), leaving everything else alone."""
    with transaction.atomic():
        networks = list(demo_networks())
        # Parents are protected: delete the deepest networks first.
        for level in (Network.Level.LOCAL, Network.Level.REGIONAL, Network.Level.NATIONAL):
            Network.objects.filter(pk__in=[n.pk for n in networks if n.level == level]).delete()
        Network.objects.filter(pk__in=[n.pk for n in networks]).delete()
        demo_places().delete()
        EmailAddress.objects.filter(user__in=demo_users()).delete()
        demo_users().delete()


# --- building --------------------------------------------------------------------------------


@dataclass
class _Builder:
    rows: list[dict[str, str]]
    local_networks: int
    progress: Progress | None
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))  # noqa: S311
    now: datetime = field(default_factory=timezone.now)
    password_hash: str = field(default_factory=lambda: make_password(DEMO_PASSWORD))
    skipped: list[str] = field(default_factory=list)
    emails: set[str] = field(default_factory=set)
    logins: list[DemoLogin] = field(default_factory=list)

    # people ------------------------------------------------------------------------------

    def person(self, *, local_part: str | None = None, **fields: object) -> User:
        first = self.rng.choice(content.FIRST_NAMES)
        last = self.rng.choice(content.LAST_NAMES)
        base = local_part or f"{slugify(first)}.{slugify(last)}"
        email, n = f"{base}@{DEMO_DOMAIN}", 2
        while email in self.emails:
            email, n = f"{base}{n}@{DEMO_DOMAIN}", n + 1
        self.emails.add(email)
        return User(
            email=email,
            first_name=first,
            last_name=last,
            display_name=f"{first} {last}",
            password=self.password_hash,
            **fields,
        )

    # places ------------------------------------------------------------------------------

    def places(self) -> list[Place]:
        taken = set(Place.objects.values_list("slug", flat=True))
        places = []
        total = len(self.rows)
        for index, row in enumerate(self.rows, start=1):
            commune = resolve_commune(
                insee=row["INSEECOM"], postal_code=row["CP"], name=row["COMINIT"]
            )
            if commune is None:
                self.skipped.append(f"{row['ID']} {row['NOM_TL']}")
            else:
                places.append(self.place(row, commune, taken))
            if self.progress:
                self.progress(index, total)
        return Place.objects.bulk_create(places)

    def place(self, row: dict[str, str], commune: Commune, taken: set[str]) -> Place:
        rng = self.rng
        name = " ".join(row["NOM_TL"].split())[:200]
        base = slugify(name)[:200].strip("-") or "lieu"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        kind = TYPES.get(row["TYPO"].strip(), PlaceType.OTHER)
        lat, lon = _float(row["LAT"]), _float(row["LONG"])
        if lat is None or lon is None:
            lat, lon = commune.latitude, commune.longitude
        postal_code = _postal_code(row["CP"])
        if not postal_code or postal_code not in commune.postal_code_list:
            postal_code = next(iter(commune.postal_code_list), "")
        late = rng.choice(["18:00", "19:00", "20:00"])
        hours = {day: f"09:00-{late}" for day in ("mo", "tu", "we", "th", "fr")}
        if rng.random() < 0.4:
            hours["sa"] = "10:00-13:00"
        return Place(
            name=name,
            slug=slug,
            types=[kind.value],
            summary=_summary(kind, commune),
            description=_description(name, kind, commune),
            status=PlaceStatus.OPEN,
            address=" ".join(row["ADRESSE"].split())[:250],
            postal_code=postal_code,
            commune=commune,
            latitude=lat,
            longitude=lon,
            opening_hours=hours,
            access_step_free=rng.random() < 0.7,
            access_toilets=rng.random() < 0.5,
            access_parking=rng.random() < 0.4,
            access_public_transport=rng.random() < 0.6,
            website=_website(row["WEB"]),
            external_id=f"{EXTERNAL_PREFIX}{row['ID']}",
            source=SOURCE,
            last_confirmed_at=self.now - timedelta(days=rng.randint(3, 600)),
        )

    def spaces_and_equipment(self, places: list[Place]) -> tuple[int, int]:
        rng, spaces, equipment = self.rng, [], []
        for place in places:
            confirmed = place.last_confirmed_at
            kind = place.types[0]
            if kind == PlaceType.COWORKING:
                desks = rng.randint(8, 30)
                public = rng.randrange(1200, 2600, 100)
                spaces.append(
                    Space(
                        place=place,
                        name="Open space",
                        kind=SpaceKind.DESK,
                        description="Postes de travail en accès libre, wifi et café compris.",
                        capacity=desks,
                        surface_m2=desks * 6,
                        uses="coworking, travail à distance",
                        price_unit=PriceUnit.DAY,
                        price_public_cents=public,
                        price_network_cents=public - 500,
                        price_member_cents=0,
                        is_accessible=place.access_step_free,
                        last_confirmed_at=confirmed,
                    )
                )
                equipment.append(
                    Equipment(
                        place=place,
                        name="Vidéoprojecteur",
                        category=EquipmentCategory.AUDIOVISUAL,
                        sharing_mode=SharingMode.LOAN,
                        deposit_cents=rng.randrange(20000, 50001, 5000),
                        price_cents=rng.choice([0, 1000, 1500]),
                        price_unit=PriceUnit.DAY,
                        conditions="Prêt aux lieux du réseau, retour sous 48 heures.",
                        last_confirmed_at=confirmed,
                    )
                )
                equipment.append(
                    Equipment(
                        place=place,
                        name="Imprimante multifonction",
                        category=EquipmentCategory.COMPUTING,
                        sharing_mode=SharingMode.ON_SITE,
                        price_cents=rng.choice([10, 15, 20]),
                        price_unit=PriceUnit.USE,
                        conditions="Prix par page imprimée.",
                        last_confirmed_at=confirmed,
                    )
                )
            if kind == PlaceType.FABLAB:
                spaces.append(
                    Space(
                        place=place,
                        name="Atelier de fabrication",
                        kind=SpaceKind.WORKSHOP,
                        description="Atelier équipé, accessible après une initiation sécurité.",
                        capacity=rng.randint(8, 20),
                        surface_m2=rng.randrange(60, 250, 10),
                        uses="fabrication numérique, prototypage, ateliers",
                        price_unit=PriceUnit.HOUR,
                        price_public_cents=rng.randrange(500, 1600, 100),
                        price_network_cents=rng.randrange(300, 800, 100),
                        price_member_cents=0,
                        is_accessible=place.access_step_free,
                        last_confirmed_at=confirmed,
                    )
                )
                equipment.extend(
                    [
                        Equipment(
                            place=place,
                            name="Découpeuse laser",
                            category=EquipmentCategory.DIGITAL_FAB,
                            description="Surface de découpe 60 × 40 cm, bois, carton, acrylique.",
                            sharing_mode=SharingMode.WITH_OPERATOR,
                            price_cents=rng.randrange(1500, 3100, 500),
                            price_unit=PriceUnit.HOUR,
                            conditions="Sur rendez-vous, avec un·e fabmanager.",
                            last_confirmed_at=confirmed,
                        ),
                        Equipment(
                            place=place,
                            name="Imprimantes 3D",
                            category=EquipmentCategory.DIGITAL_FAB,
                            quantity=rng.randint(2, 6),
                            sharing_mode=SharingMode.ON_SITE,
                            price_cents=rng.choice([200, 300, 500]),
                            price_unit=PriceUnit.HOUR,
                            conditions="Filament PLA fourni, autres matières à apporter.",
                            last_confirmed_at=confirmed,
                        ),
                    ]
                )
                if rng.random() < 0.5:
                    equipment.append(
                        Equipment(
                            place=place,
                            name="Fraiseuse numérique (CNC)",
                            category=EquipmentCategory.DIGITAL_FAB,
                            sharing_mode=SharingMode.WITH_OPERATOR,
                            price_cents=rng.randrange(2500, 4100, 500),
                            price_unit=PriceUnit.HOUR,
                            conditions="Après la formation « CNC niveau 1 ».",
                            last_confirmed_at=confirmed,
                        )
                    )
            if kind != PlaceType.FABLAB or rng.random() < 0.5:
                seats = rng.randint(6, 16)
                spaces.append(
                    Space(
                        place=place,
                        name="Salle de réunion",
                        kind=SpaceKind.MEETING_ROOM,
                        description="Grande table, écran et tableau blanc.",
                        capacity=seats,
                        surface_m2=seats * 3,
                        uses="réunion, formation, atelier",
                        price_unit=PriceUnit.HALF_DAY,
                        price_public_cents=rng.randrange(6000, 14000, 1000),
                        price_network_cents=rng.randrange(3000, 6000, 500),
                        price_member_cents=rng.randrange(1000, 3000, 500),
                        is_accessible=place.access_step_free,
                        last_confirmed_at=confirmed,
                    )
                )
        Space.objects.bulk_create(spaces)
        Equipment.objects.bulk_create(equipment)
        return len(spaces), len(equipment)

    # networks ----------------------------------------------------------------------------

    def networks(self, places: list[Place]) -> tuple[Network, Network, list[Network]]:
        national = Network.objects.create(
            name="France Tiers-Lieux (démo)",
            slug=NATIONAL_SLUG,
            level=Network.Level.NATIONAL,
            summary="Le réseau national des réseaux régionaux de tiers-lieux (démonstration).",
            description=content.NATIONAL_DESCRIPTION,
            charter=content.NATIONAL_CHARTER,
            email=f"contact.national@{DEMO_DOMAIN}",
        )
        regional = Network.objects.create(
            name="La Compagnie des Tiers-Lieux (démo)",
            slug=REGIONAL_SLUG,
            level=Network.Level.REGIONAL,
            parent=national,
            summary="Le réseau des tiers-lieux des Hauts-de-France (démonstration).",
            description=content.REGIONAL_DESCRIPTION,
            charter=content.REGIONAL_CHARTER,
            email=f"contact@{DEMO_DOMAIN}",
        )
        region = Commune.objects.filter(region_code=REGION_CODE)
        self.territory(regional, list(region.values_list("code_insee", flat=True)))
        # The circles are the EPCIs holding the most census places (ties broken by name).
        per_epci = Counter((p.commune.epci_code, p.commune.epci) for p in places if p.commune.epci)
        chosen = sorted(per_epci.items(), key=lambda item: (-item[1], item[0][1]))
        locals_ = []
        for (epci_code, epci), _count in chosen[: self.local_networks]:
            name = circle_name(epci)
            local = Network.objects.create(
                name=name,
                slug=f"{LOCAL_SLUG_PREFIX}{slugify(name.removeprefix('Cercle '))}{LOCAL_SLUG_SUFFIX}",
                level=Network.Level.LOCAL,
                parent=regional,
                summary=f"Le cercle territorial des tiers-lieux du territoire « {epci} ».",
                description=(
                    f"Cercle territorial de La Compagnie des Tiers-Lieux (démo) pour le territoire "
                    f"**{epci}**.\n\nLes lieux du cercle se retrouvent chaque trimestre, "
                    f"partagent leurs espaces et décident ensemble de leur budget contributif."
                ),
                charter=content.LOCAL_CHARTER,
            )
            codes = list(region.filter(epci_code=epci_code).values_list("code_insee", flat=True))
            self.territory(local, codes)
            local.epci_code = epci_code  # type: ignore[attr-defined]
            locals_.append(local)
        return national, regional, locals_

    def territory(self, network: Network, codes: list[str]) -> None:
        through = Network.communes.through
        through.objects.bulk_create(
            [through(network_id=network.pk, commune_id=code) for code in codes], batch_size=2000
        )

    # memberships -------------------------------------------------------------------------

    def memberships(
        self,
        *,
        places: list[Place],
        national: Network,
        regional: Network,
        locals_: list[Network],
        managers: dict[int, User],
        coordinators: dict[int, User],
    ) -> None:
        circle_of = {local.epci_code: local for local in locals_}  # type: ignore[attr-defined]
        rows: list[tuple[Membership, list[tuple[str, str, User | None, str]]]] = []

        def add(network: Network, place: Place, status: str) -> None:
            manager = managers.get(place.pk)
            coordinator = coordinators[network.pk]
            applicant = manager or coordinator
            membership = Membership(
                network=network,
                place=place,
                status=status,
                applied_by=applicant,
                motivation=self.rng.choice(content.MOTIVATIONS) if manager else "",
            )
            history = [("", MembershipStatus.APPLIED, applicant, "")]
            if status == MembershipStatus.ACCEPTED:
                membership.charter_accepted_at = self.now
                # Places without a demo manager signed on paper; the coordination recorded it.
                membership.charter_accepted_by = manager
                membership.charter_text = network.charter
                membership.decided_at = self.now
                membership.decided_by = coordinator
                note = (
                    "" if manager else "Charte signée sur papier, enregistrée par la coordination."
                )
                history.append((MembershipStatus.APPLIED, status, coordinator, note))
            if status in (MembershipStatus.IN_REVIEW, MembershipStatus.REFUSED):
                history.append(
                    (MembershipStatus.APPLIED, MembershipStatus.IN_REVIEW, coordinator, "")
                )
            if status == MembershipStatus.REFUSED:
                membership.decided_at = self.now
                membership.decided_by = coordinator
                membership.reason = content.REFUSAL_REASON
                history.append(
                    (MembershipStatus.IN_REVIEW, status, coordinator, content.REFUSAL_REASON)
                )
            rows.append((membership, history))

        for place in places:
            add(regional, place, MembershipStatus.ACCEPTED)
            circle = circle_of.get(place.commune.epci_code)
            if circle is not None:
                add(circle, place, MembershipStatus.ACCEPTED)
        # A few places also talk to the national network, at every stage, for realism.
        managed = [place for place in places if place.pk in managers]
        # Every state first, so even a small census shows them all.
        states = [
            MembershipStatus.ACCEPTED,
            MembershipStatus.APPLIED,
            MembershipStatus.IN_REVIEW,
            MembershipStatus.REFUSED,
            MembershipStatus.ACCEPTED,
            MembershipStatus.ACCEPTED,
            MembershipStatus.APPLIED,
        ]
        for place, status in zip(managed, states, strict=False):
            add(national, place, status)

        created = Membership.objects.bulk_create([membership for membership, _h in rows])
        MembershipEvent.objects.bulk_create(
            [
                MembershipEvent(
                    membership=membership, from_status=old, to_status=new, by=by, note=note
                )
                for membership, (_m, history) in zip(created, rows, strict=True)
                for old, new, by, note in history
            ]
        )

    # everything --------------------------------------------------------------------------

    def build(self, *, managed_places: int) -> None:
        places = self.places()
        national, regional, locals_ = self.networks(places)
        self.spaces_and_equipment(places)

        admin = self.person(local_part="admin", is_staff=True, is_superuser=True)
        national_coordinator = self.person(local_part="coordination.nationale")
        regional_coordinator = self.person(local_part="coordination")
        local_coordinators = [
            self.person(local_part=f"coordination.{_short_slug(local.slug)}") for local in locals_
        ]
        guide = self.person(local_part="aiguilleuse")
        accompanist = self.person(local_part="accompagnateur")
        network_member = self.person(local_part="membre")

        # About twenty managed places, drawn in the census order; the first managers run two.
        managed = sorted(
            self.rng.sample(places, min(managed_places, len(places))),
            key=lambda p: int(p.external_id.removeprefix(EXTERNAL_PREFIX)),
        )
        doubles = min(3, len(managed) // 2)
        manager_people = [self.person() for _ in range(len(managed) - doubles)]
        place_manager: dict[int, User] = {}
        for index, place in enumerate(managed):
            place_manager[place.pk] = manager_people[index % len(manager_people)]
        coworkers: list[tuple[User, Place]] = []
        for place in managed[:12]:
            for _seat in range(2):
                coworkers.append((self.person(commune=place.commune), place))

        staff = [
            admin,
            national_coordinator,
            regional_coordinator,
            *local_coordinators,
            guide,
            accompanist,
            network_member,
        ]
        people = User.objects.bulk_create(
            staff + manager_people + [person for person, _p in coworkers]
        )
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=person, email=person.email, verified=True, primary=True)
                for person in people
            ]
        )

        roles = [
            NetworkRole(network=national, user=national_coordinator, role=NetworkRole.Role.COORDINATOR),
            NetworkRole(network=regional, user=regional_coordinator, role=NetworkRole.Role.COORDINATOR),
            NetworkRole(network=regional, user=guide, role=NetworkRole.Role.GUIDE),
            NetworkRole(network=regional, user=accompanist, role=NetworkRole.Role.ACCOMPANIST),
            NetworkRole(network=regional, user=network_member, role=NetworkRole.Role.MEMBER),
        ]  # fmt: skip
        roles += [
            NetworkRole(network=local, user=person, role=NetworkRole.Role.COORDINATOR)
            for local, person in zip(locals_, local_coordinators, strict=True)
        ]
        NetworkRole.objects.bulk_create(roles)
        PlaceRole.objects.bulk_create(
            [
                PlaceRole(place=place, user=place_manager[place.pk], role=PlaceRole.Role.MANAGER)
                for place in managed
            ]
            + [
                PlaceRole(place=place, user=person, role=PlaceRole.Role.MEMBER)
                for person, place in coworkers
            ]
        )
        skills = []
        for person, _place in coworkers:
            picked = self.rng.sample(content.SKILLS, 3)
            for (name, precision), visibility in zip(picked, Visibility.values, strict=True):
                skills.append(
                    Skill(user=person, name=name, description=precision, visibility=visibility)
                )
        Skill.objects.bulk_create(skills)

        coordinators = {national.pk: national_coordinator, regional.pk: regional_coordinator}
        coordinators |= {
            local.pk: person for local, person in zip(locals_, local_coordinators, strict=True)
        }
        self.memberships(
            places=places,
            national=national,
            regional=regional,
            locals_=locals_,
            managers=place_manager,
            coordinators=coordinators,
        )

        self.logins = [
            DemoLogin("Administration", admin.email, "L'administration Django (/admin/)."),
            DemoLogin(
                "Coordination régionale",
                regional_coordinator.email,
                f"Gérer les adhésions de « {regional.name} ».",
            ),
            DemoLogin(
                "Coordination nationale",
                national_coordinator.email,
                "Examiner les candidatures en attente au réseau national.",
            ),
            *[
                DemoLogin("Coordination locale", person.email, f"Animer « {local.name} ».")
                for local, person in zip(locals_, local_coordinators, strict=True)
            ],
            DemoLogin("Aiguilleuse", guide.email, "Orienter les demandes du réseau régional."),
            DemoLogin("Accompagnateur", accompanist.email, "Le cercle des accompagnements."),
            DemoLogin("Membre du réseau", network_member.email, "Voir l'annuaire des membres."),
        ]
        shown_managers = {}
        for place in managed:
            shown_managers.setdefault(place_manager[place.pk].email, []).append(place.name)
        for email, names in list(shown_managers.items())[:3]:
            self.logins.append(
                DemoLogin("Gestion de lieu", email, "Modifier « " + " », « ".join(names) + " ».")
            )
        if coworkers:
            person, place = coworkers[0]
            self.logins.append(
                DemoLogin(
                    "Coworker", person.email, f"Son profil et ses compétences ({place.name})."
                )
            )


def _short_slug(slug: str) -> str:
    """ "cercle-douaisis-demo" → "douaisis"."""
    return slug.removeprefix(LOCAL_SLUG_PREFIX).removesuffix(LOCAL_SLUG_SUFFIX)


def _summary(kind: str, commune: Commune) -> str:
    label = {PlaceType.COWORKING: "Coworking", PlaceType.FABLAB: "Fablab"}.get(kind, "Tiers-lieu")
    return f"{label} à {commune.name}" + (f", {commune.epci}" if commune.epci else "")


def _description(name: str, kind: str, commune: Commune) -> str:
    what = {
        PlaceType.COWORKING: "un tiers-lieu à dominante **coworking** : des postes de travail "
        "partagés, une salle de réunion et une communauté de travailleurs et travailleuses "
        "indépendants",
        PlaceType.FABLAB: "un tiers-lieu à dominante **fablab** : un atelier de fabrication "
        "numérique ouvert, des machines partagées et des initiations régulières",
    }.get(kind, "un **tiers-lieu** ouvert à toutes et tous")
    where = f"à {commune.name} ({commune.department})"
    if commune.epci:
        where += f", sur le territoire de *{commune.epci}*"
    return (
        f"{name} est {what}, {where}.\n\n"
        "## Venir travailler ou fabriquer ici\n\n"
        "- Accueil des membres des lieux du réseau au tarif réseau\n"
        "- Espaces et équipements partagés : voir ci-dessous\n\n"
        "*Fiche de démonstration : le nom, l'adresse et le site viennent du recensement CGET 2019 ; "
        "le reste est inventé.*"
    )


def load_demo(
    *,
    reset: bool = False,
    census_path: Path = CENSUS_FILE,
    local_networks: int = 4,
    managed_places: int = 20,
    progress: Progress | None = None,
) -> DemoSummary:
    """Build the demo once (idempotent; `reset` rebuilds it); raise CommunesMissing first."""
    if not Commune.objects.exists():
        raise CommunesMissing
    with transaction.atomic():
        if Network.objects.filter(slug=REGIONAL_SLUG).exists():
            if not reset:
                return DemoSummary(created=False, counts=demo_counts())
            delete_demo()
        builder = _Builder(
            rows=read_census(path=census_path), local_networks=local_networks, progress=progress
        )
        builder.build(managed_places=managed_places)
    return DemoSummary(
        created=True, counts=demo_counts(), skipped_rows=builder.skipped, logins=builder.logins
    )
