"""Keep the similarity features of a place in step with the directory."""

from typing import Any

from django.dispatch import receiver

from maillage.places.models import Place
from maillage.places.signals import place_changed
from maillage.services.programmes import follow_place
from maillage.services.similar import refresh_features


@receiver(place_changed, dispatch_uid="services.features")
def on_place_changed(*, place: Place, searchable: bool = True, **_kwargs: Any) -> None:
    if searchable:
        refresh_features([place.pk])
    follow_place(place)
