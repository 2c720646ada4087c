"""Places' priority needs: a place's managers post what the place needs most, in one of its
networks; other places support it (one support per place); the place withdraws it once met.
The most supported needs are the input of the network's next call for commons (the
aiguillage's dashboard and its CSV)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.commons.models import Action, Domain, NeedSupport, PriorityNeed
from maillage.commons.need_selectors import networks_of_place
from maillage.commons.services import CommonsError, NotAllowed
from maillage.networks.models import Network
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place

# Priority means few: beyond three open needs a place is asked to withdraw one first.
MAX_OPEN_NEEDS = 3


class NeedError(CommonsError):
    """A rule of the priority needs refused the request; nothing changed."""


class AlreadySupported(NeedError):
    status = 409


class NeedClosed(NeedError):
    status = 409


class TooManyNeeds(NeedError):
    """The place already has its open needs: one must be withdrawn first (the state of things)."""

    status = 409


@dataclass(frozen=True, kw_only=True)
class NeedData:
    title: str
    details: str = ""
    action: str = ""
    domain: str = ""


def _check_manager(*, place: Place, by: User, field: str = "place") -> None:
    if not can_edit_place(user=by, place=place):
        raise NotAllowed(
            _("Seul·es les gestionnaires de « %(place)s » agissent en son nom.")
            % {"place": place.name},
            field=field,
        )


def post_need(*, place: Place, network: Network, data: NeedData, by: User) -> PriorityNeed:
    """Post a priority need of `place` in `network`. Raise NotAllowed, NeedError."""
    _check_manager(place=place, by=by)
    title = " ".join(data.title.split())
    if not title:
        raise NeedError(_("Dites le besoin en une phrase."), field="title")
    if data.action and data.action not in Action.values:
        raise NeedError(_("Choisissez une action de la liste."), field="action")
    if data.domain and data.domain not in Domain.values:
        raise NeedError(_("Choisissez un domaine de la liste."), field="domain")
    if network.pk not in {n.pk for n in networks_of_place(place=place)}:
        raise NeedError(
            _("« %(place)s » n'est pas membre de ce réseau.") % {"place": place.name},
            field="network",
        )
    with transaction.atomic():
        Place.objects.select_for_update().filter(pk=place.pk).first()
        open_count = PriorityNeed.objects.filter(place=place, closed_at__isnull=True).count()
        if open_count >= MAX_OPEN_NEEDS:
            raise TooManyNeeds(
                _(
                    "« %(place)s » a déjà %(count)s besoins prioritaires ouverts : retirez-en un "
                    "avant d'en publier un autre."
                )
                % {"place": place.name, "count": open_count},
                field="title",
            )
        return PriorityNeed.objects.create(
            network=network,
            place=place,
            title=title[:200],
            details=data.details.strip()[:2000],
            action=data.action,
            domain=data.domain,
            posted_by=by,
        )


def support_need(*, need: PriorityNeed, place: Place, by: User) -> NeedSupport:
    """`place` supports another place's open need. Raise NotAllowed, NeedClosed,
    AlreadySupported, NeedError."""
    _check_manager(place=place, by=by)
    if need.place_id == place.pk:
        raise NeedError(
            _("Un lieu ne soutient pas son propre besoin : il l'a déjà publié."), field="place"
        )
    with transaction.atomic():
        locked = PriorityNeed.objects.select_for_update().get(pk=need.pk)
        if locked.closed_at is not None:
            raise NeedClosed(_("Ce besoin a été retiré : il ne reçoit plus de soutiens."))
        try:
            with transaction.atomic():
                return NeedSupport.objects.create(need=locked, place=place, supported_by=by)
        except IntegrityError as exc:
            raise AlreadySupported(
                _("« %(place)s » soutient déjà ce besoin.") % {"place": place.name},
                field="place",
            ) from exc


def withdraw_support(*, need: PriorityNeed, place: Place, by: User) -> None:
    """`place` no longer supports the need (nothing happens if it did not)."""
    _check_manager(place=place, by=by)
    NeedSupport.objects.filter(need=need, place=place).delete()


def close_need(*, need: PriorityNeed, by: User) -> PriorityNeed:
    """The place withdraws its need (met, or no longer a priority); it leaves the ranking and
    keeps its supports for the record. Raise NotAllowed, NeedClosed."""
    _check_manager(place=need.place, by=by)
    with transaction.atomic():
        locked = PriorityNeed.objects.select_for_update().get(pk=need.pk)
        if locked.closed_at is not None:
            raise NeedClosed(_("Ce besoin est déjà retiré."))
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
    return locked
