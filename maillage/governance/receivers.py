"""Every text the charter ever had is kept: a coordinator may still rewrite it on the network's
page (networks raises `charter_version`), and that must not erase the version it replaces.

Networks sits below governance and cannot record a `CharterVersion`; it names the change by
saving `charter_version` among its update fields, which these receivers answer in the same
transaction. An adoption by proposal (`charter.adopt_charter_change`) then fills the proposal
and date of the version these rows already hold."""

from typing import Any

from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from maillage.governance.models import CharterVersion
from maillage.networks.models import Network


def _charter_rewritten(update_fields: Any) -> bool:
    return bool(update_fields) and "charter_version" in update_fields


def keep_the_replaced_charter(
    sender: type[Network], instance: Network, update_fields: Any = None, **kwargs: Any
) -> None:
    if not _charter_rewritten(update_fields) or instance.pk is None:
        return
    before = Network.objects.filter(pk=instance.pk).values("charter", "charter_version").first()
    if before is not None and before["charter"].strip():
        CharterVersion.objects.get_or_create(
            network=instance, number=before["charter_version"], defaults={"text": before["charter"]}
        )


def record_the_new_charter(
    sender: type[Network], instance: Network, update_fields: Any = None, **kwargs: Any
) -> None:
    if _charter_rewritten(update_fields):
        CharterVersion.objects.get_or_create(
            network=instance,
            number=instance.charter_version,
            defaults={"text": instance.charter, "adopted_on": timezone.localdate()},
        )


def connect() -> None:
    pre_save.connect(keep_the_replaced_charter, sender=Network, dispatch_uid="governance-charter-0")
    post_save.connect(record_the_new_charter, sender=Network, dispatch_uid="governance-charter-1")
