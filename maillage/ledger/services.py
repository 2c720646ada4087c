"""Writes of the ledger: accounts (created once, race-safe), transfers, reversals.

Clients (mobility, circles…) call these; the ledger imports none of them. A transfer cites what
caused it (`cause`) and, when one was needed, the decision that allowed it (`authority`).
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from maillage.ledger.models import (
    Account,
    AccountKind,
    Transfer,
    TransferReason,
    content_type_for,
)
from maillage.lib.refusals import Refusal
from maillage.networks.models import Network
from maillage.places.models import Place

# Far above any real movement of a tiers-lieu network: 1 million euros.
MAX_AMOUNT_CENTS = 100_000_000


class LedgerError(Refusal):
    """A rule of the ledger refused the transfer; nothing was posted."""


class InvalidAmount(LedgerError):
    field = "amount"


class SameAccount(LedgerError):
    pass


class IdempotencyConflict(LedgerError):
    """The idempotency key was already used for a different transfer."""

    status = 409


class AlreadyReversed(LedgerError):
    status = 409


# --- accounts ---------------------------------------------------------------------------------


def _account(*, network: Network, kind: str, owner: models.Model | None, label: str) -> Account:
    lookup: dict[str, object] = {"network": network, "kind": kind}
    if owner is not None:
        lookup |= {"owner_type": content_type_for(owner), "owner_id": owner.pk}
    else:
        lookup |= {"owner_type": None, "owner_id": None, "label": label}
    try:
        with transaction.atomic():
            account, _created = Account.objects.get_or_create(
                **lookup, defaults={"label": label} if owner is not None else {}
            )
    except IntegrityError:
        # Another request created it between our read and our insert.
        account = Account.objects.get(**lookup)
    return account


def owned_account(*, network: Network, kind: str, owner: models.Model, label: str = "") -> Account:
    """Return (creating it once) the account of kind `kind` that `owner` holds in a network."""
    return _account(network=network, kind=kind, owner=owner, label=label[:200])


def named_account(*, network: Network, kind: str, name: str) -> Account:
    """Return (creating it once) the account of kind `kind` named `name` in a network."""
    return _account(network=network, kind=kind, owner=None, label=name.strip()[:200])


def pool_account(*, network: Network) -> Account:
    """Return (creating it once) the network's pool account."""
    return named_account(network=network, kind=AccountKind.POOL, name="")


def place_account(*, network: Network, place: Place) -> Account:
    """Return (creating it once) the account of a place in a network."""
    return owned_account(network=network, kind=AccountKind.PLACE, owner=place)


def member_account(*, network: Network, user: AbstractBaseUser) -> Account:
    """Return (creating it once) the account of a member in a network."""
    return owned_account(network=network, kind=AccountKind.MEMBER, owner=user)


def funder_account(*, network: Network, name: str) -> Account:
    """Return (creating it once) the account of a funder, one per network and funder name."""
    return named_account(network=network, kind=AccountKind.FUNDER, name=name)


def external_account(*, network: Network, name: str) -> Account:
    """Return (creating it once) the account of an outside party (a provider), by name."""
    return named_account(network=network, kind=AccountKind.EXTERNAL, name=name)


# --- transfers --------------------------------------------------------------------------------


def _citation(obj: models.Model | None) -> tuple[int | None, int | None]:
    if obj is None:
        return None, None
    return content_type_for(obj).pk, obj.pk


def post_transfer(
    *,
    debit: Account,
    credit: Account,
    amount_cents: int,
    reason: str,
    idempotency_key: str,
    memo: str = "",
    cause: models.Model | None = None,
    authority: models.Model | None = None,
    reverses: Transfer | None = None,
    by: AbstractBaseUser | None = None,
) -> Transfer:
    """Post one transfer, or return the one already posted with this key.

    Raise InvalidAmount, SameAccount, or IdempotencyConflict when the key was used for a
    different transfer.
    """
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents <= 0:
        raise InvalidAmount(_("Le montant d'un virement doit être un nombre positif de centimes."))
    if amount_cents > MAX_AMOUNT_CENTS:
        raise InvalidAmount(_("Ce montant est hors de proportion : virement refusé."))
    if debit.pk == credit.pk:
        raise SameAccount(_("Un virement doit aller d'un compte à un autre."))
    if not idempotency_key:
        raise LedgerError(_("Un virement doit porter une clé d'idempotence."))
    cause_type_id, cause_id = _citation(cause)
    authority_type_id, authority_id = _citation(authority)
    return _post(
        {
            "debit_id": debit.pk,
            "credit_id": credit.pk,
            "amount_cents": amount_cents,
            "reason": str(reason),
            "cause_type_id": cause_type_id,
            "cause_id": cause_id,
            "authority_type_id": authority_type_id,
            "authority_id": authority_id,
            "reverses_id": reverses.pk if reverses else None,
        },
        idempotency_key=idempotency_key,
        memo=memo,
        by=by,
    )


def _post(
    content: dict[str, object], *, idempotency_key: str, memo: str, by: AbstractBaseUser | None
) -> Transfer:
    debit_id, credit_id = content["debit_id"], content["credit_id"]
    amount_cents = content["amount_cents"]
    assert isinstance(amount_cents, int)
    with transaction.atomic():
        # Lock both accounts, in a fixed order so two transfers between the same accounts in
        # opposite directions cannot deadlock; the lock also serialises two requests with the
        # same key (the second one finds the first one's transfer).
        locked = {
            a.pk: a
            for a in Account.objects.select_for_update()
            .filter(pk__in=[debit_id, credit_id])
            .order_by("pk")
        }
        existing = Transfer.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if all(getattr(existing, field) == value for field, value in content.items()):
                return existing
            raise IdempotencyConflict(
                _("Cette clé d'idempotence a déjà servi pour un autre virement.")
            )
        transfer = Transfer.objects.create(
            idempotency_key=idempotency_key, memo=memo[:250], created_by=by, **content
        )
        # Keep the cached balances true in the same transaction as the transfer.
        locked[debit_id].balance_cents -= amount_cents
        locked[debit_id].save(update_fields=["balance_cents"])
        locked[credit_id].balance_cents += amount_cents
        locked[credit_id].save(update_fields=["balance_cents"])
    return transfer


def reverse_transfer(
    *, transfer: Transfer, idempotency_key: str, memo: str = "", by: AbstractBaseUser | None = None
) -> Transfer:
    """Post the transfer that cancels `transfer` (credit → debit), citing the same cause and
    decision; raise AlreadyReversed."""
    if transfer.reverses_id is not None:
        raise AlreadyReversed(_("Une contrepassation ne se contrepasse pas : passez un virement."))
    existing = Transfer.objects.filter(reverses=transfer).first()
    if existing is not None and existing.idempotency_key != idempotency_key:
        raise AlreadyReversed(_("Ce virement a déjà été contrepassé."))
    try:
        return _post(
            {
                "debit_id": transfer.credit_id,
                "credit_id": transfer.debit_id,
                "amount_cents": transfer.amount_cents,
                "reason": TransferReason.REVERSAL.value,
                "cause_type_id": transfer.cause_type_id,
                "cause_id": transfer.cause_id,
                "authority_type_id": transfer.authority_type_id,
                "authority_id": transfer.authority_id,
                "reverses_id": transfer.pk,
            },
            idempotency_key=idempotency_key,
            memo=memo or _("Contrepassation du virement n° %(pk)s") % {"pk": transfer.pk},
            by=by,
        )
    except IntegrityError as exc:
        # A concurrent reversal with another key won the one-to-one `reverses`.
        raise AlreadyReversed(_("Ce virement a déjà été contrepassé.")) from exc
