"""URLs of the events area: calendar feeds (.ics) and imported place calendars."""

from django.urls import URLPattern, path

from maillage.events import feed_views

urlpatterns: list[URLPattern] = [
    path("flux/reseau/<slug:slug>.ics", feed_views.network_feed, name="feed-network"),
    path("flux/cercle/<slug:slug>.ics", feed_views.circle_feed, name="feed-circle"),
    path("flux/lieu/<slug:slug>.ics", feed_views.place_feed, name="feed-place"),
    path("flux/perso/<str:token>.ics", feed_views.personal_feed, name="feed-personal"),
    path("flux/perso/mon-lien/", feed_views.my_calendar, name="feed-my-calendar"),
    path("flux/perso/mon-lien/revoquer/", feed_views.revoke_my_calendar, name="feed-revoke"),
    path("flux/lieu/<slug:slug>/import/", feed_views.feed_sources, name="feed-sources"),
    path(
        "flux/lieu/<slug:slug>/import/<int:pk>/lire/",
        feed_views.feed_source_import,
        name="feed-source-import",
    ),
    path(
        "flux/lieu/<slug:slug>/import/<int:pk>/supprimer/",
        feed_views.feed_source_delete,
        name="feed-source-delete",
    ),
    path("<slug:slug>.ics", feed_views.event_ics, name="event-ics"),
    path("<slug:slug>/<str:key>.ics", feed_views.occurrence_ics, name="occurrence-ics"),
]
