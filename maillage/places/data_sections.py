"""What places holds about a person, for their download and their account's deletion."""

from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.accounts.personal_data import Rows, Section, register
from maillage.places.models import PlaceRole


def _roles(user: User) -> Rows:
    return [
        {"place": role.place.name, "role": role.get_role_display(), "since": role.created_at}
        for role in PlaceRole.objects.filter(user=user).select_related("place")
    ]


def _erase(user: User) -> None:
    # The place stays (and is flagged without a manager by freshness); the person leaves it.
    PlaceRole.objects.filter(user=user).delete()


def register_sections() -> None:
    register(Section("roles_lieux", _("Rôles dans les lieux"), export=_roles, erase=_erase))
