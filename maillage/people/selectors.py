"""Reads about people, and the checkpoints every page about a person goes through.

The rule that matters most here: no page leaks a private field. A person's e-mail and phone are
only ever shown to that person; their skills follow the visibility each skill was given.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from maillage.accounts.models import Skill, User, Visibility
from maillage.networks.models import NetworkRole
from maillage.networks.selectors import shares_network
from maillage.places.models import PlaceRole

AnyUser = User | AnonymousUser


def visible_skills(*, viewer: AnyUser, person: User) -> QuerySet[Skill]:
    """The skills of `person` that `viewer` may see: all for themself and admins, else by visibility."""
    skills = Skill.objects.filter(user=person)
    if viewer.is_authenticated and (viewer.pk == person.pk or viewer.is_superuser):
        return skills
    allowed = [Visibility.PUBLIC]
    if shares_network(viewer, person):
        allowed.append(Visibility.NETWORK)
    return skills.filter(visibility__in=allowed)


def can_see_private_fields(*, viewer: AnyUser, person: User) -> bool:
    """Whether the viewer may see the e-mail and phone of `person`: only the person themself."""
    return viewer.is_authenticated and viewer.pk == person.pk


def get_person(*, pk: int) -> User:
    """Return an active person for their public page; raise Http404 otherwise."""
    person = User.objects.select_related("commune").filter(pk=pk, is_active=True).first()
    if person is None:
        raise Http404
    return person


def get_skill_for_owner(*, user: AnyUser, pk: int) -> Skill:
    """Return a skill of `user` for editing.

    Raise Http404 if the skill does not exist or the user may not even see it, PermissionDenied
    if they can see it but it is someone else's.
    """
    skill = Skill.objects.select_related("user").filter(pk=pk).first()
    if skill is None:
        raise Http404
    if user.is_authenticated and skill.user_id == user.pk:
        return skill
    if visible_skills(viewer=user, person=skill.user).filter(pk=skill.pk).exists():
        raise PermissionDenied
    raise Http404


def profile_roles(*, user: User) -> tuple[list[NetworkRole], list[PlaceRole]]:
    """The roles of a person in networks and places, with the network or place loaded."""
    network_roles = list(
        NetworkRole.objects.filter(user=user).select_related("network").order_by("network__name")
    )
    place_roles = list(
        PlaceRole.objects.filter(user=user).select_related("place").order_by("place__name")
    )
    return network_roles, place_roles
