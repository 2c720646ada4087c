"""What networks holds about a person, for their download and their account's deletion."""

from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.accounts.personal_data import Rows, Section, register
from maillage.networks.models import NetworkRole


def _roles(user: User) -> Rows:
    return [
        {"network": role.network.name, "role": role.get_role_display(), "since": role.created_at}
        for role in NetworkRole.objects.filter(user=user).select_related("network")
    ]


def _erase(user: User) -> None:
    # A deleted account coordinates nothing any more; the decisions it recorded stay.
    NetworkRole.objects.filter(user=user).delete()


def register_sections() -> None:
    register(Section("roles_reseaux", _("Rôles dans les réseaux"), export=_roles, erase=_erase))
