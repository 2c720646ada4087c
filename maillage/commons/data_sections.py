"""What the commons catalogue holds about a person, for their download and their account's
deletion."""

from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.accounts.personal_data import Rows, Section, register
from maillage.commons.models import Contact, Contribution


def _contacts(user: User) -> Rows:
    return [
        {"commun": c.commons.name, "aide": c.helps_with, "depuis": c.consented_at}
        for c in Contact.objects.filter(user=user).select_related("commons")
    ]


def _contributions(user: User) -> Rows:
    return [
        {"commun": c.commons.name, "nature": c.kind, "resume": c.summary, "date": c.happened_on}
        for c in Contribution.objects.filter(by=user).select_related("commons")
    ]


def _erase_contacts(user: User) -> None:
    # Someone to call must be someone who can answer: a deleted account is no one's contact.
    Contact.objects.filter(user=user).delete()


def _erase_contributions(user: User) -> None:
    # The log stays (it shows a living community), without the person.
    Contribution.objects.filter(by=user).update(by=None)


def register_sections() -> None:
    register(
        Section(
            "communs_contacts",
            _("Communs : personne à appeler"),
            export=_contacts,
            erase=_erase_contacts,
        )
    )
    register(
        Section(
            "communs_contributions",
            _("Communs : contributions"),
            export=_contributions,
            erase=_erase_contributions,
        )
    )
