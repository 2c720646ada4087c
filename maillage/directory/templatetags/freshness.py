"""`{% freshness_badge place %}`: the public "vérifié il y a 3 mois" / "à vérifier" badge."""

from django import template

from maillage.directory.freshness.selectors import freshness_badge as badge_for
from maillage.places.models import Place

register = template.Library()


@register.inclusion_tag("directory/freshness/_badge.html")
def freshness_badge(place: Place) -> dict:
    return {"badge": badge_for(place)}
