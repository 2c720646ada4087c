"""Deletion guards: an object the ledger cites, or that owns an account, cannot be deleted.

Generic relations carry no `on_delete`; this does what PROTECT did. It is a signal because the
ledger must not import the models it protects (they register themselves, see `registry`).
"""

from typing import Any

from django.db import models
from django.db.models.deletion import ProtectedError
from django.db.models.signals import pre_delete
from django.utils.translation import gettext as _


def _refuse_if_used(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    from maillage.ledger.models import Account, Transfer, content_type_for

    content_type = content_type_for(sender)
    cited = Transfer.objects.filter(
        models.Q(cause_type=content_type, cause_id=instance.pk)
        | models.Q(authority_type=content_type, authority_id=instance.pk)
    )
    accounts = Account.objects.filter(owner_type=content_type, owner_id=instance.pk)
    if cited.exists() or accounts.exists():
        raise ProtectedError(
            _("« %(object)s » figure dans le grand livre : il ne peut pas être supprimé.")
            % {"object": instance},
            set(cited[:10]) | set(accounts[:10]),
        )


def protect(model: type[models.Model]) -> None:
    pre_delete.connect(
        _refuse_if_used, sender=model, dispatch_uid=f"ledger-protect-{model._meta.label}"
    )


def connect() -> None:
    """Protect the owners the ledger itself knows: places and people (in every network)."""
    from django.contrib.auth import get_user_model

    from maillage.ledger import registry
    from maillage.ledger.models import AccountKind, TransferReason
    from maillage.places.models import Place

    registry.register(
        reasons=TransferReason, account_kinds=AccountKind, citable=(Place, get_user_model())
    )
