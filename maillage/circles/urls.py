"""Circle URLs under /cercles/, one module per area (each owns its list of patterns)."""

from maillage.circles import urls_budget, urls_circles, urls_meetings, urls_transparency

app_name = "circles"

urlpatterns = [
    *urls_circles.urlpatterns,
    *urls_budget.urlpatterns,
    *urls_meetings.urlpatterns,
    *urls_transparency.urlpatterns,
]
