"""RSS 2.0 and Atom feeds of the coming public sessions, per network (with its circles and
member places), per circle and per place (django.contrib.syndication)."""

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from maillage.circles.selectors import get_circle
from maillage.communication import relay
from maillage.events import selectors as events
from maillage.lib.french import date_format
from maillage.lib.markdown import render_markdown
from maillage.lib.urls import absolute_url
from maillage.networks.selectors import get_network
from maillage.places.models import Place

Session = Any  # an events Occurrence (whose model this feature does not import)
HORIZON = datetime.timedelta(days=90)
LIMIT = 50


def session_path(occurrence: Session) -> str:
    return reverse(
        "events:occurrence-detail", args=[occurrence.event.slug, events.occurrence_key(occurrence)]
    )


def session_when(occurrence: Session) -> str:
    start = timezone.localtime(occurrence.starts_at)
    return f"{date_format(start.date(), 'l j F Y')}, {start.hour} h {start.minute:02d}"


def session_where(occurrence: Session) -> str:
    event = occurrence.event
    place = event.venue or event.place
    if place is not None:
        commune = f" ({place.commune.name})" if place.commune is not None else ""
        return f"{place.name}{commune}"
    return event.address or (_("En ligne") if event.online_url else "")


class _SessionsFeed(Feed):
    kind = ""

    def items(self, obj):
        now = timezone.now()
        sessions = relay.public_sessions(start=now, end=now + HORIZON, **{self.kind: obj})
        return list(sessions[:LIMIT])

    def link(self, obj):
        return absolute_url(obj.get_absolute_url())

    def item_title(self, item: Session) -> str:
        title = item.title_override or item.event.title
        prefix = _("[Annulé] ") if item.cancelled or item.event.status == "cancelled" else ""
        return f"{prefix}{title} — {session_when(item)}"

    def item_description(self, item: Session) -> str:
        where = session_where(item)
        head = (
            f"<p><strong>{session_when(item)}</strong>" + (f" · {where}" if where else "") + "</p>"
        )
        return head + str(render_markdown(item.event.description))

    def item_link(self, item: Session) -> str:
        # The site's own address (settings), not the Sites framework's domain.
        return absolute_url(session_path(item))

    def item_guid(self, item: Session) -> str:
        return f"session-{item.pk}@maillage"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Session):
        return item.event.created_at

    def item_updateddate(self, item: Session):
        return item.event.updated_at

    def item_categories(self, item: Session):
        return [str(item.event.get_kind_display())]


class NetworkFeed(_SessionsFeed):
    kind = "network"

    def get_object(self, request, slug):
        return get_network(slug=slug)

    def title(self, obj):
        return _("Agenda — %(name)s") % {"name": obj.name}

    def description(self, obj):
        return _(
            "Les prochaines animations publiques du réseau %(name)s, de ses cercles et de ses lieux."
        ) % {"name": obj.name}


class CircleFeed(_SessionsFeed):
    kind = "circle"

    def get_object(self, request, slug):
        return get_circle(slug=slug)

    def link(self, obj):
        return absolute_url(reverse("circles:circle-detail", args=[obj.slug]))

    def title(self, obj):
        return _("Agenda — %(name)s") % {"name": obj.name}

    def description(self, obj):
        return _("Les prochaines animations publiques du cercle %(name)s.") % {"name": obj.name}


class PlaceFeed(_SessionsFeed):
    kind = "place"

    def get_object(self, request, slug):
        return get_object_or_404(Place, slug=slug, is_published=True)

    def title(self, obj):
        return _("Agenda — %(name)s") % {"name": obj.name}

    def description(self, obj):
        return _("Les prochaines animations publiques à %(name)s.") % {"name": obj.name}


class NetworkAtom(NetworkFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class CircleAtom(CircleFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class PlaceAtom(PlaceFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


def plain(text: str) -> str:
    return " ".join(strip_tags(text).split())
