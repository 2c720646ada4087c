"""The directory keeps its search index and freshness scores in step with every place write."""

from typing import Any

from django.dispatch import receiver

from maillage.directory.freshness.services import recompute_freshness
from maillage.directory.search.services import reindex_place
from maillage.places.models import Place
from maillage.places.signals import place_changed


@receiver(place_changed, sender=Place, dispatch_uid="directory.place_changed")
def on_place_changed(*, place: Place, searchable: bool = True, **_kwargs: Any) -> None:
    if searchable:
        reindex_place(place=place)
    recompute_freshness(place)
