"""`{% upcoming_events_for owner %}`: the next animations of a network, circle or place, for
their pages (with links to the filtered agenda and the public calendar feed)."""

from urllib.parse import urlencode

from django import template
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from maillage.circles.selectors import is_circle
from maillage.events.selectors import upcoming_for_owner
from maillage.networks.models import Network
from maillage.places.selectors import can_edit_place

register = template.Library()


@register.inclusion_tag("events/_upcoming_for.html", takes_context=True)
def upcoming_events_for(context: template.Context, owner, limit: int = 5) -> dict:
    request = context.get("request")
    user = request.user if request is not None else AnonymousUser()
    agenda = reverse("events:agenda")
    sources_url = ""
    if isinstance(owner, Network):
        agenda_url = f"{agenda}?{urlencode({'reseau': owner.slug})}"
        feed_url = reverse("events:feed-network", args=[owner.slug])
    elif is_circle(owner):
        agenda_url = f"{agenda}?{urlencode({'cercle': owner.slug})}"
        feed_url = reverse("events:feed-circle", args=[owner.slug])
    else:
        agenda_url = ""
        feed_url = reverse("events:feed-place", args=[owner.slug])
        if can_edit_place(user=user, place=owner):
            sources_url = reverse("events:feed-sources", args=[owner.slug])
    return {
        "occurrences": upcoming_for_owner(user=user, owner=owner, limit=limit),
        "agenda_url": agenda_url,
        "feed_url": feed_url,
        "sources_url": sources_url,
    }
