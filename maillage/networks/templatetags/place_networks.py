"""`{% accepted_memberships_of place as memberships %}`: the networks a place belongs to, for the
place page (which `places` renders below `networks`, so it asks through this tag)."""

from django import template

from maillage.networks.models import Membership
from maillage.networks.selectors import accepted_memberships_of as memberships_of
from maillage.places.models import Place

register = template.Library()


@register.simple_tag
def accepted_memberships_of(place: Place) -> list[Membership]:
    return memberships_of(place=place)
