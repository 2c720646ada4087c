"""Who a circle may pay, amounts it may move, and the ledger accounts money moves between."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.circles.budget_services.errors import InvalidAmount, InvalidPayee
from maillage.circles.models import (
    PAID_ROLES,
    Circle,
    CircleAccountKind,
    PayeeKind,
)
from maillage.circles.selectors import (
    current_members,
)
from maillage.ledger import services as ledger
from maillage.ledger.models import Account
from maillage.places.models import Place


def check_amount(amount_cents: int) -> None:
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents <= 0:
        raise InvalidAmount(_("Le montant doit être positif."))
    if amount_cents > ledger.MAX_AMOUNT_CENTS:
        raise InvalidAmount(_("Ce montant est hors de proportion : vérifiez-le."))


@dataclass(frozen=True)
class Payee:
    kind: str
    user: User | None = None
    place: Place | None = None
    name: str = ""


def paid_people(*, circle: Circle) -> list[User]:
    """The people currently in a paid role of the circle (soucieux·ses, contributeur·rice·s)."""
    return [m.user for m in current_members(circle=circle).filter(role__in=PAID_ROLES)]


def clean_payee(*, circle: Circle, payee: Payee) -> Payee:
    """Check the payee may be paid by the circle; raise InvalidPayee."""
    if payee.kind == PayeeKind.PERSON:
        if payee.user is None:
            raise InvalidPayee(_("Choisissez la personne à payer."), field="payee_user")
        in_paid_role = (
            current_members(circle=circle).filter(user=payee.user, role__in=PAID_ROLES).exists()
        )
        if not in_paid_role:
            raise InvalidPayee(
                _(
                    "Seule une personne actuellement en rôle rémunéré du cercle "
                    "(soucieux·se ou contributeur·rice) peut être payée."
                ),
                field="payee_user",
            )
        return Payee(kind=PayeeKind.PERSON, user=payee.user)
    if payee.kind == PayeeKind.PLACE:
        if payee.place is None or not circle.places.filter(pk=payee.place.pk).exists():
            raise InvalidPayee(_("Choisissez un lieu membre du cercle."), field="payee_place")
        return Payee(kind=PayeeKind.PLACE, place=payee.place)
    if payee.kind == PayeeKind.PROVIDER:
        name = (payee.name or "").strip()
        if not name:
            raise InvalidPayee(_("Indiquez le nom du prestataire."), field="payee_name")
        return Payee(kind=PayeeKind.PROVIDER, name=name[:200])
    raise InvalidPayee(_("Choisissez le type de bénéficiaire."))


def circle_account(*, circle: Circle) -> Account:
    """Return (creating it once) the ledger account of a territorial circle."""
    return ledger.owned_account(network=circle.network, kind=CircleAccountKind.CIRCLE, owner=circle)


def payee_account(
    *, circle: Circle, kind: str, user: User | None, place: Place | None, name: str
) -> Account:
    """The ledger account a payee is paid into."""
    if kind == PayeeKind.PERSON and user is not None:
        return ledger.member_account(network=circle.network, user=user)
    if kind == PayeeKind.PLACE and place is not None:
        return ledger.place_account(network=circle.network, place=place)
    return ledger.external_account(network=circle.network, name=name)
