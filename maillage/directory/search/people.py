"""Reads of the search page's "Personnes et compétences" section: who knows what, as far as the
viewer may see.

Skills carry their name and précision as light French stems (`Skill.search_text`, kept by
`Skill.save`), so "comptabilites" finds "Comptabilité" the way the place index does: every word
of the query must start a word of the skill, asked of the database's full-text index
(`people_index.py`). Visibility follows `maillage.people.selectors`
(public to all, network to people sharing a network, private to the owner, all to admins) but
for every owner at once: the viewer's networks are read once, then one SQL condition keeps the
network skills of owners with a role in one of them (directly, or through an accepted place).
A handful of queries whatever the number of people.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from maillage.accounts.models import Skill, User, Visibility
from maillage.directory.search import people_index
from maillage.directory.search.filters import SearchFilters
from maillage.lib.french_stem import tokens
from maillage.networks.models import MembershipStatus, NetworkRole
from maillage.networks.selectors import networks_of
from maillage.places.models import Place, PlaceRole
from maillage.territory.selectors import normalize_name

PEOPLE_LIMIT = 20
# Above this many people, select them by subquery rather than by a list of ids.
MAX_LISTED_IDS = 500


@dataclass(frozen=True)
class PersonResult:
    person: User
    skills: list[Skill]
    places: list[Place]


@dataclass
class PeopleResults:
    words: str
    total: int = 0
    people: list[PersonResult] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.total > len(self.people)


def people_words(filters: SearchFilters) -> str:
    """The words the people section searches: the skill filter if given, else the query."""
    return filters.skill or filters.q


def visible_skills_for(*, viewer: Any) -> QuerySet[Skill]:
    """Every skill of an active person that `viewer` may see (at most one query to build)."""
    skills = Skill.objects.filter(user__is_active=True)
    if viewer is None or not viewer.is_authenticated:
        return skills.filter(visibility=Visibility.PUBLIC)
    if viewer.is_superuser:
        return skills
    allowed = Q(visibility=Visibility.PUBLIC) | Q(user_id=viewer.pk)
    network_ids = list(networks_of(user=viewer).values_list("pk", flat=True))
    if network_ids:
        in_shared_network = Exists(
            NetworkRole.objects.filter(user_id=OuterRef("user_id"), network_id__in=network_ids)
        ) | Exists(
            PlaceRole.objects.filter(
                user_id=OuterRef("user_id"),
                place__memberships__network_id__in=network_ids,
                place__memberships__status=MembershipStatus.ACCEPTED,
            )
        )
        allowed |= Q(visibility=Visibility.NETWORK) & in_shared_network
    return skills.filter(allowed)


def matching(skills: QuerySet[Skill], words: str) -> QuerySet[Skill] | None:
    """The skills whose every query word starts one of their words; None without a usable word."""
    stems = list(dict.fromkeys(tokens(normalize_name(words))))
    if not stems:
        return None
    indexed = people_index.matching_ids(stems, using=skills.db)
    if indexed is not None:
        sql, params = indexed
        return skills.filter(pk__in=RawSQL(sql, params))  # noqa: S611 (stems, as parameters)
    for stem in stems:
        # Stems are lower-case [0-9a-z]+, like search_text: a word start is the text's start
        # or a space before it.
        skills = skills.filter(
            Q(search_text__startswith=stem) | Q(search_text__contains=f" {stem}")
        )
    return skills


def search_people(
    filters: SearchFilters, *, user: Any = None, limit: int = PEOPLE_LIMIT
) -> PeopleResults | None:
    """The people with a visible skill matching the words, their matching skills and places.

    None when there is nothing to search for (no words, or only stop words).
    """
    words = people_words(filters)
    if not words:
        return None
    skills = matching(visible_skills_for(viewer=user), words)
    if skills is None:
        return None
    found = PeopleResults(words=words)
    # One scan of the matching skills (an EXISTS per person would run once for each of them).
    user_ids = set(skills.order_by().values_list("user_id", flat=True))
    found.total = len(user_ids)
    if not found.total:
        return found
    people = User.objects.filter(
        pk__in=user_ids if len(user_ids) <= MAX_LISTED_IDS else skills.values("user_id")
    )
    # Ordered by the public name's parts; never by (or showing) the e-mail address.
    page = list(
        people.only("pk", "display_name", "first_name", "last_name", "anonymised_at").order_by(
            "display_name", "last_name", "first_name", "pk"
        )[:limit]
    )
    ids = [person.pk for person in page]
    by_person: dict[int, list[Skill]] = defaultdict(list)
    for skill in skills.filter(user_id__in=ids).only("pk", "user_id", "name", "description"):
        by_person[skill.user_id].append(skill)
    places: dict[int, list[Place]] = defaultdict(list)
    for role in (
        PlaceRole.objects.filter(user_id__in=ids, place__is_published=True)
        .select_related("place")
        .order_by("place__name", "place__pk")
    ):
        if role.place not in places[role.user_id]:
            places[role.user_id].append(role.place)
    found.people = [
        PersonResult(person=person, skills=by_person[person.pk], places=places[person.pk])
        for person in page
    ]
    return found
