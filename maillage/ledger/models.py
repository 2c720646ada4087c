"""The double-entry ledger: accounts owned by any object (or named), immutable transfers.

Every movement of money is one `Transfer` from a debit account to a credit account. A balance is
sum(credits) - sum(debits); each transfer adds to one account what it takes from another, so the
balances of all accounts always sum to zero. Corrections are reversing transfers, never edits.

The ledger knows none of its clients: an account is owned by any object (a place, a person, a
circle…) through a generic relation, or named by a stable code (the network's pool, a funder);
a transfer cites what caused it (a booking, a pass, an envelope, an expense) and, when money
needed one, the decision that allowed it — both generic too. Clients declare their reasons,
account kinds and cited models in `registry`.
"""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.ledger import registry


class ImmutableTransfer(Exception):
    """A transfer was about to be changed or deleted: the ledger is append-only."""


class AccountKind(models.TextChoices):
    """The kinds every network's economy has; clients register their own (a circle's account)."""

    POOL = "pool", _("Caisse du réseau")
    PLACE = "place", _("Lieu")
    MEMBER = "member", _("Membre")
    EXTERNAL = "external", _("Extérieur")
    FUNDER = "funder", _("Financeur")


class TransferReason(models.TextChoices):
    """The ledger's own reasons; clients register theirs (pass fee, circle expense…)."""

    REVERSAL = "reversal", _("Contrepassation")
    ADJUSTMENT = "adjustment", _("Régularisation")


def content_type_for(obj: models.Model | type[models.Model]) -> ContentType:
    """The content type of a model or instance (cached by Django after the first query)."""
    return ContentType.objects.get_for_model(obj)


class AccountQuerySet(models.QuerySet["Account"]):
    def owned_by(self, owner: models.Model) -> "AccountQuerySet":
        return self.filter(owner_type=content_type_for(owner), owner_id=owner.pk)

    def of_kind(self, kind: str) -> "AccountQuerySet":
        return self.filter(kind=kind)


class Account(models.Model):
    """A ledger account of one network: owned by an object, or named by a code (pool, funder)."""

    network = models.ForeignKey(
        "networks.Network",
        verbose_name=_("réseau"),
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    # A code the client chose and registered (`registry.account_kind_label` gives its label).
    kind = models.CharField(_("type"), max_length=20)
    owner_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    # A cache of sum(credits) - sum(debits), updated with every transfer under a row lock;
    # `ledger_check` recomputes it from the transfers.
    balance_cents = models.BigIntegerField(_("solde (cache)"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        ordering = ["network_id", "kind", "pk"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="ledger_account_owner_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "kind", "owner_type", "owner_id"],
                condition=Q(owner_id__isnull=False),
                name="ledger_one_account_per_owner",
            ),
            models.UniqueConstraint(
                fields=["network", "kind", "label"],
                condition=Q(owner_id__isnull=True),
                name="ledger_one_named_account",
            ),
            models.CheckConstraint(
                condition=Q(owner_type__isnull=True, owner_id__isnull=True)
                | Q(owner_type__isnull=False, owner_id__isnull=False),
                name="ledger_account_owner_whole",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["place", "member"]) | Q(owner_id__isnull=False),
                name="ledger_party_account_has_owner",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == AccountKind.POOL:
            return f"{self.kind_label} — {self.network}"
        if self.owner_id is not None:
            return f"{self.owner} ({self.network})"
        return f"{self.label or self.kind_label} ({self.network})"

    @property
    def kind_label(self) -> str:
        return registry.account_kind_label(self.kind)


class TransferQuerySet(models.QuerySet["Transfer"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableTransfer("Transfers are immutable: post a reversing transfer.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableTransfer("Transfers are immutable: post a reversing transfer.")

    def caused_by(self, cause: models.Model) -> "TransferQuerySet":
        """Transfers citing `cause` as what caused them."""
        return self.filter(cause_type=content_type_for(cause), cause_id=cause.pk)

    def caused_by_any(self, causes: models.QuerySet) -> "TransferQuerySet":
        """Transfers caused by any object of `causes` (as an id subquery, not a join)."""
        return self.filter(
            cause_type=content_type_for(causes.model), cause_id__in=causes.values("pk")
        )

    def authorised_by(self, authority: models.Model) -> "TransferQuerySet":
        """Transfers citing `authority` as the decision that allowed them."""
        return self.filter(authority_type=content_type_for(authority), authority_id=authority.pk)

    def with_cause_of_type(self, model: type[models.Model]) -> "TransferQuerySet":
        return self.filter(cause_type=content_type_for(model))


class Transfer(models.Model):
    """One movement of money from a debit account to a credit account; never changed afterwards."""

    debit = models.ForeignKey(
        Account, verbose_name=_("compte débité"), on_delete=models.PROTECT, related_name="debits"
    )
    credit = models.ForeignKey(
        Account, verbose_name=_("compte crédité"), on_delete=models.PROTECT, related_name="credits"
    )
    amount_cents = models.BigIntegerField(_("montant"))
    # A code the client chose and registered (`reason_label` gives its label).
    reason = models.CharField(_("motif"), max_length=30)
    memo = models.CharField(_("libellé"), max_length=250, blank=True)
    # What caused the movement (a booking, a pass's fee, an envelope, an expense)…
    cause_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cause_id = models.PositiveBigIntegerField(null=True, blank=True)
    cause = GenericForeignKey("cause_type", "cause_id")
    # … and, when money needed one, the decision that allowed it.
    authority_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority_id = models.PositiveBigIntegerField(null=True, blank=True)
    authority = GenericForeignKey("authority_type", "authority_id")
    idempotency_key = models.CharField(_("clé d'idempotence"), max_length=200, unique=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("contrepasse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("virement")
        verbose_name_plural = _("virements")
        ordering = ["created_at", "pk"]
        indexes = [
            # Covering index of the monthly settlement (a booking's money, read per booking in
            # index order); the date one finds late events of closed months.
            models.Index(
                fields=["cause_type", "cause_id", "created_at", "amount_cents", "credit", "debit"],
                name="ledger_transfer_cause_idx",
            ),
            models.Index(fields=["created_at"], name="ledger_transfer_created_idx"),
            models.Index(
                fields=["authority_type", "authority_id"], name="ledger_transfer_authority_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="ledger_transfer_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(debit=models.F("credit")), name="ledger_transfer_two_accounts"
            ),
            models.CheckConstraint(
                condition=Q(cause_type__isnull=True, cause_id__isnull=True)
                | Q(cause_type__isnull=False, cause_id__isnull=False),
                name="ledger_transfer_cause_whole",
            ),
            models.CheckConstraint(
                condition=Q(authority_type__isnull=True, authority_id__isnull=True)
                | Q(authority_type__isnull=False, authority_id__isnull=False),
                name="ledger_transfer_authority_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.debit} → {self.credit} : {self.amount_cents} c ({self.reason})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableTransfer("Transfers are immutable: post a reversing transfer.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableTransfer("Transfers are immutable: post a reversing transfer.")

    @property
    def reason_label(self) -> str:
        return registry.reason_label(self.reason)

    def get_reason_display(self) -> str:
        return self.reason_label

    def is_caused_by(self, obj: models.Model) -> bool:
        return self.cause_id == obj.pk and self.cause_type_id == content_type_for(obj).pk
