"""What the commons catalogue holds about a person, for their download and their account's
deletion."""

from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.accounts.personal_data import Rows, Section, register
from maillage.commons.models import Contact, Contribution, NeedSupport, PriorityNeed


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


def _needs(user: User) -> Rows:
    posted = [
        {"lieu": n.place.name, "besoin": n.title, "publie_le": n.created_at, "soutien": False}
        for n in PriorityNeed.objects.filter(posted_by=user).select_related("place")
    ]
    supported = [
        {"lieu": s.place.name, "besoin": s.need.title, "publie_le": s.created_at, "soutien": True}
        for s in NeedSupport.objects.filter(supported_by=user).select_related("place", "need")
    ]
    return posted + supported


def _erase_needs(user: User) -> None:
    # Needs and supports are the places': they stay, without the person who acted.
    PriorityNeed.objects.filter(posted_by=user).update(posted_by=None)
    NeedSupport.objects.filter(supported_by=user).update(supported_by=None)


def register_sections() -> None:
    register(
        Section(
            "communs_besoins",
            _("Communs : besoins prioritaires publiés et soutenus"),
            export=_needs,
            erase=_erase_needs,
        )
    )
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
