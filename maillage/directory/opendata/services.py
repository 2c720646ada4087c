"""Writes of the open data pages: a network's choice of licence."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.lib.refusals import Refusal
from maillage.networks.models import Network, OpenDataLicence
from maillage.networks.selectors import is_coordinator


class OpenDataError(Refusal):
    """A rule refused the change; `message` says why, in the user's language."""


class NotAllowed(OpenDataError):
    """Only the network's coordinators (or an ancestor's, or admins) choose its licence."""


class UnknownLicence(OpenDataError):
    """The licence is not one the platform offers."""


def set_open_data_licence(*, network: Network, by: User, licence: str) -> Network:
    """Set the licence of the network's open data; raise NotAllowed or UnknownLicence."""
    if not is_coordinator(user=by, network=network):
        raise NotAllowed(_("Seul·e un·e coordinateur·rice du réseau peut choisir sa licence."))
    if licence not in OpenDataLicence.values:
        raise UnknownLicence(
            _("Choisissez la Licence Ouverte 2.0 ou l'Open Database License (ODbL).")
        )
    with transaction.atomic():
        network.open_data_licence = licence
        network.save(update_fields=["open_data_licence", "updated_at"])
    return network
