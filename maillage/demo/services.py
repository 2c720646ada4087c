"""Build (or rebuild) the demo installation from the 2019 census of tiers-lieux.

Only the places of Hauts-de-France (region 32, about 75 places) are loaded so the demo builds in a
few seconds; the people, spaces, equipment and prices are invented, deterministically
(`random.Random(2019)`), so two installations show the same demo.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import Skill, User, Visibility
from maillage.demo import census, content, kit
from maillage.demo.census import CENSUS_FILE, REGION_CODE, TYPES, read_census, resolve_commune
from maillage.demo.selectors import (
    DEMO_DOMAIN,
    EXTERNAL_PREFIX,
    LOCAL_SLUG_PREFIX,
    LOCAL_SLUG_SUFFIX,
    NATIONAL_SLUG,
    REGIONAL_SLUG,
    SOURCE,
    demo_counts,
    demo_networks,
    demo_places,
    demo_users,
)
from maillage.directory.freshness.services import recompute_all_freshness
from maillage.directory.search.services import rebuild_search_index
from maillage.lib.refusals import Refusal
from maillage.networks import services as network_services
from maillage.networks.models import (
    Membership,
    MembershipEvent,
    MembershipStatus,
    Network,
    NetworkRole,
)
from maillage.places.models import Equipment, Place, PlaceRole, PlaceStatus, PlaceType, Space
from maillage.territory.models import Commune

DEMO_PASSWORD = "maillage-demo"  # noqa: S105 (printed to the operator on purpose)
SEED = 2019

Progress = Callable[[int, int], None]


class DemoError(Refusal):
    """The demo cannot be built; the message says what to do."""


class CommunesMissing(DemoError):
    def __init__(self) -> None:
        super().__init__(
            _("Le référentiel des communes est vide : lancez d'abord « manage.py load_communes ».")
        )


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    what_to_try: str


def with_notes(logins: list[DemoLogin], notes: dict[str, str]) -> list[DemoLogin]:
    """The logins with what else each person can try (by e-mail) added to their first line; a
    person not listed yet gets a line of their own."""
    merged, noted = [], set()
    for login in logins:
        if login.email in notes and login.email not in noted:
            noted.add(login.email)  # on the person's first line only
            login = DemoLogin(login.role, login.email, f"{login.what_to_try} {notes[login.email]}")
        merged.append(login)
    merged += [
        DemoLogin("Gestion de lieu", email, note)
        for email, note in notes.items()
        if email not in noted
    ]
    return merged


@dataclass
class DemoSummary:
    created: bool
    counts: dict[str, int]
    skipped_rows: list[str] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


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
        lat, lon = census.number(row["LAT"]), census.number(row["LONG"])
        if lat is None or lon is None:
            lat, lon = commune.latitude, commune.longitude
        postal_code = census.clean_postal_code(row["CP"])
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
            summary=kit.summary(kind, commune),
            description=kit.description(name, kind, commune),
            # The census marks a few places "(Actuellement fermé)" in their name.
            status=PlaceStatus.CLOSED if "fermé" in name.lower() else PlaceStatus.OPEN,
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
            website=census.website(row["WEB"]),
            external_id=f"{EXTERNAL_PREFIX}{row['ID']}",
            source=SOURCE,
            last_confirmed_at=self.now - timedelta(days=rng.randint(3, 600)),
        )

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
            name = census.circle_name(epci)
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
        newcomers: set[int],
    ) -> None:
        """Every place joins the region and its circle, but the newcomers, who apply later."""
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
                membership.charter_version = network.charter_version
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
            if place.pk in newcomers:
                continue
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

    def applications(
        self, *, newcomers: list[Place], regional: Network, managers: dict[int, User]
    ) -> None:
        """The newcomers apply to the region through the service (its coordinators are told);
        the second application is already in review."""
        coordinator = (
            User.objects.filter(
                network_roles__network=regional, network_roles__role=NetworkRole.Role.COORDINATOR
            )
            .order_by("pk")
            .first()
        )
        for index, place in enumerate(newcomers):
            membership = network_services.apply_for_membership(
                place=place,
                network=regional,
                by=managers[place.pk],
                accept_charter=True,
                motivation=content.MOTIVATIONS[index % len(content.MOTIVATIONS)],
            )
            if index == 1 and coordinator is not None:
                network_services.start_review(
                    membership=membership,
                    by=coordinator,
                    note="Visite du lieu prévue avec le cercle avant la décision.",
                )

    # everything --------------------------------------------------------------------------

    def build(self, *, managed_places: int) -> None:
        places = self.places()
        national, regional, locals_ = self.networks(places)
        spaces, equipment = kit.spaces_and_equipment(places=places, rng=self.rng)
        Space.objects.bulk_create(spaces)
        Equipment.objects.bulk_create(equipment)

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
        # The last two managed places are not members yet: they apply (see `applications`).
        newcomers = managed[-2:] if len(managed) >= 4 else []
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
            newcomers={place.pk for place in newcomers},
        )
        self.applications(newcomers=newcomers, regional=regional, managers=place_manager)
        pending = " et ".join(f"« {place.name} »" for place in newcomers)

        self.logins = [
            DemoLogin("Administration", admin.email, "L'administration Django (/admin/)."),
            DemoLogin(
                "Coordination régionale",
                regional_coordinator.email,
                (f"Examiner les candidatures de {pending}, " if newcomers else "")
                + f"gérer les adhésions de « {regional.name} ».",
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
        # The builder bulk-inserts, bypassing the place services: index and score here.
        rebuild_search_index()
        recompute_all_freshness()
    return DemoSummary(
        created=True, counts=demo_counts(), skipped_rows=builder.skipped, logins=builder.logins
    )
