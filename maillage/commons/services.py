"""Writes of the commons catalogue. Guides and coordinators curate entries; a place's managers
declare that it uses a commons; a person offers themselves as someone to call (their consent)
and may withdraw; anyone logged in logs a contribution."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.commons import licences
from maillage.commons.models import (
    Action,
    Commons,
    Contact,
    Contribution,
    Domain,
    Link,
    Maintainer,
    Nature,
    Usage,
)
from maillage.commons.selectors import can_curate
from maillage.lib.inputs import UNSET, Input, _Unset
from maillage.lib.refusals import Refusal
from maillage.networks.models import Network
from maillage.networks.selectors import networks_guided_by
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place

RESERVED_SLUGS = {
    "nouveau",
    "export",
    "mes-communs",
    "aiguillage",
    "grilles",
    "questions",
    "campagnes",
    "besoins",
    "lieux",
}


class CommonsError(Refusal):
    """A write on the catalogue was refused; nothing changed."""


class NotAllowed(CommonsError):
    status = 403


class InvalidCommons(CommonsError):
    pass


class AlreadyDeclared(CommonsError):
    status = 409


@dataclass(frozen=True, kw_only=True)
class CommonsData(Input):
    """What a curator sets on an entry (UNSET: left as it is)."""

    name: str | _Unset = UNSET
    summary: str | _Unset = UNSET
    description: str | _Unset = UNSET
    how_to_start: str | _Unset = UNSET
    nature: str | _Unset = UNSET
    licence: str | _Unset = UNSET
    actions: list[str] | _Unset = UNSET
    domains: list[str] | _Unset = UNSET
    website: str | _Unset = UNSET
    network: Network | _Unset = UNSET
    is_published: bool | _Unset = UNSET


def _unique_slug(name: str) -> str:
    base = slugify(name)[:150].strip("-") or "commun"
    taken = (
        set(Commons.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        | RESERVED_SLUGS
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check(commons: Commons, *, by: User) -> None:
    if not commons.name.strip():
        raise InvalidCommons(_("Donnez un nom au commun."), field="name")
    if not commons.summary.strip():
        raise InvalidCommons(_("Dites en une phrase ce qu'est ce commun."), field="summary")
    if commons.nature not in Nature.values:
        raise InvalidCommons(_("Choisissez la nature du commun."), field="nature")
    licence = licences.canonical(commons.licence or "")
    if licence is None:
        raise InvalidCommons(licences.UNKNOWN_MESSAGE, field="licence")
    commons.licence = licence
    unknown = [a for a in commons.actions if a not in Action.values]
    if unknown:
        raise InvalidCommons(
            _("Action inconnue : %(v)s.") % {"v": ", ".join(unknown)}, field="actions"
        )
    unknown = [d for d in commons.domains if d not in Domain.values]
    if unknown:
        raise InvalidCommons(
            _("Domaine inconnu : %(v)s.") % {"v": ", ".join(unknown)}, field="domains"
        )
    if not networks_guided_by(user=by).filter(pk=commons.network_id).exists():
        raise NotAllowed(
            _(
                "Seul·es les aiguilleur·ses et coordinateur·rices du réseau référencent ses communs."
            ),
            field="network",
        )


def create_commons(*, by: User, data: CommonsData) -> Commons:
    """List a commons in the catalogue of a network the person curates."""
    commons = Commons(created_by=by)
    data.assign_to(commons)
    _check(commons, by=by)
    with transaction.atomic():
        commons.slug = _unique_slug(commons.name)
        commons.save()
    return commons


def update_commons(*, commons: Commons, by: User, data: CommonsData) -> Commons:
    """Change an entry; its address stays so links keep working. Raise NotAllowed otherwise."""
    if not can_curate(user=by, commons=commons):
        raise NotAllowed(
            _("Seul·es les aiguilleur·ses et coordinateur·rices du réseau modifient ce commun.")
        )
    before = {name: getattr(commons, name) for name in CommonsData.field_names()}
    data.assign_to(commons)
    try:
        _check(commons, by=by)
        commons.save()
    except Exception:
        for name, value in before.items():
            setattr(commons, name, value)
        raise
    return commons


def add_link(*, commons: Commons, by: User, kind: str, url: str, label: str = "") -> Link:
    if not can_curate(user=by, commons=commons):
        raise NotAllowed(
            _("Seul·es les aiguilleur·ses et coordinateur·rices du réseau modifient ce commun.")
        )
    if kind not in Link.Kind.values:
        raise InvalidCommons(_("Choisissez le type du lien."), field="kind")
    return Link.objects.create(commons=commons, kind=kind, url=url, label=label.strip())


def add_maintainer(
    *,
    commons: Commons,
    by: User,
    place: Place | None = None,
    user: User | None = None,
    name: str = "",
) -> Maintainer:
    if not can_curate(user=by, commons=commons):
        raise NotAllowed(
            _("Seul·es les aiguilleur·ses et coordinateur·rices du réseau modifient ce commun.")
        )
    if place is None and user is None and not name.strip():
        raise InvalidCommons(_("Indiquez un lieu, une personne ou le nom d'une structure."))
    return Maintainer.objects.create(commons=commons, place=place, user=user, name=name.strip())


def declare_usage(
    *,
    commons: Commons,
    place: Place,
    by: User,
    since: datetime.date | None = None,
    testimonial: str = "",
) -> Usage:
    """A place's manager says the place uses the commons (since when, and how it went)."""
    if not can_edit_place(user=by, place=place):
        raise NotAllowed(
            _("Seul·es les gestionnaires du lieu déclarent ce qu'il utilise."), field="place"
        )
    if since is not None and since > timezone.localdate():
        raise InvalidCommons(_("La date de début ne peut pas être dans le futur."), field="since")
    try:
        with transaction.atomic():
            return Usage.objects.create(
                commons=commons,
                place=place,
                since=since,
                testimonial=testimonial.strip(),
                declared_by=by,
            )
    except IntegrityError:
        raise AlreadyDeclared(
            _("%(place)s utilise déjà ce commun.") % {"place": place.name}, field="place"
        ) from None


def withdraw_usage(*, usage: Usage, by: User) -> None:
    if not can_edit_place(user=by, place=usage.place):
        raise NotAllowed(_("Seul·es les gestionnaires du lieu déclarent ce qu'il utilise."))
    usage.delete()


def offer_help(*, commons: Commons, by: User, helps_with: str) -> Contact:
    """The person becomes someone to call about the commons: saying so is their consent."""
    helps_with = helps_with.strip()
    if not helps_with:
        raise InvalidCommons(_("Dites en quoi vous pouvez aider."), field="helps_with")
    contact, _created = Contact.objects.update_or_create(
        commons=commons, user=by, defaults={"helps_with": helps_with}
    )
    return contact


def withdraw_help(*, commons: Commons, by: User) -> None:
    """The person is no longer someone to call: their line disappears at once."""
    Contact.objects.filter(commons=commons, user=by).delete()


def log_contribution(
    *,
    commons: Commons,
    by: User,
    kind: str,
    summary: str,
    happened_on: datetime.date,
    place: Place | None = None,
) -> Contribution:
    """Anyone logged in records what they gave; on behalf of a place only if they manage it."""
    if kind not in Contribution.Kind.values:
        raise InvalidCommons(_("Choisissez la nature de la contribution."), field="kind")
    if not summary.strip():
        raise InvalidCommons(_("Dites ce qui a été fait."), field="summary")
    if happened_on > timezone.localdate():
        raise InvalidCommons(
            _("Une contribution ne peut pas être datée du futur."), field="happened_on"
        )
    if place is not None and not can_edit_place(user=by, place=place):
        raise NotAllowed(_("Vous ne gérez pas ce lieu."), field="place")
    return Contribution.objects.create(
        commons=commons,
        by=by,
        place=place,
        kind=kind,
        summary=summary.strip(),
        happened_on=happened_on,
    )
