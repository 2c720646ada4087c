"""Event URLs under /agenda/, one module per area (each owns its list of patterns)."""

from maillage.events import urls_agenda, urls_feeds, urls_invitations, urls_registration

app_name = "events"

urlpatterns = [
    *urls_invitations.urlpatterns,
    *urls_agenda.urlpatterns,
    *urls_registration.urlpatterns,
    *urls_feeds.urlpatterns,
]
